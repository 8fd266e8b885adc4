/**
 * Three-way (really four-way) validity of a payment field, and when to show it.
 * Validators return a state and an error code; codes are translated at the edge (i18n).
 */

/** `empty`: nothing typed. `incomplete`: could still become valid. `invalid`: cannot. */
export type FieldState = 'empty' | 'incomplete' | 'invalid' | 'valid';

export type ErrorCode =
  | 'card_number.required'
  | 'card_number.incomplete'
  | 'card_number.invalid'
  | 'expiry.required'
  | 'expiry.incomplete'
  | 'expiry.invalid'
  | 'expiry.past'
  | 'cvc.required'
  | 'cvc.incomplete'
  | 'cvc.invalid'
  | 'name.required'
  | 'name.invalid'
  | 'email.required'
  | 'email.invalid'
  // PIX payer
  | 'full_name.required'
  | 'full_name.invalid'
  | 'document.required'
  | 'document.incomplete'
  | 'document.invalid'
  | 'phone.required'
  | 'phone.incomplete'
  | 'phone.invalid';

/** `code` is null only when the state is `valid`; for `empty` it is the field's `*.required` code. */
export interface Validity {
  readonly state: FieldState;
  readonly code: ErrorCode | null;
}

export const VALID: Validity = Object.freeze({ state: 'valid', code: null });

export function validity(state: FieldState, code: ErrorCode | null): Validity {
  return { state, code: state === 'valid' ? null : code };
}

/** What the buyer has done with a field so far. */
export interface Interaction {
  /** The buyer has left the field at least once. */
  readonly touched: boolean;
  /** The buyer has tried to submit the form. */
  readonly submitted: boolean;
}

/**
 * The error to show now, if any: an unfinished or wrong field is flagged once the buyer has left
 * it or submitted; an empty one only on submit (tabbing through a field is not a mistake).
 */
export function visibleError(value: Validity, { touched, submitted }: Interaction): ErrorCode | null {
  switch (value.state) {
    case 'valid':
      return null;
    case 'empty':
      return submitted ? value.code : null;
    default:
      return touched || submitted ? value.code : null;
  }
}
