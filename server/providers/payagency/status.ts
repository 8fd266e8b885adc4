/**
 * PayAgency's answers mapped onto Paykit's state machine: one table, keyed by the documented
 * `status` code and `transaction.result.status` word. Anything not in it is ambiguous and maps
 * to `processing` (never to success) until a webhook settles it.
 */
import type { PaymentStatus } from '../../../contract/api.ts';

export interface PayAgencyMapping {
  status: PaymentStatus;
  /** Error code for failures. */
  code?: string;
}

/** By the numeric `status` of the API answer. */
export const PAYAGENCY_STATUS_CODES: Readonly<Record<number, PayAgencyMapping>> = {
  200: { status: 'succeeded' },
  300: { status: 'requires_action' },
  303: { status: 'processing' },
  304: { status: 'processing' },
  400: { status: 'failed', code: 'card_declined' },
  401: { status: 'failed', code: 'provider_authentication_failed' },
  402: { status: 'failed', code: 'invalid_payment_details' },
  403: { status: 'failed', code: 'payment_blocked' },
};

/** By `transaction.result.status`, which webhooks carry too. */
export const PAYAGENCY_RESULT_WORDS: Readonly<Record<string, PayAgencyMapping>> = {
  success: { status: 'succeeded' },
  redirected: { status: 'requires_action' },
  pending: { status: 'processing' },
  to_be_confirm: { status: 'processing' },
  failed: { status: 'failed', code: 'card_declined' },
  blocked: { status: 'failed', code: 'payment_blocked' },
};

export function mapPayAgencyStatus(code: unknown, word: unknown): PayAgencyMapping {
  if (typeof word === 'string' && Object.hasOwn(PAYAGENCY_RESULT_WORDS, word)) return PAYAGENCY_RESULT_WORDS[word]!;
  if (typeof code === 'number' && Object.hasOwn(PAYAGENCY_STATUS_CODES, code)) return PAYAGENCY_STATUS_CODES[code]!;
  return { status: 'processing' };
}

/** PayAgency's request field names → Paykit's field names, for 402 validation errors. */
export const PAYAGENCY_FIELDS: Readonly<Record<string, string>> = {
  card_number: 'card.number',
  card_expiry_month: 'card.exp_month',
  card_expiry_year: 'card.exp_year',
  card_cvv: 'card.cvc',
  first_name: 'card.name',
  last_name: 'card.name',
  email: 'email',
};
