/**
 * The Pepper gateway sandbox: an in-memory Hono app that speaks the wire format of
 * /work/shared/providers/pepper-gateway.txt — `Authorization: <api key>`, the
 * `{ status, msg, data }` envelope, `POST /api/transaction` (card, ACH, vaulted customer, APM),
 * get / search / capture / void / refund, the fee lookup and the customer vault — plus what
 * ../../providers/pepper/README.md decides where the doc is silent (auth errors, validation
 * messages, statuses, settlement, idempotency, the APM page, the surcharge rule).
 *
 * The card number and CVC are read once, to pick the outcome (./cards.ts) and the masks, and
 * never kept: transactions and vault cards hold the card type, first six, last four and the
 * test outcome. ACH account numbers are kept masked only.
 *
 * Sandbox-only routes (no auth; never on a real gateway) live under /sandbox.
 */
import { Hono, type Context } from 'hono';
import { html, raw } from 'hono/html';
import { createTimers } from '../timers.ts';
import { createFaults } from '../faults.ts';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import {
  abaChecksumOk,
  achOutcomeOf,
  cardOutcomeOf,
  cardTypeOf,
  isDebitBin,
  luhn,
  percentOf,
  PEPPER_TEST_CARDS,
  PEPPER_TEST_ROUTING_NUMBERS,
  surchargeOf,
  type AchOutcome,
  type CardOutcome,
  type CardType,
} from './cards.ts';

export interface PepperSimOptions {
  /** The private key the sandbox accepts (`api_…`), as the raw Authorization header or `Bearer <key>`. */
  apiKey: string;
  /** The public key (`pub_…`): always 401 here, every route being server-side. */
  publicKey?: string;
  /** This app's own public base URL, e.g. http://127.0.0.1:4243/pepper (APM pages). */
  publicUrl: string;
  now?: () => Date;
  /** Unused for now (the gateway sends no webhooks in this sandbox); kept for symmetry. */
  fetch?: typeof fetch;
}

export type PepperStatus =
  | 'unknown'
  | 'declined'
  | 'authorized'
  | 'pending_settlement'
  | 'settled'
  | 'voided'
  | 'reversed'
  | 'refunded'
  /** Sandbox addition: a redirect APM before the buyer pays (response_code 99). */
  | 'pending';

export type PepperTransactionType = 'sale' | 'authorize' | 'verification' | 'credit' | 'refund';

export interface PepperAddress {
  first_name: string;
  last_name: string;
  company: string;
  address_line_1: string;
  address_line_2: string;
  city: string;
  state: string;
  postal_code: string;
  country: string;
  phone: string;
  fax: string;
  email: string;
}

export interface PepperCardResponse {
  id: string;
  card_type: CardType;
  first_six: string;
  last_four: string;
  masked_card: string;
  expiration_date: string;
  status: 'approved' | 'declined';
  auth_code: string;
  processor_response_code: string;
  processor_response_text: string;
  processor_type: string;
  processor_id: string;
  avs_response_code: string;
  cvv_response_code: string;
  processor_specific: Record<string, never>;
  created_at: string;
  updated_at: string;
}

export interface PepperAchResponse {
  id: string;
  routing_number: string;
  masked_account_number: string;
  account_type: 'checking' | 'savings';
  sec_code: 'web' | 'ccd' | 'ppd' | 'tel';
  check_number: string;
  status: 'approved' | 'declined';
  processor_response_code: string;
  processor_response_text: string;
  created_at: string;
  updated_at: string;
}

export interface PepperApmResponse {
  id: string;
  type: string;
  locale: string;
  redirect_url: string;
  status: 'pending' | 'approved' | 'canceled';
  created_at: string;
  updated_at: string;
}

/** A transaction as `GET /api/transaction/{id}` shows it (plus the README's added fields). */
export interface PepperTransaction {
  id: string;
  type: PepperTransactionType;
  amount: number;
  base_amount: number | null;
  amount_authorized: number;
  amount_captured: number;
  amount_settled: number;
  amount_refunded: number;
  tax_amount: number;
  tax_exempt: boolean;
  shipping_amount: number;
  discount_amount: number;
  tip_amount: number;
  surcharge_amount: number;
  currency: string;
  description: string;
  order_id: string;
  po_number: string;
  ip_address: string;
  email_receipt: boolean;
  email_address: string;
  payment_method: 'card' | 'ach' | 'customer' | 'token' | 'apm';
  payment_type: 'card' | 'echeck' | 'apm';
  customer_id: string | null;
  referenced_transaction_id: string | null;
  response_code: number;
  response_text: string;
  response: { card?: PepperCardResponse; ach?: PepperAchResponse; apm?: PepperApmResponse };
  status: PepperStatus;
  billing_address: PepperAddress | null;
  shipping_address: PepperAddress | null;
  created_at: string;
  updated_at: string;
  captured_at: string | null;
  settled_at: string | null;
}

export interface SimTransaction {
  data: PepperTransaction;
  /** For APM transactions: where the buyer goes back to after the APM page. */
  merchant_redirect_url: string | null;
  idempotency_key: string | null;
}

export interface VaultAddress {
  id: string;
  first_name: string;
  last_name: string;
  company: string;
  line_1: string;
  line_2: string;
  city: string;
  state: string;
  postal_code: string;
  country: string;
  email: string;
  phone: string;
  fax: string;
}

/** A vaulted card: masks and the sandbox outcome, never the number. */
export interface VaultCard {
  id: string;
  card_type: CardType;
  first_six: string;
  last_four: string;
  masked_number: string;
  /** MM/YY as given. */
  expiration: string;
  debit: boolean;
  outcome: CardOutcome;
}

export interface VaultCustomer {
  id: string;
  description: string;
  notes: string;
  flags: string[];
  addresses: VaultAddress[];
  defaults: { billing_address_id: string; payment_method_id: string; payment_method_type: string; shipping_address_id: string };
  cards: VaultCard[];
  created_at: string;
  updated_at: string;
}

type Json = Record<string, unknown>;

const OWNER_ID = 'sandboxmerchant0001';
const IDEMPOTENCY_WINDOW_MS = 5 * 60_000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const APM_TYPES = ['alipay', 'wechatpay', 'paypal'] as const;
const TYPES = ['sale', 'authorize', 'verification', 'credit'] as const;
const METHODS = ['card', 'ach', 'customer', 'terminal', 'token', 'apm'] as const;
const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuv';

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);
const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);
const present = (value: unknown) => value !== undefined && value !== null;

/** A 20-character id in the gateway's style (b7kgflt1tlv51er0fts0). */
function newId(): string {
  return Array.from(randomBytes(20), (byte) => ID_ALPHABET[byte % 32]).join('');
}

function authCode(): string {
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  return Array.from(randomBytes(6), (byte) => letters[byte % letters.length]).join('');
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

function maskCard(number: string): string {
  return `${number.slice(0, 6)}${'*'.repeat(Math.max(0, number.length - 10))}${number.slice(-4)}`;
}

/** `MM/YY` (or `MMYY` when `allowCompact`) → { month, year } or null. */
function parseExpiry(value: unknown, allowCompact: boolean): { month: number; year: number; text: string } | null {
  if (typeof value !== 'string') return null;
  const match = (allowCompact ? /^(\d{2})\/?(\d{2})$/ : /^(\d{2})\/(\d{2})$/).exec(value);
  if (!match) return null;
  const month = Number(match[1]);
  if (month < 1 || month > 12) return null;
  return { month, year: 2000 + Number(match[2]), text: `${match[1]}/${match[2]}` };
}

function expired(expiry: { month: number; year: number }, today: Date): boolean {
  const year = today.getUTCFullYear();
  return expiry.year < year || (expiry.year === year && expiry.month < today.getUTCMonth() + 1);
}

/** The doc's vault shows expiry as the month's last day, "2020-12-31T00:00:00Z". */
function vaultExpiry(mmYY: string): string {
  const [mm, yy] = mmYY.split('/');
  const last = new Date(Date.UTC(2000 + Number(yy), Number(mm), 0));
  return `${last.toISOString().slice(0, 10)}T00:00:00Z`;
}

const TX_ADDRESS_LIMITS: Record<string, number> = {
  first_name: 50,
  last_name: 50,
  company: 100,
  address_line_1: 100,
  address_line_2: 100,
  city: 50,
};
const VAULT_ADDRESS_LIMITS: Record<string, number> = { first_name: 50, last_name: 50, company: 100, line_1: 100, line_2: 100, city: 50 };

/** Checks an address object; returns it with every field as a string ('' when absent). */
function readAddress(at: string, value: unknown, errors: string[], limits: Record<string, number>): Record<string, string> | null {
  if (!present(value)) return null;
  if (!isObject(value)) {
    errors.push(`${at} must be an object`);
    return null;
  }
  const out: Record<string, string> = {};
  const fields = [...Object.keys(limits), 'state', 'postal_code', 'country', 'email', 'phone', 'fax'];
  for (const key of fields) {
    const raw = value[key];
    if (!present(raw) || raw === '') {
      out[key] = '';
      continue;
    }
    if (typeof raw !== 'string') {
      errors.push(`${at}.${key} must be a string`);
      continue;
    }
    const limit = limits[key];
    if (limit !== undefined && raw.length > limit) errors.push(`${at}.${key} must be at most ${limit} characters`);
    if (key === 'state' && !/^[A-Za-z]{2}$/.test(raw)) errors.push(`${at}.state must be a 2-letter state abbreviation`);
    if (key === 'country' && !/^[A-Za-z]{2}$/.test(raw)) errors.push(`${at}.country must be a 2-letter country code`);
    if (key === 'postal_code' && !/^[A-Za-z0-9 -]{1,10}$/.test(raw)) errors.push(`${at}.postal_code must be at most 10 letters, digits, spaces or dashes`);
    if (key === 'email' && !EMAIL.test(raw)) errors.push(`${at}.email must be a valid email address`);
    if ((key === 'phone' || key === 'fax') && !/^\d{1,14}$/.test(raw)) errors.push(`${at}.${key} must be digits only (at most 14)`);
    out[key] = key === 'state' || key === 'country' ? raw.toUpperCase() : raw;
  }
  return out;
}

/** What `POST /api/transaction` charges: read once from the body, card numbers already reduced to masks. */
type CardInstrument = {
  kind: 'card';
  method: 'card' | 'customer';
  card_type: CardType;
  first_six: string;
  last_four: string;
  masked: string;
  expiration: string;
  expired: boolean;
  debit: boolean;
  outcome: CardOutcome;
  /** null: no CVC asked (a vaulted card). */
  cvcGiven: boolean | null;
  customer: VaultCustomer | null;
  /** Kept only until the vault record is made (create_vault_record), then dropped. */
  vaultable: VaultCard | null;
};
type AchInstrument = {
  kind: 'ach';
  routing_number: string;
  masked_account: string;
  account_type: 'checking' | 'savings';
  sec_code: 'web' | 'ccd' | 'ppd' | 'tel';
  check_number: string;
  outcome: AchOutcome;
};
type ApmInstrument = { kind: 'apm'; type: string; merchant_redirect_url: string; locale: string };
type Instrument = CardInstrument | AchInstrument | ApmInstrument;

function readCard(at: string, card: unknown, errors: string[], today: Date, opts: { compactExpiry: boolean; cvc: boolean }): VaultCard | null {
  if (!isObject(card)) {
    errors.push(`${at} must be an object`);
    return null;
  }
  const before = errors.length;
  const number = card.number;
  if (typeof number !== 'string' || number === '') errors.push(`${at}.number is required`);
  else if (!/^\d{12,19}$/.test(number)) errors.push(`${at}.number must be 12 to 19 digits (digits only)`);
  else if (!luhn(number)) errors.push(`${at}.number is not a valid card number`);
  const expiry = parseExpiry(card.expiration_date, opts.compactExpiry);
  if (!present(card.expiration_date)) errors.push(`${at}.expiration_date is required`);
  else if (!expiry) errors.push(`${at}.expiration_date must be MM/YY${opts.compactExpiry ? ' or MMYY' : ''}`);
  else if (expired(expiry, today)) errors.push(`${at}.expiration_date must not be in the past`);
  if (opts.cvc && present(card.cvc) && (typeof card.cvc !== 'string' || !/^\d{3,4}$/.test(card.cvc))) errors.push(`${at}.cvc must be 3 or 4 digits`);
  if (opts.cvc && present(card.entry_type) && card.entry_type !== 'keyed' && card.entry_type !== 'swiped') errors.push(`${at}.entry_type must be "keyed" or "swiped"`);
  if (errors.length > before || typeof number !== 'string' || !expiry) return null;
  return {
    id: newId(),
    card_type: cardTypeOf(number),
    first_six: number.slice(0, 6),
    last_four: number.slice(-4),
    masked_number: maskCard(number),
    expiration: expiry.text,
    debit: isDebitBin(number),
    outcome: cardOutcomeOf(number),
  };
}

export function createPepperSimulator(options: PepperSimOptions) {
  const transactions = new Map<string, SimTransaction>();
  const customers = new Map<string, VaultCustomer>();
  const idempotency = new Map<string, { id: string; at: number }>();
  const timers = createTimers();
  const { later } = timers;
  const now = options.now ?? (() => new Date());
  const iso = () => now().toISOString();
  const base = options.publicUrl.replace(/\/$/, '');


  const wire = (tx: SimTransaction): PepperTransaction => structuredClone(tx.data);
  const ok = (c: Context, data: unknown, extra: Json = {}) => c.json({ status: 'success', msg: 'success', data, ...extra }, 200);
  const failed = (c: Context, status: ContentfulStatusCode, msg: string) => c.json({ status: 'failed', msg, data: null }, status);
  const notFound = (c: Context, what = 'transaction') => failed(c, 404, `${what} not found`);

  const readJson = async (c: Context): Promise<Json | null> => {
    try {
      const body: unknown = await c.req.json();
      return isObject(body) ? body : null;
    } catch {
      return null;
    }
  };

  const touch = (data: PepperTransaction) => {
    const at = iso();
    data.updated_at = at;
    if (data.response.card) data.response.card.updated_at = at;
    if (data.response.ach) data.response.ach.updated_at = at;
    if (data.response.apm) data.response.apm.updated_at = at;
  };

  // ---------- vault ----------

  const customerView = (customer: VaultCustomer) => ({
    id: customer.id,
    owner_id: OWNER_ID,
    data: {
      customer: {
        addresses: customer.addresses.map((a) => ({ ...a })),
        defaults: { ...customer.defaults },
        description: customer.description,
        notes: customer.notes,
        flags: [...customer.flags],
        payments: {
          ach: [],
          cards: customer.cards.map((card) => ({
            card_type: card.card_type,
            expiration_date: vaultExpiry(card.expiration),
            id: card.id,
            masked_number: card.masked_number,
          })),
        },
      },
    },
    created_at: customer.created_at,
    updated_at: customer.updated_at,
  });

  const vaultAddress = (fields: Record<string, string>): VaultAddress => ({
    id: newId(),
    first_name: fields.first_name ?? '',
    last_name: fields.last_name ?? '',
    company: fields.company ?? '',
    line_1: fields.line_1 ?? fields.address_line_1 ?? '',
    line_2: fields.line_2 ?? fields.address_line_2 ?? '',
    city: fields.city ?? '',
    state: fields.state ?? '',
    postal_code: fields.postal_code ?? '',
    country: fields.country ?? '',
    email: fields.email ?? '',
    phone: fields.phone ?? '',
    fax: fields.fax ?? '',
  });

  const txAddress = (a: VaultAddress): PepperAddress => ({
    first_name: a.first_name,
    last_name: a.last_name,
    company: a.company,
    address_line_1: a.line_1,
    address_line_2: a.line_2,
    city: a.city,
    state: a.state,
    postal_code: a.postal_code,
    country: a.country,
    phone: a.phone,
    fax: a.fax,
    email: a.email,
  });

  const newCustomer = (
    id: string,
    card: VaultCard | null,
    billing: Record<string, string> | null,
    shipping: Record<string, string> | null,
    extra: { description?: string; flags?: string[] } = {},
  ): VaultCustomer => {
    const at = iso();
    const addresses: VaultAddress[] = [];
    const billingAddress = billing ? vaultAddress(billing) : null;
    if (billingAddress) addresses.push(billingAddress);
    let shippingAddress = billingAddress;
    if (shipping && JSON.stringify(shipping) !== JSON.stringify(billing)) {
      shippingAddress = vaultAddress(shipping);
      addresses.push(shippingAddress);
    } else if (!shipping) shippingAddress = billingAddress;
    const customer: VaultCustomer = {
      id,
      description: extra.description ?? '',
      notes: '',
      flags: extra.flags ?? [],
      addresses,
      defaults: {
        billing_address_id: billingAddress?.id ?? '',
        payment_method_id: card?.id ?? '',
        payment_method_type: card ? 'card' : '',
        shipping_address_id: shippingAddress?.id ?? '',
      },
      cards: card ? [card] : [],
      created_at: at,
      updated_at: at,
    };
    customers.set(id, customer);
    return customer;
  };

  // ---------- transactions ----------

  /** Validates a `POST /api/transaction` body; the instrument is built only when it is valid. */
  const validateTransaction = (body: Json) => {
    const errors: string[] = [];
    const today = now();
    const type = body.type;
    if (!present(type)) errors.push('type is required');
    else if (!TYPES.includes(type as (typeof TYPES)[number])) errors.push('type must be one of: sale, authorize, verification, credit');

    for (const key of ['amount', 'base_amount', 'tax_amount', 'shipping_amount', 'discount_amount', 'tip_amount'] as const) {
      if (present(body[key]) && (!isInt(body[key]) || (body[key] as number) < 0)) errors.push(`${key} must be a non-negative integer (cents)`);
    }
    if (!present(body.amount) && !present(body.base_amount)) errors.push('amount (or base_amount) is required');
    if (type === 'verification') {
      if ((present(body.amount) && body.amount !== 0) || (present(body.base_amount) && body.base_amount !== 0)) errors.push('amount must be 0 for a verification');
    } else if (isInt(body.amount) && body.amount === 0 && !present(body.base_amount)) errors.push(`amount must be greater than 0 for a ${String(type ?? 'transaction')}`);
    else if (isInt(body.base_amount) && body.base_amount === 0) errors.push(`base_amount must be greater than 0 for a ${String(type ?? 'transaction')}`);

    if (present(body.currency) && (typeof body.currency !== 'string' || !/^[A-Za-z]{3}$/.test(body.currency))) errors.push('currency must be a 3-letter ISO 4217 code');
    if (present(body.description) && (typeof body.description !== 'string' || body.description.length > 255)) errors.push('description must be a string of at most 255 characters');
    for (const key of ['order_id', 'po_number'] as const) {
      if (present(body[key]) && (typeof body[key] !== 'string' || !/^[A-Za-z0-9]{0,15}$/.test(body[key] as string))) errors.push(`${key} must be at most 15 alphanumeric characters`);
    }
    if (present(body.ip_address) && (typeof body.ip_address !== 'string' || isIP(body.ip_address) === 0)) errors.push('ip_address must be an IPv4 or IPv6 address');
    if (present(body.email_address) && (typeof body.email_address !== 'string' || !EMAIL.test(body.email_address))) errors.push('email_address must be a valid email address');
    if (body.email_receipt === true && !present(body.email_address)) errors.push('email_address is required when email_receipt is true');
    for (const key of ['tax_exempt', 'email_receipt', 'create_vault_record', 'allow_partial_payment'] as const) {
      if (present(body[key]) && typeof body[key] !== 'boolean') errors.push(`${key} must be a boolean`);
    }
    if (present(body.idempotency_key) && (typeof body.idempotency_key !== 'string' || !UUID.test(body.idempotency_key))) errors.push('idempotency_key must be a UUID');

    const adjustment = body.payment_adjustment;
    if (present(adjustment)) {
      if (!isObject(adjustment)) errors.push('payment_adjustment must be an object');
      else {
        if (present(adjustment.type) && adjustment.type !== 'flat' && adjustment.type !== 'percentage' && adjustment.type !== '') errors.push('payment_adjustment.type must be "flat" or "percentage"');
        if (present(adjustment.value) && (!isInt(adjustment.value) || adjustment.value < 0)) errors.push('payment_adjustment.value must be a non-negative integer');
        if (adjustment.type === 'percentage' && isInt(adjustment.value) && adjustment.value > 100_000) errors.push('payment_adjustment.value must be at most 100000 (100.000%)');
      }
    }

    const billing = readAddress('billing_address', body.billing_address, errors, TX_ADDRESS_LIMITS);
    const shipping = readAddress('shipping_address', body.shipping_address, errors, TX_ADDRESS_LIMITS);

    let instrument: Instrument | null = null;
    const pm = body.payment_method;
    if (!present(pm)) errors.push('payment_method is required');
    else if (!isObject(pm)) errors.push('payment_method must be an object');
    else {
      const given = METHODS.filter((key) => present(pm[key]));
      if (given.length !== 1) {
        errors.push(`payment_method must contain exactly one of: ${METHODS.join(', ')}${given.length ? ` (got ${given.join(', ')})` : ''}`);
      } else if (given[0] === 'card') {
        const card = readCard('payment_method.card', pm.card, errors, today, { compactExpiry: false, cvc: true });
        if (card) {
          instrument = {
            kind: 'card',
            method: 'card',
            card_type: card.card_type,
            first_six: card.first_six,
            last_four: card.last_four,
            masked: card.masked_number,
            expiration: card.expiration,
            expired: false,
            debit: card.debit,
            outcome: card.outcome,
            cvcGiven: present((pm.card as Json).cvc),
            customer: null,
            vaultable: card,
          };
        }
      } else if (given[0] === 'ach') {
        const ach = pm.ach;
        if (!isObject(ach)) errors.push('payment_method.ach must be an object');
        else {
          const before = errors.length;
          const routing = ach.routing_number;
          if (typeof routing !== 'string' || !/^\d{9}$/.test(routing)) errors.push('payment_method.ach.routing_number must be 9 digits');
          else if (!abaChecksumOk(routing)) errors.push('payment_method.ach.routing_number is not a valid ABA routing number (checksum)');
          const account = ach.account_number;
          if (typeof account !== 'string' || !/^\d{4,17}$/.test(account)) errors.push('payment_method.ach.account_number must be 4 to 17 digits');
          const sec = ach.sec_code;
          if (sec !== 'web' && sec !== 'ccd' && sec !== 'ppd' && sec !== 'tel') errors.push('payment_method.ach.sec_code must be one of: web, ccd, ppd, tel');
          if (ach.account_type !== 'checking' && ach.account_type !== 'savings') errors.push('payment_method.ach.account_type must be "checking" or "savings"');
          const check = ach.check_number;
          if (sec === 'tel' && (typeof check !== 'string' || check === '')) errors.push('payment_method.ach.check_number is required when sec_code is "tel"');
          else if (present(check) && (typeof check !== 'string' || !/^\d{1,15}$/.test(check))) errors.push('payment_method.ach.check_number must be digits only');
          const auth = ach.accountholder_authentication;
          if (present(auth)) {
            if (!isObject(auth) || typeof auth.dl_state !== 'string' || typeof auth.dl_number !== 'string' || !auth.dl_state || !auth.dl_number) {
              errors.push('payment_method.ach.accountholder_authentication needs dl_state and dl_number');
            }
          }
          if (type === 'authorize' || type === 'verification') errors.push(`payment_method.ach supports type sale or credit only, not ${String(type)}`);
          if (errors.length === before) {
            const digits = account as string;
            instrument = {
              kind: 'ach',
              routing_number: routing as string,
              masked_account: `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`,
              account_type: ach.account_type as 'checking' | 'savings',
              sec_code: sec as AchInstrument['sec_code'],
              check_number: typeof check === 'string' ? check : '',
              outcome: achOutcomeOf(routing as string),
            };
          }
        }
      } else if (given[0] === 'apm') {
        const apm = pm.apm;
        if (!isObject(apm)) errors.push('payment_method.apm must be an object');
        else {
          const before = errors.length;
          if (!APM_TYPES.includes(apm.type as (typeof APM_TYPES)[number])) errors.push(`payment_method.apm.type must be one of: ${APM_TYPES.join(', ')}`);
          if (!isHttpUrl(apm.merchant_redirect_url)) errors.push('payment_method.apm.merchant_redirect_url must be an http(s) URL');
          if (typeof apm.locale !== 'string' || !/^[a-z]{2}(-[A-Z]{2})?$/.test(apm.locale)) errors.push('payment_method.apm.locale is required (e.g. "en-US")');
          if (present(apm.mobile_view) && typeof apm.mobile_view !== 'boolean') errors.push('payment_method.apm.mobile_view must be a boolean');
          if (present(apm.national_id) && (typeof apm.national_id !== 'string' || apm.national_id.length > 30)) errors.push('payment_method.apm.national_id must be at most 30 characters');
          if (present(apm.consumer_ref) && (typeof apm.consumer_ref !== 'string' || !/^[a-z0-9-]{1,20}$/.test(apm.consumer_ref))) errors.push('payment_method.apm.consumer_ref must be at most 20 characters of a-z, 0-9 and -');
          if (present(type) && type !== 'sale') errors.push(`payment_method.apm supports type sale only, not ${String(type)}`);
          if (errors.length === before) {
            instrument = { kind: 'apm', type: apm.type as string, merchant_redirect_url: apm.merchant_redirect_url as string, locale: apm.locale as string };
          }
        }
      } else if (given[0] === 'customer') {
        const ref = pm.customer;
        if (!isObject(ref)) errors.push('payment_method.customer must be an object');
        else if (typeof ref.id !== 'string' || !ref.id) errors.push('payment_method.customer.id is required');
        else {
          const customer = customers.get(ref.id);
          if (!customer) errors.push('payment_method.customer.id was not found in the vault');
          else {
            if (present(ref.payment_method_type) && ref.payment_method_type !== 'card') errors.push('payment_method.customer.payment_method_type must be "card" (the sandbox vaults cards only)');
            const cardId = typeof ref.payment_method_id === 'string' && ref.payment_method_id ? ref.payment_method_id : customer.defaults.payment_method_id;
            const card = customer.cards.find((candidate) => candidate.id === cardId);
            if (!cardId) errors.push('payment_method.customer.payment_method_id is required: the customer has no default payment method');
            else if (!card) errors.push('payment_method.customer.payment_method_id was not found on the customer');
            for (const key of ['billing_address_id', 'shipping_address_id'] as const) {
              if (present(ref[key]) && !customer.addresses.some((a) => a.id === ref[key])) errors.push(`payment_method.customer.${key} was not found on the customer`);
            }
            if (card) {
              const expiry = parseExpiry(card.expiration, false)!;
              instrument = {
                kind: 'card',
                method: 'customer',
                card_type: card.card_type,
                first_six: card.first_six,
                last_four: card.last_four,
                masked: card.masked_number,
                expiration: card.expiration,
                expired: expired(expiry, today),
                debit: card.debit,
                outcome: card.outcome,
                cvcGiven: null,
                customer,
                vaultable: null,
              };
            }
          }
        }
      } else if (given[0] === 'token') {
        errors.push('payment_method.token is not supported by the sandbox (it has no Tokenizer): send payment_method.card');
      } else {
        errors.push('payment_method.terminal is not supported by the sandbox');
      }
    }
    return { errors, instrument, billing, shipping };
  };

  /** The surcharge a card payment carries when `base_amount` is given. */
  const surchargeFor = (body: Json, baseAmount: number, instrument: Instrument, state: string): number => {
    const adjustment = isObject(body.payment_adjustment) ? body.payment_adjustment : null;
    if (adjustment && isInt(adjustment.value) && adjustment.value > 0 && (adjustment.type === 'flat' || adjustment.type === 'percentage')) {
      return adjustment.type === 'flat' ? adjustment.value : percentOf(baseAmount, adjustment.value);
    }
    if (instrument.kind !== 'card') return 0;
    if (instrument.customer?.flags.includes('surcharge_exempt')) return 0;
    return surchargeOf(baseAmount, instrument.first_six, state);
  };

  const createTransaction = (body: Json, instrument: Instrument, billing: Record<string, string> | null, shipping: Record<string, string> | null): SimTransaction | string => {
    const type = body.type as Exclude<PepperTransactionType, 'refund'>;
    // Addresses: the body's, else (vaulted customer) the customer's stored ones.
    let billingAddress = billing as PepperAddress | null;
    let shippingAddress = shipping as PepperAddress | null;
    if (instrument.kind === 'card' && instrument.customer) {
      const customer = instrument.customer;
      const ref = (body.payment_method as Json).customer as Json;
      const pick = (id: unknown) => customer.addresses.find((a) => a.id === id);
      if (!billingAddress) {
        const stored = pick(ref.billing_address_id ?? customer.defaults.billing_address_id);
        billingAddress = stored ? txAddress(stored) : null;
      }
      if (!shippingAddress) {
        const stored = pick(ref.shipping_address_id ?? customer.defaults.shipping_address_id);
        shippingAddress = stored ? txAddress(stored) : null;
      }
    }

    let amount = isInt(body.amount) ? body.amount : 0;
    let surcharge = 0;
    const baseAmount = isInt(body.base_amount) ? body.base_amount : null;
    if (baseAmount !== null) {
      surcharge = type === 'verification' ? 0 : surchargeFor(body, baseAmount, instrument, billingAddress?.state ?? '');
      if (isInt(body.amount) && body.amount !== baseAmount + surcharge) {
        return `amount (${body.amount}) must equal base_amount plus the surcharge (${baseAmount} + ${surcharge}) when both are given`;
      }
      amount = baseAmount + surcharge;
    }

    const at = iso();
    const id = newId();
    const data: PepperTransaction = {
      id,
      type,
      amount,
      base_amount: baseAmount,
      amount_authorized: 0,
      amount_captured: 0,
      amount_settled: 0,
      amount_refunded: 0,
      tax_amount: isInt(body.tax_amount) ? body.tax_amount : 0,
      tax_exempt: body.tax_exempt === true,
      shipping_amount: isInt(body.shipping_amount) ? body.shipping_amount : 0,
      discount_amount: isInt(body.discount_amount) ? body.discount_amount : 0,
      tip_amount: isInt(body.tip_amount) ? body.tip_amount : 0,
      surcharge_amount: surcharge,
      currency: typeof body.currency === 'string' ? body.currency.toLowerCase() : 'usd',
      description: typeof body.description === 'string' ? body.description : '',
      order_id: typeof body.order_id === 'string' ? body.order_id : '',
      po_number: typeof body.po_number === 'string' ? body.po_number : '',
      ip_address: typeof body.ip_address === 'string' ? body.ip_address : '',
      email_receipt: body.email_receipt === true,
      email_address: typeof body.email_address === 'string' ? body.email_address : '',
      payment_method: instrument.kind === 'card' ? instrument.method : instrument.kind,
      payment_type: instrument.kind === 'ach' ? 'echeck' : instrument.kind === 'apm' ? 'apm' : 'card',
      customer_id: instrument.kind === 'card' && instrument.customer ? instrument.customer.id : null,
      referenced_transaction_id: null,
      response_code: 0,
      response_text: 'Unknown',
      response: {},
      status: 'unknown',
      billing_address: billingAddress,
      shipping_address: shippingAddress,
      created_at: at,
      updated_at: at,
      captured_at: null,
      settled_at: null,
    };

    /** An approval for `authorized` cents: a sale or credit is captured at once, an authorize waits. */
    const approve = (authorized: number) => {
      data.amount_authorized = authorized;
      if (type === 'sale' || type === 'credit') {
        data.amount_captured = authorized;
        data.captured_at = at;
        data.status = 'pending_settlement';
      } else data.status = 'authorized';
    };

    if (instrument.kind === 'card') {
      let outcome = instrument.outcome;
      if (instrument.expired) outcome = { kind: 'declined', code: 223, text: 'Expired card', processorCode: '54' };
      let code = 100;
      let text = 'Approved';
      let processorCode = '00';
      let approvedAmount = amount;
      if (outcome.kind === 'partial' && (type === 'sale' || type === 'authorize') && amount >= 2) {
        if (body.allow_partial_payment === true) {
          code = 110;
          text = 'Partial approval';
          processorCode = '10';
          approvedAmount = Math.floor(amount / 2);
        } else {
          outcome = { kind: 'declined', code: 200, text: 'Declined: partial approval not allowed', processorCode: '10' };
        }
      }
      const auth = outcome.kind === 'declined' ? '' : authCode();
      if (outcome.kind === 'declined') {
        code = outcome.code;
        text = outcome.text;
        processorCode = outcome.processorCode;
        data.status = 'declined';
      } else approve(approvedAmount);
      const avs = outcome.kind === 'declined' ? '0' : billingAddress?.postal_code ? outcome.avs : '0';
      // No CVC sent (or a vaulted card): 'P', not processed. A decline never reached the CVV check.
      const cvv = instrument.cvcGiven !== true ? 'P' : outcome.kind === 'declined' ? '' : outcome.cvv;
      data.response_code = code;
      data.response_text = text;
      data.response.card = {
        id: newId(),
        card_type: instrument.card_type,
        first_six: instrument.first_six,
        last_four: instrument.last_four,
        masked_card: instrument.masked,
        expiration_date: instrument.expiration,
        status: outcome.kind === 'declined' ? 'declined' : 'approved',
        auth_code: auth,
        processor_response_code: processorCode,
        processor_response_text: code === 100 || code === 110 ? `APPROVAL ${auth}` : text.toUpperCase(),
        processor_type: 'sandbox',
        processor_id: 'sandbox',
        avs_response_code: avs,
        cvv_response_code: cvv,
        processor_specific: {},
        created_at: at,
        updated_at: at,
      };
      // create_vault_record: only after an approval, only for a keyed card.
      if (body.create_vault_record === true && instrument.vaultable && data.status !== 'declined') {
        const customer = newCustomer(newId(), { ...instrument.vaultable, id: newId() }, billing, shipping);
        data.customer_id = customer.id;
      }
    } else if (instrument.kind === 'ach') {
      const outcome = instrument.outcome;
      if (outcome.kind === 'declined') {
        data.status = 'declined';
        data.response_code = outcome.code;
        data.response_text = outcome.text;
      } else {
        approve(amount);
        data.response_code = 100;
        data.response_text = 'Approved';
      }
      data.response.ach = {
        id: newId(),
        routing_number: instrument.routing_number,
        masked_account_number: instrument.masked_account,
        account_type: instrument.account_type,
        sec_code: instrument.sec_code,
        check_number: instrument.check_number,
        status: outcome.kind === 'declined' ? 'declined' : 'approved',
        processor_response_code: outcome.kind === 'declined' ? outcome.text.slice(0, 3) : '00',
        processor_response_text: outcome.kind === 'declined' ? outcome.text : 'APPROVED',
        created_at: at,
        updated_at: at,
      };
    } else {
      data.status = 'pending';
      data.response_code = 99;
      data.response_text = 'Pending payment';
      data.response.apm = { id: newId(), type: instrument.type, locale: instrument.locale, redirect_url: `${base}/apm/${id}`, status: 'pending', created_at: at, updated_at: at };
    }
    return { data, merchant_redirect_url: instrument.kind === 'apm' ? instrument.merchant_redirect_url : null, idempotency_key: typeof body.idempotency_key === 'string' ? body.idempotency_key : null };
  };

  const settle = (tx: SimTransaction) => {
    const data = tx.data;
    data.status = 'settled';
    data.amount_settled = data.amount_captured;
    data.settled_at = iso();
    touch(data);
  };

  // ---------- search ----------

  const STRING_FIELDS: Record<string, (t: PepperTransaction) => string> = {
    transaction_id: (t) => t.id,
    user_id: () => '',
    type: (t) => t.type,
    ip_address: (t) => t.ip_address,
    po_number: (t) => t.po_number,
    order_id: (t) => t.order_id,
    payment_method: (t) => t.payment_method,
    payment_type: (t) => t.payment_type,
    status: (t) => t.status,
    processor_id: (t) => t.response.card?.processor_id ?? '',
    customer_id: (t) => t.customer_id ?? '',
  };
  const INT_FIELDS: Record<string, (t: PepperTransaction) => number> = {
    amount: (t) => t.amount,
    amount_authorized: (t) => t.amount_authorized,
    amount_captured: (t) => t.amount_captured,
    amount_settled: (t) => t.amount_settled,
    tax_amount: (t) => t.tax_amount,
  };
  const DATE_FIELDS: Record<string, (t: PepperTransaction) => string | null> = {
    created_at: (t) => t.created_at,
    captured_at: (t) => t.captured_at,
    settled_at: (t) => t.settled_at,
  };
  const ADDRESS_SEARCH = ['address_id', 'first_name', 'last_name', 'company', 'address_line_1', 'address_line_2', 'city', 'state', 'postal_code', 'country', 'email', 'phone', 'fax'];

  type Filter = (t: PepperTransaction) => boolean;

  const stringFilter = (name: string, query: unknown, get: (t: PepperTransaction) => string): Filter | string => {
    if (!isObject(query) || typeof query.value !== 'string') return `${name} must be { "operator": "=" | "!=", "value": "<string>" }`;
    const value = query.value;
    const operator = query.operator ?? '=';
    if (operator === '=') return (t) => get(t) === value;
    if (operator === '!=') return (t) => get(t) !== value;
    return `${name}.operator must be "=" or "!="`;
  };

  const buildFilters = (body: Json): Filter[] | string => {
    const filters: Filter[] = [];
    for (const [name, query] of Object.entries(body)) {
      if (name === 'limit' || name === 'offset') continue;
      const str = STRING_FIELDS[name];
      const int = INT_FIELDS[name];
      const date = DATE_FIELDS[name];
      if (str) {
        const filter = stringFilter(name, query, str);
        if (typeof filter === 'string') return filter;
        filters.push(filter);
      } else if (int) {
        if (!isObject(query)) return `${name} must be { "operator": "=" | "!=" | "<" | ">", "value": <integer> }`;
        const value = typeof query.value === 'string' && /^\d+$/.test(query.value) ? Number(query.value) : query.value;
        if (!isInt(value)) return `${name}.value must be an integer`;
        const operator = query.operator ?? '=';
        if (operator === '=') filters.push((t) => int(t) === value);
        else if (operator === '!=') filters.push((t) => int(t) !== value);
        else if (operator === '<') filters.push((t) => int(t) < value);
        else if (operator === '>') filters.push((t) => int(t) > value);
        else return `${name}.operator must be one of: =, !=, <, >`;
      } else if (date) {
        if (!isObject(query)) return `${name} must be { "start_date": "YYYY-MM-DDTHH:II:SSZ", "end_date": "…" }`;
        const bounds: number[] = [];
        for (const key of ['start_date', 'end_date'] as const) {
          const raw = query[key];
          if (!present(raw) || raw === '') {
            bounds.push(key === 'start_date' ? -Infinity : Infinity);
            continue;
          }
          const ms = typeof raw === 'string' ? Date.parse(raw) : NaN;
          if (Number.isNaN(ms)) return `${name}.${key} must be a UTC date "YYYY-MM-DDTHH:II:SSZ"`;
          bounds.push(ms);
        }
        const [start, end] = bounds as [number, number];
        filters.push((t) => {
          const value = date(t);
          if (!value) return false;
          const ms = Date.parse(value);
          return ms >= start && ms <= end;
        });
      } else if (name === 'billing_address' || name === 'shipping_address') {
        if (!isObject(query)) return `${name} must be an object of searches`;
        for (const [field, sub] of Object.entries(query)) {
          if (!ADDRESS_SEARCH.includes(field)) return `${name}.${field} is not a search field`;
          const get = (t: PepperTransaction) => {
            const address = t[name];
            if (!address || field === 'address_id') return '';
            return (address as unknown as Record<string, string>)[field] ?? '';
          };
          const filter = stringFilter(`${name}.${field}`, sub, get);
          if (typeof filter === 'string') return filter;
          filters.push(filter);
        }
      } else return `${name} is not a search field`;
    }
    return filters;
  };

  // ---------- app ----------

  const app = new Hono();
  // Fault injection (../faults.ts) comes first: it decides before any route whether to misbehave.
  const faults = createFaults({ publicUrl: options.publicUrl, errorBody: (status) => ({ status: 'failed', msg: status === 503 ? 'service unavailable' : 'internal error', data: null }) });
  app.use('*', faults.middleware);
  faults.routes(app);

  app.onError((error, c) => failed(c, 500, error instanceof Error ? error.message : 'internal error'));
  app.notFound((c) => failed(c, 404, 'not found'));

  /** Every /api route is server-side: the private key (raw or Bearer) only; public keys get 401. */
  app.use('/api/*', async (c, next) => {
    const header = (c.req.header('authorization') ?? '').trim();
    const bearer = /^Bearer\s+(.+)$/i.exec(header);
    const key = (bearer ? bearer[1]! : header).trim();
    if (!key || key.startsWith('pub_') || (options.publicKey && key === options.publicKey) || !sameSecret(key, options.apiKey)) {
      return failed(c, 401, 'unauthorized');
    }
    await next();
  });

  app.post('/api/transaction', async (c) => {
    const body = await readJson(c);
    if (!body) return failed(c, 400, 'the request body must be a JSON object');

    const key = typeof body.idempotency_key === 'string' && UUID.test(body.idempotency_key) ? body.idempotency_key.toLowerCase() : null;
    if (key) {
      const seen = idempotency.get(key);
      const first = seen ? transactions.get(seen.id) : undefined;
      if (seen && first && now().getTime() - seen.at < IDEMPOTENCY_WINDOW_MS) return ok(c, wire(first));
    }

    const { errors, instrument, billing, shipping } = validateTransaction(body);
    if (errors.length || !instrument) return failed(c, 400, errors.join('; ') || 'invalid request');
    const tx = createTransaction(body, instrument, billing, shipping);
    if (typeof tx === 'string') return failed(c, 400, tx);
    transactions.set(tx.data.id, tx);
    if (key) {
      idempotency.set(key, { id: tx.data.id, at: now().getTime() });
      later(() => {
        if (idempotency.get(key)?.id === tx.data.id) idempotency.delete(key);
      }, IDEMPOTENCY_WINDOW_MS);
    }
    return ok(c, wire(tx));
  });

  app.post('/api/transaction/search', async (c) => {
    const body = (await readJson(c)) ?? {};
    const limit = body.limit ?? 10;
    const offset = body.offset ?? 0;
    if (!isInt(limit) || limit < 0 || limit > 100) return failed(c, 400, 'limit must be an integer from 0 to 100');
    if (!isInt(offset) || offset < 0) return failed(c, 400, 'offset must be a non-negative integer');
    const filters = buildFilters(body);
    if (typeof filters === 'string') return failed(c, 400, filters);
    const matches = [...transactions.values()]
      .map((tx) => tx.data)
      .filter((t) => filters.every((f) => f(t)))
      .reverse()
      .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
    return ok(c, matches.slice(offset, offset + limit).map((t) => structuredClone(t)), { total_count: matches.length });
  });

  app.get('/api/transaction/:id', (c) => {
    const tx = transactions.get(c.req.param('id'));
    return tx ? ok(c, [wire(tx)], { total_count: 1 }) : notFound(c);
  });

  app.post('/api/transaction/:id/capture', async (c) => {
    const tx = transactions.get(c.req.param('id'));
    if (!tx) return notFound(c);
    const body = (await readJson(c)) ?? {};
    const data = tx.data;
    if (data.type !== 'authorize' || data.status !== 'authorized') {
      return failed(c, 400, `transaction cannot be captured in status ${data.status}${data.type !== 'authorize' ? ` (type ${data.type})` : ''}`);
    }
    const errors: string[] = [];
    const amount = body.amount ?? data.amount_authorized;
    if (!isInt(amount) || amount < 1) errors.push('amount must be a positive integer (cents)');
    else if (amount > data.amount_authorized) errors.push(`amount must be at most the authorized amount (${data.amount_authorized})`);
    for (const key of ['tax_amount', 'shipping_amount'] as const) {
      if (present(body[key]) && (!isInt(body[key]) || (body[key] as number) < 0)) errors.push(`${key} must be a non-negative integer (cents)`);
    }
    for (const key of ['order_id', 'po_number'] as const) {
      if (present(body[key]) && (typeof body[key] !== 'string' || !/^[A-Za-z0-9]{0,17}$/.test(body[key] as string))) errors.push(`${key} must be at most 17 alphanumeric characters`);
    }
    if (present(body.ip_address) && (typeof body.ip_address !== 'string' || isIP(body.ip_address) === 0)) errors.push('ip_address must be an IPv4 or IPv6 address');
    if (present(body.tax_exempt) && typeof body.tax_exempt !== 'boolean') errors.push('tax_exempt must be a boolean');
    if (errors.length) return failed(c, 400, errors.join('; '));
    data.amount_captured = amount as number;
    if (isInt(body.tax_amount)) data.tax_amount = body.tax_amount;
    if (isInt(body.shipping_amount)) data.shipping_amount = body.shipping_amount;
    if (typeof body.order_id === 'string') data.order_id = body.order_id;
    if (typeof body.po_number === 'string') data.po_number = body.po_number;
    if (typeof body.ip_address === 'string') data.ip_address = body.ip_address;
    if (typeof body.tax_exempt === 'boolean') data.tax_exempt = body.tax_exempt;
    data.status = 'pending_settlement';
    data.captured_at = iso();
    touch(data);
    return ok(c, wire(tx));
  });

  app.post('/api/transaction/:id/void', (c) => {
    const tx = transactions.get(c.req.param('id'));
    if (!tx) return notFound(c);
    const data = tx.data;
    if (data.status !== 'authorized' && data.status !== 'pending_settlement' && data.status !== 'pending') {
      return failed(c, 400, `transaction cannot be voided in status ${data.status}`);
    }
    data.status = 'voided';
    if (data.response.apm) data.response.apm.status = 'canceled';
    touch(data);
    // Voiding a refund gives its amount back to the original transaction.
    if (data.type === 'refund' && data.referenced_transaction_id) {
      const original = transactions.get(data.referenced_transaction_id);
      if (original) {
        original.data.amount_refunded -= data.amount;
        if (original.data.status === 'refunded') original.data.status = 'settled';
        touch(original.data);
      }
    }
    return c.json({ status: 'success', msg: 'success', data: null }, 200);
  });

  app.post('/api/transaction/:id/refund', async (c) => {
    const tx = transactions.get(c.req.param('id'));
    if (!tx) return notFound(c);
    const original = tx.data;
    if (original.type === 'refund' || original.type === 'credit' || original.type === 'verification') {
      return failed(c, 400, `a ${original.type} transaction cannot be refunded`);
    }
    if (original.status !== 'settled') return failed(c, 400, `transaction cannot be refunded in status ${original.status}`);
    const body = (await readJson(c)) ?? {};
    const remaining = original.amount_settled - original.amount_refunded;
    const amount = body.amount ?? remaining;
    if (!isInt(amount) || amount < 1) return failed(c, 400, 'amount must be a positive integer (cents)');
    if (amount > remaining) return failed(c, 400, `amount (${amount}) exceeds the amount left to refund (${remaining})`);
    if (present(body.surcharge) && (!isInt(body.surcharge) || body.surcharge < 0 || body.surcharge > amount)) {
      return failed(c, 400, 'surcharge must be a non-negative integer no greater than amount');
    }
    const at = iso();
    const response = structuredClone(original.response);
    for (const part of [response.card, response.ach, response.apm]) {
      if (part) {
        part.id = newId();
        part.created_at = at;
        part.updated_at = at;
      }
    }
    if (response.card) {
      response.card.auth_code = authCode();
      response.card.processor_response_text = `APPROVAL ${response.card.auth_code}`;
      response.card.processor_response_code = '00';
      response.card.status = 'approved';
    }
    const refund: PepperTransaction = {
      ...structuredClone(original),
      id: newId(),
      type: 'refund',
      amount,
      base_amount: null,
      amount_authorized: amount,
      amount_captured: amount,
      amount_settled: 0,
      amount_refunded: 0,
      surcharge_amount: isInt(body.surcharge) ? body.surcharge : 0,
      referenced_transaction_id: original.id,
      response_code: 100,
      response_text: 'Approved',
      response,
      status: 'pending_settlement',
      created_at: at,
      updated_at: at,
      captured_at: at,
      settled_at: null,
    };
    transactions.set(refund.id, { data: refund, merchant_redirect_url: null, idempotency_key: null });
    original.amount_refunded += amount;
    if (original.amount_refunded >= original.amount_settled) original.status = 'refunded';
    touch(original);
    return ok(c, structuredClone(refund));
  });

  app.post('/api/lookup/fees', async (c) => {
    const body = await readJson(c);
    if (!body) return failed(c, 400, 'the request body must be a JSON object');
    const errors: string[] = [];
    if (body.type !== 'integrations') errors.push('type must be "integrations"');
    if (typeof body.bin !== 'string' || !/^\d{6,19}$/.test(body.bin)) errors.push('bin must be 6 to 19 digits');
    if (body.payment_method !== 'card') errors.push('payment_method must be "card"');
    if (!isInt(body.base_amount) || body.base_amount < 0) errors.push('base_amount must be a non-negative integer (cents)');
    if (present(body.state) && (typeof body.state !== 'string' || (body.state !== '' && !/^[A-Za-z]{2}$/.test(body.state)))) errors.push('state must be a 2-letter state abbreviation');
    if (errors.length) return failed(c, 400, errors.join('; '));
    const baseAmount = body.base_amount as number;
    const surcharge = surchargeOf(baseAmount, body.bin as string, typeof body.state === 'string' ? body.state : null);
    return ok(c, {
      service_fee: 0,
      payment_adjustment: { value: 0, type: '' },
      requested_amount: baseAmount + surcharge,
      discount_amount: null,
      surcharge,
    });
  });

  // Customer vault.
  app.post('/api/vault/customer', async (c) => {
    const body = await readJson(c);
    if (!body) return failed(c, 400, 'the request body must be a JSON object');
    const errors: string[] = [];
    if (present(body.id)) {
      if (typeof body.id !== 'string' || !/^[A-Za-z0-9]{1,40}$/.test(body.id)) errors.push('id must be 1 to 40 characters of a-z, A-Z, 0-9');
      else if (customers.has(body.id)) errors.push('id is already used by another customer');
      if (present(body.id_format)) errors.push('id_format cannot be used with a custom id');
    }
    if (present(body.id_format) && body.id_format !== 'xid_type_last4') errors.push('id_format must be "xid_type_last4"');
    if (present(body.description) && (typeof body.description !== 'string' || body.description.length > 255)) errors.push('description must be a string of at most 255 characters');
    if (present(body.flags) && (!Array.isArray(body.flags) || body.flags.some((f) => f !== 'surcharge_exempt'))) errors.push('flags must be an array of: surcharge_exempt');
    let card: VaultCard | null = null;
    const payment = body.default_payment;
    if (present(payment)) {
      if (!isObject(payment)) errors.push('default_payment must be an object');
      else {
        const kinds = ['card', 'ach', 'token', 'apple_pay', 'google_pay_token'].filter((k) => present(payment[k]));
        if (kinds.length !== 1) errors.push('default_payment must contain exactly one of: card, ach, token, apple_pay, google_pay_token');
        else if (kinds[0] !== 'card') errors.push(`default_payment.${kinds[0]} is not supported by the sandbox (cards only)`);
        else card = readCard('default_payment.card', payment.card, errors, now(), { compactExpiry: true, cvc: false });
      }
    }
    const billing = readAddress('default_billing_address', body.default_billing_address, errors, VAULT_ADDRESS_LIMITS);
    const shipping = readAddress('default_shipping_address', body.default_shipping_address, errors, VAULT_ADDRESS_LIMITS);
    if (errors.length) return failed(c, 400, errors.join('; '));
    let id = typeof body.id === 'string' ? body.id : newId();
    if (body.id_format === 'xid_type_last4' && card) id = `${newId()}_card_${card.last_four}`.replace(/[^A-Za-z0-9]/g, '');
    const customer = newCustomer(id, card, billing, shipping, {
      description: typeof body.description === 'string' ? body.description : '',
      flags: Array.isArray(body.flags) ? (body.flags as string[]) : [],
    });
    return ok(c, customerView(customer));
  });

  app.get('/api/vault/:customerId', (c) => {
    const customer = customers.get(c.req.param('customerId'));
    return customer ? ok(c, customerView(customer)) : notFound(c, 'customer');
  });

  app.delete('/api/vault/:customerId', (c) => {
    if (!customers.delete(c.req.param('customerId'))) return notFound(c, 'customer');
    return c.json({ status: 'success', msg: 'success' }, 200);
  });

  app.post('/api/vault/customer/:customerId/card', async (c) => {
    const customer = customers.get(c.req.param('customerId'));
    if (!customer) return notFound(c, 'customer');
    const body = await readJson(c);
    if (!body) return failed(c, 400, 'the request body must be a JSON object');
    const errors: string[] = [];
    const card = readCard('card', body, errors, now(), { compactExpiry: true, cvc: false });
    if (errors.length || !card) return failed(c, 400, errors.join('; ').replace(/\bcard\./g, ''));
    customer.cards.push(card);
    if (!customer.defaults.payment_method_id) {
      customer.defaults.payment_method_id = card.id;
      customer.defaults.payment_method_type = 'card';
    }
    customer.updated_at = iso();
    return ok(c, customerView(customer));
  });

  app.delete('/api/vault/customer/:customerId/card/:cardId', (c) => {
    const customer = customers.get(c.req.param('customerId'));
    if (!customer) return notFound(c, 'customer');
    const index = customer.cards.findIndex((card) => card.id === c.req.param('cardId'));
    if (index < 0) return notFound(c, 'card');
    const [removed] = customer.cards.splice(index, 1);
    if (removed && customer.defaults.payment_method_id === removed.id) {
      const next = customer.cards[0];
      customer.defaults.payment_method_id = next?.id ?? '';
      customer.defaults.payment_method_type = next ? 'card' : '';
    }
    customer.updated_at = iso();
    return c.json({ status: 'success', msg: 'success' }, 200);
  });

  // The APM's landing page: what alipay / wechatpay / paypal would show the buyer.
  const apmOf = (id: string) => {
    const tx = transactions.get(id);
    return tx && tx.data.payment_type === 'apm' && tx.merchant_redirect_url ? tx : undefined;
  };

  /** The APM transaction still waiting for the buyer, or the page that says why there is none. */
  const pendingApm = (c: Context): { tx: SimTransaction } | { answer: Response | Promise<Response> } => {
    pageHeaders(c);
    const tx = apmOf(c.req.param('id') ?? '');
    if (!tx) return { answer: c.html(page('Unknown payment', html`<p>This payment link is not valid.</p>`), 404) };
    if (tx.data.status !== 'pending') {
      return { answer: c.html(page('Payment already completed', html`<p>This payment is ${tx.data.status.replace('_', ' ')}. You can return to the merchant.</p>`), 409) };
    }
    return { tx };
  };

  app.get('/apm/:id', (c) => {
    const found = pendingApm(c);
    if ('answer' in found) return found.answer;
    const { tx } = found;
    const data = tx.data;
    const action = `${base}/apm/${data.id}`;
    const name = data.response.apm?.type ?? 'apm';
    return c.html(
      page(
        `Pay with ${name}`,
        html`<p>Pay <strong>${money(data.amount, data.currency)}</strong>${data.description ? html` for ${data.description}` : ''}.</p>
          <form method="post" action="${action}">
            <input type="hidden" name="action" value="pay" />
            <button type="submit" class="approve">Pay</button>
          </form>
          <form method="post" action="${action}">
            <input type="hidden" name="action" value="cancel" />
            <button type="submit" class="decline">Cancel</button>
          </form>`,
      ),
    );
  });

  app.post('/apm/:id', async (c) => {
    const found = pendingApm(c);
    if ('answer' in found) return found.answer;
    const { tx } = found;
    const data = tx.data;
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    if (form.action === 'pay') {
      data.status = 'pending_settlement';
      data.response_code = 100;
      data.response_text = 'Approved';
      data.amount_authorized = data.amount;
      data.amount_captured = data.amount;
      data.captured_at = iso();
      if (data.response.apm) data.response.apm.status = 'approved';
    } else if (form.action === 'cancel') {
      data.status = 'declined';
      data.response_code = 200;
      data.response_text = 'Canceled by the buyer';
      if (data.response.apm) data.response.apm.status = 'canceled';
    } else {
      return c.html(page('Choose an answer', html`<p>Choose Pay or Cancel.</p>`), 400);
    }
    touch(data);
    const target = new URL(tx.merchant_redirect_url!);
    target.searchParams.set('transaction_id', data.id);
    target.searchParams.set('status', data.status);
    return c.redirect(target.toString(), 303);
  });

  // Sandbox-only controls (no auth; never on a real gateway).
  app.get('/sandbox/test-cards', (c) =>
    c.json({
      cards: PEPPER_TEST_CARDS.map(({ number, card_type, debit, description, outcome }) => ({ number, card_type, debit, description, outcome })),
      routing_numbers: PEPPER_TEST_ROUTING_NUMBERS,
      apm_types: APM_TYPES,
    }),
  );
  app.get('/sandbox/transactions', (c) => c.json([...transactions.values()].map((tx) => wire(tx))));
  app.get('/sandbox/transactions/:id', (c) => {
    const tx = transactions.get(c.req.param('id'));
    return tx ? c.json(wire(tx)) : notFound(c);
  });
  app.post('/sandbox/settle', (c) => {
    const settled: string[] = [];
    for (const tx of transactions.values()) {
      if (tx.data.status === 'pending_settlement') {
        settle(tx);
        settled.push(tx.data.id);
      }
    }
    return c.json({ settled });
  });
  app.post('/sandbox/transactions/:id/settle', (c) => {
    const tx = transactions.get(c.req.param('id'));
    if (!tx) return notFound(c);
    if (tx.data.status !== 'pending_settlement') return failed(c, 400, `transaction cannot be settled in status ${tx.data.status}`);
    settle(tx);
    return ok(c, wire(tx));
  });

  return {
    app,
    faults,
    transactions,
    customers,
    close() {
      timers.close();
      faults.close();
    },
  };
}

function money(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

/**
 * Pages allow no script at all. There is no `form-action`: browsers apply it to every redirect
 * after the form's POST too, and the 303 to `merchant_redirect_url` may redirect on again (Paykit's
 * return route sends the buyer to the merchant's own page), to an origin the gateway cannot know.
 */
function pageHeaders(c: Context) {
  c.header('Content-Security-Policy', `default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'`);
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
}

const STYLE = raw(`body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1f2937}
h1{font-size:1.3rem}form{display:inline-block;margin:.5rem .5rem 0 0}button{font:inherit;padding:.6rem 1.4rem;border-radius:8px;border:0;cursor:pointer}
.approve{background:#059669;color:#fff}.decline{background:#e5e7eb;color:#111827}.badge{font-size:.85rem;color:#6b7280}`);

function page(title: string, body: unknown) {
  return html`<!doctype html>
    <html lang="en">
      <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>${title}</title><style>${STYLE}</style></head>
      <body><p class="badge">Pepper sandbox — no real money moves</p><h1>${title}</h1>${body}</body>
    </html>`;
}
