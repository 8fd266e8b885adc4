/**
 * Card surcharge arithmetic: table-driven rates in thousandths of a percent, half-up rounding,
 * range errors, totals and the cap (rounded down).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { surchargeCap, surchargeFor, withSurcharge } from '../../contract/surcharge.ts';

describe('surchargeFor', () => {
  const cases: Array<[base: number, rate: number, expected: number, note: string]> = [
    [1000, 3500, 35, '35.000'],
    [999, 3500, 35, '34.965 → 35'],
    [1, 3500, 0, '0.035 → 0'],
    [100_000_000, 2999, 2_999_000, 'exact'],
    [5000, 10, 1, '0.5 → 1 (half up)'],
    [4999, 10, 0, '0.4999 → 0'],
    [15_000, 10, 2, '1.5 → 2 (half up)'],
    [2500, 1000, 25, '1% exact'],
    [50, 1000, 1, '0.5 → 1 (half up)'],
    [49, 1000, 0, '0.49 → 0'],
    [0, 3500, 0, 'zero base'],
    [1234, 0, 0, 'zero rate'],
    [1234, 10_000, 123, '10%: 123.4 → 123'],
    [1235, 10_000, 124, '10%: 123.5 → 124'],
    [Number.MAX_SAFE_INTEGER, 10_000, 900_719_925_474_099, 'no precision loss: …4099.1 → …4099'],
  ];
  for (const [base, rate, expected, note] of cases) {
    test(`${base} @ ${(rate / 1000).toFixed(3)}% → ${expected} (${note})`, () => {
      assert.equal(surchargeFor(base, rate), expected);
    });
  }

  test('throws RangeError on a bad base', () => {
    for (const base of [-1, 1.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1]) {
      assert.throws(() => surchargeFor(base, 3500), RangeError, String(base));
    }
  });

  test('throws RangeError on a rate outside 0..10000', () => {
    for (const rate of [-1, 10_001, 3.5, NaN]) {
      assert.throws(() => surchargeFor(1000, rate), RangeError, String(rate));
    }
  });
});

describe('withSurcharge', () => {
  test('total = base + surcharge', () => {
    assert.deepEqual(withSurcharge(999, surchargeFor(999, 3500)), { base: 999, surcharge: 35, total: 1034 });
    assert.deepEqual(withSurcharge(1000, 0), { base: 1000, surcharge: 0, total: 1000 });
    for (const [base, rate] of [[1, 3500], [123_456, 2999], [100_000_000, 3000]] as const) {
      const r = withSurcharge(base, surchargeFor(base, rate));
      assert.equal(r.total, r.base + r.surcharge);
    }
  });

  test('throws when the total is not a safe integer', () => {
    assert.throws(() => withSurcharge(Number.MAX_SAFE_INTEGER, 1), RangeError);
    assert.equal(withSurcharge(Number.MAX_SAFE_INTEGER - 1, 1).total, Number.MAX_SAFE_INTEGER);
  });

  test('throws on negative or non-integer parts', () => {
    assert.throws(() => withSurcharge(-1, 0), RangeError);
    assert.throws(() => withSurcharge(100, -1), RangeError);
    assert.throws(() => withSurcharge(100, 0.5), RangeError);
  });
});

describe('surchargeCap', () => {
  test('defaults to 3.000%, rounded down so the cap is never exceeded', () => {
    assert.equal(surchargeCap(1000), 30);
    assert.equal(surchargeCap(999), 29); // 29.97
    assert.equal(surchargeCap(1), 0);
    assert.equal(surchargeCap(0), 0);
  });

  test('takes a configurable cap', () => {
    assert.equal(surchargeCap(1000, 4000), 40);
    assert.equal(surchargeCap(1000, 0), 0);
    assert.equal(surchargeCap(999, 10_000), 99);
  });

  test('clamping a rate above the cap', () => {
    assert.equal(Math.min(surchargeFor(1000, 3500), surchargeCap(1000)), 30);
    assert.equal(Math.min(surchargeFor(1000, 2500), surchargeCap(1000)), 25);
  });

  test('throws RangeError on bad input', () => {
    assert.throws(() => surchargeCap(-1), RangeError);
    assert.throws(() => surchargeCap(1000, 10_001), RangeError);
    assert.throws(() => surchargeCap(1000, -1), RangeError);
  });
});
