/**
 * The merchant's money movements on a payment: capture an authorization, void an authorization
 * or an unsettled sale, refund a settled one (in full or in parts). Each is allowed only from
 * the right state, answered with a 409 and a clear code otherwise, and safe under concurrency:
 *
 * - capture and void first *claim* the payment with a conditional UPDATE, so two calls never
 *   both reach the provider; the claim is released after the provider's answer. One whose
 *   answer was lost (in doubt) keeps its claim, so nothing is sent again, until the reconciler
 *   has asked the provider what happened (./reconcile-money.ts).
 * - a refund *reserves* its amount with one conditional UPDATE (`amount_refunded + x ≤
 *   captured`), so any number of simultaneous partial refunds can never add up to more than
 *   was captured (a CHECK constraint backs this up); a refused refund gives its amount back,
 *   one in doubt keeps it reserved as `pending` until the reconciler settles it.
 */
import type { PaymentStatus } from '../../contract/api.ts';
import { ApiError, conflict, invalidRequest, notFound } from '../errors.ts';
import { newId } from '../crypto.ts';
import type { MerchantAuth } from '../auth.ts';
import type { MoneyMovement } from '../providers/types.ts';
import { adapterFor, loadPayment, type Deps } from './service.ts';
import { transition } from './state.ts';
import { enqueue, PAYMENT_EXPORT } from '../outbox/queue.ts';
import { emitPaymentEvents } from '../webhooks/events.ts';
import type { PaymentRow } from './rows.ts';
import type { Queryable } from '../storage/db.ts';

export interface RefundRow {
  id: string;
  payment_id: string;
  merchant_id: string;
  amount: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  reason: string | null;
  provider_reference: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * A claim older than this was left by a server that died mid-call. At a provider that can be
 * asked (`retrieve`), the reconciler settles it; elsewhere the next call may take it over.
 */
export const CLAIM_TIMEOUT_MINUTES = 5;

/** Providers the reconciler can ask about a capture or void (they can read a transaction back). */
export function retrievable(deps: Pick<Deps, 'adapters'>): string[] {
  return Object.values(deps.adapters)
    .filter((adapter) => adapter.retrieve)
    .map((adapter) => adapter.name);
}

/** The merchant's payment, or a 404 naming the id. */
async function ownPayment(deps: Deps, auth: MerchantAuth, paymentId: string): Promise<PaymentRow> {
  const payment = await loadPayment(deps.db, paymentId, auth.merchantId);
  if (!payment) throw notFound('payment', 'id');
  return payment;
}

const providerError = (movement: Extract<MoneyMovement, { outcome: 'refused' | 'in_doubt' }>, what: string) =>
  movement.outcome === 'in_doubt'
    ? new ApiError(
        502,
        'provider_error',
        'provider_in_doubt',
        `The provider did not answer the ${what} clearly (${movement.detail}). Paykit asks the provider what happened and the payment will show it; do not retry.`,
      )
    : new ApiError(402, 'provider_error', movement.code, `The provider refused the ${what}: ${movement.message}`);

/** Claims the payment for a capture or a void, or explains with a 409 why it cannot be. */
async function claim(deps: Deps, auth: MerchantAuth, paymentId: string, operation: 'capture' | 'void'): Promise<PaymentRow> {
  const allowed =
    operation === 'capture'
      ? `status = 'requires_capture'`
      : `(status = 'requires_capture' OR (status = 'succeeded' AND amount_refunded = 0))`;
  const [row] = await deps.db.query<PaymentRow>(
    `UPDATE payments SET pending_operation = $3, pending_operation_at = now()
      WHERE id = $1 AND merchant_id = $2 AND ${allowed}
        AND (pending_operation IS NULL
             OR (pending_operation_at < now() - make_interval(mins => $4) AND operation_reconcile_after IS NULL AND NOT provider = ANY($5::text[])))
      RETURNING *`,
    [paymentId, auth.merchantId, operation, CLAIM_TIMEOUT_MINUTES, retrievable(deps)],
  );
  if (row) return row;
  const payment = await ownPayment(deps, auth, paymentId);
  if (payment.pending_operation) throw conflict('operation_in_progress', `A ${payment.pending_operation} of this payment is in progress; retry shortly.`);
  if (operation === 'void' && payment.status === 'succeeded') {
    throw conflict('payment_has_refunds', 'This payment has refunds: it can no longer be voided. Refund the rest instead.');
  }
  throw conflict(
    operation === 'capture' ? 'payment_not_capturable' : 'payment_not_voidable',
    operation === 'capture'
      ? `Only a payment awaiting capture (requires_capture) can be captured; this one is ${payment.status}.`
      : `Only an authorized payment or an unsettled sale can be voided; this one is ${payment.status}.`,
  );
}

/** Ends a capture's or void's claim (whatever the provider answered, or once the reconciler knows). */
export async function release(db: Queryable, paymentId: string): Promise<void> {
  await db.query(
    `UPDATE payments SET pending_operation = NULL, pending_operation_at = NULL, operation_reconcile_after = NULL, operation_reconcile_attempts = 0 WHERE id = $1`,
    [paymentId],
  );
}

/** A capture or void in doubt: the claim stays, and the reconciler may ask about it now. */
async function keepInDoubt(deps: Deps, paymentId: string, operation: 'capture' | 'void', detail: string): Promise<void> {
  await deps.db.query(`UPDATE payments SET operation_reconcile_after = now() WHERE id = $1`, [paymentId]);
  deps.log.warn(`${operation} in doubt; the payment stays claimed until the provider is asked`, { payment_id: paymentId, detail });
}

function providerOf(deps: Deps, payment: PaymentRow, operation: 'capture' | 'void' | 'refund') {
  const adapter = adapterFor(deps, payment.provider);
  const call = adapter[operation];
  if (!call || !payment.provider_reference) {
    throw conflict(`${operation}_not_supported`, `${payment.provider} does not support a ${operation} through Paykit.`);
  }
  return (amount?: number) =>
    operation === 'void' ? adapter.void!(payment.provider_reference!) : call.call(adapter, payment.provider_reference!, amount ?? 0);
}

/**
 * Books a capture the provider made (the merchant's call, or the reconciler once the provider
 * shows it): what was captured, then the move to succeeded. Null when the payment had moved on.
 */
export async function bookCapture(tx: Queryable, paymentId: string, amountCaptured: number) {
  // Before the transition, so whatever it books (an invoice's amount paid) sees what was captured.
  await tx.query(`UPDATE payments SET amount_captured = $2 WHERE id = $1 AND status = 'requires_capture'`, [paymentId, amountCaptured]);
  return transition(tx, paymentId, 'succeeded', 'merchant');
}

/**
 * Books a void the provider made. The source is the merchant's even when the reconciler finds
 * out: it is the merchant's void (only the merchant may take a sale back to canceled).
 */
export function bookVoid(tx: Queryable, paymentId: string) {
  return transition(tx, paymentId, 'canceled', 'merchant', { errorCode: null });
}

/**
 * A refund the provider made, booked once whoever finds out (the merchant's call, or the
 * reconciler for one in doubt): succeeded, Pagos's `refunded` (server/pagos/export.ts) and the
 * merchant's `payment.refunded`. Null when it was no longer pending (booked already).
 */
export function refundSucceeded(deps: Pick<Deps, 'db'>, refundId: string, providerReference: string | null): Promise<RefundRow | null> {
  return deps.db.transaction(async (tx) => {
    const [done] = await tx.query<RefundRow>(
      `UPDATE refunds SET status = 'succeeded', provider_reference = $2, updated_at = now() WHERE id = $1 AND status = 'pending' RETURNING *`,
      [refundId, providerReference],
    );
    if (!done) return null;
    await enqueue(tx, PAYMENT_EXPORT, done.payment_id, done.merchant_id);
    await emitPaymentEvents(tx, done.payment_id, ['payment.refunded']);
    return done;
  });
}

/** A refund that did not happen: failed, and its amount given back to the payment, once. Null when it was no longer pending. */
export function refundFailed(deps: Pick<Deps, 'db'>, refundId: string, code: string, message: string): Promise<RefundRow | null> {
  return deps.db.transaction(async (tx) => {
    const [failed] = await tx.query<RefundRow>(
      `UPDATE refunds SET status = 'failed', error_code = $2, error_message = $3, updated_at = now() WHERE id = $1 AND status = 'pending' RETURNING *`,
      [refundId, code, message.slice(0, 500)],
    );
    if (failed) {
      await tx.query(`UPDATE payments SET amount_refunded = amount_refunded - $2, updated_at = now() WHERE id = $1`, [failed.payment_id, failed.amount]);
    }
    return failed ?? null;
  });
}

/** Captures all of an authorization, or `amount` of it. */
export async function capturePayment(deps: Deps, auth: MerchantAuth, paymentId: string, amount?: number): Promise<PaymentRow> {
  const current = await ownPayment(deps, auth, paymentId);
  const wanted = amount ?? current.amount;
  if (wanted > current.amount) throw invalidRequest('amount_too_large', `amount must be at most the authorized ${current.amount}.`, 'amount');
  const payment = await claim(deps, auth, paymentId, 'capture');
  let inDoubt = false;
  try {
    const movement = await providerOf(deps, payment, 'capture')(wanted);
    if (movement.outcome === 'in_doubt') {
      inDoubt = true;
      await keepInDoubt(deps, payment.id, 'capture', movement.detail);
    }
    if (movement.outcome !== 'done') throw providerError(movement, 'capture');
    await deps.db.transaction((tx) => bookCapture(tx, payment.id, movement.amount ?? wanted));
  } finally {
    if (!inDoubt) await release(deps.db, payment.id);
  }
  deps.log.info('payment captured', { payment_id: payment.id, amount: wanted });
  return (await loadPayment(deps.db, payment.id))!;
}

/** Voids an authorization (auth reversal) or a sale the gateway has not settled. */
export async function voidPayment(deps: Deps, auth: MerchantAuth, paymentId: string): Promise<PaymentRow> {
  const payment = await claim(deps, auth, paymentId, 'void');
  let inDoubt = false;
  try {
    const movement = await providerOf(deps, payment, 'void')();
    if (movement.outcome === 'refused' && movement.settled) {
      throw conflict('payment_settled', 'This payment has settled: it can no longer be voided. Refund it instead.');
    }
    if (movement.outcome === 'in_doubt') {
      inDoubt = true;
      await keepInDoubt(deps, payment.id, 'void', movement.detail);
    }
    if (movement.outcome !== 'done') throw providerError(movement, 'void');
    await deps.db.transaction((tx) => bookVoid(tx, payment.id));
  } finally {
    if (!inDoubt) await release(deps.db, payment.id);
  }
  deps.log.info('payment voided', { payment_id: payment.id, from: payment.status });
  return (await loadPayment(deps.db, payment.id))!;
}

/** Refunds `amount` (default: all that is left) of a succeeded payment. */
export async function refundPayment(
  deps: Deps,
  auth: MerchantAuth,
  paymentId: string,
  input: { amount?: number; reason?: string },
): Promise<RefundRow> {
  // Reserve the amount: one conditional UPDATE, so concurrent refunds can never exceed the capture.
  const [reserved] = await deps.db.query<{ amount: string; currency: string; provider: string; provider_reference: string | null }>(
    `UPDATE payments p SET amount_refunded = p.amount_refunded + r.amount, updated_at = now()
       FROM (SELECT id, COALESCE($3::bigint, COALESCE(amount_captured, amount) - amount_refunded) AS amount FROM payments WHERE id = $1) r
      WHERE p.id = r.id AND p.merchant_id = $2 AND p.status = 'succeeded' AND p.pending_operation IS NULL
        AND r.amount > 0 AND p.amount_refunded + r.amount <= COALESCE(p.amount_captured, p.amount)
      RETURNING r.amount, p.currency, p.provider, p.provider_reference`,
    [paymentId, auth.merchantId, input.amount ?? null],
  );
  if (!reserved) throw await whyNotRefundable(deps, auth, paymentId, input.amount);
  const amount = Number(reserved.amount);
  const [refund] = await deps.db.query<RefundRow>(
    `INSERT INTO refunds (id, payment_id, merchant_id, amount, currency, status, reason) VALUES ($1, $2, $3, $4, $5, 'pending', $6) RETURNING *`,
    [newId('re'), paymentId, auth.merchantId, amount, reserved.currency, input.reason ?? null],
  );
  const adapter = adapterFor(deps, reserved.provider);
  let movement: MoneyMovement;
  if (!adapter.refund || !reserved.provider_reference) {
    movement = { outcome: 'refused', code: 'refund_not_supported', message: `${reserved.provider} does not support refunds through Paykit.` };
  } else {
    try {
      movement = await adapter.refund(reserved.provider_reference, amount);
    } catch (error) {
      movement = { outcome: 'in_doubt', detail: String(error) };
    }
  }
  const log = deps.log.child({ payment_id: paymentId, refund_id: refund!.id });
  if (movement.outcome === 'done') {
    log.info('refund succeeded', { amount });
    const done = await refundSucceeded(deps, refund!.id, movement.providerReference ?? null);
    return done ?? (await deps.db.query<RefundRow>(`SELECT * FROM refunds WHERE id = $1`, [refund!.id]))[0]!;
  }
  if (movement.outcome === 'in_doubt') {
    // It may have happened: keep the amount reserved; the refund stays pending for the reconciler.
    log.warn('refund in doubt; kept pending with its amount reserved', { detail: movement.detail });
    return refund!;
  }
  await refundFailed(deps, refund!.id, movement.code, movement.message);
  log.info('refund refused by the provider', { code: movement.code });
  if (movement.notSettled) {
    throw conflict('payment_not_settled', 'This payment has not settled yet: void it instead (POST /v1/payments/:id/void), or refund it after settlement.');
  }
  if (movement.code === 'refund_not_supported') throw conflict('refund_not_supported', movement.message);
  throw new ApiError(402, 'provider_error', movement.code, `The provider refused the refund: ${movement.message}`);
}

async function whyNotRefundable(deps: Deps, auth: MerchantAuth, paymentId: string, amount: number | undefined): Promise<ApiError> {
  const payment = await ownPayment(deps, auth, paymentId);
  const status: PaymentStatus = payment.status;
  if (status !== 'succeeded') {
    return conflict('payment_not_refundable', `Only a succeeded payment can be refunded; this one is ${status}.`);
  }
  if (payment.pending_operation) return conflict('operation_in_progress', `A ${payment.pending_operation} of this payment is in progress; retry shortly.`);
  const left = Number(payment.amount_captured ?? payment.amount) - Number(payment.amount_refunded);
  if (left <= 0) return conflict('payment_fully_refunded', 'This payment has been refunded in full.');
  return invalidRequest('amount_too_large', `amount must be at most ${left}, what is left to refund of this payment.`, 'amount');
}

export async function listRefunds(deps: Deps, auth: MerchantAuth, paymentId: string): Promise<RefundRow[]> {
  await ownPayment(deps, auth, paymentId);
  return deps.db.query<RefundRow>(`SELECT * FROM refunds WHERE payment_id = $1 ORDER BY created_at, id`, [paymentId]);
}

export function refundView(row: RefundRow) {
  return {
    id: row.id,
    object: 'refund',
    payment_id: row.payment_id,
    amount: Number(row.amount),
    currency: row.currency,
    status: row.status,
    reason: row.reason,
    provider_reference: row.provider_reference,
    error: row.error_code ? { code: row.error_code, message: row.error_message } : null,
    created_at: new Date(row.created_at).toISOString(),
  };
}
