/**
 * What the buyer's frame and the merchant can do about the Pagos export: report where a buyer
 * gave up (the widget's beacon), add labels to a payment (secret key), and, for the operator,
 * see the export's deliveries and send parked ones again.
 */
import type { AbandonSessionInput, EnrichmentInput, ExportSearch } from '../../contract/api.ts';
import { MAX_ENRICHMENT_KEYS } from '../../contract/api.ts';
import type { MerchantAuth } from '../auth.ts';
import { conflict, invalidRequest, notFound } from '../errors.ts';
import { DUE_NOW, enqueue, ENRICHMENT_EXPORT, type OutboxRow } from '../outbox/queue.ts';
import type { Deps } from '../payments/service.ts';
import type { SessionRow } from '../payments/rows.ts';
import { ELIGIBILITY_DAYS, outsideEligibility } from './export.ts';
import type { MetadataValue } from './enrichment.ts';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/**
 * Records where the buyer left. The session's last payment, if any, is enriched with it; a buyer
 * who left before any payment has no transaction in Pagos to attach it to, so it stays on the
 * session (the merchant reads it as `abandonment`).
 */
export async function recordAbandonment(deps: Deps, session: SessionRow, input: AbandonSessionInput): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const [updated] = await tx.query<{ id: string }>(
      `UPDATE checkout_sessions SET abandoned_step = $2, abandoned_method = $3, abandoned_telemetry = $4::jsonb, abandoned_at = now()
        WHERE id = $1 AND status <> 'complete' RETURNING id`,
      [session.id, input.step, input.payment_method ?? null, input.telemetry ? JSON.stringify(input.telemetry) : null],
    );
    if (!updated) throw conflict('session_complete', 'This checkout session has already been paid.');
    const [latest] = await tx.query<{ id: string }>(`SELECT id FROM payments WHERE session_id = $1 ORDER BY attempt DESC LIMIT 1`, [session.id]);
    if (latest) await enqueue(tx, ENRICHMENT_EXPORT, latest.id, session.merchant_id);
  });
  deps.log.info('buyer left the checkout unfinished', { session_id: session.id, step: input.step });
}

/** Merges the merchant's labels into the payment's (a null removes one) and exports them. */
export async function enrichPayment(deps: Deps, auth: MerchantAuth, paymentId: string, input: EnrichmentInput) {
  const set: Record<string, MetadataValue> = {};
  const removed: string[] = [];
  for (const [key, value] of Object.entries(input.metadata)) {
    if (value === null) removed.push(key);
    else set[key] = value;
  }
  return deps.db.transaction(async (tx) => {
    const [payment] = await tx.query<{ id: string; created_at: Date; enrichment: Record<string, MetadataValue> }>(
      `SELECT id, created_at, enrichment FROM payments WHERE id = $1 AND merchant_id = $2 FOR UPDATE`,
      [paymentId, auth.merchantId],
    );
    if (!payment) throw notFound('payment', 'id');
    if (outsideEligibility(payment.created_at)) {
      throw conflict('enrichment_window_closed', `Pagos enriches payments for ${ELIGIBILITY_DAYS} days after they were made; this one is older.`);
    }
    const merged: Record<string, MetadataValue> = { ...payment.enrichment, ...set };
    for (const key of removed) delete merged[key];
    if (Object.keys(merged).length > MAX_ENRICHMENT_KEYS) {
      throw invalidRequest('parameter_invalid', `metadata would give the payment more than ${MAX_ENRICHMENT_KEYS} keys; remove some with null.`, 'metadata');
    }
    await tx.query(`UPDATE payments SET enrichment = $2::jsonb WHERE id = $1`, [paymentId, JSON.stringify(merged)]);
    await enqueue(tx, ENRICHMENT_EXPORT, paymentId, auth.merchantId);
    return { object: 'payment_enrichment', payment: paymentId, metadata: merged };
  });
}

export function exportView(row: OutboxRow) {
  return {
    id: String(row.id),
    object: 'pagos_export',
    kind: row.topic === 'pagos.transaction' ? 'transaction' : 'enrichment',
    payment: row.subject,
    status: row.status,
    attempts: row.attempts,
    last_status: row.last_status,
    last_error: row.last_error,
    next_attempt_at: row.status === 'pending' ? iso(row.run_after) : null,
    delivered_at: iso(row.delivered_at),
    updated_at: iso(row.updated_at),
  };
}

/** The export's deliveries, newest change first, with how many there are in each state. */
export async function listExports(deps: Deps, merchantId: string, query: ExportSearch) {
  const params: unknown[] = [merchantId];
  const where = [`merchant_id = $1`, `topic LIKE 'pagos.%'`];
  if (query.status) where.push(`status = $${params.push(query.status)}`);
  if (query.payment) where.push(`subject = $${params.push(query.payment)}`);
  const rows = await deps.db.query<OutboxRow>(
    `SELECT * FROM outbox WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, id DESC LIMIT $${params.push(query.limit ?? 20)} OFFSET $${params.push(query.offset ?? 0)}`,
    params,
  );
  const counts = await deps.db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM outbox WHERE merchant_id = $1 AND topic LIKE 'pagos.%' GROUP BY status`,
    [merchantId],
  );
  return {
    object: 'list',
    enabled: deps.config.pagos !== null,
    counts: Object.fromEntries(['pending', 'delivered', 'parked', 'waiting'].map((status) => [status, counts.find((c) => c.status === status)?.n ?? 0])),
    data: rows.map(exportView),
  };
}

/** Sends parked deliveries again: one (`id`), or all of the merchant's. */
export async function retryExports(deps: Deps, merchantId: string, id?: string) {
  if (id !== undefined && !/^[0-9]{1,18}$/.test(id)) throw notFound('export', 'id');
  const rows = await deps.db.query<OutboxRow>(
    `UPDATE outbox SET ${DUE_NOW}
      WHERE merchant_id = $1 AND topic LIKE 'pagos.%' AND status = 'parked' ${id === undefined ? '' : 'AND id = $2'}
      RETURNING *`,
    id === undefined ? [merchantId] : [merchantId, id],
  );
  if (id !== undefined && rows.length === 0) {
    const [found] = await deps.db.query<{ status: string }>(`SELECT status FROM outbox WHERE id = $1 AND merchant_id = $2 AND topic LIKE 'pagos.%'`, [id, merchantId]);
    if (!found) throw notFound('export', 'id');
    throw conflict('export_not_parked', `This export is ${found.status}: only a parked one can be retried.`);
  }
  deps.log.info('parked Pagos exports sent again', { count: rows.length });
  return rows;
}
