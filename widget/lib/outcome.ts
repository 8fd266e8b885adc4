/**
 * What a confirm answer or a polled session means for the buyer. Unknown or ambiguous states
 * count as processing, never as success (DESIGN.md).
 */
import type { PublicPayment } from '../../contract/api.ts';

export type Outcome =
  | { readonly kind: 'succeeded'; readonly paymentId: string; readonly status: string }
  | { readonly kind: 'redirect'; readonly paymentId: string; readonly url: string }
  | { readonly kind: 'processing'; readonly paymentId: string }
  /** A PIX code to pay before `expiresAt` (ISO 8601); the payment then succeeds on its own. */
  | { readonly kind: 'pix'; readonly paymentId: string; readonly qrCode: string; readonly expiresAt: string }
  /** A 3-D Secure challenge page to show in a modal until the payment settles or `expiresAt`. */
  | { readonly kind: 'challenge'; readonly paymentId: string; readonly url: string; readonly expiresAt: string }
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
      return nextAction(payment);
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

const isHttp = (url: unknown): url is string => typeof url === 'string' && /^https?:\/\//i.test(url);
const isTime = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));

/** What the buyer must do for a requires_action payment; anything malformed is just processing. */
function nextAction(payment: PublicPayment): Outcome {
  const paymentId = payment.id;
  const action = payment.next_action;
  switch (action?.type) {
    case 'redirect':
      if (isHttp(action.url)) return { kind: 'redirect', paymentId, url: action.url };
      break;
    case 'pix':
      if (typeof action.qr_code === 'string' && action.qr_code && isTime(action.expires_at)) {
        return { kind: 'pix', paymentId, qrCode: action.qr_code, expiresAt: action.expires_at };
      }
      break;
    case 'three_ds_challenge':
      if (isHttp(action.url) && isTime(action.expires_at)) {
        return { kind: 'challenge', paymentId, url: action.url, expiresAt: action.expires_at };
      }
      break;
  }
  return { kind: 'processing', paymentId };
}

/**
 * True once polling can stop. Processing is not settled, and neither is a PIX code or a
 * challenge on screen: the payment settles on its own once the buyer pays or authenticates,
 * so the widget keeps polling while they show.
 */
export function isSettled(outcome: Outcome): boolean {
  return outcome.kind !== 'processing' && outcome.kind !== 'pix' && outcome.kind !== 'challenge';
}
