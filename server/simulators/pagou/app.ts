/**
 * The Pagou sandbox: an in-memory HTTP app that speaks the wire format of
 * ../shared/providers/pagou-transactions.txt — `POST /v2/transactions` with a Bearer token,
 * answering `{ success, requestId, data: Transaction }` — plus what
 * ../../providers/pagou/README.md decides where the doc is silent: `POST /v2/tokens`,
 * `GET /v2/transactions/{id}` and `?external_ref=`, the error shape, `external_ref` idempotency, the webhook body,
 * PIX expiry and the 3DS challenge page.
 *
 * PIX transactions carry a real dynamic BR Code whose location URL ends in the transaction id,
 * so a code pasted into /sandbox/pix (or POSTed to /sandbox/pix/pay) finds its transaction.
 * Card transactions take their outcome from the card behind the token (./cards.ts). The card
 * number lives only in this process's memory, in the token table, as it would at the provider;
 * transactions keep the brand and last four digits, never the number or the CVV.
 *
 * Where neither the doc nor the README speaks: the request's `metadata` string comes back as
 * `{ raw: <string> }` (`{}` when none), since the doc's answer shows an object; timestamps are
 * full ISO 8601 with milliseconds; `voucher` (boleto) is always null.
 */
import { Hono, type Context } from 'hono';
import { html, raw } from 'hono/html';
import { createTimers } from '../timers.ts';
import { createFaults } from '../faults.ts';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { isValidCnpj, isValidCpf } from '../../../contract/br-document.ts';
import { buildBrCode, parseBrCode } from './brcode.ts';
import { behaviourOf, brandOf, luhn, PAGOU_TEST_CARDS, type CardBrand, type PagouBehaviour } from './cards.ts';
import { httpFetch } from '../../http-client.ts';

export interface PagouSimOptions {
  /** The Bearer token the sandbox accepts. */
  token: string;
  /** This app's own public base URL, e.g. http://127.0.0.1:4243/pagou (BR Code location, 3DS page, receipts). */
  publicUrl: string;
  /** How long a PIX code can be paid; default 15 minutes. */
  pixTtlMs?: number;
  /** How long a 3DS challenge waits for the buyer; default 10 minutes. */
  challengeTtlMs?: number;
  /** Delay before a 'processing' card transaction is paid by webhook; default 2000; 0 = only by /sandbox/…/pay. */
  settleAfterMs?: number;
  merchantName?: string;
  merchantCity?: string;
  fetch?: typeof fetch;
  now?: () => Date;
}

export type PagouStatus = 'processing' | 'waiting_payment' | 'waiting_challenge' | 'authorized' | 'paid' | 'refused' | 'expired' | 'refunded' | 'chargeback';

export interface PagouBuyer {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  birth_date: string | null;
  document: { type: 'CPF' | 'CNPJ'; number: string } | null;
  address: Record<string, string> | null;
}

export interface PagouNextAction {
  type: 'three_ds_challenge';
  challenge_session_id: string;
  client_secret: string;
  expires_at: string;
}

/** A transaction exactly as Pagou's API shows it. */
export interface PagouTransaction {
  id: string;
  amount: number;
  currency: 'BRL';
  buyer: PagouBuyer;
  fee: { net_amount: number; estimated_fee: number };
  informations: { key: string; value: string }[];
  paid_amount: number;
  method: 'pix' | 'credit_card';
  refunded_amount: number;
  products: { name: string; price: number; quantity: number }[];
  traceable: boolean;
  splits: { recipient_id: number; amount: number; charge_processing_fee: boolean }[];
  status: PagouStatus;
  created_at: string;
  updated_at: string;
  voucher: null;
  external_ref: string | null;
  installments: number | null;
  paid_at: string | null;
  pix: { qr_code: string; expiration_date: string; end_to_end_id: string | null; receipt_url: string | null } | null;
  metadata: Record<string, string>;
  ip_address: string | null;
  next_action: PagouNextAction | null;
}

/** What the sandbox holds per transaction: the wire transaction plus what only the sandbox sees. */
export interface SimTransaction {
  data: PagouTransaction;
  notify_url: string | null;
  /** The card behind the token (never its number), for card transactions. */
  card: { token: string; brand: CardBrand; last4: string } | null;
  behaviour: PagouBehaviour | null;
  /** The 3DS challenge while it lasts and after (`outcome` set once answered or expired). */
  challenge: { session_id: string; client_secret: string; expires_at: string; outcome: 'authenticated' | 'failed' | 'expired' | null } | null;
  webhooks: { status: number | null; at: string; transaction_status: PagouStatus }[];
}

interface StoredCard {
  number: string;
  holder_name: string;
  exp_month: number;
  exp_year: number;
  brand: CardBrand;
  last4: string;
}

type Detail = { field: string; message: string };
type Json = Record<string, unknown>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
/** The doc's own ip_address pattern. */
const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;
const MAX_AMOUNT = 100_000_000;
const ADDRESS_FIELDS = ['street', 'city', 'number', 'complement', 'neighborhood', 'state', 'zipCode', 'country'] as const;
/** A made-up ISPB for the sandbox's "bank" in end-to-end ids. */
const SANDBOX_ISPB = '99999999';
const REFUSED_3DS = 'Autenticação 3DS falhou';
const EXPIRED_3DS = 'Autenticação 3DS não concluída a tempo';

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);
const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);
const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0;

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** An integer from a number or a string of digits, else null. */
function intOf(value: unknown): number | null {
  if (isInt(value)) return value;
  if (typeof value === 'string' && /^\d{1,4}$/.test(value.trim())) return Number(value.trim());
  return null;
}

function brl(cents: number): string {
  return new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' }).format(cents / 100);
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randomAlphanumeric(length: number): string {
  return Array.from(randomBytes(length), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
}

/** Every problem with a `POST /v2/transactions` body, as `{ field, message }` with dotted paths. */
function validateTransaction(body: Json, tokenExists: (token: string) => boolean): Detail[] {
  const details: Detail[] = [];
  const fail = (field: string, message: string) => details.push({ field, message });
  const present = (value: unknown) => value !== undefined && value !== null;

  const { amount, method, buyer, products } = body;
  if (amount === undefined) fail('amount', 'amount is required.');
  else if (!isInt(amount)) fail('amount', 'amount must be an integer number of centavos.');
  else if (amount < 1) fail('amount', 'amount must be at least 1.');
  else if (amount > MAX_AMOUNT) fail('amount', `amount must be at most ${MAX_AMOUNT}.`);

  if (method === undefined) fail('method', 'method is required.');
  else if (method !== 'pix' && method !== 'credit_card') fail('method', 'method must be one of: pix, credit_card.');

  if (!present(buyer)) fail('buyer', 'buyer is required.');
  else if (!isObject(buyer)) fail('buyer', 'buyer must be an object.');
  else {
    if (!nonEmpty(buyer.name)) fail('buyer.name', 'buyer.name is required.');
    else if (buyer.name.length > 255) fail('buyer.name', 'buyer.name must be at most 255 characters.');
    if (!nonEmpty(buyer.email)) fail('buyer.email', 'buyer.email is required.');
    else if (!EMAIL.test(buyer.email)) fail('buyer.email', 'buyer.email must be a valid email address.');
    for (const key of ['phone', 'birth_date'] as const) {
      if (present(buyer[key]) && typeof buyer[key] !== 'string') fail(`buyer.${key}`, `buyer.${key} must be a string.`);
    }
    const document = buyer.document;
    if (!present(document)) {
      if (method === 'pix') fail('buyer.document', 'buyer.document is required for pix.');
    } else if (!isObject(document)) fail('buyer.document', 'buyer.document must be an object.');
    else {
      const type = document.type;
      if (type !== 'CPF' && type !== 'CNPJ') fail('buyer.document.type', 'buyer.document.type must be one of: CPF, CNPJ.');
      const number = document.number;
      if (!nonEmpty(number)) fail('buyer.document.number', 'buyer.document.number is required.');
      else if (!/^\d+$/.test(number)) fail('buyer.document.number', 'buyer.document.number must contain digits only.');
      else if (type === 'CPF' && !isValidCpf(number)) fail('buyer.document.number', 'buyer.document.number is not a valid CPF.');
      else if (type === 'CNPJ' && !isValidCnpj(number)) fail('buyer.document.number', 'buyer.document.number is not a valid CNPJ.');
    }
    const address = buyer.address;
    if (present(address)) {
      if (!isObject(address)) fail('buyer.address', 'buyer.address must be an object.');
      else {
        for (const key of ADDRESS_FIELDS) {
          if (present(address[key]) && typeof address[key] !== 'string') fail(`buyer.address.${key}`, `buyer.address.${key} must be a string.`);
        }
        if (typeof address.country === 'string' && !/^[A-Z]{2}$/.test(address.country)) {
          fail('buyer.address.country', 'buyer.address.country must be a two-letter country code.');
        }
      }
    }
  }

  if (!present(products)) fail('products', 'products is required.');
  else if (!Array.isArray(products)) fail('products', 'products must be an array.');
  else if (products.length === 0) fail('products', 'products must have at least 1 item.');
  else {
    products.forEach((product: unknown, i) => {
      const at = `products.${i}`;
      if (!isObject(product)) return fail(at, `${at} must be an object.`);
      if (!nonEmpty(product.name)) fail(`${at}.name`, `${at}.name is required.`);
      if (product.price === undefined) fail(`${at}.price`, `${at}.price is required.`);
      else if (!isInt(product.price) || product.price < 1) fail(`${at}.price`, `${at}.price must be an integer of at least 1.`);
      if (product.quantity === undefined) fail(`${at}.quantity`, `${at}.quantity is required.`);
      else if (!isInt(product.quantity) || product.quantity < 1) fail(`${at}.quantity`, `${at}.quantity must be an integer of at least 1.`);
      if (present(product.tangible) && typeof product.tangible !== 'boolean') fail(`${at}.tangible`, `${at}.tangible must be a boolean.`);
      if (present(product.sku) && typeof product.sku !== 'string') fail(`${at}.sku`, `${at}.sku must be a string.`);
    });
  }

  if (present(body.external_ref) && !nonEmpty(body.external_ref)) fail('external_ref', 'external_ref must be a non-empty string.');
  else if (typeof body.external_ref === 'string' && body.external_ref.length > 255) fail('external_ref', 'external_ref must be at most 255 characters.');

  if (body.currency !== undefined && body.currency !== 'BRL') fail('currency', 'currency must be BRL.');

  const installments = body.installments;
  if (present(installments)) {
    if (!isInt(installments) || installments < 1 || installments > 12) fail('installments', 'installments must be an integer from 1 to 12.');
    else if (method === 'pix' && installments > 1) fail('installments', 'installments are only available for credit_card.');
  }

  const token = body.token;
  if (!present(token)) {
    if (method === 'credit_card') fail('token', 'token is required for credit_card.');
  } else if (typeof token !== 'string' || !/^pgct_/.test(token)) fail('token', "token must start with 'pgct_'.");
  else if (method === 'credit_card' && !tokenExists(token)) fail('token', 'token was not found.');

  const notifyUrl = body.notify_url;
  if (present(notifyUrl) && (typeof notifyUrl !== 'string' || !isHttpUrl(notifyUrl))) fail('notify_url', 'notify_url must be an http(s) URL.');
  if (present(body.metadata) && typeof body.metadata !== 'string') fail('metadata', 'metadata must be a string.');
  if (present(body.traceable) && typeof body.traceable !== 'boolean') fail('traceable', 'traceable must be a boolean.');
  const ip = body.ip_address;
  if (present(ip) && (typeof ip !== 'string' || !IPV4.test(ip))) fail('ip_address', 'ip_address must be an IPv4 address.');
  return details;
}

export function createPagouSimulator(options: PagouSimOptions) {
  const transactions = new Map<string, SimTransaction>();
  const byExternalRef = new Map<string, string>();
  const byChallenge = new Map<string, string>();
  const tokens = new Map<string, StoredCard>();
  const timers = createTimers();
  const { later } = timers;
  const now = options.now ?? (() => new Date());
  const iso = () => now().toISOString();
  const send = options.fetch ?? httpFetch;
  const base = options.publicUrl.replace(/\/$/, '');
  const baseOrigin = new URL(base).origin;
  const pixTtlMs = options.pixTtlMs ?? 15 * 60_000;
  const challengeTtlMs = options.challengeTtlMs ?? 10 * 60_000;
  const settleAfterMs = options.settleAfterMs ?? 2000;
  const merchantName = options.merchantName ?? 'Paykit Sandbox';
  const merchantCity = options.merchantCity ?? 'Sao Paulo';


  const wire = (tx: SimTransaction): PagouTransaction => structuredClone(tx.data);
  const ok = (c: Context, data: PagouTransaction, status: ContentfulStatusCode = 200) =>
    c.json({ success: true, requestId: randomUUID(), data }, status);
  const problem = (c: Context, status: ContentfulStatusCode, code: string, message: string, details?: Detail[]) =>
    c.json({ success: false, requestId: randomUUID(), error: { code, message, ...(details ? { details } : {}) } }, status);

  const authorized = (c: Context) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    return Boolean(match && sameSecret(match[1]!.trim(), options.token));
  };
  const unauthorized = (c: Context) => {
    c.header('WWW-Authenticate', 'Bearer');
    return problem(c, 401, 'unauthorized', 'Missing or invalid Bearer token.');
  };

  /** POSTs `{ event, data }` to notify_url, records the outcome, retries a few times on no answer or 5xx. Never throws. */
  const deliver = async (tx: SimTransaction, snapshot: PagouTransaction, attempt = 0): Promise<void> => {
    const url = tx.notify_url;
    if (!url || timers.closed) return;
    let status: number | null = null;
    try {
      const response = await send(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'Pagou-Sandbox-Webhooks/1.0' },
        body: JSON.stringify({ event: 'transaction.updated', data: snapshot }),
        signal: AbortSignal.timeout(10_000),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch {
      status = null;
    }
    tx.webhooks.push({ status, at: iso(), transaction_status: snapshot.status });
    if ((status === null || status >= 500) && attempt < 3) {
      later(() => void deliver(tx, snapshot, attempt + 1), 250 * 2 ** attempt);
    }
  };

  /** Moves a transaction to `status` and notifies; resolves once the first delivery attempt is done. */
  const transition = (tx: SimTransaction, status: PagouStatus, patch?: (data: PagouTransaction) => void): Promise<void> => {
    tx.data.status = status;
    patch?.(tx.data);
    tx.data.updated_at = iso();
    return deliver(tx, wire(tx));
  };

  const markPaid = (data: PagouTransaction) => {
    data.paid_at = iso();
    data.paid_amount = data.amount;
  };

  const payPix = (tx: SimTransaction) =>
    transition(tx, 'paid', (data) => {
      markPaid(data);
      const stamp = now().toISOString().replace(/\D/g, '').slice(0, 12); // yyyyMMddHHmm, UTC
      data.pix!.end_to_end_id = `E${SANDBOX_ISPB}${stamp}${randomAlphanumeric(11)}`;
      data.pix!.receipt_url = `${base}/sandbox/pix/receipts/${data.id}`;
    });

  const refuse = (data: PagouTransaction, reason: string) => {
    data.informations = data.informations.filter((info) => info.key !== 'refusal_reason');
    data.informations.push({ key: 'refusal_reason', value: reason });
  };

  /** Expires a waiting PIX or an unanswered challenge (resolves after the webhook's first attempt); null when there is nothing to expire. */
  const expire = (tx: SimTransaction): Promise<void> | null => {
    if (tx.data.status === 'waiting_payment') return transition(tx, 'expired');
    if (tx.data.status === 'waiting_challenge' && tx.challenge) {
      tx.challenge.outcome = 'expired';
      return transition(tx, 'expired', (data) => {
        data.next_action = null;
        data.informations.push({ key: 'expiration_reason', value: EXPIRED_3DS });
      });
    }
    return null;
  };

  /** Expires what is past its time even if the timer has not run yet (a clock given by `now`). */
  const expireIfDue = (tx: SimTransaction) => {
    const t = now().getTime();
    if (tx.data.status === 'waiting_payment' && tx.data.pix && Date.parse(tx.data.pix.expiration_date) <= t) void expire(tx);
    else if (tx.data.status === 'waiting_challenge' && tx.challenge && Date.parse(tx.challenge.expires_at) <= t) void expire(tx);
  };

  const find = (id: string) => {
    const tx = transactions.get(id);
    if (tx) expireIfDue(tx);
    return tx;
  };

  const locationBase = `${base.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')}/pix/v2/`;

  const create = (body: Json): SimTransaction => {
    const id = randomUUID();
    const at = now();
    const created = at.toISOString();
    const amount = body.amount as number;
    const method = body.method as 'pix' | 'credit_card';
    const buyer = body.buyer as Json;
    const document = isObject(buyer.document) ? { type: buyer.document.type as 'CPF' | 'CNPJ', number: buyer.document.number as string } : null;
    const address = isObject(buyer.address)
      ? Object.fromEntries(ADDRESS_FIELDS.filter((key) => typeof (buyer.address as Json)[key] === 'string').map((key) => [key, (buyer.address as Json)[key] as string]))
      : null;
    const fee = method === 'pix' ? Math.round(amount * 0.0099) : Math.min(amount, Math.round(amount * 0.0399) + 39);
    const data: PagouTransaction = {
      id,
      amount,
      currency: 'BRL',
      buyer: {
        id: randomUUID(),
        name: (buyer.name as string).trim(),
        email: (buyer.email as string).trim(),
        phone: typeof buyer.phone === 'string' ? buyer.phone : null,
        birth_date: typeof buyer.birth_date === 'string' ? buyer.birth_date : null,
        document,
        address,
      },
      fee: { net_amount: amount - fee, estimated_fee: fee },
      informations: [],
      paid_amount: 0,
      method,
      refunded_amount: 0,
      products: (body.products as Json[]).map((p) => ({ name: (p.name as string).trim(), price: p.price as number, quantity: p.quantity as number })),
      traceable: body.traceable === true,
      splits: [],
      status: 'processing',
      created_at: created,
      updated_at: created,
      voucher: null,
      external_ref: typeof body.external_ref === 'string' ? body.external_ref : null,
      installments: isInt(body.installments) ? body.installments : method === 'credit_card' ? 1 : null,
      paid_at: null,
      pix: null,
      metadata: typeof body.metadata === 'string' ? { raw: body.metadata } : {},
      ip_address: typeof body.ip_address === 'string' ? body.ip_address : null,
      next_action: null,
    };
    const tx: SimTransaction = {
      data,
      notify_url: typeof body.notify_url === 'string' ? body.notify_url : null,
      card: null,
      behaviour: null,
      challenge: null,
      webhooks: [],
    };

    if (method === 'pix') {
      // A location id short enough for the BR Code's 77-character URL: the uuid, or without dashes if need be.
      const locationId = `${locationBase}${id}`.length <= 77 ? id : id.replace(/-/g, '');
      data.status = 'waiting_payment';
      data.pix = {
        qr_code: buildBrCode({ locationUrl: `${locationBase}${locationId}`, amount, merchantName, merchantCity, txid: id.replace(/-/g, '').slice(0, 25) }),
        expiration_date: new Date(at.getTime() + pixTtlMs).toISOString(),
        end_to_end_id: null,
        receipt_url: null,
      };
      later(() => {
        if (tx.data.status === 'waiting_payment') void expire(tx);
      }, pixTtlMs);
      return tx;
    }

    const token = body.token as string;
    const card = tokens.get(token)!;
    tx.card = { token, brand: card.brand, last4: card.last4 };
    const behaviour = behaviourOf(card.number);
    tx.behaviour = behaviour;
    switch (behaviour.kind) {
      case 'authorized':
        data.status = 'authorized';
        markPaid(data);
        break;
      case 'refused':
        data.status = 'refused';
        refuse(data, behaviour.reason);
        break;
      case 'processing':
        data.status = 'processing';
        if (settleAfterMs > 0) {
          later(() => {
            if (tx.data.status === 'processing') void transition(tx, 'paid', markPaid);
          }, settleAfterMs);
        }
        break;
      case 'challenge': {
        const sessionId = `tdss_${randomBytes(12).toString('hex')}`;
        const expiresAt = new Date(at.getTime() + challengeTtlMs).toISOString();
        tx.challenge = { session_id: sessionId, client_secret: `${sessionId}_secret_${randomBytes(18).toString('base64url')}`, expires_at: expiresAt, outcome: null };
        data.status = 'waiting_challenge';
        data.next_action = { type: 'three_ds_challenge', challenge_session_id: sessionId, client_secret: tx.challenge.client_secret, expires_at: expiresAt };
        byChallenge.set(sessionId, id);
        later(() => {
          if (tx.data.status === 'waiting_challenge') void expire(tx);
        }, challengeTtlMs);
        break;
      }
    }
    return tx;
  };

  const challengeUrl = (tx: SimTransaction) =>
    tx.challenge ? `${base}/v2/three_ds/challenges/${tx.challenge.session_id}?client_secret=${encodeURIComponent(tx.challenge.client_secret)}` : null;

  /** The wire transaction plus, beside it, what only the sandbox knows (never the card number). */
  const sandboxView = (tx: SimTransaction) => ({
    ...wire(tx),
    notify_url: tx.notify_url,
    card: tx.card,
    challenge_url: tx.data.status === 'waiting_challenge' ? challengeUrl(tx) : null,
    webhooks: tx.webhooks,
  });

  type PayResult = { ok: true; tx: SimTransaction } | { ok: false; status: 400 | 404 | 409; code: string; message: string };

  const payable = (tx: SimTransaction): PayResult => {
    expireIfDue(tx);
    if (tx.data.method === 'pix' && tx.data.status === 'waiting_payment') return { ok: true, tx };
    if (tx.data.method === 'credit_card' && tx.data.status === 'processing') return { ok: true, tx };
    const why =
      tx.data.status === 'paid' || tx.data.status === 'authorized'
        ? 'This transaction is already paid.'
        : tx.data.status === 'expired'
          ? 'This transaction has expired.'
          : `A ${tx.data.method} transaction in status ${tx.data.status} cannot be paid.`;
    return { ok: false, status: 409, code: 'invalid_state', message: why };
  };

  const pay = async (tx: SimTransaction) => {
    if (tx.data.method === 'pix') await payPix(tx);
    else await transition(tx, 'paid', markPaid);
  };

  /** What a bank app does with a copy-and-paste code: check it, find the charge, pay it. */
  const payByCode = async (code: unknown): Promise<PayResult> => {
    const invalid = (message: string): PayResult => ({ ok: false, status: 400, code: 'invalid_qr_code', message });
    if (!nonEmpty(code)) return invalid('qr_code is required: paste the PIX copy-and-paste code.');
    let parsed: ReturnType<typeof parseBrCode>;
    try {
      parsed = parseBrCode(code.trim());
    } catch {
      return invalid('This is not a PIX copy-and-paste code.');
    }
    if (!parsed.crcValid) return invalid('The code’s checksum (CRC) does not match: it was changed or cut short.');
    const location = parsed.merchantAccount['25'];
    if (!location) return invalid('This code has no location URL: it is not a dynamic PIX code from this sandbox.');
    const id = location.split('/').pop() ?? '';
    const tx =
      transactions.get(id) ??
      [...transactions.values()].find((candidate) => candidate.data.id.replace(/-/g, '') === id);
    if (!tx || tx.data.method !== 'pix') return { ok: false, status: 404, code: 'not_found', message: 'No PIX charge of this sandbox matches this code.' };
    const amountField = parsed.fields['54'];
    if (amountField !== undefined && Math.round(Number(amountField) * 100) !== tx.data.amount) {
      return invalid(`The code’s amount (${amountField}) does not match the charge.`);
    }
    const check = payable(tx);
    if (!check.ok) return check;
    await pay(tx);
    return { ok: true, tx };
  };

  const app = new Hono();
  // Fault injection (../faults.ts) comes first: it decides before any route whether to misbehave.
  const faults = createFaults({ publicUrl: options.publicUrl, errorBody: (status) => ({ success: false, requestId: randomUUID(), error: { code: status === 503 ? 'service_unavailable' : 'internal_error', message: status === 503 ? 'Service temporarily unavailable.' : 'Internal error.' } }) });
  app.use('*', faults.middleware);
  faults.routes(app);

  app.onError((error, c) => problem(c, 500, 'internal_error', error instanceof Error ? error.message : 'Internal error.'));

  const readJson = async (c: Context): Promise<Json | null> => {
    try {
      const body: unknown = await c.req.json();
      return isObject(body) ? body : null;
    } catch {
      return null;
    }
  };

  app.post('/v2/transactions', async (c) => {
    if (!authorized(c)) return unauthorized(c);
    const body = await readJson(c);
    if (!body) return problem(c, 400, 'validation_error', 'The request body must be a JSON object.', [{ field: 'body', message: 'The request body must be a JSON object.' }]);
    const details = validateTransaction(body, (token) => tokens.has(token));
    if (details.length) return problem(c, 400, 'validation_error', 'The request is invalid.', details);

    const externalRef = typeof body.external_ref === 'string' ? body.external_ref : null;
    if (externalRef !== null) {
      const seen = byExternalRef.get(externalRef);
      const existing = seen ? find(seen) : undefined;
      if (existing) return ok(c, wire(existing), 200);
    }
    const tx = create(body);
    transactions.set(tx.data.id, tx);
    if (externalRef !== null) byExternalRef.set(externalRef, tx.data.id);
    return ok(c, wire(tx), 201);
  });

  // The README's decision: the transactions made with an `external_ref` (at most one, since it is
  // an idempotency key), so a client whose create got no answer can find what it made.
  app.get('/v2/transactions', (c) => {
    if (!authorized(c)) return unauthorized(c);
    const ref = c.req.query('external_ref');
    if (!nonEmpty(ref)) {
      return problem(c, 400, 'validation_error', 'The request is invalid.', [{ field: 'external_ref', message: 'external_ref is required.' }]);
    }
    const id = byExternalRef.get(ref);
    const tx = id ? find(id) : undefined;
    return c.json({ success: true, requestId: randomUUID(), data: tx ? [wire(tx)] : [] });
  });

  app.get('/v2/transactions/:id', (c) => {
    if (!authorized(c)) return unauthorized(c);
    const tx = find(c.req.param('id'));
    return tx ? ok(c, wire(tx)) : problem(c, 404, 'not_found', 'Transaction not found.');
  });

  app.post('/v2/tokens', async (c) => {
    if (!authorized(c)) return unauthorized(c);
    const body = await readJson(c);
    const details: Detail[] = [];
    const fail = (field: string, message: string) => details.push({ field, message });
    const card = body?.card;
    if (!isObject(card)) {
      fail('card', 'card is required.');
      return problem(c, 400, 'validation_error', 'The request is invalid.', details);
    }
    const number = typeof card.number === 'string' ? card.number.replace(/[\s-]/g, '') : '';
    if (!number) fail('card.number', 'card.number is required.');
    else if (!/^\d{12,19}$/.test(number)) fail('card.number', 'card.number must be 12 to 19 digits.');
    else if (!luhn(number)) fail('card.number', 'card.number is not a valid card number.');
    if (!nonEmpty(card.holder_name)) fail('card.holder_name', 'card.holder_name is required.');
    else if (card.holder_name.length > 100) fail('card.holder_name', 'card.holder_name must be at most 100 characters.');
    const month = intOf(card.exp_month);
    let year = intOf(card.exp_year);
    if (year !== null && year < 100) year += 2000;
    const today = now();
    if (month === null || month < 1 || month > 12) fail('card.exp_month', 'card.exp_month must be a month from 1 to 12.');
    if (year === null || year < 2000 || year > today.getUTCFullYear() + 25) fail('card.exp_year', 'card.exp_year must be a four-digit year.');
    else if (month !== null && month >= 1 && month <= 12) {
      const thisYear = today.getUTCFullYear();
      if (year < thisYear || (year === thisYear && month < today.getUTCMonth() + 1)) fail('card.exp_year', 'The card has expired.');
    }
    if (typeof card.cvv !== 'string' || !/^\d{3,4}$/.test(card.cvv)) fail('card.cvv', 'card.cvv must be 3 or 4 digits.');
    if (details.length) return problem(c, 400, 'validation_error', 'The request is invalid.', details);

    const brand = brandOf(number);
    if (!brand) return problem(c, 422, 'card_declined', 'This number does not belong to any card network.');
    const id = `pgct_${randomBytes(18).toString('base64url')}`;
    tokens.set(id, { number, holder_name: (card.holder_name as string).trim(), exp_month: month!, exp_year: year!, brand, last4: number.slice(-4) });
    return c.json({ success: true, requestId: randomUUID(), data: { id, brand, last4: number.slice(-4), exp_month: month, exp_year: year } }, 201);
  });

  // The 3DS challenge: the bank's page, shown to the buyer inside the checkout's modal.
  const challengeOf = (c: Context, secret: string | undefined) => {
    const id = byChallenge.get(c.req.param('challengeSessionId') ?? '');
    const tx = id ? find(id) : undefined;
    if (!tx?.challenge) return { error: c.html(page('Unknown authentication', html`<p>This authentication link is not valid.</p>`), 404) };
    if (!secret || !sameSecret(secret, tx.challenge.client_secret)) {
      return { error: c.html(page('Not allowed', html`<p>This authentication link is not valid for this payment.</p>`), 403) };
    }
    if (tx.challenge.outcome === 'expired' || tx.data.status === 'expired') {
      return { error: c.html(page('Authentication expired', html`<p>This authentication has expired. You can return to the checkout and try again.</p>`), 410) };
    }
    if (tx.challenge.outcome !== null) {
      return { error: c.html(page('Already answered', html`<p>This authentication was already answered. You can return to the checkout.</p>`), 409) };
    }
    return { tx, challenge: tx.challenge };
  };

  app.get('/v2/three_ds/challenges/:challengeSessionId', (c) => {
    pageHeaders(c, baseOrigin);
    const found = challengeOf(c, c.req.query('client_secret'));
    if (found.error) return found.error;
    const { tx, challenge } = found;
    const action = `${base}/v2/three_ds/challenges/${challenge.session_id}`;
    return c.html(
      page(
        'Confirm your purchase',
        html`<p>${merchantName} asks you to confirm a payment of <strong>${brl(tx.data.amount)}</strong>${tx.card
            ? html` with your ${tx.card.brand} card ending in <strong>${tx.card.last4}</strong>`
            : ''}.</p>
          <p class="hint">Sandbox bank: a real bank would text you a one-time code. Here it is always <strong>123456</strong>, and you need not type it.</p>
          <form method="post" action="${action}">
            <input type="hidden" name="client_secret" value="${challenge.client_secret}" />
            <input type="hidden" name="action" value="authenticate" />
            <button type="submit" class="approve">Authenticate</button>
          </form>
          <form method="post" action="${action}">
            <input type="hidden" name="client_secret" value="${challenge.client_secret}" />
            <input type="hidden" name="action" value="fail" />
            <button type="submit" class="decline">Fail</button>
          </form>`,
      ),
    );
  });

  app.post('/v2/three_ds/challenges/:challengeSessionId', async (c) => {
    pageHeaders(c, baseOrigin);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const secret = typeof form.client_secret === 'string' ? form.client_secret : c.req.query('client_secret');
    const found = challengeOf(c, secret);
    if (found.error) return found.error;
    const { tx, challenge } = found;
    if (form.action === 'authenticate') {
      challenge.outcome = 'authenticated';
      await transition(tx, 'authorized', (data) => {
        data.next_action = null;
        markPaid(data);
      });
    } else if (form.action === 'fail') {
      challenge.outcome = 'failed';
      await transition(tx, 'refused', (data) => {
        data.next_action = null;
        refuse(data, REFUSED_3DS);
      });
    } else {
      return c.html(page('Choose an answer', html`<p>Choose Authenticate or Fail.</p>`), 400);
    }
    return c.html(
      page(
        'Authentication complete',
        html`<p>Authentication complete. You can return to the checkout.</p>${challenge.outcome === 'failed'
          ? html`<p class="hint">The bank did not authenticate this payment.</p>`
          : ''}`,
      ),
    );
  });

  // Sandbox-only controls (no auth; never on a real provider).
  app.get('/sandbox/test-cards', (c) => c.json(PAGOU_TEST_CARDS));
  app.get('/sandbox/transactions', (c) => c.json([...transactions.values()].map((tx) => (expireIfDue(tx), sandboxView(tx)))));
  app.get('/sandbox/transactions/:id', (c) => {
    const tx = find(c.req.param('id'));
    return tx ? c.json(sandboxView(tx)) : problem(c, 404, 'not_found', 'Transaction not found.');
  });
  app.post('/sandbox/transactions/:id/pay', async (c) => {
    const tx = find(c.req.param('id'));
    if (!tx) return problem(c, 404, 'not_found', 'Transaction not found.');
    const check = payable(tx);
    if (!check.ok) return problem(c, check.status, check.code, check.message);
    await pay(tx);
    return ok(c, wire(tx));
  });
  app.post('/sandbox/transactions/:id/expire', async (c) => {
    const tx = find(c.req.param('id'));
    if (!tx) return problem(c, 404, 'not_found', 'Transaction not found.');
    const done = expire(tx);
    if (!done) return problem(c, 409, 'invalid_state', `Only a PIX waiting for payment or a pending 3DS challenge can expire; this one is ${tx.data.status}.`);
    await done;
    return ok(c, wire(tx));
  });
  /** After success: a full refund, or a chargeback; the status word changes and the merchant is notified. */
  for (const [route, status] of [['refund', 'refunded'], ['chargeback', 'chargeback']] as const) {
    app.post(`/sandbox/transactions/:id/${route}`, async (c) => {
      const tx = find(c.req.param('id'));
      if (!tx) return problem(c, 404, 'not_found', 'Transaction not found.');
      if (tx.data.status !== 'paid' && tx.data.status !== 'authorized') {
        return problem(c, 409, 'invalid_state', `Only a paid or authorized transaction can be ${status === 'refunded' ? 'refunded' : 'charged back'}; this one is ${tx.data.status}.`);
      }
      await transition(tx, status, (data) => {
        if (status === 'refunded') data.refunded_amount = data.amount;
      });
      return ok(c, wire(tx));
    });
  }
  app.post('/sandbox/pix/pay', async (c) => {
    const body = await readJson(c);
    const result = await payByCode(body?.qr_code);
    return result.ok ? ok(c, wire(result.tx)) : problem(c, result.status, result.code, result.message);
  });
  app.get('/sandbox/pix', (c) => {
    pageHeaders(c, baseOrigin);
    return c.html(
      page(
        'Pay a PIX code',
        html`<p>Paste a PIX copy-and-paste code issued by this sandbox and pay it, as a bank app would.</p>
          <form method="post" action="${base}/sandbox/pix/pay-form" class="stack">
            <label for="qr_code">PIX code</label>
            <textarea id="qr_code" name="qr_code" rows="6" required spellcheck="false"></textarea>
            <button type="submit" class="approve">Pay</button>
          </form>`,
      ),
    );
  });
  app.post('/sandbox/pix/pay-form', async (c) => {
    pageHeaders(c, baseOrigin);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const result = await payByCode(form.qr_code);
    const again = html`<p><a href="${base}/sandbox/pix">Pay another code</a></p>`;
    if (!result.ok) return c.html(page('Payment not made', html`<p>${result.message}</p>${again}`), result.status);
    const data = result.tx.data;
    return c.html(
      page(
        'PIX paid',
        html`<p>Paid <strong>${brl(data.amount)}</strong> to ${merchantName}.</p>
          <p class="hint">Transaction ${data.id}<br />End-to-end id ${data.pix?.end_to_end_id}</p>${again}`,
      ),
    );
  });
  app.get('/sandbox/pix/receipts/:id', (c) => {
    pageHeaders(c, baseOrigin);
    const tx = find(c.req.param('id'));
    if (!tx?.data.pix?.end_to_end_id) return c.html(page('No receipt', html`<p>There is no receipt for this transaction.</p>`), 404);
    const data = tx.data;
    return c.html(
      page(
        'PIX receipt',
        html`<p><strong>${brl(data.amount)}</strong> paid to ${merchantName} (${merchantCity}) on ${data.paid_at}.</p>
          <p class="hint">Payer ${data.buyer.name}<br />Transaction ${data.id}<br />End-to-end id ${data.pix?.end_to_end_id}</p>`,
      ),
    );
  });

  return {
    app,
    faults,
    transactions,
    close() {
      timers.close();
      faults.close();
    },
  };
}

/**
 * Pages allow no script at all; forms may post only here. No X-Frame-Options and no
 * frame-ancestors: the 3DS page is shown in an iframe inside the checkout's modal.
 */
function pageHeaders(c: Context, formOrigin: string) {
  c.header('Content-Security-Policy', `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${formOrigin}; base-uri 'none'`);
  c.header('Cache-Control', 'no-store');
}

const STYLE = raw(`body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1f2937}
h1{font-size:1.3rem}form{display:inline-block;margin:.5rem .5rem 0 0}form.stack{display:flex;flex-direction:column;gap:.5rem;margin:0}
textarea{font:13px/1.4 ui-monospace,monospace;width:100%;box-sizing:border-box}button{font:inherit;padding:.6rem 1.4rem;border-radius:8px;border:0;cursor:pointer}
.approve{background:#059669;color:#fff}.decline{background:#e5e7eb;color:#111827}.badge,.hint{font-size:.85rem;color:#6b7280}`);

function page(title: string, body: unknown) {
  return html`<!doctype html>
    <html lang="en">
      <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>${title}</title><style>${STYLE}</style></head>
      <body><p class="badge">Pagou sandbox — no real money moves</p><h1>${title}</h1>${body}</body>
    </html>`;
}
