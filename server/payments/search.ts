/**
 * `GET /v1/payments`: the merchant's payments, filtered (status, provider, order id, invoice, last 4,
 * amount and creation ranges), newest first, with a stable order (created_at, then id) and
 * cursor pagination (`starting_after` = the last id of the previous page), as Stripe lists do.
 */
import type { PaymentSearch } from '../../contract/api.ts';
import { invalidRequest } from '../errors.ts';
import type { Queryable } from '../storage/db.ts';
import { merchantPayment, type PaymentRow } from './rows.ts';

export async function searchPayments(db: Queryable, merchantId: string, query: PaymentSearch) {
  const where = ['p.merchant_id = $1'];
  const params: unknown[] = [merchantId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (query.status) add('p.status = ?', query.status);
  if (query.provider) add('p.provider = ?', query.provider);
  if (query.order_id) add('s.order_id = ?', query.order_id);
  if (query.invoice) add('s.invoice_id = ?', query.invoice);
  if (query.last4) add('p.card_last4 = ?', query.last4);
  if (query.amount_gte !== undefined) add('p.amount >= ?', query.amount_gte);
  if (query.amount_lte !== undefined) add('p.amount <= ?', query.amount_lte);
  if (query.created_gte) add('p.created_at >= ?::timestamptz', query.created_gte);
  if (query.created_lte) add('p.created_at <= ?::timestamptz', query.created_lte);
  if (query.starting_after) {
    const [cursor] = await db.query<{ created_at: Date }>(`SELECT created_at FROM payments WHERE id = $1 AND merchant_id = $2`, [
      query.starting_after,
      merchantId,
    ]);
    if (!cursor) throw invalidRequest('resource_missing', 'starting_after is not a payment of this merchant.', 'starting_after');
    params.push(cursor.created_at, query.starting_after);
    where.push(`(p.created_at, p.id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  const limit = query.limit ?? 20;
  params.push(limit + 1);
  const rows = await db.query<PaymentRow & { order_id: string | null; invoice_id: string | null }>(
    `SELECT p.*, s.order_id, s.invoice_id FROM payments p JOIN checkout_sessions s ON s.id = p.session_id
      WHERE ${where.join(' AND ')}
      ORDER BY p.created_at DESC, p.id DESC
      LIMIT $${params.length}`,
    params,
  );
  return {
    object: 'list',
    data: rows.slice(0, limit).map((row) => ({ ...merchantPayment(row), order_id: row.order_id, invoice: row.invoice_id })),
    has_more: rows.length > limit,
  };
}
