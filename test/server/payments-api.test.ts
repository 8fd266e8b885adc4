/**
 * The merchant's payments API: search with filters and stable cursor pagination, and the
 * state rules of capture / void / refund (409 with a clear code from the wrong state; nothing
 * moves). Providers that support the money movements are tested with their adapters.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestStack } from './helpers.ts';

const t = useTestStack();

const post = (path: string, body?: unknown, headers?: Record<string, string>) => t.api.post(path, body, headers);
const get = (path: string) => t.api.get(path);

describe('search payments', () => {
  it('filters by status, amount range, order id, last 4, provider and created date, newest first with cursor pages', async () => {
    const stamp = `s${Date.now().toString(36)}`;
    const made: { id: string; status: string; amount: number }[] = [];
    for (const [number, amount] of [['4242424242424242', 1100], ['4000000000009995', 1200], ['5555555555554444', 1300], ['4242424242424242', 1400]] as const) {
      const { body } = await t.api.pay(number, { amount, order_id: `${stamp}-${amount}` });
      made.push({ id: body.id, status: body.status, amount });
    }
    const succeeded = await get(`/v1/payments?status=succeeded&amount_gte=1100&amount_lte=1400&limit=100`);
    assert.equal(succeeded.status, 200);
    const ours = succeeded.body.data.filter((p: any) => made.some((m) => m.id === p.id));
    assert.deepEqual(ours.map((p: any) => p.amount), [1400, 1300, 1100], 'newest first');
    assert.ok(ours.every((p: any) => p.status === 'succeeded'));

    const byOrder = await get(`/v1/payments?order_id=${stamp}-1200`);
    assert.deepEqual(byOrder.body.data.map((p: any) => [p.id, p.status, p.order_id]), [[made[1]!.id, 'failed', `${stamp}-1200`]]);
    const byLast4 = await get(`/v1/payments?last4=4444&provider=payagency&amount_gte=1300&amount_lte=1300`);
    assert.ok(byLast4.body.data.some((p: any) => p.id === made[2]!.id));
    assert.ok(byLast4.body.data.every((p: any) => p.card.last4 === '4444'));
    const future = await get(`/v1/payments?created_gte=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    assert.deepEqual(future.body.data, []);

    // Pages of one: every payment once, in the same order, then has_more false.
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page++) {
      const { body } = await get(`/v1/payments?amount_gte=1100&amount_lte=1400&limit=1${cursor}`);
      seen.push(...body.data.map((p: any) => p.id));
      if (!body.has_more) break;
      cursor = `&starting_after=${body.data[0].id}`;
    }
    const all = (await get(`/v1/payments?amount_gte=1100&amount_lte=1400&limit=100`)).body.data.map((p: any) => p.id);
    assert.deepEqual(seen, all);
    assert.equal(new Set(seen).size, seen.length);
  });

  for (const [query, param] of [
    ['status=paid', 'status'],
    ['amount_gte=abc', 'amount_gte'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['last4=12', 'last4'],
    ['created_gte=yesterday', 'created_gte'],
    ['starting_after=nope', 'starting_after'],
    ['starting_after=pay_doesnotexist', 'starting_after'],
    ['colour=blue', 'colour'],
  ] as const) {
    it(`refuses ${query} with a 400 naming ${param}`, async () => {
      const { status, body } = await get(`/v1/payments?${query}`);
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(body.error.param, param, JSON.stringify(body));
    });
  }
});

describe('capture, void and refund state rules', () => {
  it('a payment that is not awaiting capture cannot be captured; nothing changes', async () => {
    const { body } = await t.api.pay('4242424242424242');
    const { status, body: error } = await post(`/v1/payments/${body.id}/capture`);
    assert.equal(status, 409);
    assert.equal(error.error.code, 'payment_not_capturable');
    assert.equal((await t.api.payment(body.id)).body.status, 'succeeded');
  });

  it('a failed payment cannot be voided or refunded (409 with a clear code)', async () => {
    const { body } = await t.api.pay('4000000000009995');
    assert.equal((await post(`/v1/payments/${body.id}/void`)).body.error.code, 'payment_not_voidable');
    const refund = await post(`/v1/payments/${body.id}/refunds`, { amount: 100 });
    assert.equal(refund.status, 409);
    assert.equal(refund.body.error.code, 'payment_not_refundable');
  });

  it('a refund the provider cannot do is refused and gives its reservation back', async () => {
    const { body } = await t.api.pay('4242424242424242');
    const refund = await post(`/v1/payments/${body.id}/refunds`, { amount: 500 });
    assert.equal(refund.status, 409);
    assert.equal(refund.body.error.code, 'refund_not_supported');
    const payment = (await t.api.payment(body.id)).body;
    assert.equal(payment.amount_refunded, 0);
    const list = await get(`/v1/payments/${body.id}/refunds`);
    assert.deepEqual(list.body.data.map((r: any) => [r.amount, r.status]), [[500, 'failed']]);
  });

  it('a refund above what was captured is a 400 naming amount; bad bodies name their field', async () => {
    const { body } = await t.api.pay('4242424242424242');
    const tooMuch = await post(`/v1/payments/${body.id}/refunds`, { amount: 1501 });
    assert.equal(tooMuch.status, 400);
    assert.equal(tooMuch.body.error.param, 'amount');
    assert.equal((await post(`/v1/payments/${body.id}/refunds`, { amount: -1 })).body.error.param, 'amount');
    assert.equal((await post(`/v1/payments/${body.id}/refunds`, { reason: 'because' })).body.error.param, 'reason');
    assert.equal((await post(`/v1/payments/${body.id}/void`, { amount: 1 })).body.error.param, 'amount');
    assert.equal((await t.api.payment(body.id)).body.amount_refunded, 0);
  });

  it('unknown payments are 404 for every operation, and another merchant’s too', async () => {
    for (const path of ['/v1/payments/pay_unknown0000/capture', '/v1/payments/pay_unknown0000/void', '/v1/payments/pay_unknown0000/refunds', '/v1/payments/x/refunds']) {
      const { status } = await post(path, {});
      assert.equal(status, 404, path);
    }
  });

  it('a session asking for manual capture from a provider without it is a 400 naming capture_method', async () => {
    const { status, body } = await t.api.createSession({ capture_method: 'manual' });
    assert.equal(status, 400);
    assert.equal(body.error.param, 'capture_method');
  });

  it('the merchant view shows captured and refunded amounts', async () => {
    const { body } = await t.api.pay('4242424242424242');
    const payment = (await t.api.payment(body.id)).body;
    assert.equal(payment.capture_method, 'automatic');
    assert.equal(payment.amount_captured, 1500);
    assert.equal(payment.amount_refunded, 0);
  });
});
