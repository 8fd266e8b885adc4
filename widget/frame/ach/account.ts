/**
 * US bank account numbers as typed, and the repeated one: pure functions over digits (the
 * fields keep only digits, at most ACCOUNT_MAX of them). The rules are `contract/aba.ts`,
 * shared with the server.
 */
import { isValidAccountNumber } from '../../../contract/aba.ts';
import type { FieldState } from '../../lib/validity.ts';

/** The longest account number (the NACHA field is 17 characters). */
export const ACCOUNT_MAX = 17;

/** empty; incomplete below 4 digits; valid from 4 to 17 digits; anything else invalid. */
export function accountNumberState(value: string): FieldState {
  if (!value) return 'empty';
  if (isValidAccountNumber(value)) return 'valid';
  return /^\d{1,3}$/.test(value) ? 'incomplete' : 'invalid';
}

/**
 * The account number typed a second time: valid when it is the same, incomplete while it is the
 * beginning of it (the buyer is still typing), invalid once it differs.
 */
export function confirmState(value: string, account: string): FieldState {
  if (!value) return 'empty';
  if (value === account) return 'valid';
  return account.startsWith(value) ? 'incomplete' : 'invalid';
}
