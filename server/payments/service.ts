/**
 * The checkout flow: sessions are created by the merchant, confirmed by the buyer's frame, sent
 * to the provider, and settled by the provider's answer, the redirect return or a webhook —
 * whichever comes first — through the state machine.
 */
import cardValidator from 'card-validator';
import { isApm, type CardInput, type ConfirmSessionInput, type CreateSessionInput, type NextAction, type ProviderName, type SavedCard } from '../../contract/api.ts';
import { isValidRoutingNumber } from '../../contract/aba.ts';
import { DEFAULT_SURCHARGE_CAP, surchargeCap } from '../../contract/surcharge.ts';
import { parseDocument } from '../../contract/br-document.ts';
import { ApiError, conflict, invalidRequest, notFound } from '../errors.ts';
import { newId, providerToken, seal } from '../crypto.ts';
import type { Db, Queryable } from '../storage/db.ts';
import type { Logger } from '../log.ts';
import type { ServerConfig } from '../config.ts';
import type { ChargeMethod, ProviderAdapter, ProviderOutcome, VaultCard } from '../providers/types.ts';
import { transitionRow, type TransitionPatch, type TransitionSource } from './state.ts';
import { effectiveSessionStatus, sessionMandate, type Mandate, type PaymentRow, type SessionRow } from './rows.ts';
import type { MerchantAuth } from '../auth.ts';
import { reserveInvoiceAmount } from '../invoices/ledger.ts';
import { enqueue, PAYMENT_EXPORT } from '../outbox/queue.ts';
import { assertNotLocked } from '../abuse/session-lock.ts';
import { DEFAULT_LIMITS } from '../abuse/limits.ts';
import { chargeWithFailover } from './failover.ts';

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

/**
 * The provider a session goes to when the merchant does not say: Pagou for BRL (and PIX), the
 * Pepper gateway for bank accounts, redirect methods, saved cards and surcharges, PayAgency otherwise.
 */
export function defaultProvider(
  input: Pick<CreateSessionInput, 'currency' | 'payment_methods' | 'saved_cards' | 'surcharge' | 'ach_sec_code'>,
): ProviderName {
  if (input.currency === 'BRL' || input.payment_methods?.includes('pix')) return 'pagou';
  const pepperOnly = input.payment_methods?.some((method) => method === 'ach' || isApm(method));
  return pepperOnly || input.saved_cards || input.surcharge || input.ach_sec_code ? 'pepper' : 'payagency';
}

/** A checkout opened from a hosted invoice (server/invoices/service.ts). */
export interface InvoiceLink {
  invoiceId: string;
  invoiceVersion: number;
}

export async function createSession(deps: Deps, auth: MerchantAuth, input: CreateSessionInput, invoice?: InvoiceLink): Promise<SessionRow> {
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
  // Unasked, a session offers every method of the provider — those that can wait for a capture, when it must.
  const methods = input.payment_methods ?? (input.capture_method === 'manual' ? offered.filter((method) => method === 'card') : [...offered]);
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
  const notCard = methods.find((method) => method !== 'card');
  if (captureMethod === 'manual' && notCard) {
    throw invalidRequest('capture_method_not_supported', `capture_method manual is for cards only; payment_methods includes ${notCard}.`, 'capture_method');
  }
  if (input.saved_cards && !input.customer_id) {
    throw invalidRequest('parameter_missing', 'saved_cards needs customer_id: the cards are saved for that customer.', 'customer_id');
  }
  if (input.saved_cards && !adapter.vault) {
    throw invalidRequest('saved_cards_not_supported', `saved_cards: ${provider} does not keep saved cards.`, 'saved_cards');
  }
  if (input.surcharge && (!adapter.feeLookup || !methods.includes('card'))) {
    throw invalidRequest(
      'surcharge_not_supported',
      adapter.feeLookup ? 'surcharge applies to cards, but payment_methods does not include card.' : `surcharge: ${provider} has no fee lookup.`,
      'surcharge',
    );
  }
  if (input.ach_sec_code && !methods.includes('ach')) {
    throw invalidRequest('ach_not_offered', 'ach_sec_code is set, but payment_methods does not include ach.', 'ach_sec_code');
  }
  // A returning customer's cards are offered whenever the provider keeps them; saving is on unless turned off.
  const savedCards = input.customer_id && adapter.vault && methods.includes('card')
    ? {
        allow_saving: input.saved_cards?.allow_saving ?? true,
        require_cvc: input.saved_cards?.require_cvc ?? false,
        allow_removal: input.saved_cards?.allow_removal ?? false,
      }
    : null;
  if (input.line_items) {
    const total = input.line_items.reduce((sum, item) => sum + item.unit_amount * item.quantity, 0);
    if (total !== input.amount) {
      throw invalidRequest('line_items_mismatch', `line_items add up to ${total}, but amount is ${input.amount}: they must be equal.`, 'line_items');
    }
  }
  const [row] = await deps.db.query<SessionRow>(
    `INSERT INTO checkout_sessions
       (id, merchant_id, mode, amount, currency, order_id, description, customer, return_url, metadata, locale, provider, expires_at,
        line_items, max_installments, payment_methods, collect_phone, capture_method,
        customer_id, saved_cards, surcharge_max_rate, ach_sec_code, invoice_id, invoice_version, max_declines)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10::jsonb, $11, $12, now() + make_interval(secs => $13),
        $14::jsonb, $15, $16::text[], $17, $18, $19, $20::jsonb, $21, $22, $23, $24, $25)
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
      input.customer_id ?? null,
      savedCards ? JSON.stringify(savedCards) : null,
      input.surcharge ? (input.surcharge.max_rate ?? DEFAULT_SURCHARGE_CAP) : null,
      input.ach_sec_code ?? 'web',
      invoice?.invoiceId ?? null,
      invoice?.invoiceVersion ?? null,
      deps.config.limits?.maxDeclinesPerSession ?? DEFAULT_LIMITS.maxDeclinesPerSession,
    ],
  );
  return row!;
}

// Rows of one merchant are read by their primary key alone and the merchant compared here: with
// `id = $1 AND merchant_id = $2`, a reused (generic) plan made while the table was small may
// take the (merchant_id, created_at) index, a scan of all the merchant's rows (server/storage/db.ts).

export async function loadSession(db: Queryable, merchantId: string, id: string): Promise<SessionRow> {
  const [row] = await db.query<SessionRow>(`SELECT * FROM checkout_sessions WHERE id = $1`, [id]);
  if (!row || row.merchant_id !== merchantId) throw notFound('checkout session', 'id');
  return row;
}

/** The session's most recent payment attempt. */
export async function latestPayment(db: Queryable, sessionId: string): Promise<PaymentRow | null> {
  const [row] = await db.query<PaymentRow>(`SELECT * FROM payments WHERE session_id = $1 ORDER BY attempt DESC LIMIT 1`, [sessionId]);
  return row ?? null;
}

export async function loadPayment(db: Queryable, id: string, merchantId?: string): Promise<PaymentRow | null> {
  const [row] = await db.query<PaymentRow>(`SELECT * FROM payments WHERE id = $1`, [id]);
  return row && (merchantId === undefined || row.merchant_id === merchantId) ? row : null;
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
  switch (method.type) {
    case 'card':
      return {
        type: 'card' as const,
        offered: 'card' as const,
        card: method.card,
        installments: method.installments ?? 1,
        checked: checkCard(method.card),
        name: method.card.name,
        save: method.save ?? false,
        billingState: method.billing_state,
      };
    case 'saved_card':
      return { type: 'saved_card' as const, offered: 'card' as const, id: method.saved_card.id, cvc: method.saved_card.cvc, billingState: method.billing_state };
    case 'pix': {
      const document = parseDocument(method.pix.document);
      if (!document) {
        throw invalidRequest('document_invalid', 'payment_method.pix.document is not a valid CPF or CNPJ.', 'payment_method.pix.document');
      }
      return { type: 'pix' as const, offered: 'pix' as const, document, phone: method.pix.phone, name: method.pix.name };
    }
    case 'ach':
      if (!isValidRoutingNumber(method.ach.routing_number)) {
        throw invalidRequest('routing_number_invalid', 'payment_method.ach.routing_number is not a valid ABA routing number.', 'payment_method.ach.routing_number');
      }
      return { type: 'ach' as const, offered: 'ach' as const, ach: method.ach, name: method.ach.holder_name };
    default:
      return { type: 'apm' as const, offered: method.type, apm: method.type };
  }
}
type CheckedMethod = ReturnType<typeof checkMethod>;

/** The provider's vault customer holding a merchant's customer's cards, if there is one yet. */
export async function vaultCustomerOf(db: Queryable, merchantId: string, provider: string, customerId: string): Promise<string | null> {
  const [row] = await db.query<{ provider_customer: string }>(
    `SELECT provider_customer FROM vault_customers WHERE merchant_id = $1 AND provider = $2 AND customer_id = $3`,
    [merchantId, provider, customerId],
  );
  return row?.provider_customer ?? null;
}

/** A vault the provider could not be asked about is a 502, not a 500: it is not our bug. */
export async function readVault<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch {
    throw new ApiError(502, 'provider_error', 'provider_unavailable', 'The saved cards could not be read from the provider right now; try again shortly.');
  }
}

/** A saved card of the session's customer, read from the provider's vault (404-like 400 if it is not theirs). */
export async function savedCardOf(deps: Deps, session: SessionRow, cardId: string, param: string): Promise<VaultCard> {
  const adapter = adapterFor(deps, session.provider);
  const customer = session.customer_id && adapter.vault && session.saved_cards
    ? await vaultCustomerOf(deps.db, session.merchant_id, session.provider, session.customer_id)
    : null;
  const cards = customer ? await readVault(() => adapter.vault!.list(customer)) : null;
  const card = cards?.find((saved) => saved.id === cardId);
  if (!card) throw invalidRequest('saved_card_not_found', `${param} is not a saved card of this checkout session's customer.`, param);
  return card;
}

/**
 * The card surcharge for `base` on a card starting with `bin`: the provider's fee lookup, capped
 * at the session's `surcharge_max_rate`. Throws 503 when the provider cannot say: Paykit never
 * charges a surcharge it could not show the buyer first.
 */
export async function surchargeFor(deps: Deps, session: SessionRow, bin: string, state: string | undefined): Promise<number> {
  if (session.surcharge_max_rate === null) return 0;
  const adapter = adapterFor(deps, session.provider);
  const base = Number(session.amount);
  let looked: number;
  try {
    looked = (await adapter.feeLookup!({ bin: bin.slice(0, 6), baseAmount: base, ...(state ? { state } : {}) })).surcharge;
  } catch (error) {
    deps.log.warn('surcharge lookup failed', { session_id: session.id, error: String(error) });
    throw new ApiError(503, 'provider_error', 'surcharge_unavailable', 'The card surcharge could not be calculated right now; nothing was charged. Try again shortly.');
  }
  if (!Number.isSafeInteger(looked) || looked < 0) {
    throw new ApiError(503, 'provider_error', 'surcharge_unavailable', 'The provider answered an unusable surcharge; nothing was charged.');
  }
  return Math.min(looked, surchargeCap(base, session.surcharge_max_rate));
}

/** The billing state of a card payment: what the buyer picked, else the session customer's (2 letters). */
function billingStateOf(session: SessionRow, picked: string | undefined): string | undefined {
  const state = picked ?? session.customer?.state?.toUpperCase();
  return state && /^[A-Z]{2}$/.test(state) ? state : undefined;
}

/** What must be asked of the provider before a payment can be reserved: a saved card's details, the surcharge. */
async function prepare(deps: Deps, session: SessionRow, method: CheckedMethod, expectedAmount: number | undefined) {
  let saved: VaultCard | null = null;
  if (method.type === 'saved_card') {
    if (!session.saved_cards || !session.customer_id) {
      throw invalidRequest('saved_cards_not_offered', 'payment_method.type saved_card is not offered by this checkout session.', 'payment_method.type');
    }
    if (session.saved_cards.require_cvc && !method.cvc) {
      throw invalidRequest('parameter_missing', 'Missing required parameter: payment_method.saved_card.cvc (this merchant asks for it again).', 'payment_method.saved_card.cvc');
    }
    saved = await savedCardOf(deps, session, method.id, 'payment_method.saved_card.id');
    const now = new Date();
    if (saved.exp_year * 12 + saved.exp_month - 1 < now.getUTCFullYear() * 12 + now.getUTCMonth()) {
      throw invalidRequest('card_expired', 'payment_method.saved_card.id is a card that has expired.', 'payment_method.saved_card.id');
    }
  }
  if (method.type === 'card' && method.save && !session.saved_cards?.allow_saving) {
    throw invalidRequest('saving_not_offered', 'payment_method.save: this checkout session does not offer saving the card.', 'payment_method.save');
  }
  let surcharge = 0;
  if (method.type === 'card' || method.type === 'saved_card') {
    const bin = method.type === 'card' ? method.checked.digits.slice(0, 6) : saved?.bin;
    if (session.surcharge_max_rate !== null) {
      if (!bin) throw new ApiError(503, 'provider_error', 'surcharge_unavailable', 'The card surcharge could not be calculated for this saved card; nothing was charged.');
      surcharge = await surchargeFor(deps, session, bin, billingStateOf(session, method.billingState));
    }
  }
  const total = Number(session.amount) + surcharge;
  if (expectedAmount !== undefined && expectedAmount !== total) {
    throw new ApiError(409, 'invalid_request_error', 'amount_changed', `The total is ${total}, not ${expectedAmount}: show the buyer the new total, then confirm again.`, 'expected_amount');
  }
  return { saved, surcharge, total };
}

/**
 * A payment waiting for the buyer (a PIX code, a 3DS challenge) whose deadline has passed is
 * asked about at the provider before a new attempt, so an expired code or challenge does not
 * block the session, and one paid at the last second is not paid twice.
 */
async function settleStaleAction(deps: Deps, sessionId: string): Promise<boolean> {
  // The session is the merchant's (its caller loaded it).
  const [payment] = await deps.db.query<PaymentRow>(
    `SELECT * FROM payments WHERE session_id = $1 AND status = 'requires_action' ORDER BY attempt DESC LIMIT 1`,
    [sessionId],
  );
  const expiresAt = (payment?.next_action as { expires_at?: string } | null)?.expires_at;
  if (!payment || !expiresAt || Date.parse(expiresAt) > Date.now()) return false;
  await refreshFromProvider(deps, payment);
  return true;
}

/**
 * Asks the provider where a payment stands and applies the answer (when the provider can be
 * asked: `retrieve`). A failure to ask changes nothing; the payment keeps its status.
 */
export async function refreshFromProvider(deps: Deps, payment: PaymentRow): Promise<void> {
  const adapter = adapterFor(deps, payment.provider);
  if (!adapter.retrieve || !payment.provider_reference) return;
  try {
    const found = await adapter.retrieve(payment.provider_reference);
    if (found && (!found.externalRef || found.externalRef === payment.id)) await applyOutcome(deps, payment.id, found, 'reconcile');
  } catch (error) {
    deps.log.warn('could not read a payment back from the provider', { payment_id: payment.id, error: String(error) });
  }
}

/** A session with its row version (xmin): the confirm inserts its payment only if it is unchanged. */
async function loadSessionVersion(db: Queryable, merchantId: string, id: string): Promise<{ session: SessionRow; version: string }> {
  const [row] = await db.query<SessionRow & { row_version: string }>(`SELECT *, xmin::text AS row_version FROM checkout_sessions WHERE id = $1`, [id]);
  if (!row || row.merchant_id !== merchantId) throw notFound('checkout session', 'id');
  const { row_version: version, ...session } = row;
  return { session, version };
}

/**
 * The payment, its first event, and the session marked as paying, in one statement. Its attempt
 * number is counted here, not with the lock: a statement that waited for the lock still reads
 * the snapshot it started with, and could miss the attempt it waited for. `locked`: only if the
 * session row's xmin is still $24 (see confirmSession); `values`: the caller holds the lock.
 */
function insertPayment(from: 'locked' | 'values'): string {
  const row = `$1, $2, $3, $4, (SELECT COALESCE(MAX(attempt), 0) + 1 FROM payments WHERE session_id = $2), $5, $6, 'processing', $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20::jsonb, $21, $22, $23::jsonb`;
  return `WITH ${from === 'locked' ? `locked AS (SELECT id FROM checkout_sessions WHERE id = $2 AND xmin = $24::text::xid FOR UPDATE), ` : ''}payment AS (
       INSERT INTO payments (id, session_id, merchant_id, mode, attempt, amount, currency, status, provider, method, installments,
         card_brand, card_bin, card_last4, card_exp_month, card_exp_year, capture_method, surcharge_amount,
         ach_routing_number, ach_last4, ach_account_type, mandate, saved_card_id, save_card, telemetry)
       ${from === 'locked' ? `SELECT ${row} FROM locked` : `VALUES (${row})`}
       RETURNING *
     ), event AS (
       INSERT INTO payment_events (payment_id, from_status, to_status, source) SELECT id, NULL, 'processing', 'confirm' FROM payment
     ), session AS (
       UPDATE checkout_sessions SET status = 'processing', updated_at = now() WHERE id = ${from === 'locked' ? '(SELECT id FROM locked)' : '$2'}
     )
     SELECT * FROM payment`;
}

/**
 * Confirms a session: asks the provider what it must know first (a saved card, the surcharge),
 * reserves a payment attempt under the session's row lock (one statement when the session is
 * unchanged since it was read, else a transaction; a unique index allows one live payment per
 * session), then calls the provider outside it and applies the answer through the state machine.
 */
export async function confirmSession(
  deps: Deps,
  auth: MerchantAuth,
  sessionId: string,
  input: ConfirmSessionInput,
  buyerIp: string | undefined,
): Promise<PaymentRow> {
  const method = checkMethod(input);
  let { session: early, version } = await loadSessionVersion(deps.db, auth.merchantId, sessionId);
  // Only a session waiting on its payment (`processing`) can hold an action gone stale.
  if (early.status === 'processing' && (await settleStaleAction(deps, sessionId))) {
    ({ session: early, version } = await loadSessionVersion(deps.db, auth.merchantId, sessionId));
  }
  assertNotLocked(early);
  if (!early.payment_methods.includes(method.offered)) {
    throw invalidRequest('payment_method_not_allowed', `payment_method.type ${input.payment_method.type} is not offered by this checkout session.`, 'payment_method.type');
  }
  const prepared = effectiveSessionStatus(early) === 'open' ? await prepare(deps, early, method, input.expected_amount) : null;
  /** What the payment needs of the session beyond its status: the buyer's email and phone. */
  const requirements = (session: SessionRow) => {
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
    return { email, phone };
  };
  const card = method.type === 'card' ? method : null;
  const saved = prepared?.saved ?? null;
  const values = (session: SessionRow, total: number, surcharge: number, mandate: Mandate | null) => [
    newId('pay'), session.id, session.merchant_id, session.mode, total, session.currency, session.provider,
    method.offered, card ? card.installments : method.type === 'saved_card' ? 1 : null,
    card?.checked.brand ?? saved?.brand ?? null, card?.checked.digits.slice(0, 6) ?? saved?.bin ?? null,
    card?.checked.digits.slice(-4) ?? saved?.last4 ?? null,
    card?.card.exp_month ?? saved?.exp_month ?? null, card?.card.exp_year ?? saved?.exp_year ?? null, session.capture_method,
    surcharge,
    method.type === 'ach' ? method.ach.routing_number : null,
    method.type === 'ach' ? method.ach.account_number.slice(-4) : null,
    method.type === 'ach' ? method.ach.account_type : null,
    mandate ? JSON.stringify(mandate) : null,
    saved?.id ?? null,
    card?.save ? 'requested' : null,
    input.telemetry ? JSON.stringify(input.telemetry) : null,
  ];

  // The usual case, one statement: the session as read above is still the row (its xmin, the
  // transaction that last wrote it, is unchanged), so every check made on it holds, and the
  // payment is inserted under the row's lock. A concurrent writer changes xmin; PostgreSQL
  // checks the condition again on the row it waited for, so then nothing is inserted and the
  // transaction below decides, with the precise error. (Invoices and bank debits, which lock or
  // read more, always take the transaction.)
  const unchanged = async () => {
    if (!prepared || early.invoice_id || method.type === 'ach' || effectiveSessionStatus(early) !== 'open') return null;
    let needs: ReturnType<typeof requirements>;
    try {
      needs = requirements(early);
    } catch {
      return null;
    }
    try {
      const [payment] = await deps.db.query<PaymentRow>(insertPayment('locked'), [...values(early, prepared.total, prepared.surcharge, null), version]);
      return payment ? { session: early, payment, ...needs } : null;
    } catch (error) {
      if ((error as { code?: string }).code === '23505') return null; // a racing attempt took its number: the transaction decides
      throw error;
    }
  };

  const reserved = (await unchanged()) ?? (await deps.db.transaction(async (tx) => {
    const [session] = await tx.query<SessionRow>(`SELECT * FROM checkout_sessions WHERE id = $1 FOR UPDATE`, [sessionId]);
    if (!session || session.merchant_id !== auth.merchantId) throw notFound('checkout session', 'id');
    const status = effectiveSessionStatus(session);
    if (status === 'complete') throw conflict('session_complete', 'This checkout session has already been paid.');
    assertNotLocked(session);
    if (status === 'expired') throw conflict('session_expired', 'This checkout session has expired; start a new checkout.');
    if (status === 'processing') throw conflict('payment_in_progress', 'A payment for this checkout session is already in progress.');
    if (!prepared) throw conflict('session_changed', 'This checkout session changed while the payment was prepared; try again.');
    await reserveInvoiceAmount(tx, session);
    const { email, phone } = requirements(session);
    let mandate: Mandate | null = null;
    if (method.type === 'ach') {
      const [merchant] = await tx.query<{ name: string }>(`SELECT name FROM merchants WHERE id = $1`, [session.merchant_id]);
      mandate = { text: sessionMandate(session, merchant?.name ?? ''), accepted_at: new Date().toISOString(), sec_code: session.ach_sec_code, ip: buyerIp ?? null };
    }
    const [payment] = await tx.query<PaymentRow>(insertPayment('values'), values(session, prepared.total, prepared.surcharge, mandate));
    return { session, payment: payment!, email, phone };
  }));

  const { session, payment, email, phone } = reserved;
  const customer = session.customer ?? {};
  const given = 'name' in method ? method.name : '';
  const names = customer.first_name && customer.last_name
    ? { firstName: customer.first_name, lastName: customer.last_name }
    : splitName(given || email.split('@')[0]!);
  const vaultCustomer = method.type === 'card' && method.save && session.customer_id
    ? await vaultCustomerOf(deps.db, session.merchant_id, session.provider, session.customer_id)
    : null;
  const billingState = 'billingState' in method ? billingStateOf(session, method.billingState) : undefined;
  const charged: ChargeMethod =
    method.type === 'card'
      ? { type: 'card', card: method.card, installments: method.installments, ...(billingState ? { billingState } : {}) }
      : method.type === 'saved_card'
        ? { type: 'saved_card', customer: (await vaultCustomerOf(deps.db, session.merchant_id, session.provider, session.customer_id!))!, cardId: method.id, ...(billingState ? { billingState } : {}) }
        : method.type === 'ach'
          ? { type: 'ach', ach: method.ach, secCode: session.ach_sec_code }
          : method.type === 'apm'
            ? { type: 'apm', apm: method.apm }
            : { type: 'pix' };
  // To the session's provider, or the next in the card routing if it fails before processing (failover.ts).
  const outcome = await chargeWithFailover(deps, payment.provider, {
    paymentId: payment.id,
    sessionId: session.id,
    amount: Number(payment.amount),
    currency: payment.currency,
    orderId: providerOrderId(session, payment),
    description: session.description,
    method: charged,
    customer: {
      email,
      name: (given || `${names.firstName} ${names.lastName}`).trim(),
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
    surcharge: Number(payment.surcharge_amount),
    ...(method.type === 'card' && method.save ? { saveCard: { customer: vaultCustomer } } : {}),
    buyerIp,
    returnUrl: returnUrl(deps.config, payment.id),
    webhookUrl: webhookUrl(deps.config, payment.provider, payment.id),
  });
  const moved = await applyOutcome(deps, payment.id, outcome, 'confirm');
  if (method.type === 'card' && method.save) await recordSavedCard(deps, session, payment.id, outcome.vaultCustomer);
  else if (moved) return moved;
  return (await loadPayment(deps.db, payment.id))!;
}

/**
 * The order id a payment goes to its provider with: the merchant's (else the payment id), with
 * `-N` for the Nth attempt, since providers refuse a repeated order id. Pagos gets the same.
 */
export function providerOrderId(session: Pick<SessionRow, 'order_id'>, payment: Pick<PaymentRow, 'id' | 'attempt'>): string {
  const base = session.order_id ?? payment.id;
  return payment.attempt === 1 ? base : `${base}-${payment.attempt}`;
}

/** Remembers the vault customer a card was saved under (the first one wins), and whether it was saved. */
async function recordSavedCard(deps: Deps, session: SessionRow, paymentId: string, vaultCustomer: string | undefined): Promise<void> {
  if (vaultCustomer && session.customer_id) {
    const [kept] = await deps.db.query<{ provider_customer: string }>(
      `INSERT INTO vault_customers (merchant_id, customer_id, provider, provider_customer) VALUES ($1, $2, $3, $4)
       ON CONFLICT (merchant_id, provider, customer_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id
       RETURNING provider_customer`,
      [session.merchant_id, session.customer_id, session.provider, vaultCustomer],
    );
    if (kept && kept.provider_customer !== vaultCustomer) {
      // Two first saves raced: this card went to a second vault record the customer will not see.
      deps.log.warn('a card was saved under a second vault customer; it is not offered', { payment_id: paymentId, session_id: session.id });
    }
  }
  await deps.db.query(`UPDATE payments SET save_card = $2 WHERE id = $1`, [paymentId, vaultCustomer ? 'saved' : 'not_saved']);
}

/** A next action as stored: a challenge URL carries the provider's client secret, so it is sealed. */
export function storedNextAction(action: NextAction | undefined, serverSecret: string): unknown {
  if (action?.type !== 'three_ds_challenge') return action;
  return { type: action.type, sealed_url: seal(action.url, serverSecret), expires_at: action.expires_at };
}

/**
 * Applies a provider answer; a status the payment has already passed changes nothing. Answers
 * the payment as the answer moved it, or null when it did not move.
 */
export async function applyOutcome(deps: Deps, paymentId: string, outcome: ProviderOutcome, source: TransitionSource): Promise<PaymentRow | null> {
  const log = deps.log.child({ payment_id: paymentId, source });
  if (outcome.configurationError) {
    log.error('provider rejected our credentials: check the provider secret key', { provider_status: outcome.providerStatus });
  }
  const patch = (): TransitionPatch => ({
    providerReference: outcome.providerReference ?? null,
    providerStatus: outcome.providerStatus,
    nextAction: storedNextAction(outcome.nextAction, deps.config.serverSecret),
    errorCode: outcome.error?.code ?? null,
    errorMessage: outcome.error?.message ?? null,
    errorFields: outcome.error?.fields ?? null,
  });
  // Most answers only move the payment: the move is one statement, atomic on its own, so it runs
  // without BEGIN and COMMIT (two round trips fewer on every confirm). An answer with more to
  // write, or one that did not move the payment, goes through the transaction below.
  const simple = !outcome.checks && !(outcome.status === 'failed' && outcome.error?.code === 'card_declined');
  const movedAlone = simple ? await transitionRow(deps.db, paymentId, outcome.status, source, patch()) : null;
  const changed = movedAlone ?? await deps.db.transaction(async (tx) => {
    // A card refused while its 3DS challenge was open failed authentication, whatever the provider calls it.
    if (outcome.status === 'failed' && outcome.error?.code === 'card_declined') {
      const [current] = await tx.query<{ action: string | null }>(`SELECT next_action->>'type' AS action FROM payments WHERE id = $1`, [paymentId]);
      if (current?.action === 'three_ds_challenge') {
        log.info('card refused during its 3DS challenge', { provider_reason: outcome.error.message });
        outcome = { ...outcome, error: { code: 'authentication_failed', message: 'Your bank could not confirm this payment (3-D Secure authentication failed).' } };
      }
    }
    const moved = await transitionRow(tx, paymentId, outcome.status, source, patch());
    // What Pagos sees may change without the status moving: the provider's reference, the checks.
    // (A move already queued the export.)
    let changedFor: string | undefined;
    if (!moved && outcome.providerReference) {
      const [set] = await tx.query<{ merchant_id: string }>(
        `UPDATE payments SET provider_reference = $2 WHERE id = $1 AND provider_reference IS NULL RETURNING merchant_id`,
        [paymentId, outcome.providerReference],
      );
      changedFor ??= set?.merchant_id;
    }
    if (outcome.checks) {
      const [set] = await tx.query<{ merchant_id: string }>(
        `UPDATE payments SET avs_result = COALESCE($2, avs_result), cvv_result = COALESCE($3, cvv_result)
          WHERE id = $1 AND (avs_result IS DISTINCT FROM COALESCE($2, avs_result) OR cvv_result IS DISTINCT FROM COALESCE($3, cvv_result))
          RETURNING merchant_id`,
        [paymentId, outcome.checks.avs?.slice(0, 10) ?? null, outcome.checks.cvv?.slice(0, 10) ?? null],
      );
      changedFor ??= set?.merchant_id;
    }
    if (!moved && changedFor) await enqueue(tx, PAYMENT_EXPORT, paymentId, changedFor);
    // The provider's own word (e.g. `refunded` after `paid`) even when our status does not move
    // (a move wrote it). Only when it agrees with where the payment is, so a late, stale
    // notification cannot overwrite it.
    if (!moved) {
      await tx.query(`UPDATE payments SET provider_status = $2 WHERE id = $1 AND status = $3`, [paymentId, outcome.providerStatus.slice(0, 100), outcome.status]);
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
