/**
 * English, the reference catalogue: every key the widget uses, always bundled. Other catalogues
 * (`locales/<tag>.ts`, e.g. `locales/pt-BR.ts`, default-exporting a `Catalogue`) are found and
 * loaded on demand by `index.ts`; a key they leave out falls back to these.
 * `{name}` placeholders are filled by `t(key, { name })`.
 */
import type { ErrorCode } from '../lib/validity.ts';
import type { enMethods } from './en-methods.ts';

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
  // PIX
  'full_name.required': 'Enter your full name.',
  'full_name.invalid': 'Enter your full name in letters, up to 100 characters.',
  'document.required': 'Enter your CPF or CNPJ.',
  'document.incomplete': 'Your CPF or CNPJ is incomplete.',
  'document.invalid': 'Your CPF or CNPJ is invalid.',
  'phone.required': 'Enter your phone number.',
  'phone.incomplete': 'Your phone number is incomplete.',
  'phone.invalid': 'Enter a Brazilian phone number with area code, like (11) 91234-5678.',
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
  // PIX
  'label.full_name': 'Full name',
  'label.document': 'CPF or CNPJ',
  'label.phone': 'Phone number',
  'pix.button': 'Pay {amount} with PIX',
  'pix.failed': 'We could not create the PIX code. Please try again.',
  'pix.total': 'Total',
  'pix.instructions': "Open your bank's app and scan the QR code, or copy the code and paste it in the app's PIX copy and paste option.",
  'pix.qr_label': 'QR code for the PIX payment',
  'pix.code_label': 'PIX copy and paste code',
  'pix.copy': 'Copy code',
  'pix.copied': 'Code copied',
  'pix.copy_failed': 'Could not copy. Select the code and copy it.',
  'pix.expires_in': 'Expires in {time}',
  'pix.last_minute': 'Less than a minute left to pay with this code.',
  'pix.expired': 'This code has expired',
  'pix.regenerate': 'Generate a new code',
  'pix.waiting': 'Waiting for payment…',
  'status.loading': 'Loading payment form…',
  'status.processing': 'Processing your payment…',
  'status.processing_slow': 'This is taking longer than usual. You can close this page: you will be notified once your payment is confirmed.',
  'status.redirecting': 'Taking you to your bank to confirm the payment…',
  'status.success': 'Payment successful',
  'error.declined': 'Your payment was declined. Please try another card.',
  'error.authentication_failed': 'Your bank could not confirm it was you. Please try again or use another card.',
  'error.payment_expired': 'This payment expired before it was completed. Please try again.',
  'error.invalid_details': 'Some payment details were not accepted. Please check the highlighted fields.',
  'error.not_processed': 'This payment could not be processed. Please try again later or use another payment method.',
  'error.network': 'We could not reach the payment service. Check your connection and try again.',
  'error.server': 'Something went wrong on our side. Please try again in a moment.',
  'error.unavailable': 'This payment form is not available right now. Please contact the seller.',
  'error.expired': 'This checkout has expired. Please go back to the shop and start again.',
  'error.locked': 'Too many declined attempts. Please go back to the shop and start again.',
  'error.complete': 'This checkout is already paid.',
  'error.challenge_expired': 'The authentication with your bank expired. Please try again.',
  'error.challenge_canceled': 'The authentication with your bank was canceled. Please try again.',
  'error.challenge_invalid': 'The authentication with your bank could not be shown. Please try again.',
  // payment methods and installments
  'methods.label': 'Payment method',
  'method.card': 'Card',
  'method.pix': 'PIX',
  'method.ach': 'Bank account',
  'method.alipay': 'Alipay',
  'method.wechatpay': 'WeChat Pay',
  'method.paypal': 'PayPal',
  'installments.label': 'Installments',
  'installments.one': '1× {amount} (no interest)',
  'installments.equal': '{count}× {each} · total {total}',
  'installments.uneven': '{count}× {each} (first {first}) · total {total}',
} as const;

/** Every key: the ones above, always bundled, and those the method chunks bring (./en-methods.ts). */
export type MessageKey = keyof typeof en | keyof typeof enMethods;
export type Catalogue = Partial<Record<MessageKey, string>>;
