/**
 * Card installments ("parcelas"): splitting an integer amount in minor units into 1–12
 * payments that sum to the total exactly. Remainder cents go one each to the first
 * installments, so amounts differ by at most one minor unit and the first ones are larger.
 */

export const MAX_INSTALLMENTS = 12;

export interface InstallmentOption {
  /** Number of installments. */
  count: number;
  /** Every installment, in order; sums to `total`. */
  amounts: number[];
  /** The first (largest) installment. */
  first: number;
  /** The usual installment: the last one, shared by most of them. */
  each: number;
  total: number;
}

function assertTotal(total: number): void {
  if (!Number.isSafeInteger(total) || total <= 0) {
    throw new RangeError(`total must be a positive safe integer of minor units, got ${total}`);
  }
}

/** The `count` installments of `total` (minor units). Throws RangeError on a bad total or count. */
export function installmentPlan(total: number, count: number): number[] {
  assertTotal(total);
  if (!Number.isInteger(count) || count < 1 || count > MAX_INSTALLMENTS) {
    throw new RangeError(`count must be an integer from 1 to ${MAX_INSTALLMENTS}, got ${count}`);
  }
  const base = Math.floor(total / count);
  const remainder = total - base * count;
  return Array.from({ length: count }, (_, i) => (i < remainder ? base + 1 : base));
}

/**
 * The options 1..min(max, 12) to offer for `total`, leaving out counts that would make an
 * installment smaller than one minor unit (count > total). Throws RangeError on a bad total
 * or a `max` that is not an integer ≥ 1.
 */
export function installmentOptions(total: number, max: number): InstallmentOption[] {
  assertTotal(total);
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be an integer ≥ 1, got ${max}`);
  const last = Math.min(max, MAX_INSTALLMENTS, total);
  const options: InstallmentOption[] = [];
  for (let count = 1; count <= last; count++) {
    const amounts = installmentPlan(total, count);
    options.push({ count, amounts, first: amounts[0] ?? 0, each: amounts[amounts.length - 1] ?? 0, total });
  }
  return options;
}
