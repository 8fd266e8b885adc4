/**
 * English, the reference catalogue: every key the widget uses. Other catalogues
 * (e.g. `pt-BR.ts`) are `Catalogue`s and may leave keys out; missing keys fall back to these.
 * `{name}` placeholders are filled by `t(key, { name })`.
 */
import type { ErrorCode } from '../lib/validity.ts';

const errors = {
  'card_number.required': 'Enter your card number.',
  'card_number.incomplete': 'Your card number is incomplete.',
  'card_number.invalid': 'Your card number is invalid.',
  'expiry.required': 'Enter the expiration date.',
  'expiry.incomplete': 'The expiration date is incomplete.',
  'expiry.invalid': 'The expiration date is invalid.',
  'expiry.past': 'The expiration date is in the past.',
  'cvc.required': 'Enter the security code.',
  'cvc.incomplete': 'The security code is incomplete.',
  'cvc.invalid': 'The security code is invalid.',
  'name.required': 'Enter the name on the card.',
  'name.invalid': 'Enter the name as it appears on the card.',
  'email.required': 'Enter your email address.',
  'email.invalid': 'Enter a valid email address, like name@example.com.',
} satisfies Record<ErrorCode, string>;

export const en = {
  ...errors,
  'label.card_number': 'Card number',
  'label.expiry': 'Expiration date',
  'label.cvc': 'Security code',
  'label.name': 'Name on card',
  'label.email': 'Email',
  'placeholder.card_number': '1234 1234 1234 1234',
  'placeholder.expiry': 'MM/YY',
  'placeholder.cvc': 'CVC',
  'brand.detected': 'Card type: {brand}',
  'pay.button': 'Pay {amount}',
  'status.loading': 'Loading payment form…',
  'status.processing': 'Processing your payment…',
  'status.processing_slow': 'This is taking longer than usual. You can close this page: you will be notified once your payment is confirmed.',
  'status.redirecting': 'Taking you to your bank to confirm the payment…',
  'status.success': 'Payment successful',
  'error.declined': 'Your payment was declined. Please try another card.',
  'error.network': 'We could not reach the payment service. Check your connection and try again.',
  'error.server': 'Something went wrong on our side. Please try again in a moment.',
  'error.unavailable': 'This payment form is not available right now. Please contact the seller.',
  'error.expired': 'This checkout has expired. Please go back to the shop and start again.',
  'error.complete': 'This checkout is already paid.',
} as const;

export type MessageKey = keyof typeof en;
export type Catalogue = Partial<Record<MessageKey, string>>;
