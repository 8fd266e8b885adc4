/** Maps the API's field names in `error.fields` onto the widget's fields. */

export type FieldName =
  | 'email'
  | 'cardNumber'
  | 'expiry'
  | 'cvc'
  | 'name'
  | 'document'
  | 'phone'
  | 'billingState'
  | 'routingNumber'
  | 'accountNumber'
  | 'accountConfirm'
  | 'mandate';

/** By the API's param, with or without its `payment_method.` prefix. */
const FIELD_OF_PARAM: Readonly<Record<string, FieldName>> = {
  'card.number': 'cardNumber',
  'card.exp_month': 'expiry',
  'card.exp_year': 'expiry',
  'card.cvc': 'cvc',
  'card.name': 'name',
  'card.billing_state': 'billingState',
  'saved_card.cvc': 'cvc',
  billing_state: 'billingState',
  email: 'email',
  // PIX payer
  'pix.name': 'name',
  'pix.document': 'document',
  'pix.phone': 'phone',
  // US bank account
  'ach.holder_name': 'name',
  'ach.routing_number': 'routingNumber',
  'ach.account_number': 'accountNumber',
  'ach.mandate_accepted': 'mandate',
};

/** { 'card.cvc': 'Wrong code' } → { cvc: 'Wrong code' }; unknown names are dropped, first message wins. */
export function fieldErrorsFromApi(fields: Readonly<Record<string, string>> | null | undefined): Partial<Record<FieldName, string>> {
  const out: Partial<Record<FieldName, string>> = {};
  for (const [param, message] of Object.entries(fields ?? {})) {
    const short = param.replace(/^payment_method\./, '');
    const field = Object.hasOwn(FIELD_OF_PARAM, short) ? FIELD_OF_PARAM[short] : undefined;
    if (field && typeof message === 'string' && message && !out[field]) out[field] = message;
  }
  return out;
}
