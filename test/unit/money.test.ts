import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { currencyExponent, formatAmount, fromDecimal, isKnownCurrency, toDecimalString } from '../../contract/money.ts';

describe('amount conversion', () => {
  const table: [number, string, string][] = [
    [1500, 'USD', '15.00'],
    [1, 'USD', '0.01'],
    [10, 'EUR', '0.10'],
    [99_999_999, 'USD', '999999.99'],
    [1500, 'JPY', '1500'],
    [1234, 'KWD', '1.234'],
    [5, 'BHD', '0.005'],
    [12345, 'CLF', '1.2345'],
    [-250, 'USD', '-2.50'],
  ];
  for (const [minor, currency, decimal] of table) {
    it(`${minor} ${currency} ⇄ ${decimal}`, () => {
      assert.equal(toDecimalString(minor, currency), decimal);
      assert.equal(fromDecimal(decimal, currency), minor);
    });
  }

  it('reads numbers and strings from providers without floating point drift', () => {
    assert.equal(fromDecimal(15, 'USD'), 1500);
    assert.equal(fromDecimal(0.29, 'USD'), 29);
    assert.equal(fromDecimal('1.1', 'USD'), 110);
    assert.equal(fromDecimal(' 100.25 ', 'USD'), 10025);
  });

  it('refuses more decimals than the currency has, and non-numbers', () => {
    assert.throws(() => fromDecimal('1.005', 'USD'), /decimals/);
    assert.throws(() => fromDecimal('1.5', 'JPY'), /decimals/);
    assert.throws(() => fromDecimal('12abc', 'USD'), /not a decimal/);
    assert.throws(() => toDecimalString(1.5, 'USD'), /safe integer/);
  });

  it('knows exponents from the table and refuses unknown currencies', () => {
    assert.equal(currencyExponent('USD'), 2);
    assert.equal(currencyExponent('JPY'), 0);
    assert.equal(currencyExponent('KWD'), 3);
    assert.equal(isKnownCurrency('BRL'), true);
    assert.equal(isKnownCurrency('XYZ'), false);
    assert.equal(isKnownCurrency('usd'), false);
    assert.throws(() => currencyExponent('XYZ'), /unknown currency/);
  });

  it('formats for people in their locale', () => {
    assert.equal(formatAmount(1500, 'USD', 'en-US'), '$15.00');
    assert.equal(formatAmount(1500, 'JPY', 'en-US'), '¥1,500');
    assert.equal(formatAmount(123456, 'BRL', 'pt-BR').replace(/\s/g, ' '), 'R$ 1.234,56');
    assert.equal(formatAmount(1234, 'KWD', 'en-US').replace(/\s/g, ' '), 'KWD 1.234');
  });
});
