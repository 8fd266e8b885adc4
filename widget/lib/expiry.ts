/**
 * Expiration date rules: typing and autofill → `MM/YY`, parsing, not in the past, at most
 * MAX_YEARS_AHEAD years ahead. A card is valid through the last day of its expiry month.
 */
import { cardValidator } from './card-validator.ts';
import { digitsOf } from './digits.ts';
import { validity, type Validity } from './validity.ts';

export const MAX_YEARS_AHEAD = 20;

/** A month, optional separator and year in any common shape: `4/27`, `04 / 2027`, `12-30`. */
const WITH_SEPARATOR = /^\s*(\d{1,2})\s*[/.\-\s]\s*(\d*)\s*$/;

/**
 * Formats what the buyer typed, pasted or autofilled as `MM/YY`:
 * '4' → '04', '1' → '1', '123' → '12/3', '1230' → '12/30', '12/2030' → '12/30', '1/27' → '01/27'.
 */
export function formatExpiry(raw: string): string {
  const parts = WITH_SEPARATOR.exec(raw);
  if (parts) {
    const month = parts[1]!.padStart(2, '0');
    const yearDigits = parts[2]!;
    const year = yearDigits.length === 4 ? yearDigits.slice(2) : yearDigits.slice(0, 2);
    return year ? `${month}/${year}` : month;
  }
  const digits = digitsOf(raw).slice(0, 4);
  if (digits.length === 1 && digits > '1') return `0${digits}`;
  if (digits.length <= 2) return digits;
  return `${digits.slice(0, 2)}/${digits.slice(2)}`;
}

export interface Expiry {
  /** 1–12 */
  readonly month: number;
  /** Four digits, e.g. 2027. */
  readonly year: number;
}

/** `MM/YY` → { month, year } (year in 2000–2099), or null when it is not a complete date. */
export function parseExpiry(value: string): Expiry | null {
  const match = /^(\d{2})\/(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const month = Number(match[1]);
  if (month < 1 || month > 12) return null;
  return { month, year: 2000 + Number(match[2]) };
}

function monthIndex(year: number, month: number): number {
  return year * 12 + (month - 1);
}

export function validateExpiry(value: string, now: Date = new Date()): Validity {
  const text = value.trim();
  if (!text) return validity('empty', 'expiry.required');
  const digits = digitsOf(text);
  if (digits.length < 4) {
    // The month is always the first two digits; card-validator knows which of them can still
    // become a month ('1' can, '13' and '00' cannot).
    return cardValidator.expirationMonth(digits.slice(0, 2)).isPotentiallyValid
      ? validity('incomplete', 'expiry.incomplete')
      : validity('invalid', 'expiry.invalid');
  }
  const expiry = parseExpiry(text);
  if (!expiry) return validity('invalid', 'expiry.invalid');
  const current = monthIndex(now.getFullYear(), now.getMonth() + 1);
  const target = monthIndex(expiry.year, expiry.month);
  if (target < current) return validity('invalid', 'expiry.past');
  if (target > current + MAX_YEARS_AHEAD * 12) return validity('invalid', 'expiry.invalid');
  return validity('valid', null);
}
