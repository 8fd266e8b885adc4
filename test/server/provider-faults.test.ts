/**
 * Provider faults, over real HTTP between the payment server and the three sandbox simulators:
 * each simulator is told to be slow, time out, answer 500 or 503, or drop the connection after
 * processing, and the payment ends where the provider's own records say it should — settled by
 * the reconciler when the answer was lost, failed (or failed over) when the provider refused
 * before processing — with never a second transaction at the provider.
 *
 * Timings are shortened: provider requests time out after 1.5 s, and the reconciler fails a
 * payment the provider never got once it is 3 s old (twice the timeout, as it insists). Rounds
 * are run by the test (`runOnce`), not by the clock.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { useTestStack, card, eventually } from './helpers.ts';
import { startReconciler } from '../../server/payments/reconcile.ts';
import { parseCardRouting } from '../../server/payments/failover.ts';
import { createPayAgencyAdapter } from '../../server/providers/payagency/adapter.ts';
import { createPagouAdapter } from '../../server/providers/pagou/adapter.ts';
import { createPepperAdapter } from '../../server/providers/pepper/adapter.ts';
import type { FaultRule } from '../../server/simulators/faults.ts';
import { APPROVED, CREATE, DECLINED, SESSION, type Sim } from './fixtures/sims.ts';

const TIMEOUT_MS = 1500;
const MISSING_AFTER_MS = 3000;

const t = useTestStack({
  providerTimeoutMs: TIMEOUT_MS,
  reconcile: { intervalMs: 3600_000, minAgeMs: 0, missingAfterMs: MISSING_AFTER_MS },
  // Failover for cards: Pepper first, then PayAgency. Pagou (BRL) is not in it.
  env: { PAYKIT_CARD_ROUTING: 'pepper,payagency' },
});

/** Sets one fault on a simulator's create route, over its HTTP control route (as a test in another process would). */
async function fault(sim: Sim, rule: Omit<FaultRule, 'path' | 'method'>) {
  const response = await fetch(`${t.stack.sandboxUrl}/${sim}/sandbox/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ rules: [{ method: 'POST', path: CREATE[sim], count: 1, ...rule }] }),
  });
  assert.equal(response.status, 200, await response.text());
}

/** The transactions a simulator holds for a payment (by what each provider keeps of our id). */
function atProvider(sim: Sim, paymentId: string): any[] {
  if (sim === 'pepper') return [...t.stack.pepper.transactions.values()].filter((tx) => tx.data.type !== 'refund' && String(tx.data.description).includes(`payment ${paymentId}`));
  if (sim === 'pagou') return [...t.stack.pagou.transactions.values()].filter((tx) => tx.data.external_ref === paymentId);
  return [...t.stack.payagency.transactions.values()].filter((tx) => tx.request.webhook_url?.includes(paymentId));
}

async function pay(sim: Sim, number = APPROVED[sim]) {
  const session = (await t.api.createSession(SESSION[sim])).body;
  const { status, body } = await t.api.confirm(session, { payment_method: { type: 'card', card: card(number) } });
  assert.equal(status, 200, JSON.stringify(body));
  return { session, payment: body as { id: string; status: string; error?: { code: string } | null } };
}

const merchantView = async (id: string) => (await t.api.payment(id)).body;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until the payment is old enough for "never got it" (plus a margin), then runs a round. */
async function reconcileAfterMissingWindow() {
  await sleep(MISSING_AFTER_MS + 300);
  return t.stack.reconciler!.runOnce();
}

describe('the simulators answer slowly', () => {
  for (const sim of ['pepper', 'pagou', 'payagency'] as const) {
    it(`${sim}: a slow answer (within the timeout) completes normally`, async () => {
      await fault(sim, { kind: 'delay', ms: 400 });
      const { payment } = await pay(sim);
      assert.equal(payment.status, 'succeeded');
      assert.equal(atProvider(sim, payment.id).length, 1);
    });
  }
});

describe('an answer that is lost after the provider processed it: processing, then the truth', () => {
  for (const sim of ['pepper', 'pagou'] as const) {
    it(`${sim}: dropped after processing → processing → reconciled to succeeded, one transaction`, async () => {
      await fault(sim, { kind: 'drop' });
      const { payment } = await pay(sim);
      assert.equal(payment.status, 'processing', 'the answer was lost: in doubt, never failed, never retried');
      assert.equal(atProvider(sim, payment.id).length, 1, 'the provider did process it');
      assert.equal((await merchantView(payment.id)).provider_reference, null);

      await t.stack.reconciler!.runOnce();
      const view = await merchantView(payment.id);
      assert.equal(view.status, 'succeeded');
      assert.equal(view.provider_reference, atProvider(sim, payment.id)[0]!.data.id);
      assert.equal(atProvider(sim, payment.id).length, 1, 'asking never charges again');
      const events = await t.stack.db.query<{ to_status: string; source: string }>(
        `SELECT to_status, source FROM payment_events WHERE payment_id = $1 ORDER BY id`,
        [payment.id],
      );
      assert.deepEqual(events.map((e) => `${e.source}:${e.to_status}`), ['confirm:processing', 'reconcile:succeeded']);
    });

    it(`${sim}: a declined card whose answer was lost is reconciled to failed, not retried`, async () => {
      await fault(sim, { kind: 'drop' });
      const { payment } = await pay(sim, DECLINED);
      assert.equal(payment.status, 'processing');
      await t.stack.reconciler!.runOnce();
      const view = await merchantView(payment.id);
      assert.equal(view.status, 'failed');
      assert.equal(view.error.code, 'card_declined');
      assert.equal(atProvider(sim, payment.id).length, 1);
    });

    it(`${sim}: a timeout while the provider is slow → processing → reconciled to what it did`, async () => {
      // The provider takes longer than our timeout, but gets there: the charge exists.
      await fault(sim, { kind: 'delay', ms: TIMEOUT_MS + 700 });
      const { payment } = await pay(sim);
      assert.equal(payment.status, 'processing');
      await sleep(1000);
      assert.equal(atProvider(sim, payment.id).length, 1);
      await t.stack.reconciler!.runOnce();
      assert.equal((await merchantView(payment.id)).status, 'succeeded');
      assert.equal(atProvider(sim, payment.id).length, 1);
    });

    it(`${sim}: a timeout where the provider never processed it, and a 500 → processing, then failed once the provider has nothing; the buyer pays again, once`, async () => {
      await fault(sim, { kind: 'timeout', ms: 10_000 });
      const timedOut = await pay(sim);
      await fault(sim, { kind: 'error', status: 500 });
      const errored = await pay(sim);
      for (const { payment } of [timedOut, errored]) assert.equal(payment.status, 'processing', 'a timeout or a 500 may have charged');

      // Too early to say "never got it": a request could still be on its way.
      await t.stack.reconciler!.runOnce();
      for (const { payment } of [timedOut, errored]) assert.equal((await merchantView(payment.id)).status, 'processing');

      await reconcileAfterMissingWindow();
      for (const { session, payment } of [timedOut, errored]) {
        const view = await merchantView(payment.id);
        assert.equal(view.status, 'failed');
        assert.equal(view.error.code, 'provider_unavailable');
        assert.equal(atProvider(sim, payment.id).length, 0);
        // The session is open again: the buyer's retry is a new attempt, charged once.
        const retry = await t.api.confirm(session, { payment_method: { type: 'card', card: card(APPROVED[sim]) } });
        assert.equal(retry.body.status, 'succeeded', JSON.stringify(retry.body));
        assert.equal(atProvider(sim, retry.body.id).length, 1);
      }
    });
  }

  it('payagency: dropped after processing → processing → settled by the webhook PayAgency sends for every final status, never failed blindly', async () => {
    await fault('payagency', { kind: 'drop' });
    const { payment } = await pay('payagency');
    assert.equal(payment.status, 'processing');
    assert.equal(atProvider('payagency', payment.id).length, 1);
    // Nothing to ask: the reconciler leaves it alone, however long it waits.
    const round = await t.stack.reconciler!.runOnce();
    assert.equal(round.failedMissing, 0);

    // PayAgency's webhook (unasked: Paykit never saw the transaction id) settles it.
    const tx = atProvider('payagency', payment.id)[0]!;
    const settled = await eventually(async () => {
      const current = await merchantView(payment.id);
      return current.status === 'succeeded' && current;
    });
    assert.equal(settled.provider_reference, tx.transaction_id);
    assert.equal(atProvider('payagency', payment.id).length, 1);
    const events = await t.stack.db.query<{ to_status: string; source: string }>(`SELECT to_status, source FROM payment_events WHERE payment_id = $1 ORDER BY id`, [payment.id]);
    assert.deepEqual(events.map((e) => `${e.source}:${e.to_status}`), ['confirm:processing', 'webhook:succeeded']);
  });

  it('payagency: a payment answered at once gets its webhook too, which changes nothing', async () => {
    const { payment } = await pay('payagency');
    assert.equal(payment.status, 'succeeded');
    const tx = atProvider('payagency', payment.id)[0]!;
    await eventually(() => tx.webhooks.some((hook: { status: number | null }) => hook.status === 200));
    const events = await t.stack.db.query<{ to_status: string }>(`SELECT to_status FROM payment_events WHERE payment_id = $1 ORDER BY id`, [payment.id]);
    assert.equal(events.filter((e) => e.to_status === 'succeeded').length, 1);
    assert.equal((await merchantView(payment.id)).status, 'succeeded');
  });
});

/** Sets one fault on any route of a simulator (a capture, a refund). */
async function faultOn(sim: Sim, path: string, rule: Omit<FaultRule, 'path' | 'method'>) {
  const response = await fetch(`${t.stack.sandboxUrl}/${sim}/sandbox/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ rules: [{ method: 'POST', path, count: 1, ...rule }] }),
  });
  assert.equal(response.status, 200, await response.text());
}

/** A settled Pepper sale (refundable), or an authorization (capturable). */
async function pepperPayment(manual = false) {
  const session = (await t.api.createSession({ ...SESSION.pepper, amount: 5000, ...(manual ? { capture_method: 'manual' } : {}) })).body;
  const { body } = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4111111111111111') } });
  assert.equal(body.status, manual ? 'requires_capture' : 'succeeded', JSON.stringify(body));
  const reference = (await merchantView(body.id)).provider_reference as string;
  if (!manual) assert.equal((await fetch(`${t.stack.sandboxUrl}/pepper/sandbox/transactions/${reference}/settle`, { method: 'POST' })).status, 200);
  return { id: body.id as string, reference };
}

const pepperRefunds = (reference: string) => [...t.stack.pepper.transactions.values()].filter((tx) => tx.data.type === 'refund' && tx.data.referenced_transaction_id === reference);
const refundEvents = async (paymentId: string) =>
  Number((await t.stack.db.query<{ n: string }>(`SELECT count(*) AS n FROM webhook_events WHERE object_id = $1 AND type = 'payment.refunded'`, [paymentId]))[0]!.n);

describe('refunds, captures and voids in doubt: the reconciler asks the provider, never sends again', () => {
  it('pepper: a refund whose answer was lost after processing → pending → succeeded once, with one refund event', async () => {
    // An endpoint, so `payment.refunded` is recorded and can be counted.
    assert.equal((await t.api.post('/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/hooks', enabled_events: ['payment.refunded'] })).status, 201);
    const payment = await pepperPayment();
    await faultOn('pepper', `/api/transaction/${payment.reference}/refund`, { kind: 'drop' });
    const refund = await t.api.post(`/v1/payments/${payment.id}/refunds`, { amount: 1200 });
    assert.equal(refund.status, 201, JSON.stringify(refund.body));
    assert.equal(refund.body.status, 'pending', 'the answer was lost: in doubt, its amount kept reserved');
    assert.equal((await merchantView(payment.id)).amount_refunded, 1200);
    assert.equal(pepperRefunds(payment.reference).length, 1, 'the gateway did make it');
    assert.equal(await refundEvents(payment.id), 0);

    const round = await t.stack.reconciler!.runOnce();
    assert.equal(round.money.settled, 1);
    const [row] = (await t.api.get(`/v1/payments/${payment.id}/refunds`)).body.data;
    assert.equal(row.status, 'succeeded');
    assert.equal(row.provider_reference, pepperRefunds(payment.reference)[0]!.data.id);
    assert.equal(await refundEvents(payment.id), 1);
    // Asked again (another instance, a later round): nothing changes, nothing is sent.
    await t.stack.db.query(`UPDATE refunds SET reconcile_after = NULL WHERE payment_id = $1`, [payment.id]);
    await t.stack.reconciler!.runOnce();
    assert.equal(await refundEvents(payment.id), 1);
    assert.equal(pepperRefunds(payment.reference).length, 1);
    assert.equal((await merchantView(payment.id)).amount_refunded, 1200);
  });

  it('pepper: a refund the gateway never processed (timeout, 500) → pending → failed once nothing can be on its way, its amount given back', async () => {
    const payment = await pepperPayment();
    await faultOn('pepper', `/api/transaction/${payment.reference}/refund`, { kind: 'timeout', ms: 10_000 });
    const timedOut = await t.api.post(`/v1/payments/${payment.id}/refunds`, { amount: 1000 });
    await faultOn('pepper', `/api/transaction/${payment.reference}/refund`, { kind: 'error', status: 500 });
    const errored = await t.api.post(`/v1/payments/${payment.id}/refunds`, { amount: 500 });
    for (const refund of [timedOut, errored]) assert.equal(refund.body.status, 'pending', JSON.stringify(refund.body));
    assert.equal((await merchantView(payment.id)).amount_refunded, 1500);

    await t.stack.reconciler!.runOnce();
    assert.equal((await merchantView(payment.id)).amount_refunded, 1500, 'too early to say: a request could still be on its way');
    await sleep(MISSING_AFTER_MS + 300);
    await t.stack.db.query(`UPDATE refunds SET reconcile_after = NULL WHERE payment_id = $1`, [payment.id]);
    const round = await t.stack.reconciler!.runOnce();
    assert.equal(round.money.undone, 2);
    const rows = (await t.api.get(`/v1/payments/${payment.id}/refunds`)).body.data as { status: string; error: { code: string } }[];
    assert.deepEqual(rows.map((r) => [r.status, r.error?.code]), [['failed', 'provider_unavailable'], ['failed', 'provider_unavailable']]);
    assert.equal((await merchantView(payment.id)).amount_refunded, 0, 'the amounts are given back');
    assert.equal(pepperRefunds(payment.reference).length, 0);
    // The merchant refunds again, once.
    const again = await t.api.post(`/v1/payments/${payment.id}/refunds`, { amount: 5000 });
    assert.equal(again.body.status, 'succeeded', JSON.stringify(again.body));
    assert.equal(pepperRefunds(payment.reference).length, 1);
  });

  it('pepper: a refund refused before processing (503) fails at once, its amount given back', async () => {
    const payment = await pepperPayment();
    await faultOn('pepper', `/api/transaction/${payment.reference}/refund`, { kind: 'error', status: 503 });
    const refused = await t.api.post(`/v1/payments/${payment.id}/refunds`, { amount: 1000 });
    assert.equal(refused.status, 402, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'provider_unavailable');
    assert.equal((await merchantView(payment.id)).amount_refunded, 0);
    assert.equal(pepperRefunds(payment.reference).length, 0);
  });

  it('pepper: a capture whose answer was lost → 502, the payment stays claimed → the reconciler books the capture once', async () => {
    const payment = await pepperPayment(true);
    await faultOn('pepper', `/api/transaction/${payment.reference}/capture`, { kind: 'drop' });
    const capture = await t.api.post(`/v1/payments/${payment.id}/capture`, { amount: 4000 });
    assert.equal(capture.status, 502, JSON.stringify(capture.body));
    assert.equal(capture.body.error.code, 'provider_in_doubt');
    assert.equal((await merchantView(payment.id)).status, 'requires_capture');
    const retry = await t.api.post(`/v1/payments/${payment.id}/capture`, { amount: 4000 });
    assert.equal(retry.status, 409, 'no second capture is sent while the first is in doubt');
    assert.equal(retry.body.error.code, 'operation_in_progress');

    const round = await t.stack.reconciler!.runOnce();
    assert.equal(round.money.settled, 1);
    const view = await merchantView(payment.id);
    assert.deepEqual([view.status, view.amount_captured], ['succeeded', 4000]);
    assert.equal(t.stack.pepper.transactions.get(payment.reference)!.data.amount_captured, 4000);
    const events = await t.stack.db.query<{ to_status: string }>(`SELECT to_status FROM payment_events WHERE payment_id = $1 AND to_status = 'succeeded'`, [payment.id]);
    assert.equal(events.length, 1);
    // The claim is gone: the merchant can refund once it settles.
    const [row] = await t.stack.db.query<{ pending_operation: string | null }>(`SELECT pending_operation FROM payments WHERE id = $1`, [payment.id]);
    assert.equal(row!.pending_operation, null);
  });

  it('pepper: a capture that never reached the gateway → released once nothing can be on its way; the merchant captures again, once', async () => {
    const payment = await pepperPayment(true);
    await faultOn('pepper', `/api/transaction/${payment.reference}/capture`, { kind: 'timeout', ms: 10_000 });
    assert.equal((await t.api.post(`/v1/payments/${payment.id}/capture`)).status, 502);
    await t.stack.reconciler!.runOnce();
    assert.equal((await t.api.post(`/v1/payments/${payment.id}/capture`)).status, 409, 'too early to say: still claimed');
    await sleep(MISSING_AFTER_MS + 300);
    await t.stack.db.query(`UPDATE payments SET operation_reconcile_after = now() WHERE id = $1`, [payment.id]);
    const round = await t.stack.reconciler!.runOnce();
    assert.equal(round.money.undone, 1);
    assert.equal((await merchantView(payment.id)).status, 'requires_capture');
    const again = await t.api.post(`/v1/payments/${payment.id}/capture`);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.status, 'succeeded');
    assert.equal(t.stack.pepper.transactions.get(payment.reference)!.data.amount_captured, 5000);
  });

  it('pepper: a void whose answer was lost → canceled by the reconciler', async () => {
    const payment = await pepperPayment(true);
    await faultOn('pepper', `/api/transaction/${payment.reference}/void`, { kind: 'drop' });
    assert.equal((await t.api.post(`/v1/payments/${payment.id}/void`)).status, 502);
    assert.equal((await merchantView(payment.id)).status, 'requires_capture');
    await t.stack.reconciler!.runOnce();
    assert.equal((await merchantView(payment.id)).status, 'canceled');
    assert.equal(t.stack.pepper.transactions.get(payment.reference)!.data.status, 'voided');
  });
});

describe('two server instances reconciling at once', () => {
  it('each payment in doubt is claimed by one of them, asked about once, and settled once', async () => {
    const lost = [];
    for (let i = 0; i < 4; i++) {
      await fault('pepper', { kind: 'drop' });
      lost.push((await pay('pepper')).payment);
    }
    for (const payment of lost) assert.equal(payment.status, 'processing');
    // A second reconciler on the same database, as another server instance would run.
    const { config } = t.stack;
    const adapters = {
      payagency: createPayAgencyAdapter({ ...config.providers.payagency, ipv4Fallback: config.ipv4Fallback, timeoutMs: TIMEOUT_MS }),
      pagou: createPagouAdapter({ ...config.providers.pagou, timeoutMs: TIMEOUT_MS }),
      pepper: createPepperAdapter({ ...config.providers.pepper, timeoutMs: TIMEOUT_MS }),
    };
    const deps = { db: t.stack.db, config, log: t.stack.log, adapters };
    const other = startReconciler(deps, { intervalMs: 3600_000, minAgeMs: 0, missingAfterMs: MISSING_AFTER_MS, requestTimeoutMs: TIMEOUT_MS });
    try {
      await Promise.all([t.stack.reconciler!.runOnce(), other.runOnce()]);
      const mine = new Set(lost.map((p) => p.id));
      for (const payment of lost) {
        assert.equal((await merchantView(payment.id)).status, 'succeeded');
        assert.equal(atProvider('pepper', payment.id).length, 1);
      }
      // Claimed once: the second instance skipped what the first had claimed (and the other way round).
      const claims = await t.stack.db.query<{ reconcile_attempts: number }>(`SELECT reconcile_attempts FROM payments WHERE id = ANY($1::text[])`, [[...mine]]);
      assert.deepEqual(claims.map((row) => Number(row.reconcile_attempts)), lost.map(() => 1));
      const events = await t.stack.db.query<{ payment_id: string }>(
        `SELECT payment_id FROM payment_events WHERE source = 'reconcile' AND payment_id = ANY($1::text[])`,
        [[...mine]],
      );
      assert.equal(events.length, lost.length, 'one reconcile event per payment');

      // Refunds in doubt too: each booked once, one refund event each, whichever instance found it.
      assert.equal((await t.api.post('/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/hooks', enabled_events: ['payment.refunded'] })).status, 201);
      const payment = await pepperPayment();
      for (const amount of [700, 700, 900]) {
        await faultOn('pepper', `/api/transaction/${payment.reference}/refund`, { kind: 'drop' });
        assert.equal((await t.api.post(`/v1/payments/${payment.id}/refunds`, { amount })).body.status, 'pending');
      }
      await Promise.all([t.stack.reconciler!.runOnce(), other.runOnce()]);
      // A round that lost a race for the same provider refund (unique index) leaves it to the next.
      await eventually(async () => {
        await t.stack.db.query(`UPDATE refunds SET reconcile_after = NULL WHERE payment_id = $1`, [payment.id]);
        await Promise.all([t.stack.reconciler!.runOnce(), other.runOnce()]);
        const rows = (await t.api.get(`/v1/payments/${payment.id}/refunds`)).body.data as { status: string }[];
        return rows.every((row) => row.status === 'succeeded');
      }, 30_000);
      const rows = (await t.api.get(`/v1/payments/${payment.id}/refunds`)).body.data as { provider_reference: string }[];
      assert.deepEqual(rows.map((row) => row.provider_reference).sort(), pepperRefunds(payment.reference).map((tx) => tx.data.id).sort());
      assert.equal(await refundEvents(payment.id), 3);
      assert.equal((await merchantView(payment.id)).amount_refunded, 2300);
    } finally {
      await other.close();
    }
  });
});

describe('a provider that refuses before processing (503)', () => {
  it('pagou (no other provider for BRL cards): failed provider_unavailable at once; nothing at the provider', async () => {
    await fault('pagou', { kind: 'error', status: 503 });
    const { payment } = await pay('pagou');
    assert.equal(payment.status, 'failed');
    assert.equal(payment.error?.code, 'provider_unavailable');
    assert.equal(atProvider('pagou', payment.id).length, 0);
  });

  it('payagency: the card goes to the other provider in the routing (Pepper), in the routing\'s order', async () => {
    await fault('payagency', { kind: 'error', status: 503 });
    const { payment } = await pay('payagency');
    assert.equal(payment.status, 'succeeded');
    const view = await merchantView(payment.id);
    assert.deepEqual([view.provider, view.failed_over_from], ['pepper', 'payagency']);
    assert.equal(atProvider('payagency', payment.id).length, 0);
    assert.equal(atProvider('pepper', payment.id).length, 1);
  });

  it('both card providers refuse: failed provider_unavailable, nothing charged anywhere, the buyer may retry', async () => {
    await fault('pepper', { kind: 'error', status: 503 });
    await fault('payagency', { kind: 'error', status: 503 });
    const { session, payment } = await pay('pepper', '4242424242424242');
    assert.equal(payment.status, 'failed');
    assert.equal(payment.error?.code, 'provider_unavailable');
    assert.equal(atProvider('pepper', payment.id).length + atProvider('payagency', payment.id).length, 0);
    const retry = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4242424242424242') } });
    assert.equal(retry.body.status, 'succeeded');
    assert.equal((await merchantView(retry.body.id)).provider, 'pepper');
  });

  it('pepper: the card fails over to PayAgency, which charges it; the merchant sees which provider charged and why', async () => {
    await fault('pepper', { kind: 'error', status: 503 });
    const { payment } = await pay('pepper', '4242424242424242');
    assert.equal(payment.status, 'succeeded');
    const view = await merchantView(payment.id);
    assert.equal(view.provider, 'payagency');
    assert.equal(view.failed_over_from, 'pepper');
    assert.equal(view.provider_reference, atProvider('payagency', payment.id)[0]!.transaction_id);
    assert.equal(atProvider('pepper', payment.id).length, 0);
    assert.equal(atProvider('payagency', payment.id).length, 1);
    const [hop] = await t.stack.db.query<{ detail: Record<string, string> }>(
      `SELECT detail FROM payment_events WHERE payment_id = $1 AND source = 'failover'`,
      [payment.id],
    );
    assert.deepEqual(hop!.detail, { from_provider: 'pepper', to_provider: 'payagency', provider_status: 'http_503' });
  });

  it('pepper: a reset connection is in doubt (it may come after the work): processing, never failed over', async () => {
    await fault('pepper', { kind: 'reset' });
    const { payment } = await pay('pepper', '4242424242424242');
    assert.equal(payment.status, 'processing', 'a reset could come after the work: in doubt');
    const view = await merchantView(payment.id);
    assert.equal(view.provider, 'pepper');
    assert.equal(view.failed_over_from, null);
    assert.equal(atProvider('payagency', payment.id).length, 0);
  });

  it('pepper: a decline is never sent to another provider', async () => {
    const { payment } = await pay('pepper', DECLINED);
    assert.equal(payment.status, 'failed');
    assert.equal(payment.error?.code, 'card_declined');
    const view = await merchantView(payment.id);
    assert.equal(view.provider, 'pepper');
    assert.equal(view.failed_over_from, null);
    assert.equal(atProvider('payagency', payment.id).length, 0);
  });

  it('pepper: a 500 is in doubt and never fails over', async () => {
    await fault('pepper', { kind: 'error', status: 500 });
    const { payment } = await pay('pepper', '4242424242424242');
    assert.equal(payment.status, 'processing');
    assert.equal((await merchantView(payment.id)).provider, 'pepper');
    assert.equal(atProvider('payagency', payment.id).length, 0);
  });
});

/** A port nothing listens on: connecting to it is refused. */
const closedPort = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as AddressInfo;
    probe.close(() => resolve(port));
  });
});
const down = useTestStack({ env: { PAYKIT_CARD_ROUTING: 'pepper,payagency', PEPPER_BASE_URL: `http://127.0.0.1:${closedPort}` } });

describe('a provider that cannot be reached (connection refused)', () => {
  it('the card goes to the next provider in the routing, which charges it', async () => {
    const session = (await down.api.createSession({ provider: 'pepper', amount: 2500, currency: 'USD' })).body;
    const { body } = await down.api.confirm(session, { payment_method: { type: 'card', card: card('4242424242424242') } });
    assert.equal(body.status, 'succeeded', JSON.stringify(body));
    const view = (await down.api.payment(body.id)).body;
    assert.deepEqual([view.provider, view.failed_over_from], ['payagency', 'pepper']);
    const [hop] = await down.stack.db.query<{ detail: Record<string, string> }>(`SELECT detail FROM payment_events WHERE payment_id = $1 AND source = 'failover'`, [body.id]);
    assert.equal(hop!.detail.provider_status, 'network_ECONNREFUSED');
    assert.equal([...down.stack.payagency.transactions.values()].filter((tx) => tx.request.webhook_url?.includes(body.id)).length, 1);
  });
});

describe('the card routing setting', () => {
  it('reads PAYKIT_CARD_ROUTING in order, and refuses a name that is not a provider', () => {
    const known = ['payagency', 'pagou', 'pepper'];
    assert.deepEqual(parseCardRouting(' pepper , payagency,pepper', known), ['pepper', 'payagency']);
    assert.deepEqual(parseCardRouting(undefined, known), []);
    assert.throws(() => parseCardRouting('pepper,stripe', known), /stripe/);
  });
});

describe('the fault control route', () => {
  it('refuses a bad rule with a 400 naming the field, and lists and clears the rules', async () => {
    const base = `${t.stack.sandboxUrl}/pepper/sandbox/faults`;
    for (const [rules, field] of [
      [[{ kind: 'explode' }], 'rules[0].kind'],
      [[{ kind: 'error', status: 418 }], 'rules[0].status'],
      [[{ kind: 'delay', rate: 2 }], 'rules[0].rate'],
      [[{ kind: 'delay' }, { kind: 'drop', count: 0 }], 'rules[1].count'],
      ['drop', 'rules'],
    ] as const) {
      const response = await fetch(base, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rules }) });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: { field: string } }).error.field, field);
    }
    await fetch(base, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rules: [{ kind: 'delay', ms: 1, path: '/api/*' }] }) });
    assert.equal(((await (await fetch(base)).json()) as { rules: unknown[] }).rules.length, 1);
    await fetch(base, { method: 'DELETE' });
    assert.deepEqual(await (await fetch(base)).json(), { rules: [] });
  });
});
