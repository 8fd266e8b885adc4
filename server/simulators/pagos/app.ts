/**
 * The Pagos sandbox: an in-memory HTTP app for the two Pagos APIs Paykit calls, to the letter of
 * ../../../../shared/providers/pagos-data-ingestion.txt (`POST /transactions`, `x-api-key`, the
 * documented Model and status codes) and ../../../../shared/providers/pagos-enrichment.txt
 * (`POST /v1/transactions/enrichment`, Bearer key, 201 / 400 / 401 and their bodies), plus
 * `/sandbox/…` hooks for tests. Real Pagos serves the two APIs from two hosts; here both live
 * under one base URL (`${sandbox}/pagos` in the stack).
 *
 * Where the docs are silent, this sandbox decides (README.md next to this file says why):
 * - Auth: one key for both APIs (`apiKey`); `readOnlyKey`, when given, authenticates but may not
 *   write (403). Missing or wrong key: 401, checked before anything about the body.
 * - Bodies must be `Content-Type: application/json` holding a JSON object, else 400.
 * - The Model is closed: a field it does not list, at any depth, is a 400 naming its dotted path.
 *   Every listed field is optional except `object_id` (1–255 characters), `currency` (three
 *   capital letters, ISO 4217) and `amount` (a non-negative integer in minor units: 1050 is
 *   10.50). Types are the example's: strings, booleans, and integers for every numeric field.
 *   `null` is not a value of any field: leave out what you do not have.
 *   The example's shortened strings are maximum lengths (a generated example cuts "string" to
 *   the maxLength): expiry_month ≤ 2, expiry_year ≤ 4, last4 ≤ 4, country_code_2_letter ≤ 2,
 *   country_code_3_letter ≤ 3.
 * - 200 `{ object_id, status: "accepted" }` when the object_id is new or its content differs
 *   from the latest accepted (compared as JSON, key order ignored); 409 when it is the same
 *   content again (a repeated delivery; nothing changes but `duplicate_count`).
 * - Enrichment: `metadata` is required (an object, any JSON inside); fields other than
 *   transaction_id / order_id / metadata are a 400; an empty identifier counts as absent.
 *   201 answers `{ id, status: "queued" }`.
 * - Matching: `transaction_id` names a transaction by its `object_id` (the PSP reference Paykit
 *   sends). Without a transaction_id, `order_id` names every transaction whose
 *   `braintree.order_id` equals it (the Model's only order reference). With both, the
 *   transaction_id alone decides: it is the most accurate (the doc's words).
 * - Windows, with "created" = when the sandbox first accepted the transaction (the Model has no
 *   creation time): a record received at R applies to a transaction created at C when
 *   R − 45 days ≤ C ≤ R + 7 days (both ends included). Metadata of the records that apply is
 *   merged shallowly, in the order received (a later key wins), into `applied_metadata`.
 * - Faults (`/sandbox/faults`) hit only the two APIs, any method, before auth; each request
 *   there uses one of `count`; `for_ms` runs on `now()`; with both, the first to run out ends it;
 *   with neither, it lasts until mode "none". "timeout" processes nothing; "drop" processes the
 *   request, then destroys the socket.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { IncomingMessage } from 'node:http';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const DAY_MS = 24 * 3600_000;
/** How long an enrichment record keeps enriching transactions that arrive after it. */
export const ENRICHMENT_WINDOW_MS = 7 * DAY_MS;
/** How old a transaction may be when an enrichment record arrives and still be enriched. */
export const ELIGIBILITY_WINDOW_MS = 45 * DAY_MS;
/** The enrichment doc's 400 message, to the letter (typo included). */
export const MISSING_IDENTIFIER_MESSAGE = 'Validation error: Identifier should we populated with at least one strategy: transaction_id or order_id';

const str = () => z.string();
const int = () => z.int();
const bool = () => z.boolean();

const address = {
  object_id: str(),
  line1: str(),
  line2: str(),
  city: str(),
  state: str(),
  postal_code: str(),
  country_code_2_letter: str().max(2),
  country_code_3_letter: str().max(3),
  country: str(),
  name: str(),
  email: str(),
  company: str(),
  phone: str(),
};

/** The data ingestion doc's Model, closed at every level. */
const transactionSchema = z.strictObject({
  object_id: str().min(1).max(255),
  currency: str().regex(/^[A-Z]{3}$/, { error: 'currency must be three capital letters (ISO 4217), e.g. "EUR"' }),
  amount: int().nonnegative(),
  description: str().optional(),
  disputed: bool().optional(),
  refunded: bool().optional(),
  mapped_object: str().optional(),
  braintree: z
    .strictObject({
      braintree_status: str(),
      network_response_code: str(),
      network_response_text: str(),
      channel: str(),
      is_network_tokenized: bool(),
      order_id: str(),
      processed_with_network_token: str(),
      processor_authorization_code: str(),
      processor_response_type: str(),
      processor_response_code: str(),
      processor_response_text: str(),
      processor_settlement_response_code: str(),
      processor_settlement_response_text: str(),
      additional_processor_response: str(),
      sca_exemption_requested: str(),
      network_transaction_id: str(),
      acquire_reference_number: str(),
      recurring: str(),
      payment_intent: str(),
    })
    .partial()
    .optional(),
  stripe: z
    .strictObject({
      stripe_status: str(),
      outcome_network_status: str(),
      outcome_reason: str(),
      outcome_risk_level: str(),
      outcome_risk_score: int(),
      outcome_rule: str(),
      outcome_seller_message: str(),
      outcome_type: str(),
    })
    .partial()
    .optional(),
  pagos: z.strictObject({ pagos_transaction_response_code_id: int(), pagos_transaction_intent_code_id: int() }).partial().optional(),
  payment_method_details: z
    .strictObject({
      instrument_type: str(),
      object_id: str(),
      fingerprint: str(),
      scheme: str(),
      name: str(),
      expiry_month: str().max(2),
      expiry_year: str().max(4),
      expiration_date: str(),
      last4: str().max(4),
      masked_number: str(),
      product_id: str(),
      bin: str(),
      type: str(),
      category: str(),
      issuer_bank: str(),
      issuer_country: str(),
      checks_address_line1_check: str(),
      checks_address_post_code_check: str(),
      checks_cvc_check: str(),
      checks_error_response_code: str(),
      installments_plan_count: int(),
      installments_plan_interval: str(),
      installments_plan_type: str(),
      three_d_secure_authentication_flow: str(),
      three_d_secure_result: str(),
      three_d_secure_result_reason: str(),
      three_d_secure_version: str(),
      three_d_secure_info_cavv: str(),
      three_d_secure_info_ds_transaction_id: str(),
      three_d_secure_info_eci_flag: str(),
      three_d_secure_info_enrolled: str(),
      three_d_secure_info_liability_shift_possible: bool(),
      three_d_secure_info_liability_shifted: bool(),
      three_d_secure_info_status: str(),
      three_d_secure_three_d_secure_version: str(),
      three_d_secure_info_xid: str(),
      payroll: str(),
      healthcare: str(),
      durbin_regulated: str(),
      verification: str(),
      account_type: str(),
    })
    .partial()
    .optional(),
  customer_details: z.strictObject({ ...address, website: str() }).partial().optional(),
  billing_details: z.strictObject(address).partial().optional(),
  shipping_details: z.strictObject({ ...address, carrier: str() }).partial().optional(),
});

/** A transaction as the data ingestion API accepts it. */
export type PagosTransactionBody = z.infer<typeof transactionSchema>;

const enrichmentSchema = z.strictObject({
  transaction_id: str().max(255).optional(),
  order_id: str().max(255).optional(),
  metadata: z.record(z.string(), z.unknown()),
});

export interface StoredTransaction {
  object_id: string;
  /** The latest body accepted (200). */
  body: PagosTransactionBody;
  /** When it was first accepted: its creation time for the enrichment windows. */
  received_at: string;
  /** When the latest body was accepted. */
  updated_at: string;
  /** How many times a body was accepted (200) for this object_id. */
  accepted_count: number;
  /** How many identical deliveries were answered 409. */
  duplicate_count: number;
}

export interface StoredEnrichment {
  id: string;
  transaction_id: string | null;
  order_id: string | null;
  metadata: Record<string, unknown>;
  received_at: string;
}

export type FaultMode = 'none' | '503' | '500' | 'timeout' | 'drop';

export interface ReceivedRequest {
  at: string;
  method: string;
  /** The path as requested (with the mount prefix, e.g. /pagos/transactions, in the stack). */
  path: string;
  /** What was answered; null when nothing was (a `timeout` fault). */
  status: number | null;
  /** The body: parsed JSON when it parses, else the raw text; null when empty. */
  body: unknown;
  /** The fault this request met, if any. */
  fault: Exclude<FaultMode, 'none'> | null;
}

export interface PagosSimulatorOptions {
  /** The key both APIs accept, as `x-api-key` (ingestion) or `Authorization: Bearer` (enrichment). */
  apiKey: string;
  /** A key that authenticates but may not write: 403 on both APIs. */
  readOnlyKey?: string;
  now?: () => Date;
}

export interface PagosSimulator {
  app: Hono;
  /** By object_id. */
  transactions: Map<string, StoredTransaction>;
  /** Every accepted enrichment record, in order. */
  enrichments: StoredEnrichment[];
  /** Every request to the APIs (not to /sandbox hooks), in order. */
  received: ReceivedRequest[];
  faults: { set(mode: FaultMode, options?: { count?: number; forMs?: number }): void };
  close(): void;
}

type Issue = z.core.$ZodIssue;

/** zod's expected type, in words; every number these schemas take is an integer (z.int() says "number" for a non-number). */
const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  int: 'an integer',
  number: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  record: 'an object',
};

/** A zod issue in this sandbox's words, naming the field by its dotted path. */
function describe(issue: Issue): string[] {
  const at = issue.path.map(String).join('.');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => `unknown field ${at ? `${at}.` : ''}${key}`);
    case 'invalid_type':
      if (issue.input === undefined) return [`${at} is required`];
      return [`${at} must be ${EXPECTED[issue.expected] ?? issue.expected}${at === 'amount' ? ' (minor units, e.g. 1050 for 10.50)' : ''}`];
    case 'too_big':
      return [issue.origin === 'string' ? `${at} must be at most ${issue.maximum} characters` : `${at} must be at most ${issue.maximum}`];
    case 'too_small':
      if (issue.origin === 'string') return [`${at} must not be empty`];
      return [`${at} must be at least ${issue.minimum}${at === 'amount' ? ' (minor units, e.g. 1050 for 10.50)' : ''}`];
    default:
      return [issue.message.includes(at) ? issue.message : `${at}: ${issue.message}`];
  }
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function failure(issues: Issue[]): { ok: false; message: string } {
  return { ok: false, message: `Validation error: ${issues.flatMap(describe).join('; ')}` };
}

/** A `POST /transactions` body against the Model; the message names every bad field. */
export function validateTransactionBody(body: unknown): Checked<PagosTransactionBody> {
  if (!isObject(body)) return { ok: false, message: 'Validation error: the body must be a JSON object' };
  const parsed = transactionSchema.safeParse(body, { reportInput: true });
  return parsed.success ? { ok: true, value: parsed.data } : failure(parsed.error.issues);
}

export interface EnrichmentBody {
  transaction_id: string | null;
  order_id: string | null;
  metadata: Record<string, unknown>;
}

/** A `POST /v1/transactions/enrichment` body; a missing identifier gets the doc's own message. */
export function validateEnrichmentBody(body: unknown): Checked<EnrichmentBody> {
  if (!isObject(body)) return { ok: false, message: 'Validation error: the body must be a JSON object' };
  const parsed = enrichmentSchema.safeParse(body, { reportInput: true });
  const given = (key: 'transaction_id' | 'order_id') => typeof body[key] === 'string' && body[key] !== '';
  const typeOk = (key: 'transaction_id' | 'order_id') => body[key] === undefined || typeof body[key] === 'string';
  if (!given('transaction_id') && !given('order_id') && typeOk('transaction_id') && typeOk('order_id')) {
    return { ok: false, message: MISSING_IDENTIFIER_MESSAGE };
  }
  if (!parsed.success) return failure(parsed.error.issues);
  const { transaction_id, order_id, metadata } = parsed.data;
  return { ok: true, value: { transaction_id: transaction_id || null, order_id: order_id || null, metadata } };
}

/** Whether an enrichment record names a transaction (see the header for the rules). */
export function enrichmentMatches(record: Pick<StoredEnrichment, 'transaction_id' | 'order_id'>, tx: Pick<StoredTransaction, 'object_id' | 'body'>): boolean {
  if (record.transaction_id !== null) return record.transaction_id === tx.object_id;
  return record.order_id !== null && record.order_id === tx.body.braintree?.order_id;
}

/** Whether an enrichment record applies to a transaction: it names it, and the windows allow it. */
export function enrichmentApplies(record: StoredEnrichment, tx: StoredTransaction): boolean {
  if (!enrichmentMatches(record, tx)) return false;
  const received = Date.parse(record.received_at);
  const created = Date.parse(tx.received_at);
  return created <= received + ENRICHMENT_WINDOW_MS && created >= received - ELIGIBILITY_WINDOW_MS;
}

/** The merged metadata of the records that apply, in the order they were received. */
export function appliedMetadata(tx: StoredTransaction, records: readonly StoredEnrichment[]): Record<string, unknown> {
  return Object.assign({}, ...records.filter((record) => enrichmentApplies(record, tx)).map((record) => record.metadata));
}

/** JSON with object keys sorted, so that two bodies compare by content. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Thrown by a `drop` fault when there is no socket to destroy (app.request() in tests). */
export class DroppedConnection extends Error {
  constructor() {
    super('Pagos sandbox fault: connection dropped after processing');
    this.name = 'DroppedConnection';
  }
}

const faultSchema = z.strictObject({
  mode: z.enum(['none', '503', '500', 'timeout', 'drop']),
  count: z.int().positive().optional(),
  for_ms: z.int().positive().optional(),
});

export function createPagosSimulator(options: PagosSimulatorOptions): PagosSimulator {
  if (!options.apiKey) throw new Error('createPagosSimulator: apiKey is required');
  if (options.readOnlyKey !== undefined && (!options.readOnlyKey || options.readOnlyKey === options.apiKey)) {
    throw new Error('createPagosSimulator: readOnlyKey must be non-empty and differ from apiKey');
  }
  const now = options.now ?? (() => new Date());
  const iso = () => now().toISOString();

  const transactions = new Map<string, StoredTransaction>();
  const fingerprints = new Map<string, string>();
  const enrichments: StoredEnrichment[] = [];
  const received: ReceivedRequest[] = [];
  const entries = new WeakMap<Request, ReceivedRequest>();
  /** Requests held open by a `timeout` fault: each resolves when released. */
  const held = new Set<() => void>();
  let closed = false;
  let fault: { mode: Exclude<FaultMode, 'none'>; remaining: number | null; until: number | null } | null = null;

  const releaseHeld = () => {
    for (const release of [...held]) release();
    held.clear();
  };

  const faults: PagosSimulator['faults'] = {
    set(mode, setOptions = {}) {
      const { count, forMs } = setOptions;
      if (count !== undefined && (!Number.isInteger(count) || count < 1)) throw new Error('faults.set: count must be a positive integer');
      if (forMs !== undefined && (!Number.isInteger(forMs) || forMs < 1)) throw new Error('faults.set: forMs must be a positive integer');
      fault = mode === 'none' ? null : { mode, remaining: count ?? null, until: forMs === undefined ? null : now().getTime() + forMs };
    },
  };

  /** The fault the next API request meets (and uses up), if any. */
  const takeFault = (): Exclude<FaultMode, 'none'> | null => {
    if (!fault) return null;
    if (fault.until !== null && now().getTime() >= fault.until) {
      fault = null;
      return null;
    }
    const { mode } = fault;
    if (fault.remaining !== null && --fault.remaining <= 0) fault = null;
    return mode;
  };

  const faultView = () => (fault ? { mode: fault.mode, remaining: fault.remaining, until: fault.until === null ? null : new Date(fault.until).toISOString() } : { mode: 'none', remaining: null, until: null });

  const problem = (c: Context, statusCode: ContentfulStatusCode, message: string) => c.json({ statusCode, message }, statusCode);

  /** The Authorization check both APIs share; `key` is what the request presented, if anything. */
  const access = (key: string | undefined): 'write' | 'read' | null => {
    if (!key) return null;
    if (sameSecret(key, options.apiKey)) return 'write';
    if (options.readOnlyKey && sameSecret(key, options.readOnlyKey)) return 'read';
    return null;
  };

  const isJson = (c: Context) => /^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '');
  const parseJson = (text: string): { ok: true; value: unknown } | { ok: false } => {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return { ok: false };
    }
  };

  const view = (tx: StoredTransaction) => {
    const applying = enrichments.filter((record) => enrichmentApplies(record, tx));
    return {
      ...structuredClone(tx),
      applied_metadata: appliedMetadata(tx, enrichments),
      enrichment_ids: applying.map((record) => record.id),
    };
  };

  const enrichmentView = (record: StoredEnrichment) => {
    const activeUntil = Date.parse(record.received_at) + ENRICHMENT_WINDOW_MS;
    return {
      ...structuredClone(record),
      active_until: new Date(activeUntil).toISOString(),
      active: now().getTime() <= activeUntil,
      applied_to: [...transactions.values()].filter((tx) => enrichmentApplies(record, tx)).map((tx) => tx.object_id),
    };
  };

  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof DroppedConnection) throw error;
    return problem(c, 500, error instanceof Error ? error.message : 'Internal error');
  });

  // Sandbox-only hooks (no auth; never on the real service). Registered first, so the request log
  // below never sees them.
  app.get('/sandbox/transactions', (c) => c.json([...transactions.values()].map(view)));
  app.get('/sandbox/transactions/:object_id', (c) => {
    const tx = transactions.get(c.req.param('object_id'));
    return tx ? c.json(view(tx)) : problem(c, 404, 'No transaction with this object_id');
  });
  app.get('/sandbox/enrichments', (c) => c.json(enrichments.map(enrichmentView)));
  app.get('/sandbox/received', (c) => c.json(received));
  app.get('/sandbox/faults', (c) => c.json(faultView()));
  app.post('/sandbox/faults', async (c) => {
    const body = parseJson(await c.req.text());
    const parsed = faultSchema.safeParse(body.ok ? body.value : undefined, { reportInput: true });
    if (!parsed.success) {
      return problem(c, 400, isObject(body.ok ? body.value : null) ? failure(parsed.error.issues).message : 'Validation error: the body must be a JSON object');
    }
    const { mode, count, for_ms } = parsed.data;
    faults.set(mode, { ...(count !== undefined ? { count } : {}), ...(for_ms !== undefined ? { forMs: for_ms } : {}) });
    return c.json(faultView());
  });
  app.post('/sandbox/reset', (c) => {
    reset();
    return c.json({ reset: true });
  });
  app.all('/sandbox/*', (c) => problem(c, 404, 'Not Found'));

  /** The request log: every request below this point, with what it was answered. */
  const record: MiddlewareHandler = async (c, next) => {
    const text = await c.req.text();
    const parsed = text ? parseJson(text) : { ok: true as const, value: null };
    const entry: ReceivedRequest = { at: iso(), method: c.req.method, path: c.req.path, status: null, body: parsed.ok ? parsed.value : text, fault: null };
    received.push(entry);
    entries.set(c.req.raw, entry);
    try {
      await next();
    } finally {
      if (entry.fault !== 'timeout') entry.status = c.res.status;
    }
  };
  app.use('*', record);

  /** Faults, on the two APIs only. */
  const injectFault: MiddlewareHandler = async (c, next) => {
    const mode = takeFault();
    const entry = entries.get(c.req.raw);
    if (entry) entry.fault = mode;
    if (mode === '503') return problem(c, 503, 'Service Unavailable');
    if (mode === '500') return problem(c, 500, 'Internal Server Error');
    if (mode === 'timeout') {
      await hold(c.req.raw.signal);
      return problem(c, 503, 'Service Unavailable');
    }
    await next();
    if (mode === 'drop') {
      const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
      if (!socket) throw new DroppedConnection();
      socket.destroy();
    }
  };

  /** Resolves when the client gives up, or on reset() / close(); never keeps the process alive. */
  const hold = (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (closed || signal.aborted) return resolve();
      const release = () => {
        held.delete(release);
        signal.removeEventListener('abort', release);
        resolve();
      };
      held.add(release);
      signal.addEventListener('abort', release, { once: true });
    });

  app.use('/transactions', injectFault);
  app.use('/v1/transactions/enrichment', injectFault);

  // Data ingestion API.
  app.post('/transactions', async (c) => {
    const rights = access(c.req.header('x-api-key')?.trim());
    if (!rights) return problem(c, 401, 'Unauthorized');
    if (rights !== 'write') return problem(c, 403, 'Forbidden');
    if (!isJson(c)) return problem(c, 400, 'Validation error: Content-Type must be application/json');
    const json = parseJson(await c.req.text());
    if (!json.ok) return problem(c, 400, 'Validation error: the body is not valid JSON');
    const checked = validateTransactionBody(json.value);
    if (!checked.ok) return problem(c, 400, checked.message);

    const body = checked.value;
    const id = body.object_id;
    const fingerprint = canonicalJson(body);
    const existing = transactions.get(id);
    if (existing && fingerprints.get(id) === fingerprint) {
      existing.duplicate_count += 1;
      return problem(c, 409, `Conflict: transaction ${id} was already received with this content`);
    }
    const at = iso();
    transactions.set(id, {
      object_id: id,
      body,
      received_at: existing?.received_at ?? at,
      updated_at: at,
      accepted_count: (existing?.accepted_count ?? 0) + 1,
      duplicate_count: existing?.duplicate_count ?? 0,
    });
    fingerprints.set(id, fingerprint);
    return c.json({ object_id: id, status: 'accepted' }, 200);
  });

  // Enrichment API.
  app.post('/v1/transactions/enrichment', async (c) => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const rights = access(bearer);
    if (!rights) return c.json({ message: 'Unauthorized', statusCode: 401 }, 401);
    if (rights !== 'write') return c.json({ message: 'Forbidden', statusCode: 403 }, 403);
    if (!isJson(c)) return problem(c, 400, 'Validation error: Content-Type must be application/json');
    const json = parseJson(await c.req.text());
    if (!json.ok) return problem(c, 400, 'Validation error: the body is not valid JSON');
    const checked = validateEnrichmentBody(json.value);
    if (!checked.ok) return problem(c, 400, checked.message);
    const stored: StoredEnrichment = { id: `enr_${randomUUID()}`, ...checked.value, received_at: iso() };
    enrichments.push(stored);
    return c.json({ id: stored.id, status: 'queued' }, 201);
  });

  for (const path of ['/transactions', '/v1/transactions/enrichment']) {
    app.all(path, (c) => {
      c.header('Allow', 'POST');
      return problem(c, 405, 'Method Not Allowed');
    });
  }
  app.all('*', (c) => problem(c, 404, 'Not Found'));

  function reset() {
    transactions.clear();
    fingerprints.clear();
    enrichments.length = 0;
    received.length = 0;
    fault = null;
    releaseHeld();
  }

  return {
    app,
    transactions,
    enrichments,
    received,
    faults,
    close() {
      closed = true;
      fault = null;
      releaseHeld();
    },
  };
}
