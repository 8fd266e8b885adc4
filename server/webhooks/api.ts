/**
 * The merchant's webhook configuration and history (secret key): endpoints with their signing
 * secrets (shown once, at creation and at each rotation), the events recorded for them, and each
 * event's deliveries with every attempt; a delivery can be sent again by hand.
 *
 * Everything is the merchant's own and in its key's mode: another merchant's endpoint (or a live
 * one, to a test key) is a 404, like one that does not exist.
 */
import type { CreateWebhookEndpointInput, UpdateWebhookEndpointInput, WebhookDeliverySearch, WebhookEventSearch } from '../../contract/webhooks.ts';
import { MAX_WEBHOOK_ENDPOINTS } from '../../contract/webhooks.ts';
import type { MerchantAuth } from '../auth.ts';
import { newId, randomToken, seal } from '../crypto.ts';
import { conflict, invalidRequest, notFound } from '../errors.ts';
import { enqueue, type OutboxStatus } from '../outbox/queue.ts';
import type { Deps } from '../payments/service.ts';
import type { Queryable } from '../storage/db.ts';
import { eventBody, WEBHOOK_TOPIC, type WebhookEventRow } from './events.ts';

export const DEFAULT_SECRET_OVERLAP_SECONDS = 24 * 3600;

interface EndpointRow {
  id: string;
  merchant_id: string;
  mode: 'test' | 'live';
  url: string;
  description: string | null;
  enabled_events: string[];
  status: 'enabled' | 'disabled';
  disabled_reason: 'failing' | null;
  failing_since: Date | null;
  secret_hint: string;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export const ENDPOINT_ID = /^we_[A-Za-z0-9]{1,64}$/;
const DELIVERY_ID = /^whd_[A-Za-z0-9]{1,64}$/;
const EVENT_ID = /^evt_[A-Za-z0-9]{1,64}$/;

export function endpointView(row: EndpointRow, now = Date.now()) {
  const overlapping = row.previous_secret_expires_at && new Date(row.previous_secret_expires_at).getTime() > now;
  return {
    id: row.id,
    object: 'webhook_endpoint',
    livemode: row.mode === 'live',
    url: row.url,
    description: row.description,
    enabled_events: row.enabled_events,
    status: row.status,
    /** 'failing': Paykit disabled it after 3 days without a 2xx; null: enabled, or disabled by the merchant. */
    disabled_reason: row.status === 'disabled' ? row.disabled_reason : null,
    /** Since when every attempt has failed (null: the last one got a 2xx). */
    failing_since: iso(row.failing_since),
    /** The signing secret's last 4 characters (the secret itself is shown only once). */
    secret_hint: row.secret_hint,
    /** While the secret replaced by a rotation still signs too: until when. */
    previous_secret_expires_at: overlapping ? iso(row.previous_secret_expires_at) : null,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

const newSecret = () => `whsec_${randomToken(32)}`;

/**
 * A host on this machine or a private network (by name or address literal): a live endpoint may
 * not name one, so the server cannot be used to reach what only it can reach. (Names resolving to
 * such addresses are for the network's egress rules: DNS can change after this check.)
 */
export function privateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || /\.(localhost|local|internal)$/.test(host)) return true;
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  return host.includes(':') && (host === '::1' || host === '::' || /^(fc|fd|fe8|fe9|fea|feb)/.test(host) || host.startsWith('::ffff:'));
}

/** Live payments' events leave only over TLS, to a public host; test endpoints may be plain http on this machine (a local receiver). */
function checkUrl(auth: MerchantAuth, url: string): void {
  if (auth.mode !== 'live') return;
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:') throw invalidRequest('parameter_invalid', 'url must be an https URL for a live-mode endpoint.', 'url');
  if (privateHost(parsed.hostname)) throw invalidRequest('parameter_invalid', 'url must name a public host for a live-mode endpoint (not localhost or a private address).', 'url');
}

/** `*` stands alone: with it, other types say nothing more. */
const normalizeEvents = (events: readonly string[]) => (events.includes('*') ? ['*'] : [...new Set(events)]);

export async function loadEndpoint(db: Queryable, auth: MerchantAuth, id: string, lock = false): Promise<EndpointRow> {
  if (!ENDPOINT_ID.test(id)) throw notFound('webhook endpoint', 'id');
  const [row] = await db.query<EndpointRow>(
    `SELECT * FROM webhook_endpoints WHERE id = $1 AND merchant_id = $2 AND mode = $3 ${lock ? 'FOR UPDATE' : ''}`,
    [id, auth.merchantId, auth.mode],
  );
  if (!row) throw notFound('webhook endpoint', 'id');
  return row;
}

export async function createEndpoint(deps: Deps, auth: MerchantAuth, input: CreateWebhookEndpointInput) {
  checkUrl(auth, input.url);
  const secret = newSecret();
  return deps.db.transaction(async (tx) => {
    // Serializes creations per merchant so the limit holds under concurrency.
    await tx.query(`SELECT id FROM merchants WHERE id = $1 FOR UPDATE`, [auth.merchantId]);
    const [count] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE merchant_id = $1 AND mode = $2`, [auth.merchantId, auth.mode]);
    if ((count?.n ?? 0) >= MAX_WEBHOOK_ENDPOINTS) {
      throw conflict('webhook_endpoint_limit', `A merchant may have at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints per mode; delete one first.`);
    }
    const [row] = await tx.query<EndpointRow>(
      `INSERT INTO webhook_endpoints (id, merchant_id, mode, url, description, enabled_events, secret_sealed, secret_hint)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [newId('we'), auth.merchantId, auth.mode, input.url, input.description ?? null, normalizeEvents(input.enabled_events), seal(secret, deps.config.serverSecret), secret.slice(-4)],
    );
    return { ...endpointView(row!), secret };
  });
}

export async function listEndpoints(deps: Deps, auth: MerchantAuth) {
  const rows = await deps.db.query<EndpointRow>(`SELECT * FROM webhook_endpoints WHERE merchant_id = $1 AND mode = $2 ORDER BY created_at, id`, [
    auth.merchantId,
    auth.mode,
  ]);
  return { object: 'list', data: rows.map((row) => endpointView(row)) };
}

export async function updateEndpoint(deps: Deps, auth: MerchantAuth, id: string, input: UpdateWebhookEndpointInput) {
  if (input.url !== undefined) checkUrl(auth, input.url);
  return deps.db.transaction(async (tx) => {
    const current = await loadEndpoint(tx, auth, id, true);
    const [row] = await tx.query<EndpointRow>(
      // Enabled again (after Paykit or the merchant disabled it): a new start, 3 more days to fail.
      `UPDATE webhook_endpoints SET url = $2, enabled_events = $3, description = $4, status = $5, updated_at = now(),
              failing_since = CASE WHEN $5 = 'enabled' AND status = 'disabled' THEN NULL ELSE failing_since END,
              disabled_reason = CASE WHEN $5 = 'enabled' THEN NULL ELSE disabled_reason END
        WHERE id = $1 RETURNING *`,
      [
        current.id,
        input.url ?? current.url,
        input.enabled_events ? normalizeEvents(input.enabled_events) : current.enabled_events,
        input.description === undefined ? current.description : input.description,
        input.disabled === undefined ? current.status : input.disabled ? 'disabled' : 'enabled',
      ],
    );
    return endpointView(row!);
  });
}

/** Deletes the endpoint, its deliveries and their pending work; the events stay (other endpoints may have them). */
export async function deleteEndpoint(deps: Deps, auth: MerchantAuth, id: string) {
  await deps.db.transaction(async (tx) => {
    const endpoint = await loadEndpoint(tx, auth, id, true);
    await tx.query(
      `DELETE FROM outbox o USING webhook_deliveries d WHERE o.topic = '${WEBHOOK_TOPIC}' AND o.subject = d.id AND d.endpoint_id = $1`,
      [endpoint.id],
    );
    await tx.query(`DELETE FROM webhook_endpoints WHERE id = $1`, [endpoint.id]);
  });
  return { id, object: 'webhook_endpoint', deleted: true };
}

/**
 * A new signing secret, shown once. The one it replaces keeps signing (a second `v1=`) for
 * `expiresIn` seconds, so the merchant can deploy the new one without refusing a delivery; 0 ends
 * it at once (a leaked secret). Only two ever sign: an older previous secret is dropped.
 */
export async function rotateSecret(deps: Deps, auth: MerchantAuth, id: string, expiresIn = DEFAULT_SECRET_OVERLAP_SECONDS) {
  const secret = newSecret();
  return deps.db.transaction(async (tx) => {
    const endpoint = await loadEndpoint(tx, auth, id, true);
    const [row] = await tx.query<EndpointRow>(
      `UPDATE webhook_endpoints SET
         previous_secret_sealed = CASE WHEN $4::int > 0 THEN secret_sealed END,
         previous_secret_expires_at = CASE WHEN $4::int > 0 THEN now() + make_interval(secs => $4::int) END,
         secret_sealed = $2, secret_hint = $3, updated_at = now()
       WHERE id = $1 RETURNING *`,
      [endpoint.id, seal(secret, deps.config.serverSecret), secret.slice(-4), expiresIn],
    );
    return { ...endpointView(row!), secret };
  });
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  event_created_at: Date;
  created_at: Date;
  status: OutboxStatus;
  attempts: number;
  run_after: Date;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
}

interface AttemptRow {
  delivery_id: string;
  attempt: number;
  response_status: number | null;
  error: string | null;
  duration_ms: number;
  started_at: Date;
}

/** The most recent attempts shown per delivery (a 3-day retry has about 80). */
const ATTEMPTS_SHOWN = 25;

/** A delivery as the merchant sees it: `failed` once retrying stopped (3 days, or a disabled endpoint). */
function deliveryView(row: DeliveryRow, attempts: AttemptRow[]) {
  const status = row.status === 'parked' ? 'failed' : row.status === 'delivered' ? 'delivered' : 'pending';
  const last = attempts.at(-1);
  return {
    id: row.id,
    object: 'webhook_delivery',
    endpoint: row.endpoint_id,
    event: { id: row.event_id, type: row.event_type, created: Math.floor(new Date(row.event_created_at).getTime() / 1000) },
    status,
    attempt_count: attempts.length,
    last_response_status: last ? last.response_status : null,
    last_error: status === 'delivered' ? null : (last?.error ?? row.last_error),
    next_attempt_at: status === 'pending' ? iso(row.run_after) : null,
    delivered_at: status === 'delivered' ? iso(row.delivered_at) : null,
    created_at: iso(row.created_at),
    attempts: attempts.slice(-ATTEMPTS_SHOWN).map((a) => ({
      attempt: a.attempt,
      response_status: a.response_status,
      error: a.error,
      duration_ms: a.duration_ms,
      started_at: iso(a.started_at),
    })),
  };
}

const DELIVERY_SELECT = `SELECT d.id, d.endpoint_id, d.event_id, ev.type AS event_type, ev.created_at AS event_created_at, d.created_at,
       o.status, o.attempts, o.run_after, o.last_status, o.last_error, o.delivered_at
  FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
  JOIN outbox o ON o.topic = '${WEBHOOK_TOPIC}' AND o.subject = d.id`;

async function withAttempts(db: Queryable, rows: DeliveryRow[]) {
  if (rows.length === 0) return [];
  const attempts = await db.query<AttemptRow>(
    `SELECT delivery_id, attempt, response_status, error, duration_ms, started_at FROM webhook_attempts WHERE delivery_id = ANY($1::text[]) ORDER BY attempt, id`,
    [rows.map((row) => row.id)],
  );
  return rows.map((row) => deliveryView(row, attempts.filter((a) => a.delivery_id === row.id)));
}

export async function listDeliveries(deps: Deps, auth: MerchantAuth, endpointId: string, query: WebhookDeliverySearch) {
  const endpoint = await loadEndpoint(deps.db, auth, endpointId);
  const params: unknown[] = [endpoint.id];
  const where = ['d.endpoint_id = $1'];
  if (query.status) where.push(`o.status = $${params.push(query.status === 'failed' ? 'parked' : query.status)}`);
  if (query.event) where.push(`d.event_id = $${params.push(query.event)}`);
  const rows = await deps.db.query<DeliveryRow>(
    `${DELIVERY_SELECT} WHERE ${where.join(' AND ')} ORDER BY d.created_at DESC, d.id DESC LIMIT $${params.push(query.limit ?? 20)} OFFSET $${params.push(query.offset ?? 0)}`,
    params,
  );
  return { object: 'list', data: await withAttempts(deps.db, rows) };
}

/** Sends a delivery again now, whatever its state (a delivered one too): its retries start over. */
export async function redeliver(deps: Deps, auth: MerchantAuth, endpointId: string, deliveryId: string) {
  return deps.db.transaction(async (tx) => {
    const endpoint = await loadEndpoint(tx, auth, endpointId);
    if (!DELIVERY_ID.test(deliveryId)) throw notFound('webhook delivery', 'delivery');
    const [found] = await tx.query<{ id: string }>(`SELECT id FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2`, [deliveryId, endpoint.id]);
    if (!found) throw notFound('webhook delivery', 'delivery');
    if (endpoint.status !== 'enabled') throw conflict('webhook_endpoint_disabled', 'This endpoint is disabled: enable it before sending deliveries to it.');
    // A new version of the outbox row, due now; one being sent at this moment is sent once more after.
    await enqueue(tx, [WEBHOOK_TOPIC], deliveryId, auth.merchantId);
    const rows = await tx.query<DeliveryRow>(`${DELIVERY_SELECT} WHERE d.id = $1`, [deliveryId]);
    return (await withAttempts(tx, rows))[0]!;
  });
}

export async function listEvents(deps: Deps, auth: MerchantAuth, query: WebhookEventSearch) {
  const params: unknown[] = [auth.merchantId, auth.mode];
  const where = ['merchant_id = $1', 'mode = $2'];
  if (query.type) where.push(`type = $${params.push(query.type)}`);
  if (query.object) where.push(`object_id = $${params.push(query.object)}`);
  const rows = await deps.db.query<WebhookEventRow>(
    `SELECT * FROM webhook_events WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.push(query.limit ?? 20)} OFFSET $${params.push(query.offset ?? 0)}`,
    params,
  );
  return { object: 'list', data: rows.map((row) => eventBody(row, deps.config.publicUrl)) };
}

export async function getEvent(deps: Deps, auth: MerchantAuth, id: string) {
  if (!EVENT_ID.test(id)) throw notFound('webhook event', 'id');
  const [row] = await deps.db.query<WebhookEventRow>(`SELECT * FROM webhook_events WHERE id = $1 AND merchant_id = $2 AND mode = $3`, [id, auth.merchantId, auth.mode]);
  if (!row) throw notFound('webhook event', 'id');
  return eventBody(row, deps.config.publicUrl);
}
