/** Name on card and email rules. */
import { cardValidator } from './card-validator.ts';
import { validity, type Validity } from './validity.ts';

export const MAX_NAME_LENGTH = 100;

/** Required; not a card number (a common autofill slip); at most 100 characters like the API. */
export function validateName(value: string): Validity {
  const name = value.trim();
  if (!name) return validity('empty', 'name.required');
  if (name.length > MAX_NAME_LENGTH || !cardValidator.cardholderName(name).isValid) {
    return validity('invalid', 'name.invalid');
  }
  return validity('valid', null);
}

/** Close to the server's check (zod's email): local part, '@', a dotted domain with a 2+ letter TLD. */
const EMAIL = /^(?!\.)(?!.*\.\.)[\w'+.-]*[\w+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

export function validateEmail(value: string): Validity {
  const email = value.trim();
  if (!email) return validity('empty', 'email.required');
  return email.length <= 254 && EMAIL.test(email) ? validity('valid', null) : validity('invalid', 'email.invalid');
}
