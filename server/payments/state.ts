/**
 * The one payment state machine (DESIGN.md). Every provider status lands on one of these, and
 * every change goes through `transition`, which only moves forward: a late or replayed answer
 * can never undo an outcome, so whichever of the synchronous answer, the redirect return or
 * the webhook arrives first decides, and the others change nothing.
 */
import type { PaymentStatus } from '../../contract/api.ts';
import type { Queryable } from '../storage/db.ts';
import type { PaymentRow } from './rows.ts';
import { applyToInvoice } from '../invoices/ledger.ts';
import { enqueueSql, PAYMENT_EXPORT } from '../outbox/queue.ts';
import { countsAsDecline } from '../abuse/session-lock.ts';
import { emitPaymentEvents, paymentEventTypes } from '../webhooks/events.ts';

export const TERMINAL: ReadonlySet<PaymentStatus> = new Set(['succeeded', 'failed', 'canceled']);

/** Which statuses a payment may move to from each status. */
export const TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  requires_payment_method: ['processing', 'requires_action', 'requires_capture', 'succeeded', 'failed', 'canceled'],
  processing: ['requires_action', 'requires_capture', 'succeeded', 'failed', 'canceled'],
  requires_action: ['processing', 'requires_capture', 'succeeded', 'failed', 'canceled'],
  requires_capture: ['succeeded', 'canceled'],
  succeeded: [],
  failed: [],
  canceled: [],
};

/**
 * What only the merchant may do on top of that: void a sale the gateway has not settled yet
 * (succeeded → canceled). No provider answer or webhook can ever take a payment back.
 */
export const MERCHANT_TRANSITIONS: Readonly<Partial<Record<PaymentStatus, readonly PaymentStatus[]>>> = {
  succeeded: ['canceled'],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus, source?: TransitionSource): boolean {
  return TRANSITIONS[from].includes(to) || (source === 'merchant' && (MERCHANT_TRANSITIONS[from]?.includes(to) ?? false));
}

/** The statuses from which `to` may be reached (by `source`). */
export function sourcesOf(to: PaymentStatus, source?: TransitionSource): PaymentStatus[] {
  return (Object.keys(TRANSITIONS) as PaymentStatus[]).filter((from) => canTransition(from, to, source));
}

export interface TransitionPatch {
  providerReference?: string | null;
  nextAction?: unknown;
  errorCode?: string | null;
  errorMessage?: string | null;
  errorFields?: Record<string, string> | null;
  /** The provider's own word for the new status, kept as it said it. */
  providerStatus?: string | null;
}

/** Where a change came from, kept in payment_events. */
export type TransitionSource = 'confirm' | 'webhook' | 'return' | 'reconcile' | 'merchant';

/**
 * Moves a payment to `to` if, and only if, its current status allows it, in one conditional
 * UPDATE (safe under concurrency), records the event, and keeps the session's status in step.
 * Returns the new status, or null when nothing changed (already there, or no longer allowed).
 */
export async function transition(
  tx: Queryable,
  paymentId: string,
  to: PaymentStatus,
  source: TransitionSource,
  patch: TransitionPatch = {},
): Promise<PaymentStatus | null> {
  return (await transitionRow(tx, paymentId, to, source, patch)) ? to : null;
}

/** `transition`, answering the payment as it moved (null when it did not), which saves reading it again. */
export async function transitionRow(
  tx: Queryable,
  paymentId: string,
  to: PaymentStatus,
  source: TransitionSource,
  patch: TransitionPatch = {},
): Promise<PaymentRow | null> {
  // One statement, so a payment's every change costs one round trip: the conditional UPDATE,
  // its event, the session kept in step (a decline counts towards the session's lock,
  // server/abuse/session-lock.ts, under this row lock) and Pagos's export queued (server/pagos/
  // export.ts, delivered from the outbox after this commits). Data-modifying CTEs all run, each
  // on the payment the UPDATE moved, or on nothing when it moved none.
  const rows = await tx.query<PaymentRow & { from_status: PaymentStatus; invoice_id: string | null; has_endpoints: boolean }>(
    `WITH old AS (
       SELECT id, status AS from_status FROM payments WHERE id = $1 FOR UPDATE
     ), moved AS (
       UPDATE payments p SET
         status = $2,
         provider_reference = COALESCE($4, p.provider_reference),
         provider_status = COALESCE($9, p.provider_status),
         next_action = CASE WHEN $2 = 'requires_action' THEN $5::jsonb ELSE NULL END,
         error_code = $6, error_message = $7, error_fields = $8::jsonb,
         updated_at = now()
       FROM old
       WHERE p.id = $1 AND old.id = $1 AND p.status = ANY($3::text[])
       RETURNING p.*, old.from_status
     ), event AS (
       INSERT INTO payment_events (payment_id, from_status, to_status, source, detail)
         SELECT id, from_status, $2, $10, $11::jsonb FROM moved
     ), session AS (
       UPDATE checkout_sessions s SET status = $12, updated_at = now(),
         decline_count = s.decline_count + $13,
         locked_at = CASE WHEN $13 = 1 AND s.locked_at IS NULL AND s.decline_count + 1 >= s.max_declines THEN now() ELSE s.locked_at END
       FROM moved WHERE s.id = moved.session_id AND s.status <> 'complete'
     ), export AS (
       ${enqueueSql('moved', '$14::text[]', 'moved.id', 'moved.merchant_id')}
     )
     SELECT moved.*,
       (SELECT invoice_id FROM checkout_sessions WHERE id = moved.session_id) AS invoice_id,
       EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.merchant_id = moved.merchant_id AND e.mode = moved.mode AND e.status = 'enabled') AS has_endpoints
     FROM moved`,
    [
      paymentId,
      to,
      sourcesOf(to, source),
      patch.providerReference ?? null,
      patch.nextAction === undefined ? null : JSON.stringify(patch.nextAction),
      to === 'failed' ? (patch.errorCode ?? 'payment_failed') : null,
      to === 'failed' ? (patch.errorMessage ?? null) : null,
      to === 'failed' && patch.errorFields ? JSON.stringify(patch.errorFields) : null,
      patch.providerStatus?.slice(0, 100) ?? null,
      source,
      patch.errorCode ? JSON.stringify({ error_code: patch.errorCode }) : null,
      sessionStatusFor(to),
      to === 'failed' && countsAsDecline(patch.errorCode) ? 1 : 0,
      PAYMENT_EXPORT,
    ],
  );
  const row = rows[0];
  if (!row) return null;
  const { from_status: from, invoice_id: invoiceId, has_endpoints: hasEndpoints, ...payment } = row;
  // The merchant's webhooks (server/webhooks/events.ts), committed with the change or not at all;
  // a merchant without an endpoint pays nothing more.
  if (hasEndpoints) await emitPaymentEvents(tx, paymentId, paymentEventTypes(from, to));
  // An invoice counts a payment once it succeeded, and no longer once the merchant voided it.
  // (Only for invoice checkouts: other payments pay no extra statement for it.)
  if (invoiceId && to === 'succeeded') await applyToInvoice(tx, paymentId, 1);
  else if (invoiceId && from === 'succeeded' && to === 'canceled') await applyToInvoice(tx, paymentId, -1);
  return payment;
}

/** A session is complete once its payment succeeded (or awaits capture), open again after a failure. */
export function sessionStatusFor(status: PaymentStatus): 'open' | 'processing' | 'complete' {
  if (status === 'succeeded' || status === 'requires_capture') return 'complete';
  if (status === 'failed' || status === 'canceled' || status === 'requires_payment_method') return 'open';
  return 'processing';
}
