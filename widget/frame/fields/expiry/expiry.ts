import { formatExpiry, parseExpiry, validateExpiry, type Expiry } from '../../../lib/expiry.ts';
import type { Validity } from '../../../lib/validity.ts';
import { PayField, type FieldConfig } from '../field/field.ts';

/** @summary Expiration date as MM/YY; not in the past, at most 20 years ahead. */
export class PayExpiry extends PayField {
  protected readonly config: FieldConfig = {
    name: 'expiry',
    label: 'label.expiry',
    autocomplete: 'cc-exp',
    inputMode: 'numeric',
    placeholder: 'placeholder.expiry',
    digits: true,
  };

  /** Month and four-digit year, or null while incomplete. */
  get expiry(): Expiry | null {
    return parseExpiry(this.value);
  }

  protected override format(raw: string): string {
    return formatExpiry(raw);
  }

  protected validate(value: string): Validity {
    return validateExpiry(value);
  }
}

customElements.get('pay-expiry') || customElements.define('pay-expiry', PayExpiry);

declare global {
  interface HTMLElementTagNameMap {
    'pay-expiry': PayExpiry;
  }
}
