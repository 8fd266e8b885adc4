/** The outbox worker's arithmetic, and the Pagos enrichment metadata built from a payment. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, digestOf } from '../../server/outbox/worker.ts';
import { attemptLabel, enrichmentMetadata } from '../../server/pagos/enrichment.ts';
import type { PaymentRow, SessionRow } from '../../server/payments/rows.ts';

describe('backoff', () => {
  const options = { backoffBaseMs: 1000, backoffMaxMs: 3600_000 };
  it('doubles from the base and stops at the cap', () => {
    const exact = [1, 2, 3, 4, 5, 12, 13, 40, 1000].map((n) => backoffMs(n, options, () => 0.5));
    assert.deepEqual(exact, [1000, 2000, 4000, 8000, 16000, 2048_000, 3600_000, 3600_000, 3600_000]);
  });
  it('jitters within ±20%', () => {
    assert.equal(backoffMs(3, options, () => 0), 3200);
    assert.equal(backoffMs(3, options, () => 0.999999), 4800);
  });
});

describe('digest', () => {
  it('ignores key order, sees any change', () => {
    assert.equal(digestOf({ a: 1, b: { c: [1, 2], d: 'x' } }), digestOf({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    assert.notEqual(digestOf({ a: 1 }), digestOf({ a: 2 }));
    assert.notEqual(digestOf({ c: [1, 2] }), digestOf({ c: [2, 1] }));
  });
});

describe('enrichment metadata', () => {
  const at = new Date('2026-11-21T10:00:00Z');
  const session = { id: 'cs_1', metadata: { campaign: 'fall', paykit_status: 'spoofed' }, invoice_id: null } as unknown as SessionRow;
  const payment = {
    id: 'pay_1', attempt: 2, method: 'card', provider: 'pepper', status: 'failed', error_code: 'card_declined', created_at: at,
    telemetry: { locale: 'pt-BR', device_class: 'tablet', ready_to_submit_ms: 0 },
    enrichment: { billing_retry: 1 },
  } as unknown as PaymentRow;

  it('labels attempts as Pagos suggests', () => {
    assert.deepEqual([1, 2, 3, 4, 7].map(attemptLabel), ['First attempt', 'Retry', 'Second retry', 'Third retry', 'Retry 6']);
  });

  it('the merchant\'s labels, then Paykit\'s own keys, which nothing overwrites', () => {
    assert.deepEqual(enrichmentMetadata(payment, session), {
      campaign: 'fall',
      billing_retry: 1,
      paykit_attempt: 2,
      paykit_attempt_label: 'Retry',
      paykit_payment_method: 'card',
      paykit_provider: 'pepper',
      paykit_status: 'failed',
      paykit_error_code: 'card_declined',
      paykit_locale: 'pt-BR',
      paykit_device_class: 'tablet',
      paykit_ready_to_submit_ms: 0,
      paykit_channel: 'checkout',
    });
  });

  it('an abandonment goes with the session\'s last payment, when the buyer left after it', () => {
    const left = { ...session, abandoned_step: 'after_failure', abandoned_at: new Date(at.getTime() + 1000) } as SessionRow;
    assert.equal(enrichmentMetadata(payment, left).paykit_abandoned_step, 'after_failure');
    assert.equal(enrichmentMetadata(payment, left, false).paykit_abandoned_step, undefined, 'not an earlier attempt');
    const before = { ...left, abandoned_at: new Date(at.getTime() - 1000) } as SessionRow;
    assert.equal(enrichmentMetadata(payment, before).paykit_abandoned_step, undefined, 'not a payment made after leaving');
    assert.equal(enrichmentMetadata(payment, { ...session, invoice_id: 'inv_1' } as SessionRow).paykit_channel, 'hosted_invoice');
  });
});
