/** The hosted invoice page script's amount parser (widget/invoice/amount.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAmount } from '../../widget/invoice/amount.ts';

test('reads a decimal point or a decimal comma, up to the currency’s decimals', () => {
  assert.equal(parseAmount('125.50', 2), 12550);
  assert.equal(parseAmount('125,5', 2), 12550);
  assert.equal(parseAmount(' 7 ', 2), 700);
  assert.equal(parseAmount('0.01', 2), 1);
  assert.equal(parseAmount('.5', 2), 50);
  assert.equal(parseAmount('3.', 2), 300);
  assert.equal(parseAmount('1500', 0), 1500);
  assert.equal(parseAmount('1,234', 3), 1234);
  assert.equal(parseAmount('0', 2), 0);
});

test('refuses thousands separators, too many decimals, signs, symbols and nothing', () => {
  for (const [value, exponent] of [
    ['1,234.50', 2],
    ['1.234,50', 2],
    ['125.505', 2],
    ['1.5', 0],
    ['-5', 2],
    ['+5', 2],
    ['$5', 2],
    ['5 00', 2],
    ['1e3', 2],
    ['', 2],
    ['.', 2],
    ['٣', 2],
    ['99999999999999999', 2],
  ] as const) {
    assert.equal(parseAmount(value, exponent), null, `${value} (${exponent})`);
  }
});
