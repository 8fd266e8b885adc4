import type { CardBrand } from '../../../lib/card-number.ts';
import { formatCvc, validateCvc } from '../../../lib/cvc.ts';
import type { Validity } from '../../../lib/validity.ts';
import { PayField, type FieldConfig } from '../field/field.ts';

/**
 * @summary Security code: 3 digits, 4 for American Express.
 * @property brand - The card's brand from the number field (decides the length).
 */
export class PayCvc extends PayField {
  static override properties = { brand: { attribute: false } };
  declare brand: CardBrand | null;

  protected readonly config: FieldConfig = {
    name: 'cvc',
    label: 'label.cvc',
    autocomplete: 'cc-csc',
    inputMode: 'numeric',
    placeholder: 'placeholder.cvc',
    digits: true,
  };

  constructor() {
    super();
    this.brand = null;
  }

  protected override format(raw: string): string {
    return formatCvc(raw, this.brand);
  }

  protected validate(value: string): Validity {
    return validateCvc(value, this.brand);
  }
}

customElements.get('pay-cvc') || customElements.define('pay-cvc', PayCvc);

declare global {
  interface HTMLElementTagNameMap {
    'pay-cvc': PayCvc;
  }
}
