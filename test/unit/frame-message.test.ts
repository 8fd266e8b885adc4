/**
 * The host's hand-written frame-message check must agree with the contract's zod schema on
 * every shape: same accept/reject, same output (unknown keys dropped).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameMessageSchema } from '../../contract/messages.ts';
import { parseFrameMessage } from '../../widget/lib/frame-message.ts';

const e = { source: 'paykit', v: 1 };
const samples: unknown[] = [
  { ...e, type: 'loaded' },
  { ...e, type: 'loaded', extra: 'dropped' },
  { ...e, type: 'ready', session: { id: 'cs_1', amount: 1500, currency: 'USD', status: 'open' } },
  { ...e, type: 'ready', session: { id: 'cs_1', amount: 15.5, currency: 'USD', status: 'open' } },
  { ...e, type: 'ready', session: { id: 'cs_1', amount: 2 ** 60, currency: 'USD', status: 'open' } },
  { ...e, type: 'ready', session: { id: 'cs_1', amount: 1500, currency: 'USD', status: 'open', extra: 1 } },
  { ...e, type: 'ready', session: null },
  { ...e, type: 'ready', session: ['cs_1'] },
  { ...e, type: 'resize', height: 320 },
  { ...e, type: 'resize', height: 320.5 },
  { ...e, type: 'resize', height: 0 },
  { ...e, type: 'resize', height: -1 },
  { ...e, type: 'resize', height: 10_000 },
  { ...e, type: 'resize', height: 10_001 },
  { ...e, type: 'resize', height: Number.NaN },
  { ...e, type: 'resize', height: Number.POSITIVE_INFINITY },
  { ...e, type: 'resize', height: '320' },
  { ...e, type: 'change', complete: true, empty: false, brand: 'visa' },
  { ...e, type: 'change', complete: true, empty: false, brand: null },
  { ...e, type: 'change', complete: true, empty: false },
  { ...e, type: 'change', complete: 'yes', empty: false, brand: null },
  { ...e, type: 'change', complete: true, empty: false, brand: 'x'.repeat(41) },
  { ...e, type: 'processing', paymentId: 'pay_1' },
  { ...e, type: 'processing' },
  { ...e, type: 'success', paymentId: 'pay_1', status: 'succeeded' },
  { ...e, type: 'success', paymentId: 'pay_1' },
  { ...e, type: 'failure', code: 'card_declined', message: 'Declined', paymentId: null },
  { ...e, type: 'failure', code: 'card_declined', message: 'Declined', paymentId: 'pay_1' },
  { ...e, type: 'failure', code: 'card_declined', message: 'x'.repeat(501), paymentId: null },
  { ...e, type: 'failure', code: 'x'.repeat(101), message: 'Declined', paymentId: null },
  { ...e, type: 'failure', code: 'card_declined', message: 'Declined' },
  { ...e, type: 'redirect', url: 'https://bank.example/3ds', paymentId: 'pay_1' },
  { ...e, type: 'redirect', url: 'http://bank.example/3ds', paymentId: 'pay_1' },
  { ...e, type: 'redirect', url: 'javascript:alert(1)', paymentId: 'pay_1' },
  { ...e, type: 'redirect', url: 'HTTPS://bank.example', paymentId: 'pay_1' },
  { ...e, type: 'redirect', url: `https://${'a'.repeat(4100)}`, paymentId: 'pay_1' },
  { ...e, type: 'init', clientSecret: 'cs_1_secret_x', theme: {} },
  { ...e, type: 'unknown' },
  { source: 'other', v: 1, type: 'loaded' },
  { source: 'paykit', v: 2, type: 'loaded' },
  { source: 'paykit', type: 'loaded' },
  null,
  'loaded',
  42,
  [],
  [{ ...e, type: 'loaded' }],
];

test('parseFrameMessage agrees with frameMessageSchema', () => {
  for (const sample of samples) {
    const zod = frameMessageSchema.safeParse(sample);
    const mine = parseFrameMessage(sample);
    assert.deepEqual(mine, zod.success ? zod.data : null, JSON.stringify(sample)?.slice(0, 120));
  }
});

test('accepted messages are fresh objects', () => {
  const sample = { ...e, type: 'success', paymentId: 'pay_1', status: 'succeeded' };
  const parsed = parseFrameMessage(sample);
  assert.notEqual(parsed, sample);
  assert.deepEqual(parsed, sample);
});
