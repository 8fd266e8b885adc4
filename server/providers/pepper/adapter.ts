/**
 * The Pepper gateway (../shared/providers/pepper-gateway.txt): cards, saved cards (the customer
 * vault), ACH and redirect APMs in USD, with authorize / capture / void / refund and the BIN
 * surcharge lookup. What the doc leaves open is decided in README.md beside this file ("The
 * adapter's decisions"); in short:
 * - `idempotency_key` is a UUID derived from our payment id, so a create retried within the
 *   gateway's 5 minutes answers the first transaction again and never makes a second one.
 * - `order_id` / `po_number` take 15 alphanumerics: longer ids become a deterministic digest,
 *   and the full order and payment ids go into `description`.
 * - A surcharge is sent as `base_amount` plus an explicit flat `payment_adjustment`, so the
 *   gateway charges exactly Paykit's total and never adds a fee of its own.
 * - `allow_partial_payment` is never sent; a partial approval that still comes back is voided
 *   at once and fails the payment.
 * - The gateway sends no webhooks: `retrieve()` reads a transaction back, and the server
 *   believes that. A create whose answer was lost is found by a search on its `po_number`
 *   (`findByPayment`), for the reconciler; a 503 means nothing was made.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { PaymentMethodType, PaymentStatus } from '../../../contract/api.ts';
import type { ChargeRequest, MoneyMovement, ProviderAdapter, ProviderOutcome, RetrievedTransaction, VaultCard } from '../types.ts';
import { GENERIC_FAILURE, networkCode, networkOutcome, safeHttpUrl, unavailableOutcome } from '../types.ts';
import { avsResult, cvvResult, mapPepperResponse, type PepperTransactionType } from './status.ts';
import { httpFetch } from '../../http-client.ts';

/** The largest amount sent, in cents ($999,999.99): the doc names none (see README). */
export const PEPPER_MAX_AMOUNT = 99_999_999;
export const PEPPER_METHODS: readonly PaymentMethodType[] = ['card', 'ach', 'alipay', 'wechatpay', 'paypal'];
/** The gateway's limit for `order_id` and `po_number` on a transaction. */
export const PEPPER_REFERENCE_LENGTH = 15;

export const PARTIAL_APPROVAL_MESSAGE =
  'Your card was approved for only part of the amount, so the payment was canceled and nothing was charged. Please try another card.';
const GATEWAY_DECLINE_MESSAGE = 'This payment was declined. Please use another payment method.';
const FIELDS_MESSAGE = 'Some payment details were not accepted. Please check the highlighted fields.';

export interface PepperOptions {
  baseUrl: string;
  /** The private key (`api_…`), sent raw as the Authorization header. */
  apiKey: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The parts of a Pepper transaction the adapter reads. */
export interface PepperTransaction {
  id?: unknown;
  type?: unknown;
  status?: unknown;
  amount?: unknown;
  amount_authorized?: unknown;
  amount_captured?: unknown;
  referenced_transaction_id?: unknown;
  currency?: unknown;
  payment_type?: unknown;
  customer_id?: unknown;
  response_code?: unknown;
  response_text?: unknown;
  description?: unknown;
  response?: {
    card?: { card_type?: unknown; last_four?: unknown; avs_response_code?: unknown; cvv_response_code?: unknown } | null;
    apm?: { redirect_url?: unknown; status?: unknown } | null;
  } | null;
}

interface PepperEnvelope {
  status?: unknown;
  msg?: unknown;
  data?: unknown;
}

// ---------- pure builders ----------

const sha256 = (value: string) => createHash('sha256').update(value).digest();
const str = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
const int = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined);
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/**
 * The `idempotency_key` for a payment: a UUID (version-5 layout, SHA-256 based) of the payment
 * id, the same on every retry of that payment and different for every other payment.
 */
export function pepperIdempotencyKey(paymentId: string): string {
  const bytes = sha256(`paykit:pepper:transaction:${paymentId}`).subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * `value` as the gateway's `order_id` / `po_number` (at most 15 alphanumerics): its
 * alphanumerics when they fit, else their first 7 and 8 hex digits of SHA-256 of the whole
 * value, 15 characters, the same every time. '' for an empty value.
 */
export function pepperReference(value: string): string {
  const alnum = value.replace(/[^A-Za-z0-9]/g, '');
  if (alnum && alnum.length <= PEPPER_REFERENCE_LENGTH) return alnum;
  if (!value) return '';
  return `${alnum.slice(0, 7)}${sha256(value).toString('hex')}`.slice(0, PEPPER_REFERENCE_LENGTH);
}

/** `value` trimmed and cut to at most `max` UTF-16 units, never splitting a character. */
export function cut(value: string | undefined, max: number): string {
  let out = '';
  for (const char of (value ?? '').trim().replace(/[\u0000-\u001f\u007f]/g, ' ')) {
    if (out.length + char.length > max) break;
    out += char;
  }
  return out.trim();
}

/** The transaction `description` (≤ 255): the merchant's text, cut first, then our full ids. */
export function pepperDescription(request: Pick<ChargeRequest, 'description' | 'orderId' | 'paymentId'>): string {
  const ids = `order ${request.orderId} payment ${request.paymentId}`;
  const text = cut(request.description ?? '', Math.max(0, 255 - ids.length - 3));
  return cut(text ? `${text} (${ids})` : ids, 255);
}

/** "Mary Ann Smith" → first "Mary Ann", last "Smith" (one word: first name only). */
function splitName(name: string): { first: string; last: string } {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length < 2) return { first: words[0] ?? '', last: '' };
  return { first: words.slice(0, -1).join(' '), last: words.at(-1)! };
}

/**
 * The transaction's `billing_address`: names and city cut to 50, line 1 to 100; state, postal
 * code, country, email and phone only when the gateway would take them as they are (a cut
 * postal code or phone would be wrong, so they are left out instead). Empty fields are left
 * out; undefined when nothing is left.
 */
export function pepperBillingAddress(request: Pick<ChargeRequest, 'customer' | 'method'>): Record<string, string> | undefined {
  const { customer, method } = request;
  const name = method.type === 'ach' ? splitName(method.ach.holder_name) : { first: customer.firstName, last: customer.lastName };
  const state = (method.type === 'card' || method.type === 'saved_card' ? method.billingState : undefined) ?? customer.state;
  const postal = customer.zip?.trim();
  const phone = customer.phone?.replace(/\D/g, '');
  const email = customer.email?.trim();
  const address: Record<string, string | undefined> = {
    first_name: cut(name.first, 50),
    last_name: cut(name.last, 50),
    address_line_1: cut(customer.address, 100),
    city: cut(customer.city, 50),
    state: state && /^[A-Za-z]{2}$/.test(state.trim()) ? state.trim().toUpperCase() : undefined,
    postal_code: postal && /^[A-Za-z0-9 -]{1,10}$/.test(postal) ? postal : undefined,
    country: customer.country && /^[A-Za-z]{2}$/.test(customer.country.trim()) ? customer.country.trim().toUpperCase() : undefined,
    email: email && email.length <= 254 && EMAIL.test(email) ? email : undefined,
    phone: phone && phone.length <= 14 ? phone : undefined,
  };
  const kept = Object.fromEntries(Object.entries(address).filter((entry): entry is [string, string] => !!entry[1]));
  return Object.keys(kept).length ? kept : undefined;
}

/** Card expiry as the gateway's `MM/YY`. */
export function pepperExpiry(month: number, year: number): string {
  return `${String(month).padStart(2, '0')}/${String(year % 100).padStart(2, '0')}`;
}

/** The transaction type: cards follow the capture method; ACH and APMs are always a sale. */
export function pepperType(request: Pick<ChargeRequest, 'method' | 'captureMethod'>): 'sale' | 'authorize' {
  const card = request.method.type === 'card' || request.method.type === 'saved_card';
  return card && request.captureMethod === 'manual' ? 'authorize' : 'sale';
}

function paymentMethod(request: ChargeRequest): Record<string, unknown> {
  const { method } = request;
  switch (method.type) {
    case 'card': {
      const { card } = method;
      return { card: { entry_type: 'keyed', number: card.number.replace(/\D/g, ''), expiration_date: pepperExpiry(card.exp_month, card.exp_year), cvc: card.cvc } };
    }
    case 'saved_card':
      return { customer: { id: method.customer, payment_method_id: method.cardId, payment_method_type: 'card' } };
    case 'ach':
      return {
        ach: { routing_number: method.ach.routing_number, account_number: method.ach.account_number, sec_code: method.secCode, account_type: method.ach.account_type },
      };
    case 'apm':
      return { apm: { type: method.apm, merchant_redirect_url: request.returnUrl, locale: 'en-US', mobile_view: false } };
    default:
      throw new Error(`the Pepper gateway does not take ${method.type}`);
  }
}

/** A transaction read back (GET or search) as the server's view of it. */
function retrieved(data: PepperTransaction): RetrievedTransaction {
  const outcome = mapPepperTransaction(data);
  const card = data.response?.card;
  const brand = str(card?.card_type);
  const last4 = /^\d{4}$/.test(String(card?.last_four ?? '')) ? String(card?.last_four) : undefined;
  return {
    ...outcome,
    ...(card && (brand || last4) ? { card: { ...(brand && brand !== 'unknown' ? { brand } : {}), ...(last4 ? { last4 } : {}) } } : {}),
    ...(int(data.amount) !== undefined ? { amount: int(data.amount) } : {}),
    ...(str(data.currency) ? { currency: str(data.currency)!.toUpperCase() } : {}),
    ...(int(data.amount_captured) !== undefined ? { amountCaptured: int(data.amount_captured) } : {}),
  };
}

/** The body of `POST /api/transaction`. */
export function buildPepperTransaction(request: ChargeRequest): Record<string, unknown> {
  const billing = pepperBillingAddress(request);
  const email = request.customer.email?.trim();
  const orderId = pepperReference(request.orderId);
  const poNumber = pepperReference(request.paymentId);
  return {
    idempotency_key: pepperIdempotencyKey(request.paymentId),
    type: pepperType(request),
    amount: request.amount,
    ...(request.surcharge > 0 ? { base_amount: request.amount - request.surcharge, payment_adjustment: { type: 'flat', value: request.surcharge } } : {}),
    currency: 'USD',
    description: pepperDescription(request),
    ...(orderId ? { order_id: orderId } : {}),
    ...(poNumber ? { po_number: poNumber } : {}),
    ...(request.buyerIp && isIP(request.buyerIp) ? { ip_address: request.buyerIp } : {}),
    ...(email && EMAIL.test(email) ? { email_address: email } : {}),
    ...(request.method.type === 'card' && request.saveCard?.customer === null ? { create_vault_record: true } : {}),
    payment_method: paymentMethod(request),
    ...(billing ? { billing_address: billing } : {}),
  };
}

/** Gateway field (first word of a `msg` part) → the confirm field it stands for. */
const FIELD_OF: Readonly<Record<string, { card?: string; ach?: string; any?: string; message: string }>> = {
  'payment_method.card.number': { any: 'payment_method.card.number', message: 'The card number is not valid.' },
  'payment_method.card.expiration_date': { any: 'payment_method.card.exp_year', message: 'The expiry date is not valid or has passed.' },
  'payment_method.card.cvc': { any: 'payment_method.card.cvc', message: 'The security code is not valid.' },
  'payment_method.ach.routing_number': { any: 'payment_method.ach.routing_number', message: 'The routing number is not valid.' },
  'payment_method.ach.account_number': { any: 'payment_method.ach.account_number', message: 'The account number is not valid.' },
  'payment_method.ach.account_type': { any: 'payment_method.ach.account_type', message: 'The account type is not valid.' },
  'payment_method.customer.id': { any: 'payment_method.saved_card.id', message: 'This saved card is no longer available.' },
  'payment_method.customer.payment_method_id': { any: 'payment_method.saved_card.id', message: 'This saved card is no longer available.' },
  'billing_address.first_name': { card: 'payment_method.card.name', ach: 'payment_method.ach.holder_name', message: 'The name is not valid.' },
  'billing_address.last_name': { card: 'payment_method.card.name', ach: 'payment_method.ach.holder_name', message: 'The name is not valid.' },
  'billing_address.state': { any: 'payment_method.billing_state', message: 'The state is not valid.' },
  'billing_address.email': { any: 'email', message: 'The email address is not valid.' },
  email_address: { any: 'email', message: 'The email address is not valid.' },
};

/**
 * The confirm fields a 400 `msg` names ("payment_method.ach.routing_number is not …; …"), with
 * our own messages (the gateway's text is never passed on: it could echo what was sent).
 */
export function pepperFieldErrors(msg: unknown, method: ChargeRequest['method']['type']): Record<string, string> {
  const fields: Record<string, string> = {};
  if (typeof msg !== 'string') return fields;
  for (const part of msg.split(';')) {
    const name = /^\s*([a-z_]+(?:\.[a-z_0-9]+)*)\b/.exec(part)?.[1];
    const entry = name && Object.hasOwn(FIELD_OF, name) ? FIELD_OF[name] : undefined;
    if (!entry) continue;
    const field = entry.any ?? (method === 'ach' ? entry.ach : entry.card);
    if (field && !(field in fields)) fields[field] = entry.message;
  }
  return fields;
}

/** A gateway text fit to show a buyer: short, plain, and with no long digit runs; else undefined. */
export function safeText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!/^[A-Za-z][A-Za-z0-9 .,:;'()/-]{0,99}$/.test(text) || /\d{5,}/.test(text)) return undefined;
  return text;
}

const TX_TYPES: readonly PepperTransactionType[] = ['sale', 'authorize', 'verification', 'credit'];
/** Statuses in which a transaction holds or has taken the buyer's money and can still be voided. */
const VOIDABLE = new Set(['authorized', 'pending_settlement']);

interface ReadTransaction {
  outcome: ProviderOutcome;
  /** Approved for less than the amount (110, or amount_authorized < amount). */
  partial: boolean;
}

/** The failure a declined transaction means, by what was charged. */
function declineError(data: PepperTransaction, code: string | undefined): { code: string; message: string } {
  if (code === 'gateway_declined') return { code, message: GATEWAY_DECLINE_MESSAGE };
  if (code !== 'card_declined') return { code: code ?? 'processor_error', message: GENERIC_FAILURE };
  if (data.payment_type === 'echeck') return { code: 'bank_account_declined', message: safeText(data.response_text) ?? 'Your bank declined this payment.' };
  if (data.payment_type === 'apm') {
    return data.response?.apm?.status === 'canceled'
      ? { code: 'payment_canceled', message: 'The payment was canceled.' }
      : { code: 'payment_declined', message: safeText(data.response_text) ?? 'The payment was declined.' };
  }
  return { code: 'card_declined', message: safeText(data.response_text) ?? 'Your card was declined.' };
}

/**
 * A transaction on the state machine. The response code says what the gateway decided, the
 * status what became of it since; they must agree, and anything else is `processing`:
 *
 * | status | response code | Paykit |
 * | --- | --- | --- |
 * | pending | 99 | requires_action (redirect to the APM page) |
 * | authorized | 100 (authorize) | requires_capture |
 * | pending_settlement, settled, refunded | 100 | succeeded (refunds are their own records) |
 * | voided | 99, 100 | canceled |
 * | declined | 2xx, 3xx, 4xx | failed |
 * | any approval for less than the amount | 110, or amount_authorized < amount | voided: failed `partial_approval_declined`; else processing, never success |
 */
function readTransaction(data: PepperTransaction): ReadTransaction {
  const type = TX_TYPES.find((candidate) => candidate === data.type);
  const mapping = type ? mapPepperResponse(int(data.response_code), type) : { status: 'processing' as const };
  const approved = mapping.status === 'succeeded' || mapping.status === 'requires_capture';
  const authorized = int(data.amount_authorized);
  const amount = int(data.amount);
  const partial = approved && (mapping.partial === true || (authorized !== undefined && amount !== undefined && authorized < amount));

  const reference = str(data.id);
  const card = data.response?.card;
  const avs = avsResult(card?.avs_response_code as string | undefined)?.code;
  const cvv = cvvResult(card?.cvv_response_code as string | undefined)?.code;
  const outcome: ProviderOutcome = {
    status: 'processing',
    providerStatus: str(data.status) ?? 'unknown',
    ...(reference ? { providerReference: reference } : {}),
    ...(avs || cvv ? { checks: { ...(avs ? { avs } : {}), ...(cvv ? { cvv } : {}) } } : {}),
    ...(approved && authorized !== undefined ? { amountApproved: authorized } : {}),
  };

  let status: PaymentStatus = 'processing';
  switch (data.status) {
    case 'pending': {
      const url = safeHttpUrl(data.response?.apm?.redirect_url);
      if (mapping.status === 'requires_action' && url) return { outcome: { ...outcome, status: 'requires_action', nextAction: { type: 'redirect', url } }, partial };
      break;
    }
    case 'authorized':
      if (approved) status = mapping.status;
      break;
    case 'pending_settlement':
    case 'settled':
    case 'refunded':
      if (approved) status = 'succeeded';
      break;
    case 'voided':
      if (partial) return { outcome: { ...outcome, status: 'failed', error: { code: 'partial_approval_declined', message: PARTIAL_APPROVAL_MESSAGE } }, partial };
      if (approved || mapping.status === 'requires_action') status = 'canceled';
      break;
    case 'declined':
      if (mapping.status === 'failed') return { outcome: { ...outcome, status: 'failed', error: declineError(data, mapping.code) }, partial };
      break;
  }
  // A partial approval still standing is never a success (nor a failure: money is held).
  if (partial && status !== 'processing') status = 'processing';
  return { outcome: { ...outcome, status }, partial };
}

/** A Pepper transaction on Paykit's state machine (see the table on `readTransaction`). */
export function mapPepperTransaction(data: PepperTransaction): ProviderOutcome {
  return readTransaction(data).outcome;
}

/** The refusal code for a capture / void / refund, from the status the transaction is in. */
export function refusalOf(action: 'capture' | 'void' | 'refund', status: string | undefined): { code: string; settled?: true; notSettled?: true } {
  if (status === 'declined') return { code: 'payment_declined' };
  if (status === 'voided') return { code: 'already_voided' };
  if (action === 'capture') {
    if (status === 'authorized') return { code: 'invalid_amount' };
    if (status === 'pending_settlement' || status === 'settled' || status === 'refunded') return { code: 'already_captured' };
  }
  if (action === 'void' && (status === 'settled' || status === 'refunded')) return { code: 'already_settled', settled: true };
  if (action === 'refund') {
    if (status === 'pending_settlement' || status === 'authorized') return { code: 'not_settled', notSettled: true };
    if (status === 'settled') return { code: 'invalid_amount' };
    if (status === 'refunded') return { code: 'already_refunded' };
  }
  return { code: `${action}_refused` };
}

/**
 * A saved card as the vault lists it: `{ id, card_type, masked_number, expiration_date }`; the
 * BIN (the masked number's first six digits) is kept for the surcharge lookup, never shown.
 */
export function pepperSavedCard(card: unknown): VaultCard | null {
  if (!isObject(card)) return null;
  const id = str(card.id);
  const last4 = /(\d{4})$/.exec(str(card.masked_number) ?? '')?.[1];
  const expiry = /^(\d{4})-(\d{2})/.exec(str(card.expiration_date) ?? '');
  if (!id || !last4 || !expiry) return null;
  const month = Number(expiry[2]);
  if (month < 1 || month > 12) return null;
  const brand = str(card.card_type);
  const bin = /^(\d{6})/.exec(str(card.masked_number) ?? '')?.[1];
  return { id, brand: brand && brand !== 'unknown' ? brand : null, last4, exp_month: month, exp_year: Number(expiry[1]), ...(bin ? { bin } : {}) };
}

// ---------- the adapter ----------

interface Answer {
  status: number;
  envelope: PepperEnvelope | null;
}

export function createPepperAdapter(options: PepperOptions): ProviderAdapter {
  // Thrown here, never later: a bad key in a header would make fetch echo it in its error.
  if (!/^[\x21-\x7e]+$/.test(options.apiKey ?? '')) throw new Error('Pepper apiKey must be a non-empty string of visible ASCII characters');
  if (!safeHttpUrl(options.baseUrl)) throw new Error('Pepper baseUrl must be an http(s) URL');
  const send = options.fetch ?? httpFetch;
  const base = options.baseUrl.replace(/\/$/, '');
  const enc = encodeURIComponent;

  /** One request; throws only when no answer came (network, timeout). */
  const call = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<Answer> => {
    const response = await send(`${base}${path}`, {
      method,
      headers: {
        Accept: 'application/json',
        Authorization: options.apiKey,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    let envelope: PepperEnvelope | null = null;
    try {
      const json = (await response.json()) as unknown;
      envelope = isObject(json) ? json : null;
    } catch {
      envelope = null;
    }
    return { status: response.status, envelope };
  };
  const ok = (answer: Answer) => answer.status >= 200 && answer.status < 300 && answer.envelope?.status === 'success';
  const msgOf = (answer: Answer, fallback: string) => cut(str(answer.envelope?.msg) ?? fallback, 300);

  /** The transaction as the gateway holds it; null when unknown. Throws when it could not say. */
  const read = async (reference: string): Promise<PepperTransaction | null> => {
    const answer = await call('GET', `/api/transaction/${enc(reference)}`);
    if (answer.status === 404) return null;
    if (!ok(answer) || !Array.isArray(answer.envelope?.data)) throw new Error(`Pepper answered HTTP ${answer.status} to a transaction read`);
    const data = answer.envelope.data[0] as unknown;
    return isObject(data) ? (data as PepperTransaction) : null;
  };
  const statusOf = async (reference: string): Promise<string | undefined> => {
    try {
      return str((await read(reference))?.status);
    } catch {
      return undefined;
    }
  };

  /** The customer's vault cards as listed; null when the vault does not know the customer. */
  const vaultCards = async (customer: string): Promise<unknown[] | null> => {
    const answer = await call('GET', `/api/vault/${enc(customer)}`);
    if (answer.status === 404) return null;
    const data = answer.envelope?.data as { data?: { customer?: { payments?: { cards?: unknown } } } } | undefined;
    const cards = data?.data?.customer?.payments?.cards;
    if (!ok(answer) || !Array.isArray(cards)) throw new Error(`Pepper answered HTTP ${answer.status} to a vault read`);
    return cards;
  };

  /** Voids a transaction: true once the gateway holds it voided (tried twice). */
  const voidNow = async (reference: string): Promise<boolean> => {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        if (ok(await call('POST', `/api/transaction/${enc(reference)}/void`))) return true;
      } catch {
        // Lost answer: the read below says whether it happened.
      }
      if ((await statusOf(reference)) === 'voided') return true;
    }
    return false;
  };

  /** Adds the charged card to an existing vault customer (unless it is there already); never throws. */
  const saveToCustomer = async (customer: string, request: ChargeRequest): Promise<boolean> => {
    if (request.method.type !== 'card') return false;
    const { card } = request.method;
    const number = card.number.replace(/\D/g, '');
    const expiration = pepperExpiry(card.exp_month, card.exp_year);
    try {
      const cards = await vaultCards(customer);
      if (!cards) return false;
      const masked = `${number.slice(0, 6)}${'*'.repeat(Math.max(0, number.length - 10))}${number.slice(-4)}`;
      const same = cards.some((saved) => {
        const parsed = pepperSavedCard(saved);
        return (
          parsed &&
          (saved as { masked_number?: unknown }).masked_number === masked &&
          parsed.exp_month === card.exp_month &&
          parsed.exp_year % 100 === card.exp_year % 100
        );
      });
      if (same) return true;
      return ok(await call('POST', `/api/vault/customer/${enc(customer)}/card`, { number, expiration_date: expiration }));
    } catch {
      return false;
    }
  };

  /** Voids a partial approval at once; the vault customer it may have made is removed too. */
  const declinePartial = async (data: PepperTransaction, outcome: ProviderOutcome, request: ChargeRequest): Promise<ProviderOutcome> => {
    const reference = str(data.id)!;
    const voided = await voidNow(reference);
    const madeCustomer = request.method.type === 'card' && request.saveCard?.customer === null ? str(data.customer_id) : undefined;
    if (madeCustomer) await call('DELETE', `/api/vault/${enc(madeCustomer)}`).catch(() => undefined);
    if (voided) {
      return { ...outcome, status: 'failed', providerStatus: 'voided', error: { code: 'partial_approval_declined', message: PARTIAL_APPROVAL_MESSAGE } };
    }
    // Part of the amount is held or taken and the void did not go through: never a success, and
    // not a failure the buyer would pay again after. The merchant voids or refunds it.
    return { ...outcome, status: 'processing', providerStatus: 'partial_approval_void_failed' };
  };

  /** A 4xx answer to a create: nothing was charged. */
  const rejected = (answer: Answer, request: ChargeRequest): ProviderOutcome => {
    const providerStatus = `http_${answer.status}`;
    if (answer.status === 401 || answer.status === 403) {
      return { status: 'failed', providerStatus, configurationError: true, error: { code: 'provider_authentication_failed', message: GENERIC_FAILURE } };
    }
    const fields = answer.status === 400 ? pepperFieldErrors(answer.envelope?.msg, request.method.type) : {};
    if (Object.keys(fields).length) return { status: 'failed', providerStatus, error: { code: 'invalid_payment_details', message: FIELDS_MESSAGE, fields } };
    return { status: 'failed', providerStatus, error: { code: 'provider_rejected', message: GENERIC_FAILURE } };
  };

  /** A capture / void / refund that got no answer: refused when it never left, else in doubt. */
  const movementLost = (error: unknown): MoneyMovement => {
    const code = networkCode(error);
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return { outcome: 'refused', code: 'provider_unavailable', message: 'The Pepper gateway could not be reached; nothing was sent.' };
    }
    return { outcome: 'in_doubt', detail: `network_${code ?? (error as Error)?.name ?? 'error'}` };
  };

  /** The answer to a capture / void / refund that was not a success. */
  const movementRefused = async (action: 'capture' | 'void' | 'refund', reference: string, answer: Answer): Promise<MoneyMovement> => {
    if (answer.status === 401 || answer.status === 403) return { outcome: 'refused', code: 'provider_authentication_failed', message: GENERIC_FAILURE };
    if (answer.status === 404) return { outcome: 'refused', code: 'transaction_not_found', message: msgOf(answer, 'transaction not found') };
    // Refused before processing (../types.ts `unavailableOutcome`): nothing moved.
    if (answer.status === 503) return { outcome: 'refused', code: 'provider_unavailable', message: 'The Pepper gateway refused the request before processing it (HTTP 503); nothing moved.' };
    if (answer.status !== 400) return { outcome: 'in_doubt', detail: `http_${answer.status}` };
    const refusal = refusalOf(action, await statusOf(reference));
    return { outcome: 'refused', ...refusal, message: msgOf(answer, `the gateway refused the ${action}`) };
  };

  return {
    name: 'pepper',
    methods: (currency) => (currency.toUpperCase() === 'USD' ? PEPPER_METHODS : []),
    maxInstallments: 1,
    maxAmount: (currency) => (currency.toUpperCase() === 'USD' ? PEPPER_MAX_AMOUNT : 0),
    manualCapture: true,

    async charge(request) {
      const notSent = (code: string, message: string): ProviderOutcome => ({ status: 'failed', providerStatus: 'not_sent', error: { code, message } });
      if (request.currency.toUpperCase() !== 'USD') return notSent('currency_not_supported', 'The Pepper gateway takes USD only.');
      if (request.method.type === 'pix') return notSent('payment_method_not_supported', 'The Pepper gateway does not take PIX.');
      if (request.amount > PEPPER_MAX_AMOUNT) return notSent('amount_too_large', `The Pepper gateway is sent at most ${PEPPER_MAX_AMOUNT} cents.`);
      const surcharge = request.surcharge ?? 0;
      if (!Number.isSafeInteger(surcharge) || surcharge < 0 || (surcharge > 0 && surcharge >= request.amount)) {
        return notSent('invalid_surcharge', GENERIC_FAILURE);
      }

      let answer: Answer;
      try {
        answer = await call('POST', '/api/transaction', buildPepperTransaction(request));
      } catch (error) {
        return networkOutcome(error);
      }
      // Refused before processing (types.ts): nothing was charged.
      if (answer.status === 503) return unavailableOutcome(503);
      // Sent, answer lost or unreadable: it may exist. The idempotency key makes a retry safe.
      if (answer.status >= 500) return { status: 'processing', providerStatus: `http_${answer.status}` };
      if (answer.status >= 300) return rejected(answer, request);
      const data = answer.envelope?.data;
      if (!ok(answer) || !isObject(data) || !str(data.id)) return { status: 'processing', providerStatus: `http_${answer.status}_no_data` };

      const transaction = data as PepperTransaction;
      const { outcome, partial } = readTransaction(transaction);
      if (partial && VOIDABLE.has(String(transaction.status))) return declinePartial(transaction, outcome, request);

      if (request.method.type === 'saved_card') {
        const card = transaction.response?.card;
        const brand = str(card?.card_type);
        const last4 = /^\d{4}$/.test(String(card?.last_four ?? '')) ? String(card?.last_four) : undefined;
        if (brand || last4) outcome.card = { ...(brand && brand !== 'unknown' ? { brand } : {}), ...(last4 ? { last4 } : {}) };
      }
      const approved = outcome.status === 'succeeded' || outcome.status === 'requires_capture';
      if (approved && request.method.type === 'card' && request.saveCard) {
        const customer = request.saveCard.customer;
        if (customer === null) {
          const made = str(transaction.customer_id);
          if (made) outcome.vaultCustomer = made;
        } else if (await saveToCustomer(customer, request)) {
          outcome.vaultCustomer = customer;
        }
      }
      return outcome;
    },

    // The gateway sends no webhooks: nothing arrives to parse.
    parseWebhook: () => null,

    async retrieve(reference): Promise<RetrievedTransaction | null> {
      const data = await read(reference);
      return data ? retrieved(data) : null;
    },

    /**
     * Search (the doc's `POST /api/transaction/search`) by `po_number`, which carries the payment
     * id (`pepperReference`), from an hour before the payment was made; a match must also name
     * the payment in its `description`, so a digest collision can never be taken for it. Refunds
     * are their own transactions and are skipped. With the idempotency key there is at most one;
     * should there be more, an approved one is the truth the buyer lives with.
     */
    async findByPayment(lookup): Promise<RetrievedTransaction | null> {
      const since = new Date(lookup.createdAt.getTime() - 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const answer = await call('POST', '/api/transaction/search', {
        po_number: { operator: '=', value: pepperReference(lookup.paymentId) },
        created_at: { start_date: since },
        limit: 100,
      });
      const rows = answer.envelope?.data;
      if (!ok(answer) || !Array.isArray(rows)) throw new Error(`Pepper answered HTTP ${answer.status} to a transaction search`);
      const mine = rows
        .filter(isObject)
        .map((row) => row as PepperTransaction)
        .filter((row) => row.type !== 'refund' && String(row.description ?? '').includes(`payment ${lookup.paymentId}`));
      const best = mine.find((row) => row.status !== 'declined') ?? mine[0];
      return best ? { ...retrieved(best), externalRef: lookup.paymentId } : null;
    },

    async capture(reference, amount) {
      let answer: Answer;
      try {
        answer = await call('POST', `/api/transaction/${enc(reference)}/capture`, { amount });
      } catch (error) {
        return movementLost(error);
      }
      if (ok(answer)) {
        const captured = int((answer.envelope?.data as PepperTransaction | null)?.amount_captured);
        return captured === undefined ? { outcome: 'in_doubt', detail: 'capture answered without amount_captured' } : { outcome: 'done', amount: captured };
      }
      return movementRefused('capture', reference, answer);
    },

    async void(reference) {
      let answer: Answer;
      try {
        answer = await call('POST', `/api/transaction/${enc(reference)}/void`);
      } catch (error) {
        return movementLost(error);
      }
      if (ok(answer)) return { outcome: 'done' };
      return movementRefused('void', reference, answer);
    },

    async refund(reference, amount) {
      let answer: Answer;
      try {
        answer = await call('POST', `/api/transaction/${enc(reference)}/refund`, { amount });
      } catch (error) {
        return movementLost(error);
      }
      if (ok(answer)) {
        const refund = answer.envelope?.data as PepperTransaction | null;
        const id = str(refund?.id);
        if (!id) return { outcome: 'in_doubt', detail: 'refund answered without a transaction id' };
        return { outcome: 'done', providerReference: id, amount: int(refund?.amount) ?? amount };
      }
      return movementRefused('refund', reference, answer);
    },

    /**
     * A refund carries nothing of ours but the original's `po_number` and `description` (the
     * gateway copies them, README): search refunds by that `po_number` since `since`, and keep
     * those whose `referenced_transaction_id` is the transaction. A voided or declined refund
     * moved no money and is left out.
     */
    async findRefunds(reference, lookup) {
      const since = new Date(lookup.since.getTime() - 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const answer = await call('POST', '/api/transaction/search', {
        type: { operator: '=', value: 'refund' },
        po_number: { operator: '=', value: pepperReference(lookup.paymentId) },
        created_at: { start_date: since },
        limit: 100,
      });
      const rows = answer.envelope?.data;
      if (!ok(answer) || !Array.isArray(rows)) throw new Error(`Pepper answered HTTP ${answer.status} to a refund search`);
      return rows
        .filter(isObject)
        .map((row) => row as PepperTransaction)
        .filter((row) => row.type === 'refund' && row.referenced_transaction_id === reference && row.status !== 'voided' && row.status !== 'declined')
        .flatMap((row) => (str(row.id) && int(row.amount) !== undefined ? [{ id: str(row.id)!, amount: int(row.amount)! }] : []));
    },

    async feeLookup({ bin, baseAmount, state }) {
      const digits = bin.replace(/\D/g, '');
      const answer = await call('POST', '/api/lookup/fees', {
        type: 'integrations',
        bin: digits,
        payment_method: 'card',
        base_amount: baseAmount,
        ...(state && /^[A-Za-z]{2}$/.test(state) ? { state: state.toUpperCase() } : {}),
      });
      const surcharge = int((answer.envelope?.data as { surcharge?: unknown } | null)?.surcharge);
      if (!ok(answer) || surcharge === undefined || surcharge < 0) throw new Error(`Pepper fee lookup failed (HTTP ${answer.status})`);
      return { surcharge };
    },

    vault: {
      async list(customer) {
        const cards = await vaultCards(customer);
        return cards ? cards.map(pepperSavedCard).filter((card): card is VaultCard => card !== null) : null;
      },
      async remove(customer, cardId) {
        const answer = await call('DELETE', `/api/vault/customer/${enc(customer)}/card/${enc(cardId)}`);
        if (answer.status === 404) return false;
        if (!ok(answer)) throw new Error(`Pepper answered HTTP ${answer.status} to a vault card removal`);
        return true;
      },
    },
  };
}
