import { validateEmail } from '../../../lib/contact.ts';
import type { Validity } from '../../../lib/validity.ts';
import { PayField, type FieldConfig } from '../field/field.ts';

/** @summary Email address, asked for only when the session has none (`requires_email`). */
export class PayEmail extends PayField {
  protected readonly config: FieldConfig = {
    name: 'email',
    label: 'label.email',
    autocomplete: 'email',
    inputMode: 'email',
    type: 'email',
  };

  protected validate(value: string): Validity {
    return validateEmail(value);
  }
}

customElements.get('pay-email') || customElements.define('pay-email', PayEmail);

declare global {
  interface HTMLElementTagNameMap {
    'pay-email': PayEmail;
  }
}
