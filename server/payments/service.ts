/**
 * The checkout flow: sessions are created by the merchant, confirmed by the buyer's frame, sent
 * to the provider, and settled by the provider's answer, the redirect return or a webhook —
 * whichever comes first — through the state machine.
 */
import cardValidator from 'card-validator';
import type { CardInput, ConfirmSessionInput, CreateSessionInput, NextAction, ProviderName } from '../../contract/api.ts';
import { parseDocument } from '../../contract/br-document.ts';
import { ApiError, conflict, invalidRequest, notFound } from '../errors.ts';
import { newId, providerToken, seal } from '../crypto.ts';
import type { Db, Queryable } from '../storage/db.ts';
import type { Logger } from '../log.ts';
import type { ServerConfig } from '../config.ts';
import type { ChargeMethod, ProviderAdapter, ProviderOutcome } from '../providers/types.ts';
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

/** The provider a session goes to when the merchant does not say: Pagou for BRL (and PIX), PayAgency otherwise. */
export function defaultProvider(input: Pick<CreateSessionInput, 'currency' | 'payment_methods'>): ProviderName {
  return input.currency === 'BRL' || input.payment_methods?.includes('pix') ? 'pagou' : 'payagency';
}

export async function createSession(deps: Deps, auth: MerchantAuth, input: CreateSessionInput): Promise<SessionRow> {
  const provider = input.provider ?? defaultProvider(input);
  const adapter = adapterFor(deps, provider);
  const offered = adapter.methods(input.currency);
  if (offered.length === 0) {
    throw invalidRequest('currency_not_supported', `currency ${input.currency} is not supported by ${provider}.`, 'currency');
  }
  const max = adapter.maxAmount(input.currency);
  if (input.amount > max) {
    throw invalidRequest('amount_too_large', `amount must be at most ${max} (minor units of ${input.currency}) for ${provider}.`, 'amount');
  }
  const methods = input.payment_methods ?? [...offered];
  const unsupported = methods.find((method) => !offered.includes(method));
  if (unsupported) {
    throw invalidRequest('payment_method_not_supported', `payment_methods: ${provider} does not offer ${unsupported} for ${input.currency}.`, 'payment_methods');
  }
  const maxInstallments = input.max_installments ?? 1;
  if (maxInstallments > adapter.maxInstallments) {
    throw invalidRequest(
      'installments_not_supported',
      `max_installments must be at most ${adapter.maxInstallments} for ${provider}.`,
      'max_installments',
    );
  }
  const captureMethod = input.capture_method ?? 'automatic';
  if (captureMethod === 'manual' && !adapter.manualCapture) {
    throw invalidRequest('capture_method_not_supported', `capture_method manual is not supported by ${provider}.`, 'capture_method');
  }
  if (input.line_items) {
    const total = input.line_items.reduce((sum, item) => sum + item.unit_amount * item.quantity, 0);
    if (total !== input.amount) {
      throw invalidRequest('line_items_mismatch', `line_items add up to ${total}, but amount is ${input.amount}: they must be equal.`, 'line_items');
    }
  }
  const [row] = await deps.db.query<SessionRow>(
    `INSERT INTO checkout_sessions
       (id, merchant_id, mode, amount, currency, order_id, description, customer, return_url, metadata, locale, provider, expires_at,
        line_items, max_installments, payment_methods, collect_phone, capture_method)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10::jsonb, $11, $12, now() + make_interval(secs => $13),
        $14::jsonb, $15, $16::text[], $17, $18)
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
      input.line_items ? JSON.stringify(input.line_items) : null,
      maxInstallments,
      methods,
      input.collect_phone ?? false,
      captureMethod,
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
export function checkCard(card: CardInput, now = new Date()) {
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

/** What the buyer pays with, checked before anything is written. */
function checkMethod(input: ConfirmSessionInput) {
  const method = input.payment_method;
  if (method.type === 'card') {
    return { type: 'card' as const, card: method.card, installments: method.installments ?? 1, checked: checkCard(method.card), name: method.card.name };
  }
  const document = parseDocument(method.pix.document);
  if (!document) {
    throw invalidRequest('document_invalid', 'payment_method.pix.document is not a valid CPF or CNPJ.', 'payment_method.pix.document');
  }
  return { type: 'pix' as const, document, phone: method.pix.phone, name: method.pix.name };
}

/**
 * A payment waiting for the buyer (a PIX code, a 3DS challenge) whose deadline has passed is
 * asked about at the provider before a new attempt, so an expired code or challenge does not
 * block the session, and one paid at the last second is not paid twice.
 */
async function settleStaleAction(deps: Deps, sessionId: string, merchantId: string): Promise<void> {
  const [payment] = await deps.db.query<PaymentRow>(
    `SELECT p.* FROM payments p JOIN checkout_sessions s ON s.id = p.session_id
      WHERE p.session_id = $1 AND s.merchant_id = $2 AND p.status = 'requires_action' ORDER BY p.attempt DESC LIMIT 1`,
    [sessionId, merchantId],
  );
  const expiresAt = (payment?.next_action as { expires_at?: string } | null)?.expires_at;
  if (!payment || !expiresAt || Date.parse(expiresAt) > Date.now() || !payment.provider_reference) return;
  const adapter = adapterFor(deps, payment.provider);
  if (!adapter.retrieve) return;
  try {
    const found = await adapter.retrieve(payment.provider_reference);
    if (found && (!found.externalRef || found.externalRef === payment.id)) await applyOutcome(deps, payment.id, found, 'reconcile');
  } catch (error) {
    deps.log.warn('could not read a stale payment back from the provider', { payment_id: payment.id, error: String(error) });
  }
}

/**
 * Confirms a session: reserves a payment attempt in one transaction (the session row is
 * locked, and a unique index allows one live payment per session), then calls the provider
 * outside it and applies the answer through the state machine.
 */
export async function confirmSession(
  deps: Deps,
  auth: MerchantAuth,
  sessionId: string,
  input: ConfirmSessionInput,
  buyerIp: string | undefined,
): Promise<PaymentRow> {
  const method = checkMethod(input);
  await settleStaleAction(deps, sessionId, auth.merchantId);
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
    if (!session.payment_methods.includes(method.type)) {
      throw invalidRequest('payment_method_not_allowed', `payment_method.type ${method.type} is not offered by this checkout session.`, 'payment_method.type');
    }
    if (method.type === 'card' && method.installments > session.max_installments) {
      throw invalidRequest(
        'installments_not_allowed',
        `payment_method.installments must be at most ${session.max_installments} for this checkout session.`,
        'payment_method.installments',
      );
    }
    const phone = method.type === 'pix' ? (method.phone ?? session.customer?.phone) : session.customer?.phone;
    if (method.type === 'pix' && session.collect_phone && !phone) {
      throw invalidRequest('parameter_missing', 'Missing required parameter: payment_method.pix.phone.', 'payment_method.pix.phone');
    }
    const email = session.customer?.email ?? input.email;
    if (!email) throw invalidRequest('parameter_missing', 'Missing required parameter: email (the session has no customer email).', 'email');

    const [{ attempt }] = (await tx.query<{ attempt: number }>(
      `SELECT COALESCE(MAX(attempt), 0) + 1 AS attempt FROM payments WHERE session_id = $1`,
      [sessionId],
    )) as [{ attempt: number }];
    const card = method.type === 'card' ? method : null;
    const [payment] = await tx.query<PaymentRow>(
      `INSERT INTO payments (id, session_id, merchant_id, mode, attempt, amount, currency, status, provider, method, installments,
         card_brand, card_bin, card_last4, card_exp_month, card_exp_year, capture_method)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'processing', $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING *`,
      [
        newId('pay'), session.id, session.merchant_id, session.mode, attempt, session.amount, session.currency, session.provider,
        method.type, card ? card.installments : null,
        card?.checked.brand ?? null, card?.checked.digits.slice(0, 6) ?? null, card?.checked.digits.slice(-4) ?? null,
        card?.card.exp_month ?? null, card?.card.exp_year ?? null, session.capture_method,
      ],
    );
    await tx.query(`INSERT INTO payment_events (payment_id, from_status, to_status, source) VALUES ($1, NULL, 'processing', 'confirm')`, [payment!.id]);
    await tx.query(`UPDATE checkout_sessions SET status = 'processing', updated_at = now() WHERE id = $1`, [session.id]);
    return { session, payment: payment!, email, phone };
  });

  const { session, payment, email, phone } = reserved;
  const customer = session.customer ?? {};
  const names = customer.first_name && customer.last_name
    ? { firstName: customer.first_name, lastName: customer.last_name }
    : splitName(method.name);
  const orderBase = session.order_id ?? payment.id;
  const charged: ChargeMethod = method.type === 'card' ? { type: 'card', card: method.card, installments: method.installments } : { type: 'pix' };
  const outcome = await adapterFor(deps, payment.provider).charge({
    paymentId: payment.id,
    sessionId: session.id,
    amount: payment.amount,
    currency: payment.currency,
    orderId: payment.attempt === 1 ? orderBase : `${orderBase}-${payment.attempt}`,
    description: session.description,
    method: charged,
    customer: {
      email,
      name: method.name.trim(),
      ...names,
      ...(phone ? { phone } : {}),
      ...(method.type === 'pix' ? { document: method.document } : {}),
      ...(customer.address ? { address: customer.address } : {}),
      ...(customer.city ? { city: customer.city } : {}),
      ...(customer.state ? { state: customer.state } : {}),
      ...(customer.zip ? { zip: customer.zip } : {}),
      ...(customer.country ? { country: customer.country } : {}),
    },
    lineItems: session.line_items,
    metadata: session.metadata,
    captureMethod: session.capture_method,
    buyerIp,
    returnUrl: returnUrl(deps.config, payment.id),
    webhookUrl: webhookUrl(deps.config, payment.provider, payment.id),
  });
  await applyOutcome(deps, payment.id, outcome, 'confirm');
  return (await loadPayment(deps.db, payment.id))!;
}

/** A next action as stored: a challenge URL carries the provider's client secret, so it is sealed. */
export function storedNextAction(action: NextAction | undefined, serverSecret: string): unknown {
  if (action?.type !== 'three_ds_challenge') return action;
  return { type: action.type, sealed_url: seal(action.url, serverSecret), expires_at: action.expires_at };
}

/** Applies a provider answer; a status the payment has already passed changes nothing. */
export async function applyOutcome(deps: Deps, paymentId: string, outcome: ProviderOutcome, source: TransitionSource) {
  const log = deps.log.child({ payment_id: paymentId, source });
  if (outcome.configurationError) {
    log.error('provider rejected our credentials: check the provider secret key', { provider_status: outcome.providerStatus });
  }
  const changed = await deps.db.transaction(async (tx) => {
    // A card refused while its 3DS challenge was open failed authentication, whatever the provider calls it.
    const [current] = await tx.query<{ action: string | null }>(`SELECT next_action->>'type' AS action FROM payments WHERE id = $1`, [paymentId]);
    if (outcome.status === 'failed' && outcome.error?.code === 'card_declined' && current?.action === 'three_ds_challenge') {
      log.info('card refused during its 3DS challenge', { provider_reason: outcome.error.message });
      outcome = { ...outcome, error: { code: 'authentication_failed', message: 'Your bank could not confirm this payment (3-D Secure authentication failed).' } };
    }
    const moved = await transition(tx, paymentId, outcome.status, source, {
      providerReference: outcome.providerReference ?? null,
      nextAction: storedNextAction(outcome.nextAction, deps.config.serverSecret),
      errorCode: outcome.error?.code ?? null,
      errorMessage: outcome.error?.message ?? null,
      errorFields: outcome.error?.fields ?? null,
    });
    if (!moved && outcome.providerReference) {
      await tx.query(`UPDATE payments SET provider_reference = $2 WHERE id = $1 AND provider_reference IS NULL`, [paymentId, outcome.providerReference]);
    }
    // The provider's own word (e.g. `refunded` after `paid`) even when our status does not move.
    if (outcome.checks) {
      await tx.query(`UPDATE payments SET avs_result = COALESCE($2, avs_result), cvv_result = COALESCE($3, cvv_result) WHERE id = $1`, [
        paymentId,
        outcome.checks.avs?.slice(0, 10) ?? null,
        outcome.checks.cvv?.slice(0, 10) ?? null,
      ]);
    }
    // Only when it agrees with where the payment is, so a late, stale notification cannot overwrite it.
    await tx.query(`UPDATE payments SET provider_status = $2 WHERE id = $1 AND status = $3`, [paymentId, outcome.providerStatus.slice(0, 100), outcome.status]);
    return moved;
  });
  log.info(changed ? 'payment status changed' : 'payment status unchanged', {
    status: outcome.status,
    provider_status: outcome.providerStatus,
    ...(outcome.error ? { error_code: outcome.error.code } : {}),
  });
  return changed;
}
