/**
 * Card surcharges in integer minor units. Rates are in thousandths of a percent, as the Pepper
 * gateway expresses percentages (3500 = 3.500%), so a surcharge is base · rate / 100 000.
 * Arithmetic goes through BigInt so no intermediate product loses precision.
 */

/** 100% in thousandths of a percent. */
const HUNDRED_PERCENT = 100_000n;
/** The largest rate accepted: 10.000%. */
export const MAX_SURCHARGE_RATE = 10_000;
/**
 * Default cap: 3.000%. US card-brand rules commonly cap surcharges at 3% (some at the merchant's
 * cost of acceptance, some states forbid or limit surcharging). This is a configurable rule of
 * thumb, not legal advice: check the brand rules and state law for each merchant.
 */
export const DEFAULT_SURCHARGE_CAP = 3_000;

export interface SurchargedAmount {
  base: number;
  surcharge: number;
  total: number;
}

function checkAmount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer in minor units, got ${value}`);
  }
}

function checkRate(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_SURCHARGE_RATE) {
    throw new RangeError(`${name} must be an integer from 0 to ${MAX_SURCHARGE_RATE} (thousandths of a percent), got ${value}`);
  }
}

/**
 * The surcharge on `baseAmount` at `rateThousandths` (3500 = 3.500%), rounded half up to the
 * minor unit: 999 at 3.500% is 34.965 → 35; 5000 at 0.010% is 0.5 → 1.
 * Throws RangeError on a negative or non-integer base, or a rate outside 0..10000.
 */
export function surchargeFor(baseAmount: number, rateThousandths: number): number {
  checkAmount('baseAmount', baseAmount);
  checkRate('rateThousandths', rateThousandths);
  const product = BigInt(baseAmount) * BigInt(rateThousandths);
  return Number((product + HUNDRED_PERCENT / 2n) / HUNDRED_PERCENT);
}

/** Base, surcharge and their total. Throws RangeError if the total is not a safe integer. */
export function withSurcharge(baseAmount: number, surcharge: number): SurchargedAmount {
  checkAmount('baseAmount', baseAmount);
  checkAmount('surcharge', surcharge);
  const total = baseAmount + surcharge;
  if (total > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`total ${baseAmount} + ${surcharge} exceeds Number.MAX_SAFE_INTEGER`);
  }
  return { base: baseAmount, surcharge, total };
}

/**
 * The largest surcharge allowed on `baseAmount` under a cap of `capThousandths` (default 3.000%),
 * rounded DOWN so the cap is never exceeded: 999 at 3% is 29.97 → 29. Clamp with
 * `Math.min(surchargeFor(base, rate), surchargeCap(base))`. The default cap is a configurable
 * rule of thumb (see DEFAULT_SURCHARGE_CAP), not legal advice.
 */
export function surchargeCap(baseAmount: number, capThousandths: number = DEFAULT_SURCHARGE_CAP): number {
  checkAmount('baseAmount', baseAmount);
  checkRate('capThousandths', capThousandths);
  return Number((BigInt(baseAmount) * BigInt(capThousandths)) / HUNDRED_PERCENT);
}
