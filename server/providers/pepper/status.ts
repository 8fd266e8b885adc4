/**
 * The Pepper gateway's transaction response codes on Paykit's state machine, plus the AVS and
 * CVV result tables (pepper-gateway.txt, "Response Codes" / "AVS Response Codes"). One table
 * of documented codes and ranges; anything else (0 "unknown", undocumented 1xx, ≥ 500, not an
 * integer, missing) is `processing`: never success, never failure, on a guess.
 */
import type { PaymentStatus } from '../../../contract/api.ts';

export type PepperTransactionType = 'sale' | 'authorize' | 'verification' | 'credit';

export interface PepperMapping {
  status: PaymentStatus;
  /** The error code for `failed`. */
  code?: string;
  /** Response 110: approved for less than the amount asked. */
  partial?: boolean;
}

interface CodeRange {
  from: number;
  to: number;
  mapping: (type: PepperTransactionType) => PepperMapping;
}

/** An approval: an authorization waits for capture; a sale, credit or verification is done. */
const approved = (type: PepperTransactionType): PaymentStatus => (type === 'authorize' ? 'requires_capture' : 'succeeded');

/**
 * Documented codes, inclusive ranges. The doc groups 100–199 as "approvals and partial
 * approvals" but defines only 100 and 110; the other 1xx codes could be partial, so they are
 * left to `processing` rather than read as a full approval.
 */
export const PEPPER_RESPONSE_RANGES: readonly CodeRange[] = [
  { from: 99, to: 99, mapping: () => ({ status: 'requires_action' }) }, // pending redirect payment
  { from: 100, to: 100, mapping: (type) => ({ status: approved(type) }) },
  { from: 110, to: 110, mapping: (type) => ({ status: approved(type), partial: true }) },
  { from: 200, to: 299, mapping: () => ({ status: 'failed', code: 'card_declined' }) }, // issuer decline
  { from: 300, to: 399, mapping: () => ({ status: 'failed', code: 'gateway_declined' }) }, // config / fraud
  { from: 400, to: 499, mapping: () => ({ status: 'failed', code: 'processor_error' }) },
];

export function mapPepperResponse(code: number | undefined, type: PepperTransactionType): PepperMapping {
  if (typeof code !== 'number' || !Number.isInteger(code)) return { status: 'processing' };
  const range = PEPPER_RESPONSE_RANGES.find((r) => code >= r.from && code <= r.to);
  return range ? range.mapping(type) : { status: 'processing' };
}

export interface CodeResult {
  code: string;
  description: string;
}

/** AVS response code → definition, as in the gateway's table (L and 1–8 are Amex only). */
export const AVS_RESULTS: Readonly<Record<string, string>> = {
  '0': 'AVS not available',
  A: 'Address match only',
  B: 'Address matches, ZIP not verified',
  C: 'Incompatible format',
  D: 'Exact match',
  F: 'Exact match, UK-issued cards',
  G: 'Non-U.S. issuer does not participate',
  I: 'Not verified',
  M: 'Exact match',
  N: 'No address or ZIP match',
  P: 'Postal code match',
  R: 'Issuer system unavailable',
  S: 'Service not supported',
  U: 'Address unavailable',
  W: '9-character numeric ZIP match only',
  X: 'Exact match, 9-character numeric ZIP',
  Y: 'Exact match, 5-character numeric ZIP',
  Z: '5-character ZIP match only',
  L: 'Partial match, name and billing postal code match',
  '1': 'Cardholder name and ZIP match',
  '2': 'Cardholder name, address and ZIP match',
  '3': 'Cardholder name and address match',
  '4': 'Cardholder name matches',
  '5': 'Cardholder name incorrect, ZIP matches',
  '6': 'Cardholder name incorrect, address and ZIP match',
  '7': 'Cardholder name incorrect, address matches',
  '8': 'Cardholder name, address and ZIP do not match',
};

/** CVV response code → definition: the common card-brand codes (the gateway doc has no table). */
export const CVV_RESULTS: Readonly<Record<string, string>> = {
  M: 'CVV match',
  N: 'CVV no match',
  P: 'Not processed',
  S: 'CVV should be present on the card but was not provided',
  U: 'Issuer not certified or has not provided encryption keys',
};

function lookup(table: Readonly<Record<string, string>>, code: string | number | null | undefined): CodeResult | null {
  if (code === null || code === undefined) return null;
  const key = String(code).trim().toUpperCase();
  const description = Object.hasOwn(table, key) ? table[key] : undefined;
  return description === undefined ? null : { code: key, description };
}

/** The AVS result for `code` (e.g. "Y", "0"; case and surrounding spaces ignored), or null. */
export function avsResult(code: string | number | null | undefined): CodeResult | null {
  return lookup(AVS_RESULTS, code);
}

/** The CVV result for `code` (e.g. "M"; case and surrounding spaces ignored), or null. */
export function cvvResult(code: string | number | null | undefined): CodeResult | null {
  return lookup(CVV_RESULTS, code);
}
