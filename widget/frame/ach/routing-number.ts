import { routingDigits, routingState, type RoutingState } from '../../../contract/aba.ts';
import { t } from '../../i18n/index.ts';
import type { Validity } from '../../lib/validity.ts';
import { PayField, type FieldConfig } from '../fields/field/field.ts';
import { achValidity, type AchErrorCode } from './codes.ts';

const CODES: Readonly<Record<Exclude<RoutingState, 'valid'>, AchErrorCode>> = {
  empty: 'routing_number.required',
  incomplete: 'routing_number.incomplete',
  invalid: 'routing_number.invalid',
};

/**
 * @summary ABA routing number: 9 digits (anything else typed or pasted is dropped), checked as
 * the buyer types with `contract/aba.ts` (ABA checksum and Federal Reserve prefix, as the
 * server checks it). Too short is flagged once the buyer leaves the field; 9 digits that are not
 * a routing number are flagged at once, since no more typing can fix them.
 *
 * @property digits - The digits typed so far.
 */
export class PayRoutingNumber extends PayField {
  protected readonly config: FieldConfig = {
    name: 'routingNumber',
    label: 'label.routing_number',
    // No autofill token exists for bank details; browsers should not offer unrelated numbers.
    autocomplete: 'off',
    inputMode: 'numeric',
    digits: true,
  };

  get digits(): string {
    return routingDigits(this.value);
  }

  override get errorMessage(): string | null {
    const { state, code } = this.validity;
    return !this.serverError && state === 'invalid' && code ? t(code) : super.errorMessage;
  }

  protected override format(raw: string): string {
    return routingDigits(raw).slice(0, 9);
  }

  protected validate(value: string): Validity {
    const state = routingState(value);
    return state === 'valid' ? achValidity(state, CODES.invalid) : achValidity(state, CODES[state]);
  }
}

customElements.get('pay-routing-number') || customElements.define('pay-routing-number', PayRoutingNumber);

declare global {
  interface HTMLElementTagNameMap {
    'pay-routing-number': PayRoutingNumber;
  }
}
