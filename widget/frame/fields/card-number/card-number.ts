import { html, nothing } from 'lit';
import { detectBrand, formatCardNumber, validateCardNumber, type CardBrand } from '../../../lib/card-number.ts';
import { digitsOf } from '../../../lib/digits.ts';
import type { Validity } from '../../../lib/validity.ts';
import { PayField, type FieldConfig } from '../field/field.ts';

/**
 * @summary Card number, grouped as its brand groups it (4-4-4-4, Amex 4-6-5), with the brand shown as the buyer types.
 */
export class PayCardNumber extends PayField {
  protected readonly config: FieldConfig = {
    name: 'cardNumber',
    label: 'label.card_number',
    autocomplete: 'cc-number',
    inputMode: 'numeric',
    placeholder: 'placeholder.card_number',
    digits: true,
  };

  /** The detected brand, or null while unknown. */
  get brand(): CardBrand | null {
    return detectBrand(this.digits);
  }

  /** The number without spaces, as the API takes it. */
  get digits(): string {
    return digitsOf(this.value);
  }

  protected override format(raw: string): string {
    return formatCardNumber(raw);
  }

  protected validate(value: string): Validity {
    return validateCardNumber(value);
  }

  protected override renderAdornment() {
    const brand = this.brand;
    return brand ? html`<span class="brand" id="${this.id_}-brand">${brand.name}</span>` : nothing;
  }

  protected override descriptions(): string[] {
    return this.brand ? [`${this.id_}-brand`] : [];
  }
}

customElements.get('pay-card-number') || customElements.define('pay-card-number', PayCardNumber);

declare global {
  interface HTMLElementTagNameMap {
    'pay-card-number': PayCardNumber;
  }
}
