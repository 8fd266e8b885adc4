/**
 * The durable outbox (DESIGN.md "Storage"): background work recorded in the same transaction as
 * the change that calls for it, so it can be neither lost nor done for a change that rolled back.
 * The table (migration 006) keeps one row per topic and subject; see `enqueue` for why.
 */
import type { Queryable } from '../storage/db.ts';

export const TOPICS = ['pagos.transaction', 'pagos.enrichment', 'merchant.webhook'] as const;
export type Topic = (typeof TOPICS)[number];

export type OutboxStatus = 'pending' | 'delivered' | 'parked' | 'waiting';

export interface OutboxRow {
  id: number;
  topic: Topic;
  subject: string;
  merchant_id: string;
  version: number;
  status: OutboxStatus;
  attempts: number;
  run_after: Date;
  locked_until: Date | null;
  last_status: number | null;
  last_error: string | null;
  failing_since: Date | null;
  sent_digest: string | null;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
}

/** SET clauses making a row due now, with a fresh count of failures. */
export const DUE_NOW = `status = 'pending', attempts = 0, run_after = now(), failing_since = NULL, updated_at = now()`;

/** Why an enrichment queued with its transaction waits (the operator sees it in /v1/pagos/exports). */
export const WAITING_FOR_TRANSACTION = 'waiting for its transaction to be exported';

/**
 * The statement that makes `topics`' work for a subject due (see `enqueue`), as an INSERT over
 * `source`, a FROM list with a text[] of topics as `topics_expr`, the subject and the merchant.
 * The state machine uses it inside its own one-statement move (payments/state.ts).
 *
 * A Pagos enrichment queued with its transaction waits for it (server/pagos/export.ts): it
 * starts `waiting`, and the transaction's delivery wakes it, instead of being claimed, found
 * early and put back to wait, which cost the worker a second pass over every payment.
 */
export function enqueueSql(source: string, topicsExpr: string, subjectExpr: string, merchantExpr: string): string {
  const waits = `topic = 'pagos.enrichment' AND 'pagos.transaction' = ANY(${topicsExpr})`;
  return `INSERT INTO outbox (topic, subject, merchant_id, status, last_error)
    SELECT topic, ${subjectExpr}, ${merchantExpr},
           CASE WHEN ${waits} THEN 'waiting' ELSE 'pending' END,
           CASE WHEN ${waits} THEN '${WAITING_FOR_TRANSACTION}' END
      FROM ${source}, unnest(${topicsExpr}) AS topic
    ON CONFLICT (topic, subject) DO UPDATE SET version = outbox.version + 1, status = excluded.status,
      last_error = COALESCE(excluded.last_error, outbox.last_error),
      attempts = 0, run_after = now(), failing_since = NULL, updated_at = now()`;
}

/**
 * Makes `topics`' work for `subject` due now: a new row, or the existing one with its version
 * bumped (whatever its state: a parked export is tried again with the new content). Work for one
 * subject is never queued twice, so a burst of changes costs one delivery of the latest content,
 * and two workers never send the same subject at once (the row is leased while it is sent).
 */
export async function enqueue(tx: Queryable, topics: readonly Topic[], subject: string, merchantId: string): Promise<void> {
  if (topics.length === 0) return;
  await tx.query(enqueueSql('(SELECT 1) AS one', '$1::text[]', '$2', '$3'), [topics, subject, merchantId]);
}

/** A payment changed in a way Pagos sees: its transaction and its enrichment are exported again. */
export const PAYMENT_EXPORT: readonly Topic[] = ['pagos.transaction', 'pagos.enrichment'];
/** Only what the checkout or the merchant said about a payment changed. */
export const ENRICHMENT_EXPORT: readonly Topic[] = ['pagos.enrichment'];
