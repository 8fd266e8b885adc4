/**
 * Pagou's transaction statuses on Paykit's state machine: one table (README.md beside this
 * file). The doc shows only `authorized`; the rest is the life cycle the sandbox plays.
 * Anything not in the table is `processing`: never success, never failure, on a guess.
 */
import type { PaymentStatus } from '../../../contract/api.ts';

export interface PagouMapping {
  status: PaymentStatus;
  /** The error code for `failed`. */
  code?: string;
}

export const PAGOU_STATUSES: Readonly<Record<string, PagouMapping>> = {
  processing: { status: 'processing' },
  // Waiting for the buyer: a PIX to pay, or a card's 3DS challenge (the adapter checks which).
  waiting_payment: { status: 'requires_action' },
  pending: { status: 'requires_action' },
  waiting_challenge: { status: 'requires_action' },
  // Pagou has no capture call: an authorized card is captured by Pagou.
  authorized: { status: 'succeeded' },
  paid: { status: 'succeeded' },
  // Money moved before these; the word is kept as the payment's provider_status.
  refunded: { status: 'succeeded' },
  partially_refunded: { status: 'succeeded' },
  chargeback: { status: 'succeeded' },
  chargedback: { status: 'succeeded' },
  in_protest: { status: 'succeeded' },
  refused: { status: 'failed', code: 'card_declined' },
  expired: { status: 'failed', code: 'payment_expired' },
  canceled: { status: 'canceled' },
};

export function mapPagouStatus(status: unknown): PagouMapping {
  return (typeof status === 'string' && Object.hasOwn(PAGOU_STATUSES, status) && PAGOU_STATUSES[status]) || { status: 'processing' };
}

/** Pagou request fields (dotted paths in `error.details[].field`) → Paykit confirm fields. */
export const PAGOU_FIELDS: Readonly<Record<string, string>> = {
  'buyer.name': 'payment_method.pix.name',
  'buyer.email': 'email',
  'buyer.phone': 'payment_method.pix.phone',
  'buyer.document': 'payment_method.pix.document',
  'buyer.document.number': 'payment_method.pix.document',
  'buyer.document.type': 'payment_method.pix.document',
  'card.number': 'payment_method.card.number',
  'card.cvv': 'payment_method.card.cvc',
  'card.exp_month': 'payment_method.card.exp_month',
  'card.exp_year': 'payment_method.card.exp_year',
  'card.holder_name': 'payment_method.card.name',
  installments: 'payment_method.installments',
};
