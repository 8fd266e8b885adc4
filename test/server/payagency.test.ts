import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestStack, startTestStack, client, card, eventually } from './helpers.ts';
import { createPayAgencyAdapter } from '../../server/providers/payagency/adapter.ts';

const t = useTestStack();

const sim = (path: string, init?: RequestInit) => fetch(`${t.stack.sandboxUrl}/payagency${path}`, init);
const txOf = (reference: string) => t.stack.payagency.transactions.get(reference)!;

describe('each PayAgency outcome through the payment server', () => {
  it('200 success → succeeded, with the normalized payment', async () => {
    const { body } = await t.api.pay('5555555555554444');
    assert.equal(body.status, 'succeeded');
    const { status, body: payment } = await t.api.payment(body.id);
    assert.equal(status, 200);
    assert.equal(payment.status, 'succeeded');
    assert.equal(payment.amount, 1500);
    assert.equal(payment.currency, 'USD');
    assert.equal(payment.provider, 'payagency');
    assert.match(payment.provider_reference, /^T\d+/);
    assert.deepEqual(payment.card, { brand: 'mastercard', first6: '555555', last4: '4444', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3 });
    assert.equal(payment.error, null);
    assert.ok(payment.created_at && payment.updated_at);
    // The adapter sent the documented request: decimal amount string, customer and card fields, our URLs.
    const tx = txOf(payment.provider_reference);
    assert.equal(tx.request.amount, '15.00');
    assert.equal(tx.request.first_name, 'Ada');
    assert.equal(tx.request.email, 'ada@example.com');
    assert.equal(tx.request.ip_address, '0.0.0.0');
    assert.equal(tx.request.card_number, '555555XXXXXX4444', 'the simulator keeps only the masked card');
    assert.match(tx.request.webhook_url!, new RegExp(`^${t.stack.payUrl}/hooks/payagency/${body.id}/[A-Za-z0-9]{20,}$`));
    assert.match(tx.request.response_url!, new RegExp(`^${t.stack.payUrl}/return/${body.id}/`));
  });

  it('300 redirected → requires_action; approving on the 3DS page settles it by webhook and returns the buyer', async () => {
    const { body, session } = await t.api.pay('4000000000003220');
    assert.equal(body.status, 'requires_action');
    assert.equal(body.next_action.type, 'redirect');
    assert.match(body.next_action.url, /\/payagency\/3ds\/T/);
    // The buyer approves on the bank's page; the simulator notifies us, then redirects to response_url.
    const approve = await fetch(`${body.next_action.url}/approve`, { method: 'POST', redirect: 'manual' });
    assert.equal(approve.status, 302);
    const returnTo = approve.headers.get('location')!;
    assert.equal((await t.api.payment(body.id)).body.status, 'succeeded');
    const back = await t.api.request(new URL(returnTo).pathname);
    assert.equal(back.status, 303);
    const target = new URL(back.headers.get('location')!);
    assert.equal(`${target.origin}${target.pathname}`, `${t.stack.demoUrl}/complete`);
    assert.equal(target.searchParams.get('paykit_session'), session.id);
    assert.equal(target.searchParams.get('paykit_status'), 'succeeded');
    const view = await t.api.request(`/v1/checkout/sessions/${session.id}`, { headers: t.api.publicHeaders(session.client_secret) });
    assert.equal(((await view.json()) as any).status, 'complete');
  });

  it('300 redirected then declined on the 3DS page → failed with the reason, and the buyer may retry', async () => {
    const { body, session } = await t.api.pay('4000000000003220');
    const decline = await fetch(`${body.next_action.url}/decline`, { method: 'POST', redirect: 'manual' });
    const back = await t.api.request(new URL(decline.headers.get('location')!).pathname);
    assert.equal(new URL(back.headers.get('location')!).searchParams.get('paykit_status'), 'failed');
    const { body: payment } = await t.api.payment(body.id);
    assert.equal(payment.status, 'failed');
    assert.equal(payment.error.message, '3DS authentication failed.');
    const retry = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4242424242424242') } });
    assert.equal(retry.body.status, 'succeeded');
    assert.notEqual(retry.body.id, body.id);
  });

  for (const [number, word] of [['4000000000000259', 'pending'], ['4000000000001976', 'to_be_confirm']] as const) {
    it(`${word === 'pending' ? 303 : 304} ${word} → processing, finished by the webhook`, async () => {
      const { body } = await t.api.pay(number);
      assert.equal(body.status, 'processing');
      const { body: pending } = await t.api.payment(body.id);
      assert.equal(pending.status, 'processing');
      assert.equal(txOf(pending.provider_reference).word, word);
      const settle = await sim(`/sandbox/transactions/${pending.provider_reference}/settle`, { method: 'POST', body: '{"status":"success"}' });
      assert.equal(settle.status, 200);
      assert.equal((await t.api.payment(body.id)).body.status, 'succeeded');
    });
  }

  it('a pending payment settled as declined by webhook → failed with the bank message', async () => {
    const { body } = await t.api.pay('4000000000003063');
    const reference = (await t.api.payment(body.id)).body.provider_reference;
    await sim(`/sandbox/transactions/${reference}/settle`, { method: 'POST', body: '{"status":"failed","message":"Transaction declined by issuer."}' });
    const { body: payment } = await t.api.payment(body.id);
    assert.equal(payment.status, 'failed');
    assert.equal(payment.error.message, 'Transaction declined by issuer.');
  });

  it('400 failed → failed with the bank message', async () => {
    const { body } = await t.api.pay('4000000000009995');
    assert.equal(body.status, 'failed');
    assert.deepEqual(body.error, { code: 'card_declined', message: 'Insufficient Fund.' });
  });

  it('402 validation errors → failed with the offending fields named for the widget', async () => {
    const { body } = await t.api.pay('4000000000000127');
    assert.equal(body.status, 'failed');
    assert.equal(body.error.code, 'invalid_payment_details');
    assert.deepEqual(body.error.fields, { 'card.cvc': 'The card cvv field is invalid.' });
  });

  it('403 blocked → failed (blocked)', async () => {
    const { body } = await t.api.pay('4000000000000069');
    assert.equal(body.status, 'failed');
    assert.deepEqual(body.error, { code: 'payment_blocked', message: 'Expired card.' });
  });

  it('401 → a configuration error for the merchant, never a decline shown to the buyer', async () => {
    const adapter = createPayAgencyAdapter({ baseUrl: `${t.stack.sandboxUrl}/payagency`, secretKey: 'sk_wrong', mode: 'test', ipv4Fallback: '0.0.0.0' });
    const outcome = await adapter.charge({
      paymentId: 'pay_x', sessionId: 'cs_x', amount: 1500, currency: 'USD', orderId: 'o1', description: null,
      method: { type: 'card', card: card('4242424242424242'), installments: 1 },
      customer: { email: 'a@example.com', name: 'A B', firstName: 'A', lastName: 'B' }, buyerIp: '127.0.0.1', lineItems: null, metadata: {}, captureMethod: 'automatic', surcharge: 0,
      returnUrl: 'http://127.0.0.1/return', webhookUrl: 'http://127.0.0.1/hook',
    });
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.configurationError, true);
    assert.equal(outcome.error!.code, 'provider_authentication_failed');
    assert.doesNotMatch(outcome.error!.message, /declin|secret|key/i);
  });

  it('an HTTP 500 from the provider → processing (in doubt), never success or a blind retry', async () => {
    const before = t.stack.payagency.transactions.size;
    const { body } = await t.api.pay('4000000000000119');
    assert.equal(body.status, 'processing');
    assert.equal(t.stack.payagency.transactions.size, before);
  });

  it('a second confirm while a payment is in progress is refused, so nothing is charged twice', async () => {
    const { body, session } = await t.api.pay('4000000000000259');
    assert.equal(body.status, 'processing');
    const again = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4242424242424242') } });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'payment_in_progress');
  });

  it('a paid session cannot be paid again', async () => {
    const { session } = await t.api.pay('4242424242424242');
    const again = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4242424242424242') } });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'session_complete');
  });
});

describe('webhooks', () => {
  const hookPath = (url: string) => new URL(url).pathname;

  it('a webhook with a wrong token or for an unknown payment is 404 and changes nothing', async () => {
    const { body } = await t.api.pay('4000000000000259');
    const reference = (await t.api.payment(body.id)).body.provider_reference;
    const tx = txOf(reference);
    const good = hookPath(tx.request.webhook_url!);
    const payload = JSON.stringify({ status: 200, message: 'success', transaction: { transaction_id: reference, order: { amount: '15.00', currency: 'USD' }, result: { status: 'success', message: 'ok' } } });
    const wrongToken = good.replace(/\/[A-Za-z0-9]+$/, '/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    for (const path of [wrongToken, good.replace(body.id, 'pay_unknown000000000000000')]) {
      const response = await t.api.request(path, { method: 'POST', body: payload, headers: { 'Content-Type': 'application/json' } });
      assert.equal(response.status, 404);
    }
    assert.equal((await t.api.payment(body.id)).body.status, 'processing');
  });

  it('a webhook that does not match the payment (amount) is refused and changes nothing', async () => {
    const { body } = await t.api.pay('4000000000000259');
    const reference = (await t.api.payment(body.id)).body.provider_reference;
    const path = hookPath(txOf(reference).request.webhook_url!);
    const payload = { status: 200, message: 'success', transaction: { transaction_id: reference, order: { amount: '1.00', currency: 'USD' }, result: { status: 'success', message: 'ok' } } };
    const response = await t.api.request(path, { method: 'POST', body: JSON.stringify(payload) });
    assert.equal(response.status, 400);
    assert.equal((await t.api.payment(body.id)).body.status, 'processing');
    const garbage = await t.api.request(path, { method: 'POST', body: '{"hello":' });
    assert.equal(garbage.status, 400);
  });

  it('a replayed or late webhook changes nothing once the outcome is decided', async () => {
    const { body } = await t.api.pay('4000000000000259');
    const reference = (await t.api.payment(body.id)).body.provider_reference;
    await sim(`/sandbox/transactions/${reference}/settle`, { method: 'POST', body: '{"status":"success"}' });
    const events = async () => (await t.stack.db.query('SELECT to_status FROM payment_events WHERE payment_id = $1 ORDER BY id', [body.id])).map((r: any) => r.to_status);
    const before = await events();
    assert.deepEqual(before, ['processing', 'succeeded']);
    await sim(`/sandbox/transactions/${reference}/resend-webhook`, { method: 'POST' });
    // A late "failed" for the same transaction must not undo the success either.
    const path = hookPath(txOf(reference).request.webhook_url!);
    const late = { status: 400, message: 'failed', transaction: { transaction_id: reference, order: { amount: '15.00', currency: 'USD' }, result: { status: 'failed', message: 'late' } } };
    const response = await t.api.request(path, { method: 'POST', body: JSON.stringify(late) });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as any).changed, false);
    assert.deepEqual(await events(), before);
    assert.equal((await t.api.payment(body.id)).body.status, 'succeeded');
  });

  it('the simulator settles pending payments by itself when told to', async () => {
    const local = await startTestStack({ settleAfterMs: 50 });
    try {
      const { body } = await client(local).pay('4000000000000259');
      await eventually(async () => (await client(local).payment(body.id)).body.status === 'succeeded');
    } finally {
      await local.close();
    }
  });
});
