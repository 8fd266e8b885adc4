/**
 * The Pagos export: the outbox handlers that send a payment to Pagos's Data Ingestion API
 * (`POST {base}/transactions`, `x-api-key`) and its checkout metadata to the Enrichment API
 * (`POST {base}/v1/transactions/enrichment`, Bearer). Both bodies are built when they are sent,
 * from the payment as it is then, so a backlog sends each payment's latest state once.
 *
 * Answers, as the docs define them:
 * - ingestion: 2xx delivered; 409 delivered already (the same content arrived before);
 * - enrichment: 201 (any 2xx) delivered;
 * - 400, 401, 403 (and 404 / 405 / 422, which only a wrong base URL or a bug produce): parked
 *   with the reason, never retried by themselves;
 * - network errors, time-outs, 408, 429 (after its Retry-After) and 5xx: retried with backoff.
 *
 * The enrichment of a payment is sent only after its transaction arrived (right after it, in the
 * same pass of the worker, or woken by its delivery), so Pagos always has the transaction it
 * names (the 7-day enrichment window then never matters), and never for a payment older than
 * Pagos's 45-day eligibility window.
 */
import type { Queryable } from '../storage/db.ts';
import type { PaymentRow, SessionRow } from '../payments/rows.ts';
import { WAITING_FOR_TRANSACTION, type OutboxRow, type Topic } from '../outbox/queue.ts';
import { digestOf, type Along, type Handler, type HandlerResult } from '../outbox/worker.ts';
import { providerOrderId } from '../payments/service.ts';
import { pagosTransaction } from './mapping.ts';
import { enrichmentMetadata } from './enrichment.ts';
import { httpFetch } from '../http-client.ts';

export interface PagosConfig {
  /** Both APIs' base URL (the ingestion host; the sandbox serves both). */
  baseUrl: string;
  apiKey: string;
  /** How long one request may take (10 s). */
  timeoutMs?: number;
}

/** Pagos's limits (pagos-enrichment.txt). */
export const ID_MAX = 255;
export const ELIGIBILITY_DAYS = 45;
const DAY_MS = 24 * 3600_000;

const ENRICHMENT: readonly Topic[] = ['pagos.enrichment'];

interface Loaded {
  payment: PaymentRow;
  session: SessionRow;
  threeDsAttempted: boolean;
  refunded: boolean;
  /** The session's last payment (an abandonment is told about it). */
  latest: boolean;
  /** Where the payment's transaction export stands (its enrichment waits for `delivered`). */
  transactionExport: string | null;
  /** Its enrichment's export row, which its transaction's delivery takes along when it waits. */
  enrichmentExport: { version: number; status: string; digest: string | null } | null;
}

/** The payments `ids` as the export needs them (those that exist). */
async function loadMany(db: Queryable, ids: readonly string[]): Promise<Map<string, Loaded>> {
  const rows = await db.query<{ id: string; payment: Loaded['payment']; session: Loaded['session']; three_ds: boolean; refunded: boolean; latest: boolean; transaction_export: string | null; enrichment_export: Loaded['enrichmentExport'] }>(
    // One payment at a time through its primary key (LATERAL … LIMIT 1, which the planner cannot
    // flatten into a join): as a join on `p.id = ANY($1)`, the generic plan PostgreSQL keeps for a
    // prepared statement, made while the tables were small, scanned payments, sessions and events.
    `SELECT x.* FROM unnest($1::text[]) AS wanted(id), LATERAL (
     SELECT p.id, to_jsonb(p) AS payment, to_jsonb(s) AS session,
            (SELECT status FROM outbox o WHERE o.topic = 'pagos.transaction' AND o.subject = p.id) AS transaction_export,
            (SELECT jsonb_build_object('version', o.version, 'status', o.status, 'digest', o.sent_digest)
               FROM outbox o WHERE o.topic = 'pagos.enrichment' AND o.subject = p.id) AS enrichment_export,
            NOT EXISTS (SELECT 1 FROM payments later WHERE later.session_id = p.session_id AND later.attempt > p.attempt) AS latest,
            (p.method = 'card' AND EXISTS (SELECT 1 FROM payment_events e WHERE e.payment_id = p.id AND e.to_status = 'requires_action')) AS three_ds,
            EXISTS (SELECT 1 FROM refunds r WHERE r.payment_id = p.id AND r.status = 'succeeded') AS refunded
       FROM payments p JOIN checkout_sessions s ON s.id = p.session_id WHERE p.id = wanted.id LIMIT 1) x`,
    [ids],
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        payment: row.payment, session: row.session, threeDsAttempted: row.three_ds, refunded: row.refunded, latest: row.latest,
        transactionExport: row.transaction_export, enrichmentExport: row.enrichment_export,
      },
    ]),
  );
}

/**
 * A topic's reads for a whole claimed batch in one query (the worker's `prefetch`), each taken
 * once by its row's handler; a row the batch did not read (or a handler run alone) reads itself.
 */
function batchLoader() {
  let loaded = new Map<string, Loaded | null>();
  return {
    async prefetch(rows: readonly OutboxRow[], db: Queryable): Promise<void> {
      const ids = rows.map((row) => row.subject);
      const found = await loadMany(db, ids);
      loaded = new Map(ids.map((id) => [id, found.get(id) ?? null]));
    },
    async load(db: Queryable, paymentId: string): Promise<Loaded | null> {
      if (loaded.has(paymentId)) {
        const row = loaded.get(paymentId)!;
        loaded.delete(paymentId);
        return row;
      }
      return (await loadMany(db, [paymentId])).get(paymentId) ?? null;
    },
  };
}

/** A payment the provider has not answered for yet has nothing to export (its id would change). */
const unanswered = (payment: PaymentRow) => payment.status === 'processing' && !payment.provider_reference;

/** The transaction id Pagos knows the payment by: what `pagosTransaction` sends as `object_id`. */
const transactionId = (payment: PaymentRow) => payment.provider_reference ?? payment.id;

/** Sends one JSON request; what came back, as an outbox result. */
async function send(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  timeoutMs: number,
  accepted: (status: number) => boolean,
): Promise<HandlerResult> {
  let response: Response;
  try {
    response = await httpFetch(url, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const name = (error as Error).name;
    return { kind: 'retry', status: null, error: name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `network error: ${(error as Error).message}` };
  }
  const text = await response.text().catch(() => '');
  const status = response.status;
  if (accepted(status)) return { kind: 'delivered', status, digest: digestOf(body) };
  const reason = `${status} ${messageOf(text)}`.trim();
  if (status === 429) return { kind: 'retry', status, error: reason, ...retryAfter(response.headers.get('retry-after')) };
  if (status >= 500 || status === 408) return { kind: 'retry', status, error: reason };
  return { kind: 'park', status, error: reason };
}

/** Pagos errors are `{ statusCode, message }`; anything else is shown cut short. */
function messageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') return body.message.slice(0, 400);
  } catch {
    // not JSON
  }
  return text.slice(0, 200);
}

/** A 429's `Retry-After` (seconds or a date), at least a second and at most an hour; else the backoff. */
function retryAfter(header: string | null): { afterMs?: number } {
  if (!header) return {};
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? { afterMs: Math.min(Math.max(ms, 1000), 3600_000) } : {};
}

/** Pagos enriches transactions created in the last 45 days (pagos-enrichment.txt). */
export const outsideEligibility = (createdAt: Date | string, now = Date.now()) => now - new Date(createdAt).getTime() > ELIGIBILITY_DAYS * DAY_MS;

export function pagosHandlers(deps: { pagos: PagosConfig }) {
  const base = deps.pagos.baseUrl.replace(/\/+$/, '');
  const timeoutMs = deps.pagos.timeoutMs ?? 10_000;

  const transactions = batchLoader();
  const enrichments = batchLoader();

  /** The enrichment request for a payment whose transaction Pagos has, or why there is none to send. */
  const enrichmentRequest = (loaded: Loaded): { body: { transaction_id: string; order_id: string; metadata: Record<string, unknown> } } | HandlerResult => {
    const { payment, session } = loaded;
    if (outsideEligibility(payment.created_at)) {
      return { kind: 'wait', reason: `not sent: the payment is older than Pagos's ${ELIGIBILITY_DAYS}-day enrichment eligibility window` };
    }
    const body = {
      transaction_id: transactionId(payment),
      order_id: providerOrderId(session, payment),
      metadata: enrichmentMetadata(payment, session, loaded.latest),
    };
    if (body.transaction_id.length > ID_MAX || body.order_id.length > ID_MAX) return { kind: 'park', error: `an identifier is longer than ${ID_MAX} characters` };
    return { body };
  };

  const sendEnrichment = (body: unknown) =>
    send(`${base}/v1/transactions/enrichment`, { Authorization: `Bearer ${deps.pagos.apiKey}` }, body, timeoutMs, (status) => status >= 200 && status < 300);

  /**
   * The enrichment, right after its transaction arrived, when its row waits for it: one pass of
   * the worker for both, instead of waking the row for a claim, a read and a booking of its own.
   * Null when it is not sent here (not waiting, nothing to send, or the send failed): then the
   * transaction's delivery wakes the row, which goes as usual.
   */
  const enrichmentAlong = async (loaded: Loaded): Promise<Along | null> => {
    const row = loaded.enrichmentExport;
    if (row?.status !== 'waiting') return null;
    const request = enrichmentRequest(loaded);
    if (!('body' in request)) return null;
    if (row.digest && row.digest === digestOf(request.body)) return { topic: 'pagos.enrichment', version: row.version };
    const result = await sendEnrichment(request.body);
    if (result.kind !== 'delivered') return null;
    return { topic: 'pagos.enrichment', version: row.version, ...(result.status ? { status: result.status } : {}), ...(result.digest ? { digest: result.digest } : {}) };
  };

  const transaction: Handler = async (row: OutboxRow, db: Queryable) => {
    const loaded = await transactions.load(db, row.subject);
    if (!loaded) return { kind: 'park', error: `payment ${row.subject} not found` };
    if (unanswered(loaded.payment)) return { kind: 'wait', reason: 'the provider has not answered for this payment yet' };
    const body = pagosTransaction(loaded.payment, loaded.session, { threeDsAttempted: loaded.threeDsAttempted, refunded: loaded.refunded });
    if (body.object_id.length > ID_MAX) return { kind: 'park', error: `object_id is longer than ${ID_MAX} characters` };
    const result: HandlerResult = row.sent_digest && row.sent_digest === digestOf(body)
      ? { kind: 'delivered' }
      : await send(`${base}/transactions`, { 'x-api-key': deps.pagos.apiKey }, body, timeoutMs, (status) => (status >= 200 && status < 300) || status === 409);
    if (result.kind !== 'delivered') return result;
    // Its enrichment waits for it (below): now it can go, with it if it can.
    const along = await enrichmentAlong(loaded);
    return { ...result, wake: ENRICHMENT, ...(along ? { along: [along] } : {}) };
  };

  const enrichment: Handler = async (row: OutboxRow, db: Queryable) => {
    const loaded = await enrichments.load(db, row.subject);
    if (!loaded) return { kind: 'park', error: `payment ${row.subject} not found` };
    // The transaction first: once it is delivered, its delivery takes this row along or wakes it.
    // (Waiting, not polling, so an outage of Pagos costs no queries while the transaction backs off.)
    if (loaded.transactionExport !== 'delivered' || unanswered(loaded.payment)) {
      return { kind: 'wait', reason: `${WAITING_FOR_TRANSACTION} (${loaded.transactionExport ?? 'not queued'})` };
    }
    const request = enrichmentRequest(loaded);
    if (!('body' in request)) return request;
    if (row.sent_digest && row.sent_digest === digestOf(request.body)) return { kind: 'delivered' };
    return sendEnrichment(request.body);
  };

  // Reads and bookings batched: a repeat after a crash is harmless (Pagos answers a repeated
  // transaction 409; an enrichment sent again sets the same metadata).
  transaction.prefetch = transactions.prefetch;
  enrichment.prefetch = enrichments.prefetch;
  transaction.bookTogether = enrichment.bookTogether = true;
  return { 'pagos.transaction': transaction, 'pagos.enrichment': enrichment };
}
