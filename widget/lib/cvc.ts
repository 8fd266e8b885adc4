/** Security code rules: 3 digits, 4 for brands such as American Express; 3 or 4 while unknown. */
import { cardValidator } from './card-validator.ts';
import type { CardBrand } from './card-number.ts';
import { digitsOf } from './digits.ts';
import { validity, type Validity } from './validity.ts';

/** The lengths the security code may have for `brand`. */
export function cvcLengths(brand: CardBrand | null): readonly number[] {
  return brand ? [brand.cvcLength] : [3, 4];
}

/** Digits only, at most as many as the brand's code has. */
export function formatCvc(raw: string, brand: CardBrand | null): string {
  return digitsOf(raw).slice(0, Math.max(...cvcLengths(brand)));
}

export function validateCvc(value: string, brand: CardBrand | null): Validity {
  if (!value) return validity('empty', 'cvc.required');
  if (/\D/.test(value)) return validity('invalid', 'cvc.invalid');
  const result = cardValidator.cvv(value, [...cvcLengths(brand)]);
  if (result.isValid) return validity('valid', null);
  return result.isPotentiallyValid ? validity('incomplete', 'cvc.incomplete') : validity('invalid', 'cvc.invalid');
}
