import { validateName } from '../../lib/contact.ts';
import type { Validity } from '../../lib/validity.ts';
import { PayField, type FieldConfig } from '../fields/field/field.ts';
import { achValidity } from './codes.ts';

/**
 * @summary The bank account holder's name (a person's or a company's): the rules of the name on
 * card (`validateName`: required, not a number, at most 100 characters), with its own label and
 * messages. Sent as `ach.holder_name`; its field name is `name`, so server errors for it land here.
 */
export class PayHolderName extends PayField {
  protected readonly config: FieldConfig = {
    name: 'name',
    label: 'label.holder_name',
    autocomplete: 'name',
    inputMode: 'text',
    autocapitalize: 'words',
  };

  protected validate(value: string): Validity {
    const { state } = validateName(value);
    return achValidity(state, state === 'empty' ? 'holder_name.required' : 'holder_name.invalid');
  }
}

customElements.get('pay-holder-name') || customElements.define('pay-holder-name', PayHolderName);

declare global {
  interface HTMLElementTagNameMap {
    'pay-holder-name': PayHolderName;
  }
}
