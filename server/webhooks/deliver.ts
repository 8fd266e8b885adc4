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
}

interface Loaded {
  event: WebhookEventRow;
  endpoint_id: string;
  url: string;
  endpoint_status: 'enabled' | 'disabled';
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
}

async function load(db: Queryable, deliveryId: string): Promise<Loaded | null> {
  const [row] = await db.query<Loaded>(
    `SELECT to_jsonb(ev) AS event, e.id AS endpoint_id, e.url, e.status AS endpoint_status, e.secret_sealed, e.previous_secret_sealed, e.previous_secret_expires_at
       FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id JOIN webhook_events ev ON ev.id = d.event_id
      WHERE d.id = $1`,
    [deliveryId],
  );
  return row ?? null;
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
    return { kind: 'retry', status, error };
  };

  return { [WEBHOOK_TOPIC]: deliver } as Record<typeof WEBHOOK_TOPIC, Handler>;
}
