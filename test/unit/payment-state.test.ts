import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PAYMENT_STATUSES } from '../../contract/api.ts';
import { canTransition, sessionStatusFor, TERMINAL } from '../../server/payments/state.ts';
import { mapPayAgencyStatus, PAYAGENCY_RESULT_WORDS, PAYAGENCY_STATUS_CODES } from '../../server/providers/payagency/status.ts';
import { mapPayAgencyAnswer } from '../../server/providers/payagency/adapter.ts';

describe('the payment state machine', () => {
  it('never leaves a terminal status', () => {
    for (const from of TERMINAL) for (const to of PAYMENT_STATUSES) assert.equal(canTransition(from, to), false, `${from} → ${to}`);
  });
  it('moves forward through the documented order', () => {
    assert.ok(canTransition('requires_payment_method', 'processing'));
    assert.ok(canTransition('processing', 'requires_action'));
    assert.ok(canTransition('requires_action', 'succeeded'));
    assert.ok(canTransition('requires_action', 'failed'));
    assert.ok(canTransition('requires_capture', 'succeeded'));
    assert.equal(canTransition('processing', 'requires_payment_method'), false);
    assert.equal(canTransition('processing', 'processing'), false);
    assert.equal(canTransition('requires_capture', 'failed'), false);
  });
  it('keeps the session in step', () => {
    assert.equal(sessionStatusFor('succeeded'), 'complete');
    assert.equal(sessionStatusFor('failed'), 'open');
    assert.equal(sessionStatusFor('requires_action'), 'processing');
  });
});

describe('PayAgency status mapping table', () => {
  const expected: [number, string, string][] = [
    [200, 'success', 'succeeded'],
    [300, 'redirected', 'requires_action'],
    [303, 'pending', 'processing'],
    [304, 'to_be_confirm', 'processing'],
    [400, 'failed', 'failed'],
    [403, 'blocked', 'failed'],
  ];
  for (const [code, word, status] of expected) {
    it(`${code} ${word} → ${status}`, () => {
      assert.equal(PAYAGENCY_STATUS_CODES[code]!.status, status);
      assert.equal(PAYAGENCY_RESULT_WORDS[word]!.status, status);
      assert.equal(mapPayAgencyStatus(code, word).status, status);
    });
  }
  it('401 and 402 fail without a result word', () => {
    assert.equal(mapPayAgencyStatus(401, undefined).code, 'provider_authentication_failed');
    assert.equal(mapPayAgencyStatus(402, undefined).code, 'invalid_payment_details');
  });
  it('maps anything unknown or ambiguous to processing, never to success', () => {
    for (const [code, word] of [[299, undefined], [undefined, 'approved_maybe'], [undefined, undefined], [500, 'weird']] as const) {
      assert.equal(mapPayAgencyStatus(code, word).status, 'processing');
    }
  });
  it('a redirect without a usable auth_url waits for the webhook instead', () => {
    assert.equal(mapPayAgencyAnswer({ status: 300, transaction: { result: { status: 'redirected' } } }).status, 'processing');
    assert.equal(mapPayAgencyAnswer({ status: 300, auth_url: 'javascript:alert(1)', transaction: { result: { status: 'redirected' } } }).status, 'processing');
  });
  it('402 field errors are renamed to Paykit fields', () => {
    const outcome = mapPayAgencyAnswer({ status: 402, errors: { card_number: ['bad number'], email: ['bad email'], first_name: ['required'] } });
    assert.deepEqual(outcome.error!.fields, { 'card.number': 'bad number', email: 'bad email', 'card.name': 'required' });
  });
});

describe('what only the merchant may do', () => {
  it('voids an unsettled sale (succeeded → canceled); no provider answer or webhook can', () => {
    assert.ok(canTransition('succeeded', 'canceled', 'merchant'));
    for (const source of ['confirm', 'webhook', 'return', 'reconcile'] as const) assert.equal(canTransition('succeeded', 'canceled', source), false, source);
    assert.equal(canTransition('failed', 'succeeded', 'merchant'), false);
    assert.equal(canTransition('canceled', 'succeeded', 'merchant'), false);
  });
});
