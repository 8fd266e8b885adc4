/**
 * Card number rules: brand detection, grouping as the brand groups it, validity.
 * Brand data (gaps, lengths, CVC size) comes from card-validator / credit-card-type.
 */
import { cardValidator } from './card-validator.ts';
import { digitsOf } from './digits.ts';
import { validity, type Validity } from './validity.ts';

export interface CardBrand {
  /** Machine name, e.g. `visa`, `american-express`, `mastercard`. */
  readonly type: string;
  /** Display name, e.g. `Visa`, `American Express`. */
  readonly name: string;
  /** Digit positions before which a space goes: Visa [4, 8, 12], Amex [4, 10]. */
  readonly gaps: readonly number[];
  /** Allowed card number lengths. */
  readonly lengths: readonly number[];
  /** Digits of the security code. */
  readonly cvcLength: number;
}

const DEFAULT_GAPS = [4, 8, 12] as const;
const MAX_DIGITS = 19;

/** The brand of a (partial) card number, or null while it is unknown or ambiguous. */
export function detectBrand(digits: string): CardBrand | null {
  const card = cardValidator.number(digits).card;
  if (!card) return null;
  return { type: card.type, name: card.niceType, gaps: card.gaps, lengths: card.lengths, cvcLength: card.code.size };
}

/** Inserts a space before each gap position: ('378282246310005', [4, 10]) → '3782 822463 10005'. */
export function groupDigits(digits: string, gaps: readonly number[]): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && gaps.includes(i)) out += ' ';
    out += digits[i];
  }
  return out;
}

/** The longest number the brand allows (19 while the brand is unknown). */
export function maxCardLength(brand: CardBrand | null): number {
  return brand ? Math.max(...brand.lengths) : MAX_DIGITS;
}

/** Whatever was typed or pasted → grouped digits, cut at the brand's longest length. */
export function formatCardNumber(raw: string): string {
  const all = digitsOf(raw);
  const brand = detectBrand(all);
  const digits = all.slice(0, maxCardLength(brand));
  return groupDigits(digits, brand ? brand.gaps : DEFAULT_GAPS);
}

/**
 * empty → incomplete (a prefix of a possible number) → valid (brand, length and Luhn check pass).
 * A number at one of its brand's full lengths that fails the Luhn check is invalid, even when
 * the brand also allows longer numbers (a typo is far likelier than a 19-digit Visa).
 */
export function validateCardNumber(value: string): Validity {
  const digits = digitsOf(value);
  if (!digits) return validity('empty', 'card_number.required');
  const result = cardValidator.number(digits);
  if (result.isValid) return validity('valid', null);
  if (!result.isPotentiallyValid) return validity('invalid', 'card_number.invalid');
  if (result.card?.lengths.includes(digits.length)) return validity('invalid', 'card_number.invalid');
  return validity('incomplete', 'card_number.incomplete');
}
