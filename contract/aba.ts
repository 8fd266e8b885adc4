/**
 * US bank (ACH) details: ABA routing numbers and account numbers. Digit extraction, checksum
 * and Federal Reserve prefix validation, and an as-you-type state. Pure and dependency-free
 * (no Node APIs): shared by the browser widget and the server.
 *
 * A routing number is 9 digits d1…d9 with the ABA check
 *   3·(d1 + d4 + d7) + 7·(d2 + d5 + d8) + 1·(d3 + d6 + d9) ≡ 0 (mod 10).
 * Its first two digits are assigned by the Federal Reserve:
 *   00       U.S. Government
 *   01–12    the twelve Federal Reserve districts (banks)
 *   21–32    the same districts + 20 (thrift institutions: savings banks, credit unions)
 *   61–72    the same districts + 60 (electronic transaction identifiers)
 *   80       traveler's checks
 * Everything else (13–20, 33–60, 73–79, 81–99) is unassigned or reserved and rejected here,
 * which includes test numbers such as 490000018 (passes the checksum, prefix 49) that some
 * gateways print in their documentation.
 */

export type RoutingState = 'empty' | 'incomplete' | 'invalid' | 'valid';

const ROUTING_LENGTH = 9;
const ACCOUNT_MIN = 4;
const ACCOUNT_MAX = 17;
const WEIGHTS = [3, 7, 1, 3, 7, 1, 3, 7, 1] as const;

/** The digits of `value`, everything else (spaces, dashes) dropped. */
export function routingDigits(value: string): string {
  return value.replace(/\D+/g, '');
}

/** True when the two-digit prefix is in one of the Federal Reserve ranges above. */
function isAssignedPrefix(prefix: number): boolean {
  return (prefix >= 0 && prefix <= 12)
    || (prefix >= 21 && prefix <= 32)
    || (prefix >= 61 && prefix <= 72)
    || prefix === 80;
}

/** The ABA weighted sum of a 9-digit string is a multiple of 10. */
function checksumOk(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < ROUTING_LENGTH; i++) sum += Number(digits[i]) * WEIGHTS[i]!;
  return sum % 10 === 0;
}

/**
 * A routing number given as exactly 9 digits (no separators): assigned prefix, not all zeros,
 * ABA checksum right. Format with `routingDigits` first to accept `021-000-021`.
 */
export function isValidRoutingNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value) || /^0+$/.test(value)) return false;
  return isAssignedPrefix(Number(value.slice(0, 2))) && checksumOk(value);
}

/**
 * State while typing: empty (nothing but whitespace), incomplete (fewer than 9 digits so far),
 * invalid (any character other than digits and whitespace, more than 9 digits, or 9 failing
 * `isValidRoutingNumber`), valid. Whitespace is ignored so pasted "021 000 021" works.
 */
export function routingState(value: string): RoutingState {
  const compact = value.replace(/\s+/g, '');
  if (compact === '') return 'empty';
  if (!/^\d+$/.test(compact) || compact.length > ROUTING_LENGTH) return 'invalid';
  if (compact.length < ROUTING_LENGTH) return 'incomplete';
  return isValidRoutingNumber(compact) ? 'valid' : 'invalid';
}

/** An account number given as 4 to 17 digits (the NACHA field is 17 characters). */
export function isValidAccountNumber(value: string): boolean {
  return new RegExp(`^\\d{${ACCOUNT_MIN},${ACCOUNT_MAX}}$`).test(value);
}
