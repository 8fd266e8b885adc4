/** What the buyer is told when a call fails or a payment is declined (translated, non-technical). */
import { currentLocale, t, type MessageKey } from '../i18n/index.ts';
import type { Failure } from '../lib/outcome.ts';
import type { ApiFailure } from './api.ts';

/** The API's own message where it is meant for the buyer; a plain sentence otherwise. */
export function buyerMessage(error: ApiFailure): string {
  if (error.status === 0) return t('error.network');
  if (error.status >= 500 || error.status === 429) return t('error.server');
  if (error.type === 'authentication_error' || error.type === 'permission_error') return t('error.unavailable');
  if (error.code === 'session_expired') return t('error.expired');
  if (error.code === 'session_locked') return t('error.locked');
  return error.message;
}

/** An API failure as a payment outcome for the form and the host. */
export function failureFromApi(error: ApiFailure): Failure {
  const message = buyerMessage(error);
  const fields = error.status === 400 && error.param ? { [error.param]: error.message } : null;
  return { kind: 'failed', code: error.code, message, paymentId: null, fields };
}

/** Payment error codes the catalogues can say in the buyer's language. */
const DECLINE_KEYS: Readonly<Record<string, MessageKey>> = {
  card_declined: 'error.declined',
  payment_blocked: 'error.declined',
  payment_expired: 'error.payment_expired',
  authentication_failed: 'error.authentication_failed',
  invalid_payment_details: 'error.invalid_details',
  provider_unavailable: 'error.not_processed',
  provider_rejected: 'error.not_processed',
  provider_authentication_failed: 'error.not_processed',
};

/**
 * The text for a declined or failed payment. In English, the server's message (it carries the
 * bank's own reason); in another language, the catalogue's sentence for a known code, since
 * the server and the providers speak English.
 */
export function declineMessage(failure: Failure): string {
  const key = currentLocale() === 'en' ? undefined : DECLINE_KEYS[failure.code];
  return (key && t(key)) || failure.message || t('error.declined');
}
