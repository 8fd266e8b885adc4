/**
 * The checkout flow: sessions are created by the merchant, confirmed by the buyer's frame, sent
 * to the provider, and settled by the provider's answer, the redirect return or a webhook —
 * whichever comes first — through the state machine.
 */
import cardValidator from 'card-validator';
import type { ConfirmSessionInput, CreateSessionInput, ProviderName } from '../../contract/api.ts';
import { ApiError, conflict, invalidRequest, notFound } from '../errors.ts';
import { newId, providerToken } from '../crypto.ts';
import type { Db, Queryable } from '../storage/db.ts';
import type { Logger } from '../log.ts';
import type { ServerConfig } from '../config.ts';
import type { ProviderAdapter, ProviderOutcome } from '../providers/types.ts';
import { transition, type TransitionSource } from './state.ts';
import { effectiveSessionStatus, type PaymentRow, type SessionRow } from './rows.ts';
import type { MerchantAuth } from '../auth.ts';

export interface Deps {
  db: Db;
  config: ServerConfig;
  log: Logger;
  adapters: Record<ProviderName, ProviderAdapter>;
}

export function adapterFor(deps: Deps, provider: string): ProviderAdapter {
  const adapter = deps.adapters[provider as ProviderName];
  if (!adapter) throw new ApiError(500, 'api_error', 'provider_not_configured', `Provider ${provider} is not configured.`);
  return adapter;
}

export async function createSession(deps: Deps, auth: MerchantAuth, input: CreateSessionInput): Promise<SessionRow> {
  const provider = input.provider ?? 'payagency';
  const adapter = adapterFor(deps, provider);
  const max = adapter.maxAmount(input.currency);
  if (input.amount > max) {
    throw invalidRequest('amount_too_large', `amount must be at most ${max} (minor units of ${input.currency}) for ${provider}.`, 'amount');
  }
  const [row] = await deps.db.query<SessionRow>(
    `INSERT INTO checkout_sessions
       (id, merchant_id, mode, amount, currency, order_id, description, customer, return_url, metadata, locale, provider, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10::jsonb, $11, $12, now() + make_interval(secs => $13))
     RETURNING *`,
    [
      newId('cs'),
      auth.merchantId,
      auth.mode,
      input.amount,
      input.currency,
      input.order_id ?? null,
      input.description ?? null,
      input.customer ? JSON.stringify(input.customer) : null,
      input.return_url,
      JSON.stringify(input.metadata ?? {}),
      input.locale ?? null,
      provider,
      deps.config.sessionTtlMs / 1000,
    ],
  );
  return row!;
}

export async function loadSession(db: Queryable, merchantId: string, id: string): Promise<SessionRow> {
  const [row] = await db.query<SessionRow>(`SELECT * FROM checkout_sessions WHERE id = $1 AND merchant_id = $2`, [id, merchantId]);
  if (!row) throw notFound('checkout session', 'id');
  return row;
}

/** The session's most recent payment attempt. */
export async function latestPayment(db: Queryable, sessionId: string): Promise<PaymentRow | null> {
  const [row] = await db.query<PaymentRow>(`SELECT * FROM payments WHERE session_id = $1 ORDER BY attempt DESC LIMIT 1`, [sessionId]);
  return row ?? null;
}

export async function loadPayment(db: Queryable, id: string, merchantId?: string): Promise<PaymentRow | null> {
  const [row] = await db.query<PaymentRow>(
    `SELECT * FROM payments WHERE id = $1 ${merchantId ? 'AND merchant_id = $2' : ''}`,
    merchantId ? [id, merchantId] : [id],
  );
  return row ?? null;
}

/** Server-side card checks: the frame validates too, but the server never trusts it. */
export function checkCard(card: ConfirmSessionInput['payment_method']['card'], now = new Date()) {
  const digits = card.number.replace(/\D/g, '');
  const number = cardValidator.number(digits);
  if (!number.isValid) throw invalidRequest('card_number_invalid', 'payment_method.card.number is not a valid card number.', 'payment_method.card.number');
  const thisMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();
  if (card.exp_year * 12 + (card.exp_month - 1) < thisMonth) {
    throw invalidRequest('card_expired', 'payment_method.card.exp_year and exp_month are in the past: the card has expired.', 'payment_method.card.exp_year');
  }
  const cvcLength = number.card?.code.size ?? 3;
  if (card.cvc.length !== cvcLength) {
    throw invalidRequest('card_cvc_invalid', `payment_method.card.cvc must be ${cvcLength} digits for this card.`, 'payment_method.card.cvc');
  }
  return { digits, brand: number.card?.type ?? null };
}

/** Our IPv4 for the provider: IPv4-mapped and loopback IPv6 are unwrapped, other IPv6 get the fallback. */
export function providerIpv4(ip: string | undefined, fallback: string): string {
  if (!ip) return fallback;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (ip === '::1') return '127.0.0.1';
  return /^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ip : fallback;
}

function splitName(name: string): { firstName: string; lastName: string } {
  const parts = name.trim().split(/\s+/);
  if (parts.length === 1) return { firstName: parts[0]!, lastName: parts[0]! };
  return { firstName: parts.slice(0, -1).join(' '), lastName: parts.at(-1)! };
}

export function webhookUrl(config: ServerConfig, provider: string, paymentId: string): string {
  return `${config.publicUrl}/hooks/${provider}/${paymentId}/${providerToken(config.serverSecret, 'webhook', paymentId)}`;
}

export function returnUrl(config: ServerConfig, paymentId: string): string {
  return `${config.publicUrl}/return/${paymentId}/${providerToken(config.serverSecret, 'return', paymentId)}`;
}

/**
 * Confirms a session with card details: reserves a payment attempt in one transaction (the
 * session row is locked, and a unique index allows one live payment per session), then calls
 * the provider outside it and applies the answer through the state machine.
 */
export async function confirmSession(
  deps: Deps,
  auth: MerchantAuth,
  sessionId: string,
  input: ConfirmSessionInput,
  buyerIp: string | undefined,
): Promise<PaymentRow> {
  const card = input.payment_method.card;
  const checked = checkCard(card);
  const reserved = await deps.db.transaction(async (tx) => {
    const [session] = await tx.query<SessionRow>(
      `SELECT * FROM checkout_sessions WHERE id = $1 AND merchant_id = $2 FOR UPDATE`,
      [sessionId, auth.merchantId],
    );
    if (!session) throw notFound('checkout session', 'id');
    const status = effectiveSessionStatus(session);
    if (status === 'complete') throw conflict('session_complete', 'This checkout session has already been paid.');
    if (status === 'expired') throw conflict('session_expired', 'This checkout session has expired; start a new checkout.');
    if (status === 'processing') throw conflict('payment_in_progress', 'A payment for this checkout session is already in progress.');
    const email = session.customer?.email ?? input.email;
    if (!email) throw invalidRequest('parameter_missing', 'Missing required parameter: email (the session has no customer email).', 'email');

    const [{ attempt }] = (await tx.query<{ attempt: number }>(
      `SELECT COALESCE(MAX(attempt), 0) + 1 AS attempt FROM payments WHERE session_id = $1`,
      [sessionId],
    )) as [{ attempt: number }];
    const [payment] = await tx.query<PaymentRow>(
      `INSERT INTO payments (id, session_id, merchant_id, mode, attempt, amount, currency, status, provider,
         card_brand, card_bin, card_last4, card_exp_month, card_exp_year)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'processing', $8, $9, $10, $11, $12, $13) RETURNING *`,
      [
        newId('pay'), session.id, session.merchant_id, session.mode, attempt, session.amount, session.currency,
        session.provider, checked.brand, checked.digits.slice(0, 6), checked.digits.slice(-4), card.exp_month, card.exp_year,
      ],
    );
    await tx.query(`INSERT INTO payment_events (payment_id, from_status, to_status, source) VALUES ($1, NULL, 'processing', 'confirm')`, [payment!.id]);
    await tx.query(`UPDATE checkout_sessions SET status = 'processing', updated_at = now() WHERE id = $1`, [session.id]);
    return { session, payment: payment!, email };
  });

  const { session, payment, email } = reserved;
  const customer = session.customer ?? {};
  const names = customer.first_name && customer.last_name
    ? { firstName: customer.first_name, lastName: customer.last_name }
    : splitName(card.name);
  const orderBase = session.order_id ?? payment.id;
  const outcome = await adapterFor(deps, payment.provider).charge({
    paymentId: payment.id,
    amount: payment.amount,
    currency: payment.currency,
    orderId: payment.attempt === 1 ? orderBase : `${orderBase}-${payment.attempt}`,
    description: session.description,
    card,
    customer: {
      email,
      ...names,
      ...(customer.phone ? { phone: customer.phone } : {}),
      ...(customer.address ? { address: customer.address } : {}),
      ...(customer.city ? { city: customer.city } : {}),
      ...(customer.state ? { state: customer.state } : {}),
      ...(customer.zip ? { zip: customer.zip } : {}),
      ...(customer.country ? { country: customer.country } : {}),
    },
    ipAddress: providerIpv4(buyerIp, deps.config.ipv4Fallback),
    returnUrl: returnUrl(deps.config, payment.id),
    webhookUrl: webhookUrl(deps.config, payment.provider, payment.id),
  });
  await applyOutcome(deps, payment.id, outcome, 'confirm');
  return (await loadPayment(deps.db, payment.id))!;
}

/** Applies a provider answer; a status the payment has already passed changes nothing. */
export async function applyOutcome(deps: Deps, paymentId: string, outcome: ProviderOutcome, source: TransitionSource) {
  const log = deps.log.child({ payment_id: paymentId, source });
  if (outcome.configurationError) {
    log.error('provider rejected our credentials: check the provider secret key', { provider_status: outcome.providerStatus });
  }
  const changed = await deps.db.transaction(async (tx) => {
    const moved = await transition(tx, paymentId, outcome.status, source, {
      providerReference: outcome.providerReference ?? null,
      nextAction: outcome.nextAction,
      errorCode: outcome.error?.code ?? null,
      errorMessage: outcome.error?.message ?? null,
      errorFields: outcome.error?.fields ?? null,
    });
    if (!moved && outcome.providerReference) {
      await tx.query(`UPDATE payments SET provider_reference = $2 WHERE id = $1 AND provider_reference IS NULL`, [paymentId, outcome.providerReference]);
    }
    return moved;
  });
  log.info(changed ? 'payment status changed' : 'payment status unchanged', {
    status: outcome.status,
    provider_status: outcome.providerStatus,
    ...(outcome.error ? { error_code: outcome.error.code } : {}),
  });
  return changed;
}
