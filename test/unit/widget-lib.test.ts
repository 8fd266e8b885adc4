import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPrice } from '../../widget/lib/amount.ts';
import { classifyPayment, isSettled } from '../../widget/lib/outcome.ts';
import { poll } from '../../widget/lib/poll.ts';
import { fieldErrorsFromApi } from '../../widget/lib/server-fields.ts';
import { sessionIdFromSecret } from '../../widget/lib/session.ts';
import { pickTheme } from '../../widget/lib/theme.ts';
import { isHttpUrl, isOrigin } from '../../widget/lib/url.ts';
import { uuid } from '../../widget/lib/uuid.ts';
import type { PublicPayment } from '../../contract/api.ts';

const payment = (overrides: Partial<PublicPayment>): PublicPayment => ({
  id: 'pay_1', status: 'succeeded', amount: 1500, surcharge_amount: 0, currency: 'USD', method: 'card', installments: 1, next_action: null, error: null, card: null, ...overrides,
});

test('session id is the part of the client secret before _secret_', () => {
  assert.equal(sessionIdFromSecret('cs_abc123_secret_xyz_789'), 'cs_abc123');
  assert.equal(sessionIdFromSecret('cs_abc'), null);
  assert.equal(sessionIdFromSecret('_secret_x'), null);
});

test('payment outcomes', () => {
  assert.deepEqual(classifyPayment(payment({})), { kind: 'succeeded', paymentId: 'pay_1', status: 'succeeded' });
  assert.deepEqual(classifyPayment(payment({ status: 'requires_capture' })), { kind: 'succeeded', paymentId: 'pay_1', status: 'requires_capture' });
  assert.deepEqual(
    classifyPayment(payment({ status: 'requires_action', next_action: { type: 'redirect', url: 'https://bank.example/3ds' } })),
    { kind: 'redirect', paymentId: 'pay_1', url: 'https://bank.example/3ds' },
  );
  // A redirect to anything but http(s) is not followed: keep waiting instead.
  assert.equal(classifyPayment(payment({ status: 'requires_action', next_action: { type: 'redirect', url: 'javascript:alert(1)' } })).kind, 'processing');
  assert.equal(classifyPayment(payment({ status: 'processing' })).kind, 'processing');
  assert.deepEqual(classifyPayment(payment({ status: 'failed', error: { code: 'card_declined', message: 'Declined', fields: { 'card.cvc': 'Wrong' } } })), {
    kind: 'failed', code: 'card_declined', message: 'Declined', paymentId: 'pay_1', fields: { 'card.cvc': 'Wrong' },
  });
  assert.deepEqual(classifyPayment(payment({ status: 'failed' })), { kind: 'failed', code: 'payment_failed', message: null, paymentId: 'pay_1', fields: null });
  assert.equal(classifyPayment(payment({ status: 'canceled' })).kind, 'failed');
  assert.equal(classifyPayment(payment({ status: 'something_new' as PublicPayment['status'] })).kind, 'processing', 'unknown is never success');
  assert.equal(isSettled(classifyPayment(payment({ status: 'processing' }))), false);
  assert.equal(isSettled(classifyPayment(payment({}))), true);
});

test('PIX codes and 3-D Secure challenges wait for the buyer: polling goes on while they show', () => {
  const expires = '2030-01-01T00:10:00.000Z';
  const pix = classifyPayment(payment({ status: 'requires_action', method: 'pix', installments: null, next_action: { type: 'pix', qr_code: '00020126BR.GOV.BCB.PIX', expires_at: expires } }));
  assert.deepEqual(pix, { kind: 'pix', paymentId: 'pay_1', qrCode: '00020126BR.GOV.BCB.PIX', expiresAt: expires });
  const challenge = classifyPayment(payment({ status: 'requires_action', next_action: { type: 'three_ds_challenge', url: 'https://acs.example/challenge/1', expires_at: expires } }));
  assert.deepEqual(challenge, { kind: 'challenge', paymentId: 'pay_1', url: 'https://acs.example/challenge/1', expiresAt: expires });
  assert.equal(isSettled(pix), false);
  assert.equal(isSettled(challenge), false);
  // Malformed actions are never shown: the payment counts as processing.
  const action = (next_action: unknown) => classifyPayment(payment({ status: 'requires_action', next_action: next_action as PublicPayment['next_action'] })).kind;
  assert.equal(action({ type: 'three_ds_challenge', url: 'javascript:alert(1)', expires_at: expires }), 'processing');
  assert.equal(action({ type: 'three_ds_challenge', url: 'https://acs.example/c', expires_at: 'soon' }), 'processing');
  assert.equal(action({ type: 'pix', qr_code: '', expires_at: expires }), 'processing');
  assert.equal(action({ type: 'pix', qr_code: 'x' }), 'processing');
  assert.equal(action({ type: 'something_new' }), 'processing');
  assert.equal(action(null), 'processing');
});

test('server field names map onto widget fields', () => {
  assert.deepEqual(fieldErrorsFromApi({ 'card.number': 'A', 'card.exp_month': 'B', 'card.exp_year': 'C', 'card.cvc': 'D', 'card.name': 'E', email: 'F', other: 'G' }), {
    cardNumber: 'A', expiry: 'B', cvc: 'D', name: 'E', email: 'F',
  });
  assert.deepEqual(fieldErrorsFromApi({ 'payment_method.card.number': 'A' }), { cardNumber: 'A' });
  assert.deepEqual(
    fieldErrorsFromApi({
      'payment_method.ach.holder_name': 'A',
      'payment_method.ach.routing_number': 'B',
      'ach.account_number': 'C',
      'payment_method.ach.mandate_accepted': 'D',
      'payment_method.saved_card.cvc': 'E',
      'payment_method.card.billing_state': 'F',
      'payment_method.payment_method.card.number': 'G',
    }),
    { name: 'A', routingNumber: 'B', accountNumber: 'C', mandate: 'D', cvc: 'E', billingState: 'F' },
  );
  assert.deepEqual(fieldErrorsFromApi({ toString: 'x', __proto__: 'y' } as Record<string, string>), {});
  assert.deepEqual(fieldErrorsFromApi(null), {});
});

test('theme: only documented properties with safe, non-empty values', () => {
  const values: Record<string, string> = {
    '--pay-color-primary': ' #ff0000 ',
    '--pay-radius': '4px',
    '--pay-font-family': 'url(https://evil.example/font)',
    '--pay-color-text': '',
    '--pay-spacing': 'red; background: url(x)',
    '--pay-color-border': 'rgb(1, 2, 3)',
  };
  assert.deepEqual(pickTheme((property) => values[property] ?? ''), {
    '--pay-color-primary': '#ff0000',
    '--pay-radius': '4px',
    '--pay-color-border': 'rgb(1, 2, 3)',
  });
});

test('URLs and origins', () => {
  assert.equal(isHttpUrl('https://bank.example/3ds'), true);
  assert.equal(isHttpUrl('javascript:alert(1)'), false);
  assert.equal(isHttpUrl('data:text/html,hi'), false);
  assert.equal(isHttpUrl('/relative'), false);
  assert.equal(isOrigin('https://shop.example:8443'), true);
  assert.equal(isOrigin('https://shop.example/'), false);
  assert.equal(isOrigin('https://shop.example/path'), false);
  assert.equal(isOrigin('null'), false);
  assert.equal(isOrigin(null), false);
});

test('idempotency keys are v4 UUIDs, also without crypto.randomUUID', () => {
  const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  assert.match(uuid(), v4);
  const original = crypto.randomUUID;
  try {
    (crypto as { randomUUID?: unknown }).randomUUID = undefined;
    const a = uuid();
    assert.match(a, v4);
    assert.notEqual(a, uuid());
  } finally {
    crypto.randomUUID = original;
  }
});

test('amounts: currency exponent and locale, a bad locale falls back', () => {
  assert.equal(formatPrice(1500, 'USD', 'en-US'), '$15.00');
  assert.equal(formatPrice(1500, 'JPY', 'en-US'), '¥1,500');
  assert.equal(formatPrice(1500, 'BRL', 'pt-BR'), 'R$\u00a015,00');
  assert.equal(formatPrice(1500, 'USD', 'not a locale!'), '$15.00');
});

test('poll returns the first value, retries failures, gives up at the deadline', async () => {
  let calls = 0;
  const value = await poll(async () => {
    calls++;
    if (calls === 1) throw new Error('network');
    return calls === 3 ? 'done' : undefined;
  }, { intervalMs: 1, timeoutMs: 1000 });
  assert.equal(value, 'done');
  assert.equal(calls, 3);

  const started = Date.now();
  assert.equal(await poll(async () => undefined, { intervalMs: 5, timeoutMs: 40 }), undefined);
  assert.ok(Date.now() - started >= 40);

  const controller = new AbortController();
  setTimeout(() => controller.abort(), 10);
  assert.equal(await poll(async () => undefined, { intervalMs: 1000, timeoutMs: 60_000, signal: controller.signal }), undefined);
});
