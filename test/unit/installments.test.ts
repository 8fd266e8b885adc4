/**
 * Installments: every plan sums to the total exactly, remainders land on the first
 * installments, options never offer a sub-cent installment, and bad input throws.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_INSTALLMENTS, installmentOptions, installmentPlan } from '../../contract/installments.ts';

const sum = (amounts: number[]) => amounts.reduce((a, b) => a + b, 0);

describe('installmentPlan', () => {
  test('sums to the total for every total 1..5000 and every count', () => {
    for (let total = 1; total <= 5000; total++) {
      for (let count = 1; count <= MAX_INSTALLMENTS; count++) {
        const plan = installmentPlan(total, count);
        assert.equal(plan.length, count);
        assert.equal(sum(plan), total);
        const max = Math.max(...plan);
        const min = Math.min(...plan);
        assert.ok(max - min <= 1, `${total}/${count}`);
        for (let i = 1; i < plan.length; i++) assert.ok((plan[i] ?? 0) <= (plan[i - 1] ?? 0), `${total}/${count} not descending`);
      }
    }
  });

  test('sums to the total for large totals', () => {
    for (const total of [100_000_000, 99_999_999, 123_456_789_01, Number.MAX_SAFE_INTEGER]) {
      for (let count = 1; count <= MAX_INSTALLMENTS; count++) {
        const plan = installmentPlan(total, count);
        assert.equal(sum(plan), total, `${total}/${count}`);
        for (const amount of plan) assert.ok(Number.isSafeInteger(amount));
      }
    }
  });

  test('puts remainder cents on the first installments', () => {
    assert.deepEqual(installmentPlan(1000, 3), [334, 333, 333]);
    assert.deepEqual(installmentPlan(1001, 3), [334, 334, 333]);
    assert.deepEqual(installmentPlan(1002, 3), [334, 334, 334]);
    assert.deepEqual(installmentPlan(10000, 12), [834, 834, 834, 834, 833, 833, 833, 833, 833, 833, 833, 833]);
    assert.deepEqual(installmentPlan(5, 1), [5]);
  });

  test('a count above the total yields zero installments at the end (options exclude these)', () => {
    assert.deepEqual(installmentPlan(2, 3), [1, 1, 0]);
  });

  test('rejects bad counts', () => {
    for (const count of [0, -1, 13, 1.5, NaN, Infinity]) {
      assert.throws(() => installmentPlan(1000, count), RangeError, String(count));
    }
  });

  test('rejects bad totals', () => {
    for (const total of [0, -100, 10.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1]) {
      assert.throws(() => installmentPlan(total, 2), RangeError, String(total));
    }
  });
});

describe('installmentOptions', () => {
  test('offers 1..max with first and each', () => {
    const options = installmentOptions(1000, 3);
    assert.deepEqual(options, [
      { count: 1, amounts: [1000], first: 1000, each: 1000, total: 1000 },
      { count: 2, amounts: [500, 500], first: 500, each: 500, total: 1000 },
      { count: 3, amounts: [334, 333, 333], first: 334, each: 333, total: 1000 },
    ]);
  });

  test('never offers more than 12', () => {
    const options = installmentOptions(100_000, 24);
    assert.equal(options.length, 12);
    assert.deepEqual(options.map((o) => o.count), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  test('never offers an installment below one minor unit', () => {
    assert.deepEqual(installmentOptions(1, 12).map((o) => o.count), [1]);
    assert.deepEqual(installmentOptions(5, 12).map((o) => o.count), [1, 2, 3, 4, 5]);
    for (let total = 1; total <= 200; total++) {
      for (const option of installmentOptions(total, 12)) {
        assert.ok(Math.min(...option.amounts) >= 1, `${total}/${option.count}`);
        assert.equal(sum(option.amounts), total);
        assert.equal(option.first, option.amounts[0]);
        assert.equal(option.each, option.amounts[option.amounts.length - 1]);
      }
    }
  });

  test('rejects a bad max or total', () => {
    assert.throws(() => installmentOptions(1000, 0), RangeError);
    assert.throws(() => installmentOptions(1000, 2.5), RangeError);
    assert.throws(() => installmentOptions(0, 3), RangeError);
  });
});
