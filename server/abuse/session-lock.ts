/**
 * Card-testing protection: a checkout session locks after `max_declines` failed payment attempts
 * (migration 008). The count moves in `transition()` (payments/state.ts), in the transaction
 * that fails the payment and under the session's row lock; confirms check the lock under the same
 * row lock, and a session has at most one live payment, so concurrent confirms cannot slip past.
 */
import { conflict } from '../errors.ts';

/**
 * Failures that say nothing about the card or account, and so do not count: a PIX code or
 * challenge that ran out, a provider that could not be reached or refused our own credentials.
 */
const NOT_A_DECLINE: ReadonlySet<string> = new Set(['payment_expired', 'provider_unavailable', 'provider_authentication_failed']);

export function countsAsDecline(errorCode: string | null | undefined): boolean {
  return !NOT_A_DECLINE.has(errorCode ?? '');
}

/** Refuses a confirm on a locked session. */
export function assertNotLocked(session: { locked_at?: Date | null; decline_count?: number }): void {
  if (!session.locked_at) return;
  throw conflict(
    'session_locked',
    `This checkout session is locked after ${session.decline_count ?? 0} declined payment attempts; start a new checkout to pay.`,
  );
}
