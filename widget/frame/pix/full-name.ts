import { validateName } from '../../lib/contact.ts';
import { validity, type Validity } from '../../lib/validity.ts';
import { PayField, type FieldConfig } from '../fields/field/field.ts';

/**
 * @summary The PIX payer's full name (a person's or a company's): the rules of the name on card
 * (`validateName`: required, not a number, at most 100 characters), with a label and messages
 * that do not speak of a card. Sent as the API's `pix.name`, so server errors for it land here.
 */
export class PayFullName extends PayField {
  protected readonly config: FieldConfig = {
    name: 'name',
    label: 'label.full_name',
    autocomplete: 'name',
    inputMode: 'text',
    autocapitalize: 'words',
  };

  protected validate(value: string): Validity {
    const { state } = validateName(value);
    return validity(state, state === 'empty' ? 'full_name.required' : 'full_name.invalid');
  }
}

customElements.get('pay-full-name') || customElements.define('pay-full-name', PayFullName);

declare global {
  interface HTMLElementTagNameMap {
    'pay-full-name': PayFullName;
  }
}
