/**
 * Delivering merchant webhooks: the outbox handler for `merchant.webhook` (one row per event and
 * endpoint). Each send is a POST of the event's JSON, signed (`Paykit-Signature`, see verify.ts)
 * with the endpoint's secret and, during a rotation's overlap, with the previous one too.
 *
 * - Any 2xx within the time limit (10 s) is delivered. Anything else — another status (a 3xx too:
 *   redirects are not followed), a time-out, a network error — is retried with the outbox's
 *   backoff (1 s × 2^n, capped at 1 h, ±20%) for 3 days, then the delivery is failed (parked) and
 *   stays in the merchant's list, where it can be sent again by hand.
 * - Every attempt is recorded (status, error, duration) for the merchant's deliveries list.
 * - When an endpoint that was failing answers 2xx again, its other deliveries waiting out their
 *   backoff are made due at once: a merchant back from an outage gets its backlog now, not
 *   up to an hour later.
 * - An endpoint whose every attempt has failed for 3 days (`disableAfterMs`, as long as a
 *   delivery is retried) is disabled, with `disabled_reason: 'failing'`: its deliveries are
 *   then failed instead of retried, until the merchant enables it again.
 * - Events, with their deliveries and attempts, are kept 30 days (`retentionMs`): the worker's
 *   sweep deletes older ones, but never one with a delivery still being retried.
 * - The body is built from the stored event, so every retry sends the same event (same id, same
 *   bytes); only the signature's timestamp is new.
 */
import type { Queryable } from '../storage/db.ts';
import type { OutboxRow } from '../outbox/queue.ts';
import type { Handler, HandlerResult } from '../outbox/worker.ts';
import { unseal } from '../crypto.ts';
import { eventBody, WEBHOOK_TOPIC, type WebhookEventRow } from './events.ts';
import { signatureHeader, SIGNATURE_HEADER } from './sign.ts';
import { httpFetch } from '../http-client.ts';

export interface WebhookDeliveryOptions {
  serverSecret: string;
  publicUrl: string;
  /** How long the merchant has to answer (10 s). */
  timeoutMs?: number;
  /** The clock (tests: the outbox worker's simulated one); signatures and secret expiry use it. */
  now?: () => number;
  /** An endpoint failing this long without a 2xx is disabled (3 days). */
  disableAfterMs?: number;
  /** Events older than this are deleted (30 days). */
  retentionMs?: number;
}

export const WEBHOOK_DISABLE_AFTER_MS = 3 * 24 * 3600_000;
export const WEBHOOK_RETENTION_MS = 30 * 24 * 3600_000;
/** Events deleted per statement of the sweep (it repeats until fewer are left). */
const SWEEP_BATCH = 1000;

interface Loaded {
  event: WebhookEventRow;
  endpoint_id: string;
  url: string;
  endpoint_status: 'enabled' | 'disabled';
  endpoint_failing_since: Date | null;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
}

async function load(db: Queryable, deliveryId: string): Promise<Loaded | null> {
  const [row] = await db.query<Loaded>(
    `SELECT to_jsonb(ev) AS event, e.id AS endpoint_id, e.url, e.status AS endpoint_status, e.failing_since AS endpoint_failing_since, e.secret_sealed, e.previous_secret_sealed, e.previous_secret_expires_at
       FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id JOIN webhook_events ev ON ev.id = d.event_id
      WHERE d.id = $1`,
    [deliveryId],
  );
  return row ?? null;
}

/**
 * Deletes events older than `before` (with their deliveries, attempts and outbox rows), oldest
 * first, `limit` at a time; keeps any with a delivery still due (one redelivered by hand near the
 * end of its days). The count deleted.
 */
export async function purgeWebhookEvents(db: Queryable, before: Date, limit = SWEEP_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const gone = await db.query(
      `WITH gone AS (
         SELECT ev.id FROM webhook_events ev
          WHERE ev.created_at < $1
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d JOIN outbox o ON o.topic = '${WEBHOOK_TOPIC}' AND o.subject = d.id
                             WHERE d.event_id = ev.id AND o.status = 'pending')
          ORDER BY ev.created_at LIMIT $2
       ), work AS (
         DELETE FROM outbox o USING webhook_deliveries d, gone WHERE o.topic = '${WEBHOOK_TOPIC}' AND o.subject = d.id AND d.event_id = gone.id
       ), deliveries AS (
         DELETE FROM webhook_deliveries d USING gone WHERE d.event_id = gone.id
       )
       DELETE FROM webhook_events ev USING gone WHERE ev.id = gone.id RETURNING ev.id`,
      [before, limit],
    );
    total += gone.length;
    if (gone.length < limit) return total;
  }
}

/** The secrets that sign now: the current one, then the previous one until it expires. */
function signingSecrets(loaded: Loaded, serverSecret: string, now: number): string[] | null {
  const current = unseal(loaded.secret_sealed, serverSecret);
  if (!current) return null;
  const previous =
    loaded.previous_secret_sealed && loaded.previous_secret_expires_at && new Date(loaded.previous_secret_expires_at).getTime() > now
      ? unseal(loaded.previous_secret_sealed, serverSecret)
      : null;
  return previous ? [current, previous] : [current];
}

export function webhookHandlers(options: WebhookDeliveryOptions): Record<typeof WEBHOOK_TOPIC, Handler> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  const disableAfterMs = options.disableAfterMs ?? WEBHOOK_DISABLE_AFTER_MS;
  const retentionMs = options.retentionMs ?? WEBHOOK_RETENTION_MS;

  const deliver: Handler = async (row: OutboxRow, db: Queryable): Promise<HandlerResult> => {
    const loaded = await load(db, row.subject);
    // Deleting an endpoint deletes its deliveries and their outbox rows; this is a row caught mid-way.
    if (!loaded) return { kind: 'park', error: 'the endpoint was deleted' };
    if (loaded.endpoint_status !== 'enabled') return { kind: 'park', error: 'the endpoint is disabled' };
    const secrets = signingSecrets(loaded, options.serverSecret, now());
    // Only a changed server secret (PAYKIT_SECRET) gets here: the merchant must rotate the secret.
    if (!secrets) return { kind: 'park', error: 'the signing secret cannot be read with this server secret; rotate it' };

    const body = JSON.stringify(eventBody(loaded.event, options.publicUrl));
    const startedAt = now();
    const started = performance.now();
    const timestamp = Math.floor(startedAt / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await httpFetch(loaded.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Paykit-Webhooks/1.0',
          [SIGNATURE_HEADER]: signatureHeader(secrets, timestamp, body),
          'Paykit-Event-Id': loaded.event.id,
          'Paykit-Event-Type': loaded.event.type,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The answer's body is read (within the same time limit) so the connection is freed; only its start is kept.
      const text = await response.text();
      status = response.status;
      if (status < 200 || status >= 300) error = `${status} ${text.replace(/\s+/g, ' ').slice(0, 200)}`.trim();
    } catch (caught) {
      const name = (caught as Error).name;
      error = name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `network error: ${(caught as Error & { cause?: Error }).cause?.message ?? (caught as Error).message}`;
    }
    const durationMs = Math.round(performance.now() - started);
    await db.query(
      `INSERT INTO webhook_attempts (delivery_id, attempt, response_status, error, duration_ms, started_at, finished_at)
       SELECT $1, COALESCE(MAX(attempt), 0) + 1, $2, $3, $4, $5, $6 FROM webhook_attempts WHERE delivery_id = $1`,
      [row.subject, status, error?.slice(0, 500) ?? null, durationMs, new Date(startedAt), new Date(startedAt + durationMs)],
    );
    if (error === null) {
      // The streak is over (an endpoint a concurrent failure just disabled keeps when it began).
      if (loaded.endpoint_failing_since) await db.query(`UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND status = 'enabled'`, [loaded.endpoint_id]);
      // Back from failing? The endpoint's other deliveries waiting out their backoff go now.
      // (Pending rows are few and indexed; this costs next to nothing when none fail.)
      await db.query(
        `UPDATE outbox o SET run_after = $2, updated_at = now() FROM webhook_deliveries d
          WHERE o.topic = '${WEBHOOK_TOPIC}' AND o.status = 'pending' AND o.attempts > 0 AND o.run_after > $2
            AND d.id = o.subject AND d.endpoint_id = $1`,
        [loaded.endpoint_id, new Date(now())],
      );
      return { kind: 'delivered', status: status! };
    }
    // The streak of failures starts, or goes on (no write); one that has lasted `disableAfterMs`
    // disables the endpoint, under the row's lock, so two workers cannot both report it.
    const [endpoint] = await db.query<{ disabled_now: boolean }>(
      `WITH old AS (
         SELECT id, status, failing_since, status = 'enabled' AND COALESCE(failing_since, $2) <= $3 AS disable
           FROM webhook_endpoints WHERE id = $1 FOR UPDATE
       )
       UPDATE webhook_endpoints e SET failing_since = COALESCE(old.failing_since, $2),
              status = CASE WHEN old.disable THEN 'disabled' ELSE e.status END,
              disabled_reason = CASE WHEN old.disable THEN 'failing' ELSE e.disabled_reason END,
              updated_at = CASE WHEN old.disable THEN now() ELSE e.updated_at END
         FROM old WHERE e.id = $1 AND old.id = $1 AND (old.failing_since IS NULL OR old.disable)
       RETURNING old.disable AS disabled_now`,
      [loaded.endpoint_id, new Date(startedAt), new Date(startedAt - disableAfterMs)],
    );
    if (endpoint?.disabled_now) {
      return { kind: 'park', status, error: `the endpoint was disabled: every attempt failed for ${Math.round(disableAfterMs / 3600_000)} hours; last: ${error}` };
    }
    return { kind: 'retry', status, error };
  };
  // Old events go, whether or not anything is being delivered.
  deliver.sweep = (db: Queryable) => purgeWebhookEvents(db, new Date(now() - retentionMs));

  return { [WEBHOOK_TOPIC]: deliver } as Record<typeof WEBHOOK_TOPIC, Handler>;
}
