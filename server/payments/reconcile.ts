/**
 * The reconciler: settles payments left `processing` because their provider call ended in doubt
 * (a timeout, a reset, a 5xx, an answer lost, or a server killed mid-call). Paykit never charges
 * again blindly; it asks the provider what happened and applies that through the state machine.
 *
 * - Which payments: `processing`, older than `minAgeMs`, at a provider that can be asked, due
 *   (`reconcile_after`). Each is claimed with one UPDATE over `FOR UPDATE SKIP LOCKED`, which
 *   also pushes its next check back (`minAgeMs` × 2^checks, capped at `maxBackoffMs`, and never
 *   sooner than the provider request timeout, the longest one check can take): two server
 *   instances never ask about the same payment at once, and one that dies mid-check leaves the
 *   payment to be taken up again when that time comes. The answer goes through `transition()`,
 *   a conditional UPDATE, so a webhook or a confirm that settles the payment meanwhile wins
 *   and the reconciler's answer changes nothing.
 * - How: with the provider's reference, `retrieve` (Pagou `GET /v2/transactions/{id}`, Pepper
 *   `GET /api/transaction/{id}`); without one (the answer with the reference was lost),
 *   `findByPayment` (Pagou by `external_ref` = the payment id, Pepper by a search on the
 *   `po_number` the payment id is sent as). A record that does not match the payment (amount,
 *   currency, our id) is never applied: it is logged for a person to look at.
 * - Never got it: when the provider has no transaction for a payment without a reference, and
 *   it was sent more than `missingAfterMs` ago, it fails `provider_unavailable` and the buyer may
 *   pay again. The wait must outlast any request still on its way, so it is at least twice the
 *   adapters' request timeout (checked at start). A request that reaches the provider even later
 *   than that (stuck in a queue for minutes) would make a charge on a payment Paykit has already
 *   failed, and nothing here would notice: the wait is the guard, so keep it generous.
 * - Age counts from when the payment was last sent: its creation, or its last failover hop.
 * - PayAgency documents no status or search API, so its payments in doubt cannot be asked
 *   about. Its doc promises instead that "our system will send server webhooks to update final
 *   transaction status" to the `webhook_url` of each transaction — which names the payment and
 *   carries its token, so the webhook settles the payment even when Paykit never saw the
 *   transaction id (server/routes/providers.ts); a webhook for a payment already final changes
 *   nothing. Until it comes such a payment stays `processing`, and is never failed blindly: it
 *   may have been charged. One still waiting after `unaskedWarnAfterMs` is logged as a warning
 *   for a person (again at each backoff, up to `maxBackoffMs` apart), and merchants see it as
 *   `processing` in `GET /v1/payments?status=processing`. If the webhook never comes, it stays
 *   so until a person checks with PayAgency.
 * - The merchant's captures, voids and refunds in doubt are settled in the same rounds
 *   (./reconcile-money.ts).
 */
import type { ProviderName } from '../../contract/api.ts';
import type { Logger } from '../log.ts';
import { GENERIC_FAILURE, type ProviderAdapter, type RetrievedTransaction } from '../providers/types.ts';
import { applyOutcome, providerOrderId, type Deps } from './service.ts';
import type { PaymentRow } from './rows.ts';
import { moneyReconciler, type MoneyRound } from './reconcile-money.ts';

export interface ReconcileOptions {
  /** How often to look for payments in doubt. */
  intervalMs: number;
  /** A payment younger than this is left alone (its confirm may still be waiting on the provider). */
  minAgeMs: number;
  /** A payment the provider does not know fails once it is this old. */
  missingAfterMs: number;
  /** The longest wait between two checks of one payment. */
  maxBackoffMs: number;
  /** Payments asked about per round. */
  batch: number;
  /** A payment in doubt at a provider that cannot be asked (PayAgency) is logged for a person once this old. */
  unaskedWarnAfterMs: number;
}

export const DEFAULT_RECONCILE_OPTIONS: ReconcileOptions = {
  intervalMs: 15_000,
  minAgeMs: 60_000,
  missingAfterMs: 120_000,
  maxBackoffMs: 15 * 60_000,
  batch: 20,
  unaskedWarnAfterMs: 30 * 60_000,
};

export interface ReconcileRound {
  checked: number;
  settled: number;
  failedMissing: number;
  unchanged: number;
  errors: number;
  /** Payments in doubt at a provider that cannot be asked, logged as still waiting for its webhook. */
  waiting: number;
  /** The merchant's captures, voids and refunds in doubt (./reconcile-money.ts). */
  money: MoneyRound;
}

export interface Reconciler {
  /** One round now (tests and the kill -9 test call it instead of waiting). */
  runOnce(): Promise<ReconcileRound>;
  close(): Promise<void>;
}

/**
 * `age_ms`: since the payment was last sent to a provider — its creation, or its last failover
 * hop (which moves `updated_at`; nothing else does while a payment waits without a reference).
 */
type Claimed = PaymentRow & { order_id: string | null; age_ms: number };

/** Providers that can be asked about a payment (with a reference, or without one). */
function askable(adapters: Record<ProviderName, ProviderAdapter>): string[] {
  return Object.values(adapters)
    .filter((adapter) => adapter.retrieve || adapter.findByPayment)
    .map((adapter) => adapter.name);
}

/** Why a provider's record cannot be this payment's, or null when it matches. */
function mismatch(payment: PaymentRow, found: RetrievedTransaction): string | null {
  if (found.externalRef && found.externalRef !== payment.id) return 'another payment id';
  if (found.amount !== undefined && found.amount !== Number(payment.amount)) return `amount ${found.amount}, not ${payment.amount}`;
  if (found.currency && found.currency.toUpperCase() !== payment.currency.toUpperCase()) return `currency ${found.currency}`;
  return null;
}

export function startReconciler(deps: Deps, options: Partial<ReconcileOptions> & { requestTimeoutMs: number }): Reconciler {
  const settings = { ...DEFAULT_RECONCILE_OPTIONS, ...options };
  if (settings.missingAfterMs < 2 * options.requestTimeoutMs) {
    throw new Error(`reconcile.missingAfterMs (${settings.missingAfterMs}) must be at least twice the provider request timeout (${options.requestTimeoutMs})`);
  }
  const log: Logger = deps.log.child({ component: 'reconciler' });
  const providers = askable(deps.adapters);
  let closed = false;
  // Rounds run one after another (per instance): a round asked for while one runs waits for it.
  let chain: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | null = null;

  const claim = (which: string[], minAgeMs: number) =>
    deps.db.query<Claimed>(
      `UPDATE payments p SET reconcile_attempts = p.reconcile_attempts + 1,
              reconcile_after = now() + make_interval(secs => GREATEST($5::float8, LEAST($3::float8, $2::float8 * power(2, LEAST(p.reconcile_attempts, 30)))) / 1000)
         FROM (SELECT id FROM payments
                WHERE status = 'processing' AND provider = ANY($1::text[])
                  AND created_at < now() - make_interval(secs => $2::float8 / 1000)
                  AND (reconcile_after IS NULL OR reconcile_after <= now())
                ORDER BY created_at LIMIT $4 FOR UPDATE SKIP LOCKED) due
        WHERE p.id = due.id
        RETURNING p.*, (SELECT order_id FROM checkout_sessions s WHERE s.id = p.session_id) AS order_id,
                  (EXTRACT(EPOCH FROM (now() - GREATEST(p.created_at, p.updated_at))) * 1000)::float8 AS age_ms`,
      [which, minAgeMs, settings.maxBackoffMs, settings.batch, options.requestTimeoutMs],
    );
  const unasked = Object.keys(deps.adapters).filter((name) => !providers.includes(name));
  const money = moneyReconciler(deps, { ...settings, requestTimeoutMs: options.requestTimeoutMs });

  /** Asks the provider about one payment; what it made of it. */
  const settle = async (payment: Claimed): Promise<'settled' | 'missing' | 'unchanged'> => {
    const adapter = deps.adapters[payment.provider as ProviderName];
    const plog = log.child({ payment_id: payment.id, provider: payment.provider });
    let found: RetrievedTransaction | null;
    if (payment.provider_reference) {
      if (!adapter.retrieve) return 'unchanged';
      found = await adapter.retrieve(payment.provider_reference);
      if (!found) {
        plog.warn('the provider does not know the reference it gave; left for a person to check');
        return 'unchanged';
      }
    } else {
      if (!adapter.findByPayment) return 'unchanged';
      found = await adapter.findByPayment({
        paymentId: payment.id,
        orderId: providerOrderId({ order_id: payment.order_id }, payment),
        amount: Number(payment.amount),
        currency: payment.currency,
        createdAt: new Date(payment.created_at),
      });
      if (!found) {
        if (Number(payment.age_ms) < settings.missingAfterMs) return 'unchanged';
        // The provider never got the charge (and no request can still be on its way): the buyer may pay again.
        plog.warn('the provider has no transaction for this payment: failed, the buyer may retry');
        const moved = await applyOutcome(
          deps,
          payment.id,
          { status: 'failed', providerStatus: 'not_found_at_provider', error: { code: 'provider_unavailable', message: GENERIC_FAILURE } },
          'reconcile',
        );
        return moved ? 'missing' : 'unchanged';
      }
    }
    const wrong = mismatch(payment, found);
    if (wrong) {
      plog.error('the provider record does not match the payment; not applied', { mismatch: wrong });
      return 'unchanged';
    }
    const moved = await applyOutcome(deps, payment.id, found, 'reconcile');
    if (moved) plog.info('payment in doubt settled from the provider', { status: found.status, provider_status: found.providerStatus });
    return moved ? 'settled' : 'unchanged';
  };

  const round = async (): Promise<ReconcileRound> => {
    const result: ReconcileRound = { checked: 0, settled: 0, failedMissing: 0, unchanged: 0, errors: 0, waiting: 0, money: await money() };
    if (unasked.length) {
      for (const payment of await claim(unasked, settings.unaskedWarnAfterMs)) {
        result.waiting++;
        log.warn('payment still processing: its provider cannot be asked and its webhook has not come; a person should check with the provider', {
          payment_id: payment.id,
          provider: payment.provider,
          waited_ms: Math.round(Number(payment.age_ms)),
        });
      }
    }
    if (providers.length === 0) return result;
    for (const payment of await claim(providers, settings.minAgeMs)) {
      result.checked++;
      try {
        const outcome = await settle(payment);
        if (outcome === 'settled') result.settled++;
        else if (outcome === 'missing') result.failedMissing++;
        else result.unchanged++;
      } catch (error) {
        // The provider could not say: the payment keeps its status and is asked again later.
        result.errors++;
        log.warn('could not ask the provider about a payment in doubt', { payment_id: payment.id, error: String(error) });
      }
    }
    return result;
  };

  const runOnce = (): Promise<ReconcileRound> => {
    const next = chain.catch(() => undefined).then(round);
    chain = next;
    return next;
  };

  const schedule = () => {
    if (closed) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((error) => log.error('reconcile round failed', { error: String(error) }))
        .finally(schedule);
    }, settings.intervalMs);
    timer.unref?.();
  };
  schedule();

  return {
    runOnce,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await chain.catch(() => undefined);
    },
  };
}
