/**
 * `Idempotency-Key` on mutating requests, with Stripe's semantics: keyed per merchant and kept
 * 24 hours; the same key and body replays the first answer (status and body); the same key with
 * another body is a 422; the same key while the first request still runs is a 409. Nothing
 * runs twice. The request is remembered by a keyed hash (HMAC), so no card data is stored.
 */
import { createHmac } from 'node:crypto';
import type { Db } from './storage/db.ts';
import { ApiError } from './errors.ts';

export const IDEMPOTENCY_TTL_HOURS = 24;
/** How often each process sweeps expired keys away (every widget confirm leaves one). */
const PURGE_EVERY_MS = 10 * 60_000;
const nextPurge = new WeakMap<Db, number>();

/**
 * Deletes up to `limit` keys older than the 24 hours; returns how many. Old rows sit first in
 * the table, so the scan that finds them stops early without an index on created_at.
 */
export async function purgeExpiredIdempotencyKeys(db: Db, limit = 5000): Promise<number> {
  const rows = await db.query(
    `DELETE FROM idempotency_keys WHERE ctid IN (
       SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) LIMIT $2)
     RETURNING 1`,
    [IDEMPOTENCY_TTL_HOURS, limit],
  );
  return rows.length;
}

/** At most once per PURGE_EVERY_MS per process, in the background: a request never waits for it. */
function purgeNowAndThen(db: Db) {
  const now = Date.now();
  if ((nextPurge.get(db) ?? 0) > now) return;
  nextPurge.set(db, now + PURGE_EVERY_MS);
  purgeExpiredIdempotencyKeys(db).catch(() => {
    // Swept again at the next turn; an expired key is also dropped whenever it is used again.
  });
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

export interface IdempotencyRequest {
  merchantId: string;
  key: string | undefined;
  method: string;
  path: string;
  /** The raw request body as received. */
  rawBody: string;
}

export function validateIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ApiError(400, 'invalid_request_error', 'idempotency_key_invalid', 'Idempotency-Key must be 1 to 255 visible ASCII characters.', 'Idempotency-Key');
  }
  return key;
}

/**
 * Runs `handler` at most once per (merchant, key). `toStored` may strip what must not be
 * stored (a client secret) and `fromStored` put it back on replay.
 */
export async function idempotent(
  db: Db,
  serverSecret: string,
  request: IdempotencyRequest,
  handler: () => Promise<StoredResponse>,
  transform: { toStored?: (body: unknown) => unknown; fromStored?: (body: unknown) => unknown } = {},
): Promise<StoredResponse & { replayed: boolean }> {
  const key = validateIdempotencyKey(request.key);
  if (key === undefined) return { ...(await handler()), replayed: false };
  purgeNowAndThen(db);

  const hash = createHmac('sha256', serverSecret)
    .update(`${request.method} ${request.path}\n${request.rawBody}`)
    .digest('hex');
  // Drop an expired record first so the key can be used again after 24 hours.
  await db.query(
    `DELETE FROM idempotency_keys WHERE merchant_id = $1 AND key = $2 AND created_at < now() - make_interval(hours => $3)`,
    [request.merchantId, key, IDEMPOTENCY_TTL_HOURS],
  );
  const inserted = await db.query(
    `INSERT INTO idempotency_keys (merchant_id, key, request_method, request_path, request_hash, state)
     VALUES ($1, $2, $3, $4, $5, 'running') ON CONFLICT (merchant_id, key) DO NOTHING RETURNING key`,
    [request.merchantId, key, request.method, request.path, hash],
  );
  if (inserted.length === 0) {
    const [row] = await db.query<{ request_hash: string; state: string; response_status: number; response_body: unknown }>(
      `SELECT request_hash, state, response_status, response_body FROM idempotency_keys WHERE merchant_id = $1 AND key = $2`,
      [request.merchantId, key],
    );
    if (!row) throw new ApiError(409, 'idempotency_error', 'idempotency_key_in_use', 'A request with this Idempotency-Key is being processed; retry shortly.');
    if (row.request_hash !== hash) {
      throw new ApiError(422, 'idempotency_error', 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request. Use a new key for a new request.', 'Idempotency-Key');
    }
    if (row.state !== 'done') {
      throw new ApiError(409, 'idempotency_error', 'idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry shortly.');
    }
    const body = transform.fromStored ? transform.fromStored(row.response_body) : row.response_body;
    return { status: row.response_status, body, replayed: true };
  }

  let response: StoredResponse;
  try {
    response = await handler();
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) {
      response = { status: error.status, body: error.toBody() };
    } else {
      // An unexpected failure is not remembered: the client may retry with the same key.
      await db.query(`DELETE FROM idempotency_keys WHERE merchant_id = $1 AND key = $2`, [request.merchantId, key]);
      throw error;
    }
  }
  const stored = transform.toStored ? transform.toStored(response.body) : response.body;
  await db.query(
    `UPDATE idempotency_keys SET state = 'done', response_status = $3, response_body = $4::jsonb, completed_at = now()
     WHERE merchant_id = $1 AND key = $2`,
    [request.merchantId, key, response.status, JSON.stringify(stored)],
  );
  return { ...response, replayed: false };
}
