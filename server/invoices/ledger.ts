/**
 * Where invoices meet payments. Both run inside the payment's own transaction:
 * - `reserveInvoiceAmount`, when a payment for an invoice is reserved (confirm): the invoice row
 *   is locked, so two buyers paying one invoice at once cannot both pay what is due;
 * - `applyToInvoice`, from the state machine, exactly once per change: a payment that succeeds
 *   adds to `amount_paid`, and a merchant's void of it takes it back.
 */
import { formatAmount } from '../../contract/money.ts';
import { conflict } from '../errors.ts';
import type { Queryable } from '../storage/db.ts';
import { emitInvoiceEvent } from '../webhooks/events.ts';

/**
 * Payments that may still take money hold their amount against the invoice: those processing or
 * awaiting capture, and those waiting for the buyer (3DS, a redirect, a PIX code) for up to
 * 30 minutes — longer than any challenge or code lives — so an abandoned one cannot block the
 * invoice for good. (`p` is the payments table.)
 */
export const IN_FLIGHT_SQL = `(p.status IN ('processing', 'requires_capture') OR (p.status = 'requires_action' AND p.updated_at > now() - interval '30 minutes'))`;

/** What the invoice's payments in flight hold (optionally leaving one checkout session out). */
export async function inFlightAmount(db: Queryable, invoiceId: string, exceptSession = ''): Promise<number> {
  const [held] = await db.query<{ in_flight: number }>(
    `SELECT COALESCE(SUM(p.amount - p.surcharge_amount), 0) AS in_flight FROM payments p JOIN checkout_sessions s ON s.id = p.session_id
      WHERE s.invoice_id = $1 AND s.id <> $2 AND ${IN_FLIGHT_SQL}`,
    [invoiceId, exceptSession],
  );
  return Number(held?.in_flight ?? 0);
}

interface LockedInvoice {
  version: number;
  amount_due: number;
  deleted_at: Date | null;
}

/** Refuses a payment the invoice can no longer take (changed, deleted, paid, or held by another payment). */
export async function reserveInvoiceAmount(
  tx: Queryable,
  session: { id: string; amount: number; currency: string; invoice_id: string | null; invoice_version: number | null },
): Promise<void> {
  if (!session.invoice_id) return;
  const [invoice] = await tx.query<LockedInvoice>(
    `SELECT version, amount_due, deleted_at FROM invoices WHERE id = $1 FOR UPDATE`,
    [session.invoice_id],
  );
  if (!invoice || invoice.deleted_at) throw conflict('invoice_deleted', 'This invoice has been deleted; it can no longer be paid.');
  if (invoice.version !== session.invoice_version) {
    throw conflict('invoice_changed', 'This invoice was changed after this payment form was opened; reload the invoice to pay it.');
  }
  const due = Number(invoice.amount_due);
  if (due <= 0) throw conflict('invoice_paid', 'This invoice has already been paid.');
  // A statement of its own, after the lock: under READ COMMITTED it sees the payments other
  // buyers reserved while this one waited (a subquery of the locking SELECT would not).
  const available = due - (await inFlightAmount(tx, session.invoice_id, session.id));
  if (Number(session.amount) > available) {
    throw conflict(
      'invoice_amount_unavailable',
      available <= 0
        ? 'Another payment for this invoice is in progress; wait for it to finish.'
        : `Only ${formatAmount(available, session.currency, 'en-US')} of this invoice can be paid now; reload the invoice.`,
    );
  }
}

/**
 * Adds a payment that succeeded to its invoice (`sign` 1), or takes back one the merchant voided
 * (`sign` -1). The surcharge is the buyer's cost of paying by card, not a payment of the invoice.
 */
export async function applyToInvoice(tx: Queryable, paymentId: string, sign: 1 | -1): Promise<void> {
  // Locked first, so the status before is this transaction's own (two payments completing one
  // invoice at once then announce it paid once).
  const [before] = await tx.query<{ id: string; status: string }>(
    `SELECT i.id, i.status FROM invoices i JOIN checkout_sessions s ON s.invoice_id = i.id JOIN payments p ON p.session_id = s.id
      WHERE p.id = $1 FOR UPDATE OF i`,
    [paymentId],
  );
  if (!before) return;
  const [after] = await tx.query<{ status: string }>(
    `UPDATE invoices i SET
       amount_paid = GREATEST(i.amount_paid + $2 * (COALESCE(p.amount_captured, p.amount) - p.surcharge_amount), 0),
       paid_at = CASE WHEN i.paid_outside + GREATEST(i.amount_paid + $2 * (COALESCE(p.amount_captured, p.amount) - p.surcharge_amount), 0) >= i.total
                      THEN COALESCE(i.paid_at, now()) ELSE NULL END,
       updated_at = now()
     FROM payments p JOIN checkout_sessions s ON s.id = p.session_id
     WHERE p.id = $1 AND i.id = s.invoice_id
     RETURNING i.status`,
    [paymentId, sign],
  );
  // The merchant hears of each payment that leaves it partly paid, and of the one that pays it.
  if (!after || sign < 0) return;
  if (after.status === 'paid' && before.status !== 'paid') await emitInvoiceEvent(tx, before.id, 'invoice.paid');
  else if (after.status === 'partially_paid') await emitInvoiceEvent(tx, before.id, 'invoice.partially_paid');
}
