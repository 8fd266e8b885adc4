/**
 * ABA routing numbers: checksum (each known number's weighted sum hand-checked in the comments),
 * Federal Reserve prefix ranges, as-you-type state, account numbers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isValidAccountNumber, isValidRoutingNumber, routingDigits, routingState } from '../../contract/aba.ts';

// Weighted sums 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9), computed by hand:
const VALID = [
  '021000021', // JPMorgan Chase NY: 3·0 + 7·(2+0+2) + (1+0+1) = 30
  '011000015', // Federal Reserve Boston: 3·0 + 7·(1+0+1) + (1+0+5) = 20
  '026009593', // Bank of America NY: 3·(0+0+5) + 7·(2+0+9) + (6+9+3) = 110
  '121000358', // Bank of America CA: 3·(1+0+3) + 7·(2+0+5) + (1+0+8) = 70
  '322271627', // thrift range (32): 3·(3+2+6) + 7·(2+7+2) + (2+1+7) = 120
  '611000017', // electronic range (61): 3·6 + 7·(1+0+1) + (1+0+7) = 40
  '800000006', // traveler's checks (80): 3·8 + 0 + 6 = 30
];

describe('routingDigits', () => {
  test('keeps only digits', () => {
    assert.equal(routingDigits('021-000-021'), '021000021');
    assert.equal(routingDigits(' 0210 00021 '), '021000021');
    assert.equal(routingDigits('abc'), '');
  });
});

describe('isValidRoutingNumber', () => {
  for (const n of VALID) test(`accepts ${n}`, () => assert.equal(isValidRoutingNumber(n), true));

  test('rejects a wrong check digit', () => {
    assert.equal(isValidRoutingNumber('021000022'), false); // sum 31
    assert.equal(isValidRoutingNumber('011000016'), false); // sum 21
  });

  test('490000018 (gateway doc example) passes the checksum but prefix 49 is unassigned', () => {
    // 3·(4+0+0) + 7·(9+0+1) + (0+0+8) = 90 ≡ 0 (mod 10), yet 49 is outside every Fed range.
    assert.equal(isValidRoutingNumber('490000018'), false);
  });

  test('rejects checksum-valid numbers with unassigned prefixes', () => {
    assert.equal(isValidRoutingNumber('131000018'), false); // 13: 3·1 + 7·(3+0+1) + (1+0+8) = 40
    assert.equal(isValidRoutingNumber('730000008'), false); // 73: 3·7 + 7·3 + 8 = 50
    assert.equal(isValidRoutingNumber('990000000'), false); // 99: 3·9 + 7·9 = 90
    assert.equal(isValidRoutingNumber('200000004'), false); // 20: 3·2 + 4 = 10
  });

  test('rejects all zeros, wrong lengths and non-digits', () => {
    assert.equal(isValidRoutingNumber('000000000'), false);
    assert.equal(isValidRoutingNumber('02100002'), false);
    assert.equal(isValidRoutingNumber('0210000210'), false);
    assert.equal(isValidRoutingNumber('021-000-021'), false);
    assert.equal(isValidRoutingNumber(' 021000021'), false);
    assert.equal(isValidRoutingNumber(''), false);
    assert.equal(isValidRoutingNumber('０２１０００２１'), false);
  });
});

describe('routingState', () => {
  test('empty', () => {
    assert.equal(routingState(''), 'empty');
    assert.equal(routingState('   '), 'empty');
  });
  test('incomplete', () => {
    assert.equal(routingState('0'), 'incomplete');
    assert.equal(routingState('02100002'), 'incomplete');
    assert.equal(routingState('021 000'), 'incomplete');
  });
  test('invalid', () => {
    assert.equal(routingState('02a'), 'invalid');
    assert.equal(routingState('021-000'), 'invalid');
    assert.equal(routingState('021000022'), 'invalid');
    assert.equal(routingState('490000018'), 'invalid');
    assert.equal(routingState('0210000210'), 'invalid');
    assert.equal(routingState('000000000'), 'invalid');
  });
  test('valid', () => {
    assert.equal(routingState('021000021'), 'valid');
    assert.equal(routingState(' 021 000 021 '), 'valid');
  });
});

describe('isValidAccountNumber', () => {
  test('4 to 17 digits', () => {
    assert.equal(isValidAccountNumber('1234'), true);
    assert.equal(isValidAccountNumber('999999'), true);
    assert.equal(isValidAccountNumber('12345678901234567'), true);
  });
  test('rejects too short, too long, non-digits', () => {
    assert.equal(isValidAccountNumber('123'), false);
    assert.equal(isValidAccountNumber('123456789012345678'), false);
    assert.equal(isValidAccountNumber(''), false);
    assert.equal(isValidAccountNumber('1234-5678'), false);
    assert.equal(isValidAccountNumber(' 12345'), false);
  });
});
