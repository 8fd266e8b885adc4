/**
 * Brazilian tax documents: CPF (individuals, 11 digits) and CNPJ (companies, 14 digits).
 * Detection, check-digit validation, progressive as-you-type formatting and parsing.
 * Pure and dependency-free: shared by the browser widget and the server.
 *
 * Only the all-numeric CNPJ is supported; the alphanumeric CNPJ announced by the Receita
 * Federal (from July 2026) would need its own check-digit rule.
 */

export type DocumentType = 'CPF' | 'CNPJ';
export type DocumentState = 'empty' | 'incomplete' | 'invalid' | 'valid';

const CPF_LENGTH = 11;
const CNPJ_LENGTH = 14;

/** The digits of `value`, everything else dropped. */
export function documentDigits(value: string): string {
  return value.replace(/\D+/g, '');
}

/** The document type while typing: up to 11 digits reads as a CPF, more as a CNPJ. */
export function documentTypeOf(digits: string): DocumentType {
  return digits.length > CPF_LENGTH ? 'CNPJ' : 'CPF';
}

/** Mod-11 check digit of `digits` with the given weights (remainder < 2 gives 0). */
function checkDigit(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Number(digits[i]) * (weights[i] ?? 0);
  const remainder = sum % 11;
  return remainder < 2 ? 0 : 11 - remainder;
}

/** True when every character of `digits` is the same (000…, 111…), which passes mod 11 but is not issued. */
function allSame(digits: string): boolean {
  return /^(\d)\1*$/.test(digits);
}

const CPF_WEIGHTS_1 = [10, 9, 8, 7, 6, 5, 4, 3, 2];
const CPF_WEIGHTS_2 = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2];
const CNPJ_WEIGHTS_1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const CNPJ_WEIGHTS_2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

/** A CPF given as exactly 11 digits: both check digits right, not all one digit. */
export function isValidCpf(digits: string): boolean {
  if (!/^\d{11}$/.test(digits) || allSame(digits)) return false;
  return checkDigit(digits, CPF_WEIGHTS_1) === Number(digits[9])
    && checkDigit(digits, CPF_WEIGHTS_2) === Number(digits[10]);
}

/** A CNPJ given as exactly 14 digits: both check digits right, not all one digit. */
export function isValidCnpj(digits: string): boolean {
  if (!/^\d{14}$/.test(digits) || allSame(digits)) return false;
  return checkDigit(digits, CNPJ_WEIGHTS_1) === Number(digits[12])
    && checkDigit(digits, CNPJ_WEIGHTS_2) === Number(digits[13]);
}

/** Lays `digits` into groups, putting `separators[i]` before group i+1 only once that group has begun. */
function mask(digits: string, groups: readonly number[], separators: readonly string[]): string {
  let out = '';
  let at = 0;
  for (let i = 0; i < groups.length && at < digits.length; i++) {
    if (i > 0) out += separators[i - 1] ?? '';
    const size = groups[i] ?? 0;
    out += digits.slice(at, at + size);
    at += size;
  }
  return out;
}

/**
 * Formats as the buyer types: `000.000.000-00` up to 11 digits, `00.000.000/0000-00` beyond
 * (at most 14 digits kept). Partial input is formatted partially, never with a trailing separator.
 */
export function formatDocument(value: string): string {
  const digits = documentDigits(value).slice(0, CNPJ_LENGTH);
  return documentTypeOf(digits) === 'CPF'
    ? mask(digits, [3, 3, 3, 2], ['.', '.', '-'])
    : mask(digits, [2, 3, 3, 4, 2], ['.', '.', '/', '-']);
}

/** The document in `value` when it is a complete valid CPF (11 digits) or CNPJ (14 digits), else null. */
export function parseDocument(value: string): { type: DocumentType; number: string } | null {
  const digits = documentDigits(value);
  if (digits.length === CPF_LENGTH && isValidCpf(digits)) return { type: 'CPF', number: digits };
  if (digits.length === CNPJ_LENGTH && isValidCnpj(digits)) return { type: 'CNPJ', number: digits };
  return null;
}

/**
 * As-you-type state. 'incomplete' while more digits could still make a valid document (fewer
 * than 11, or 12–13). At exactly 11 a failing CPF is 'invalid' — a buyer typing a CNPJ keeps
 * going and is back to 'incomplete' at 12. 14 digits failing the CNPJ check, or more than 14, are 'invalid'.
 */
export function documentState(value: string): DocumentState {
  const digits = documentDigits(value);
  const n = digits.length;
  if (n === 0) return 'empty';
  if (n < CPF_LENGTH || (n > CPF_LENGTH && n < CNPJ_LENGTH)) return 'incomplete';
  if (n === CPF_LENGTH) return isValidCpf(digits) ? 'valid' : 'invalid';
  if (n === CNPJ_LENGTH) return isValidCnpj(digits) ? 'valid' : 'invalid';
  return 'invalid';
}
