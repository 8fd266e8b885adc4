/** What the buyer is told when a call fails or a payment is declined (translated, non-technical). */
import { t } from '../i18n/index.ts';
import type { Failure } from '../lib/outcome.ts';
import type { ApiFailure } from './api.ts';

/** The API's own message where it is meant for the buyer; a plain sentence otherwise. */
export function buyerMessage(error: ApiFailure): string {
  if (error.status === 0) return t('error.network');
  if (error.status >= 500 || error.status === 429) return t('error.server');
  if (error.type === 'authentication_error' || error.type === 'permission_error') return t('error.unavailable');
  if (error.code === 'session_expired') return t('error.expired');
  return error.message;
}

/** An API failure as a payment outcome for the form and the host. */
export function failureFromApi(error: ApiFailure): Failure {
  const message = buyerMessage(error);
  const fields = error.status === 400 && error.param ? { [error.param]: error.message } : null;
  return { kind: 'failed', code: error.code, message, paymentId: null, fields };
}

/** The text for a declined or failed payment. */
export function declineMessage(failure: Failure): string {
  return failure.message || t('error.declined');
}
