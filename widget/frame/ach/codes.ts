/**
 * The ACH fields' error codes. `lib/validity.ts` (ErrorCode) lists the ones whose English is
 * always bundled; these come with the ACH chunk (`i18n/en-methods.ts`), so they are declared
 * here and widened once, checked against the catalogue: every code is a message key.
 */
import type { MessageKey } from '../../i18n/index.ts';
import { validity, type ErrorCode, type FieldState, type Validity } from '../../lib/validity.ts';

export type AchErrorCode =
  | 'holder_name.required'
  | 'holder_name.invalid'
  | 'routing_number.required'
  | 'routing_number.incomplete'
  | 'routing_number.invalid'
  | 'account_number.required'
  | 'account_number.invalid'
  | 'account_confirm.required'
  | 'account_confirm.mismatch'
  | 'mandate.required';

/** A Validity with an ACH error code (translated by `t` like any other). */
export const achValidity = (state: FieldState, code: AchErrorCode): Validity => validity(state, code as MessageKey as ErrorCode);
