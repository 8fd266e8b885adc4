import type { Validity } from '../../../lib/validity.ts';
import { PayField, type FieldConfig } from '../field/field.ts';
import { formatPhone, phoneE164, validatePhone } from './br-phone.ts';

/**
 * @summary Brazilian phone number, asked for with PIX when the session has `collect_phone`:
 * area code and number, optionally after +55, formatted as typed (`(11) 91234-5678`).
 *
 * @property phone - The number as E.164 (`+5511912345678`) once valid, else null.
 */
export class PayPhone extends PayField {
  protected readonly config: FieldConfig = {
    name: 'phone',
    label: 'label.phone',
    autocomplete: 'tel',
    // FieldConfig's union predates phone fields; the template writes the string as is.
    inputMode: 'tel' as FieldConfig['inputMode'],
    digits: true,
  };

  get phone(): string | null {
    return phoneE164(this.value);
  }

  protected override format(raw: string): string {
    return formatPhone(raw);
  }

  protected validate(value: string): Validity {
    return validatePhone(value);
  }
}

customElements.get('pay-phone') || customElements.define('pay-phone', PayPhone);

declare global {
  interface HTMLElementTagNameMap {
    'pay-phone': PayPhone;
  }
}
