/**
 * The amount a buyer types on the hosted invoice page, to minor units. Kept apart from
 * contract/money.ts so the page script carries no currency table: the page gives the exponent.
 */

/**
 * "125.50" or "125,50" → 12550 (exponent 2). Digits with at most one `.` or `,` as the decimal
 * separator and at most `exponent` decimals (none for a zero-exponent currency); no thousands
 * separators, signs or symbols. Surrounding spaces are fine. null when it is not such a number.
 */
export function parseAmount(value: string, exponent: number): number | null {
  const match = /^(\d*)(?:[.,](\d*))?$/.exec(value.trim());
  if (!match) return null;
  const [, whole = '', fraction] = match;
  if (!whole && !fraction) return null;
  if (fraction !== undefined && fraction.length > exponent) return null;
  const minor = Number((whole || '0') + (fraction ?? '').padEnd(exponent, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}
