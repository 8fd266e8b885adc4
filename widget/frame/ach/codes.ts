/**
 * What the ACH fields share: their error codes and field names. `lib/validity.ts` (ErrorCode) and
 * `lib/server-fields.ts` (FieldName) list only the card and PIX ones, so these are declared here
 * and widened once, checked against the catalogue: every code is a key of `i18n/en.ts`.
 */
import type { MessageKey } from '../../i18n/index.ts';
import type { FieldName } from '../../lib/server-fields.ts';
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

export type AchFieldName = 'routingNumber' | 'accountNumber' | 'accountConfirm' | 'mandate';

/** A Validity with an ACH error code (translated by `t` like any other). */
export const achValidity = (state: FieldState, code: AchErrorCode): Validity => validity(state, code as MessageKey as ErrorCode);

/** An ACH field's name where the field base expects a FieldName (it becomes the input's `name` and id). */
export const achFieldName = (name: AchFieldName): FieldName => name as string as FieldName;
