/** Maps the API's field names in `error.fields` onto the widget's fields. */

export type FieldName = 'email' | 'cardNumber' | 'expiry' | 'cvc' | 'name' | 'document' | 'phone';

const FIELD_OF_PARAM: Readonly<Record<string, FieldName>> = {
  'card.number': 'cardNumber',
  'card.exp_month': 'expiry',
  'card.exp_year': 'expiry',
  'card.cvc': 'cvc',
  'card.name': 'name',
  email: 'email',
  // Tolerate the full path as well as the short one.
  'payment_method.card.number': 'cardNumber',
  'payment_method.card.exp_month': 'expiry',
  'payment_method.card.exp_year': 'expiry',
  'payment_method.card.cvc': 'cvc',
  'payment_method.card.name': 'name',
  // PIX payer
  'pix.name': 'name',
  'pix.document': 'document',
  'pix.phone': 'phone',
  'payment_method.pix.name': 'name',
  'payment_method.pix.document': 'document',
  'payment_method.pix.phone': 'phone',
};

/** { 'card.cvc': 'Wrong code' } → { cvc: 'Wrong code' }; unknown names are dropped, first message wins. */
export function fieldErrorsFromApi(fields: Readonly<Record<string, string>> | null | undefined): Partial<Record<FieldName, string>> {
  const out: Partial<Record<FieldName, string>> = {};
  for (const [param, message] of Object.entries(fields ?? {})) {
    const field = Object.hasOwn(FIELD_OF_PARAM, param) ? FIELD_OF_PARAM[param] : undefined;
    if (field && typeof message === 'string' && message && !out[field]) out[field] = message;
  }
  return out;
}
