import { html, nothing } from 'lit';
import { t } from '../../i18n/index.ts';
import { VALID, validity, type Validity } from '../../lib/validity.ts';
import { FIELD_INPUT_EVENT, PayField, type FieldConfig } from '../fields/field/field.ts';
import { US_STATES } from './states.ts';

/**
 * @summary The billing state (a native `<select>` of the US states and DC), asked for when a card
 * surcharge applies and the session does not know the state. A field like the others (light DOM,
 * label, `aria-invalid`, the error below it via `aria-describedby`, flagged once left or on
 * submit), so the card form validates it with the rest.
 *
 * @property readonly - Set while a payment is in flight (the select is then disabled).
 * @fires pay-field-input - The buyer chose a state.
 */
export class PayBillingState extends PayField {
  protected readonly config: FieldConfig = {
    // Only makes the ids: the server names no such field in a decline (lib/server-fields.ts).
    name: 'billingState',
    label: 'label.billing_state',
    autocomplete: 'billing address-level1',
    inputMode: 'text',
  };

  protected validate(value: string): Validity {
    return value ? VALID : validity('empty', null);
  }

  /** The only mistake is choosing nothing, which (as for every empty field) is flagged on submit. */
  override get errorMessage(): string | null {
    return this.serverError || (this.submitted && !this.value ? t('billing_state.required') : null);
  }

  override focusInput(): void {
    this.querySelector('select')?.focus();
  }

  protected override render() {
    const id = this.id_;
    const error = this.errorMessage;
    return html`<div class="field">
      <label for=${id}>${t(this.config.label)}</label>
      <select
        id=${id}
        name="billing_state"
        autocomplete=${this.config.autocomplete}
        aria-required="true"
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${error ? `${id}-error` : nothing}
        ?disabled=${this.readonly}
        @change=${this.#onChange}
      >
        <option value="" ?selected=${!this.value}>${t('billing_state.choose')}</option>
        ${US_STATES.map(([code, name]) => html`<option value=${code} ?selected=${code === this.value}>${name}</option>`)}
      </select>
      ${error ? html`<p class="error" id="${id}-error">${error}</p>` : nothing}
    </div>`;
  }

  #onChange(event: Event): void {
    this.value = (event.target as HTMLSelectElement).value;
    this.serverError = null;
    this.dispatchEvent(new CustomEvent(FIELD_INPUT_EVENT, { bubbles: true }));
  }
}

customElements.get('pay-billing-state') || customElements.define('pay-billing-state', PayBillingState);

declare global {
  interface HTMLElementTagNameMap {
    'pay-billing-state': PayBillingState;
  }
}
