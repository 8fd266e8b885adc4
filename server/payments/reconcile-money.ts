/**
 * The reconciler's second half: the merchant's money movements whose provider call ended in
 * doubt (a timeout, a reset, a 5xx, an answer lost, or a server killed mid-call). As for
 * payments (./reconcile.ts, which runs this in each of its rounds), nothing is sent again: the
 * provider is asked what happened, and that is booked through the same functions the
 * merchant's call uses (./money.ts), so a refund's Pagos export and `payment.refunded` event
 * happen once whoever finds out.
 *
 * - Captures and voids in doubt keep their claim (`pending_operation`), so no second call can
 *   reach the provider. The reconciler reads the transaction back (`retrieve`): captured
 *   (`succeeded`, with the amount the provider captured) or voided (`canceled`) is booked;
 *   still as it was (authorized, or a sale not voided) means the call never took effect — but
 *   only once it is older than `missingAfterMs`, since a request can still be on its way until
 *   then — and the claim is released: the merchant may try again. A claim left by a server that
 *   died mid-call (older than `CLAIM_TIMEOUT_MINUTES`) is in doubt too and settled the same way.
 * - Refunds in doubt stay `pending` with their amount reserved. The reconciler lists the
 *   refunds the provider made against the payment (`findRefunds`; Pepper: a search of refund
 *   transactions by the payment's `po_number`, which refunds carry over from the original). A
 *   provider refund of the same amount that no refund of ours holds yet is this one: succeeded
 *   with its reference (a unique index makes two of ours taking the same one impossible).
 *   None, once the refund is older than `missingAfterMs`: the provider never made it, so it
 *   fails and its amount is given back. A refund carries no reference of ours, so two pending
 *   refunds of one amount on one payment are told apart only by count (each takes one provider
 *   refund); a refund made outside Paykit (the provider's dashboard) of exactly the same amount
 *   would be taken for ours — the provider gives nothing better to tell them apart.
 * - Claims: one UPDATE over `FOR UPDATE SKIP LOCKED` pushes each row's next check back, as for
 *   payments, so two server instances never ask about the same one at once; every booking is a
 *   conditional UPDATE (`status = 'pending'`, `transition()`), so a second finder changes nothing.
 * - A provider that cannot be asked (no `retrieve` / `findRefunds`) has nothing picked here:
 *   such movements stay as they are (claimed, or pending) and are logged for a person. Today
 *   only Pepper offers capture, void and refund through Paykit, and it can be asked.
 */
import type { Logger } from '../log.ts';
import type { ProviderName } from '../../contract/api.ts';
import type { ProviderAdapter } from '../providers/types.ts';
import { bookCapture, bookVoid, CLAIM_TIMEOUT_MINUTES, refundFailed, refundSucceeded, release, type RefundRow } from './money.ts';
import type { Deps } from './service.ts';
import type { PaymentRow } from './rows.ts';

export interface MoneyReconcileSettings {
  minAgeMs: number;
  missingAfterMs: number;
  maxBackoffMs: number;
  batch: number;
  requestTimeoutMs: number;
}

export interface MoneyRound {
  checked: number;
  settled: number;
  /** Found never to have happened: a claim released, or a refund failed with its amount back. */
  undone: number;
  unchanged: number;
  errors: number;
}

type ClaimedOperation = PaymentRow & { claim_age_ms: number };
type ClaimedRefund = RefundRow & { provider: string; payment_reference: string | null; age_ms: number };

const names = (adapters: Record<ProviderName, ProviderAdapter>, has: (adapter: ProviderAdapter) => boolean) =>
  Object.values(adapters)
    .filter(has)
    .map((adapter) => adapter.name);

/** The same backoff as payments: `minAgeMs` × 2^checks, capped, never sooner than one request can take. */
const NEXT_CHECK = (attempts: string) =>
  `now() + make_interval(secs => GREATEST($4::float8, LEAST($3::float8, $2::float8 * power(2, LEAST(${attempts}, 30)))) / 1000)`;

export function moneyReconciler(deps: Deps, settings: MoneyReconcileSettings) {
  const log: Logger = deps.log.child({ component: 'reconciler' });
  const asked = names(deps.adapters, (adapter) => Boolean(adapter.retrieve));
  const refundable = names(deps.adapters, (adapter) => Boolean(adapter.findRefunds));
  const common = [settings.minAgeMs, settings.maxBackoffMs, settings.requestTimeoutMs, settings.batch];

  const claimOperations = () =>
    deps.db.query<ClaimedOperation>(
      `UPDATE payments p SET operation_reconcile_attempts = p.operation_reconcile_attempts + 1,
              operation_reconcile_after = ${NEXT_CHECK('p.operation_reconcile_attempts')}
         FROM (SELECT id FROM payments
                WHERE pending_operation IS NOT NULL AND provider = ANY($1::text[]) AND provider_reference IS NOT NULL
                  AND pending_operation_at < now() - make_interval(secs => $2::float8 / 1000)
                  AND (operation_reconcile_after <= now()
                       OR (operation_reconcile_after IS NULL AND pending_operation_at < now() - make_interval(mins => $6)))
                ORDER BY pending_operation_at LIMIT $5 FOR UPDATE SKIP LOCKED) due
        WHERE p.id = due.id
        RETURNING p.*, (EXTRACT(EPOCH FROM (now() - p.pending_operation_at)) * 1000)::float8 AS claim_age_ms`,
      [asked, ...common, CLAIM_TIMEOUT_MINUTES],
    );

  const claimRefunds = () =>
    deps.db.query<ClaimedRefund>(
      `UPDATE refunds r SET reconcile_attempts = r.reconcile_attempts + 1, reconcile_after = ${NEXT_CHECK('r.reconcile_attempts')}
         FROM (SELECT refunds.id, payments.provider, payments.provider_reference FROM refunds JOIN payments ON payments.id = refunds.payment_id
                WHERE refunds.status = 'pending' AND payments.provider = ANY($1::text[])
                  AND refunds.created_at < now() - make_interval(secs => $2::float8 / 1000)
                  AND (refunds.reconcile_after IS NULL OR refunds.reconcile_after <= now())
                ORDER BY refunds.created_at LIMIT $5 FOR UPDATE OF refunds SKIP LOCKED) due
        WHERE r.id = due.id
        RETURNING r.*, due.provider, due.provider_reference AS payment_reference,
                  (EXTRACT(EPOCH FROM (now() - r.created_at)) * 1000)::float8 AS age_ms`,
      [refundable, ...common],
    );

  /** A capture or void in doubt: what the provider's record of the transaction says. */
  const settleOperation = async (payment: ClaimedOperation): Promise<'settled' | 'undone' | 'unchanged'> => {
    const operation = payment.pending_operation!;
    const plog = log.child({ payment_id: payment.id, provider: payment.provider, operation });
    const found = await deps.adapters[payment.provider as ProviderName].retrieve!(payment.provider_reference!);
    if (!found) {
      plog.error('the provider does not know the transaction of a capture or void in doubt; left claimed for a person');
      return 'unchanged';
    }
    const happened = operation === 'capture' ? found.status === 'succeeded' : found.status === 'canceled';
    if (happened) {
      if (operation === 'capture' && found.amountCaptured === undefined) {
        plog.error('the provider shows the capture but not its amount; left claimed for a person');
        return 'unchanged';
      }
      const moved = await deps.db.transaction(async (tx) => {
        const done = operation === 'capture' ? await bookCapture(tx, payment.id, found.amountCaptured!) : await bookVoid(tx, payment.id);
        await release(tx, payment.id);
        return done;
      });
      plog.info(`${operation} in doubt: the provider shows it done`, { provider_status: found.providerStatus });
      return moved ? 'settled' : 'unchanged';
    }
    // Not (yet) done. Until no request can still be on its way, that proves nothing.
    if (Number(payment.claim_age_ms) < settings.missingAfterMs) return 'unchanged';
    const untouched = operation === 'capture' ? found.status === 'requires_capture' : found.status === payment.status;
    if (!untouched) {
      plog.error(`${operation} in doubt: the provider shows the transaction neither done nor as it was; left claimed for a person`, {
        provider_status: found.providerStatus,
        status: found.status,
      });
      return 'unchanged';
    }
    await release(deps.db, payment.id);
    plog.warn(`${operation} in doubt never took effect at the provider; released, the merchant may try again`, { provider_status: found.providerStatus });
    return 'undone';
  };

  /** A refund in doubt: is one of the provider's refunds of this payment ours? */
  const settleRefund = async (refund: ClaimedRefund): Promise<'settled' | 'undone' | 'unchanged'> => {
    const rlog = log.child({ payment_id: refund.payment_id, refund_id: refund.id, provider: refund.provider });
    if (!refund.payment_reference) {
      rlog.error('a pending refund of a payment without a provider reference; left for a person');
      return 'unchanged';
    }
    const adapter = deps.adapters[refund.provider as ProviderName];
    const theirs = await adapter.findRefunds!(refund.payment_reference, { paymentId: refund.payment_id, since: new Date(refund.created_at) });
    const held = new Set(
      (
        await deps.db.query<{ provider_reference: string }>(
          `SELECT provider_reference FROM refunds WHERE payment_id = $1 AND provider_reference IS NOT NULL`,
          [refund.payment_id],
        )
      ).map((row) => row.provider_reference),
    );
    const mine = theirs.find((candidate) => candidate.amount === Number(refund.amount) && !held.has(candidate.id));
    if (mine) {
      const done = await refundSucceeded(deps, refund.id, mine.id);
      if (done) rlog.info('refund in doubt: the provider made it', { provider_reference: mine.id, amount: Number(refund.amount) });
      return done ? 'settled' : 'unchanged';
    }
    if (Number(refund.age_ms) < settings.missingAfterMs) return 'unchanged';
    const failed = await refundFailed(deps, refund.id, 'provider_unavailable', 'The provider did not make this refund; nothing was refunded.');
    if (failed) rlog.warn('refund in doubt: the provider never made it; failed, amount given back', { amount: Number(refund.amount) });
    return failed ? 'undone' : 'unchanged';
  };

  return async function round(): Promise<MoneyRound> {
    const result: MoneyRound = { checked: 0, settled: 0, undone: 0, unchanged: 0, errors: 0 };
    const work: [string, () => Promise<'settled' | 'undone' | 'unchanged'>][] = [];
    if (asked.length) for (const payment of await claimOperations()) work.push([payment.id, () => settleOperation(payment)]);
    if (refundable.length) for (const refund of await claimRefunds()) work.push([refund.id, () => settleRefund(refund)]);
    for (const [id, settle] of work) {
      result.checked++;
      try {
        result[await settle()]++;
      } catch (error) {
        // The provider could not say (or another instance booked the same provider refund first): asked again later.
        result.errors++;
        log.warn('could not settle a money movement in doubt', { id, error: String(error) });
      }
    }
    return result;
  };
}
