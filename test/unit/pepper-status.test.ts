/**
 * Pepper response codes on Paykit's state machine: every documented range boundary, each
 * transaction type, the unknown-is-processing rule, and the AVS/CVV lookups.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PAYMENT_STATUSES } from '../../contract/api.ts';
import {
  AVS_RESULTS, CVV_RESULTS, avsResult, cvvResult, mapPepperResponse, type PepperTransactionType,
} from '../../server/providers/pepper/status.ts';

const TYPES: readonly PepperTransactionType[] = ['sale', 'authorize', 'verification', 'credit'];

describe('mapPepperResponse', () => {
  test('99 pending redirect → requires_action', () => {
    for (const type of TYPES) assert.deepEqual(mapPepperResponse(99, type), { status: 'requires_action' });
  });

  test('100 approved: requires_capture for authorize, succeeded otherwise', () => {
    assert.deepEqual(mapPepperResponse(100, 'sale'), { status: 'succeeded' });
    assert.deepEqual(mapPepperResponse(100, 'authorize'), { status: 'requires_capture' });
    assert.deepEqual(mapPepperResponse(100, 'verification'), { status: 'succeeded' });
    assert.deepEqual(mapPepperResponse(100, 'credit'), { status: 'succeeded' });
  });

  test('110 partial approval: as 100, flagged partial', () => {
    assert.deepEqual(mapPepperResponse(110, 'sale'), { status: 'succeeded', partial: true });
    assert.deepEqual(mapPepperResponse(110, 'authorize'), { status: 'requires_capture', partial: true });
    assert.deepEqual(mapPepperResponse(110, 'verification'), { status: 'succeeded', partial: true });
    assert.deepEqual(mapPepperResponse(110, 'credit'), { status: 'succeeded', partial: true });
  });

  test('undocumented 1xx codes are not guessed to be approvals', () => {
    for (const code of [101, 109, 111, 150, 199]) {
      for (const type of TYPES) assert.deepEqual(mapPepperResponse(code, type), { status: 'processing' }, `${code}`);
    }
  });

  const failures: Array<[number, string]> = [
    [200, 'card_declined'], [250, 'card_declined'], [299, 'card_declined'],
    [300, 'gateway_declined'], [399, 'gateway_declined'],
    [400, 'processor_error'], [499, 'processor_error'],
  ];
  for (const [code, error] of failures) {
    test(`${code} → failed ${error}`, () => {
      for (const type of TYPES) assert.deepEqual(mapPepperResponse(code, type), { status: 'failed', code: error });
    });
  }

  test('0, unknown, out of range, non-integer and missing → processing', () => {
    for (const code of [0, -1, 1, 98, 500, 999, 100.5, 299.5, NaN, Infinity, -Infinity, undefined]) {
      for (const type of TYPES) assert.deepEqual(mapPepperResponse(code, type), { status: 'processing' }, String(code));
    }
  });

  test('tolerates a string reaching it from untyped JSON without guessing', () => {
    assert.deepEqual(mapPepperResponse('100' as unknown as number, 'sale'), { status: 'processing' });
  });

  test('every status is a Paykit status', () => {
    for (let code = -2; code <= 600; code++) {
      for (const type of TYPES) assert.ok(PAYMENT_STATUSES.includes(mapPepperResponse(code, type).status));
    }
  });
});

describe('AVS results', () => {
  test('the documented table, 27 codes', () => {
    assert.equal(Object.keys(AVS_RESULTS).length, 27);
    for (const code of '0ABCDFGIMNPRSUWXYZL12345678') assert.ok(Object.hasOwn(AVS_RESULTS, code), code);
  });

  test('lookups', () => {
    assert.deepEqual(avsResult('Y'), { code: 'Y', description: 'Exact match, 5-character numeric ZIP' });
    assert.deepEqual(avsResult('0'), { code: '0', description: 'AVS not available' });
    assert.deepEqual(avsResult(0), { code: '0', description: 'AVS not available' });
    assert.deepEqual(avsResult(' n '), { code: 'N', description: 'No address or ZIP match' });
    assert.equal(avsResult('8')?.description, 'Cardholder name, address and ZIP do not match');
  });

  test('unknown → null', () => {
    for (const code of ['E', 'Q', '9', '', 'YY', 'toString', '__proto__', null, undefined]) {
      assert.equal(avsResult(code), null, String(code));
    }
  });
});

describe('CVV results', () => {
  test('the common codes', () => {
    assert.deepEqual(Object.keys(CVV_RESULTS).sort(), ['M', 'N', 'P', 'S', 'U']);
    assert.deepEqual(cvvResult('M'), { code: 'M', description: 'CVV match' });
    assert.deepEqual(cvvResult('n'), { code: 'N', description: 'CVV no match' });
    assert.equal(cvvResult('P')?.description, 'Not processed');
    assert.ok(cvvResult('S'));
    assert.ok(cvvResult('U'));
  });

  test('unknown → null', () => {
    for (const code of ['X', '', 'constructor', 0, null, undefined]) assert.equal(cvvResult(code), null, String(code));
  });
});
