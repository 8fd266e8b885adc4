import { validateName } from '../../../lib/contact.ts';
import type { Validity } from '../../../lib/validity.ts';
import { PayField, type FieldConfig } from '../field/field.ts';

/** @summary Name on card (required, not a number, at most 100 characters). */
export class PayCardholderName extends PayField {
  protected readonly config: FieldConfig = {
    name: 'name',
    label: 'label.name',
    autocomplete: 'cc-name',
    inputMode: 'text',
    autocapitalize: 'words',
  };

  protected validate(value: string): Validity {
    return validateName(value);
  }
}

customElements.get('pay-cardholder-name') || customElements.define('pay-cardholder-name', PayCardholderName);

declare global {
  interface HTMLElementTagNameMap {
    'pay-cardholder-name': PayCardholderName;
  }
}
