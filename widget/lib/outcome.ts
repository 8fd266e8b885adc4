/**
 * What a confirm answer or a polled session means for the buyer: one of four outcomes.
 * Unknown or ambiguous states count as processing, never as success (DESIGN.md).
 */
import type { PublicPayment } from '../../contract/api.ts';

export type Outcome =
  | { readonly kind: 'succeeded'; readonly paymentId: string; readonly status: string }
  | { readonly kind: 'redirect'; readonly paymentId: string; readonly url: string }
  | { readonly kind: 'processing'; readonly paymentId: string }
  | Failure;

export interface Failure {
  readonly kind: 'failed';
  readonly code: string;
  /** For the buyer; null when the server gave none (the caller shows a generic text). */
  readonly message: string | null;
  readonly paymentId: string | null;
  /** Rejected fields by API name (`card.number`, `email`…), with their messages. */
  readonly fields: Readonly<Record<string, string>> | null;
}

export function classifyPayment(payment: PublicPayment): Outcome {
  const paymentId = payment.id;
  switch (payment.status) {
    case 'succeeded':
    case 'requires_capture':
      return { kind: 'succeeded', paymentId, status: payment.status };
    case 'requires_action':
      return payment.next_action?.type === 'redirect' && /^https?:\/\//.test(payment.next_action.url)
        ? { kind: 'redirect', paymentId, url: payment.next_action.url }
        : { kind: 'processing', paymentId };
    case 'failed':
    case 'canceled':
    case 'requires_payment_method':
      return {
        kind: 'failed',
        code: payment.error?.code ?? (payment.status === 'canceled' ? 'payment_canceled' : 'payment_failed'),
        message: payment.error?.message || null,
        paymentId,
        fields: payment.error?.fields ?? null,
      };
    default:
      return { kind: 'processing', paymentId };
  }
}

/** True once polling can stop: everything but processing is final for the widget. */
export function isSettled(outcome: Outcome): boolean {
  return outcome.kind !== 'processing';
}
