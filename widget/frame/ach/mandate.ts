import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { t } from '../../i18n/index.ts';
import { validity, type Validity } from '../../lib/validity.ts';
import { FIELD_INPUT_EVENT, PayField, type FieldConfig } from '../fields/field/field.ts';
import { achValidity } from './codes.ts';

/**
 * @summary The ACH authorization: the session's mandate text exactly as the server wrote it (in
 * a scrollable box that keyboard users can reach and scroll) and the required checkbox
 * "I authorize this debit", which the text describes. A field like the others (it has a
 * validity, is revealed and focused on submit, takes a server error for `ach.mandate_accepted`),
 * rendered as a checkbox: unchecked is `empty`, so it is flagged on submit only.
 *
 * @property text - The mandate (`session.ach_mandate`), shown verbatim.
 * @property accepted - The box is checked.
 */
export class PayAchMandate extends PayField {
  static override properties = { text: { attribute: false } };

  declare text: string;

  protected readonly config: FieldConfig = {
    name: 'mandate',
    label: 'ach.accept',
    autocomplete: 'off',
    inputMode: 'text',
  };

  constructor() {
    super();
    this.text = '';
  }

  get accepted(): boolean {
    return this.value !== '';
  }

  protected validate(value: string): Validity {
    return value ? validity('valid', null) : achValidity('empty', 'mandate.required');
  }

  protected override render() {
    const id = this.id_;
    const error = this.errorMessage;
    return html`<div class="mandate">
      <p class="mandate-title" id="${id}-title">${t('ach.mandate')}</p>
      <div class="mandate-text" id="${id}-text" role="region" aria-labelledby="${id}-title" tabindex="0">${this.text}</div>
      <div class="check">
        <input
          id=${id}
          name=${this.config.name}
          type="checkbox"
          .checked=${live(this.accepted)}
          required
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby="${id}-text${error ? ` ${id}-error` : ''}"
          ?disabled=${this.readonly}
          @change=${this.#onChange}
        /><label for=${id}>${t('ach.accept')}</label>
      </div>
      ${error ? html`<p class="error" id="${id}-error">${error}</p>` : nothing}
    </div>`;
  }

  #onChange(event: Event): void {
    this.value = (event.target as HTMLInputElement).checked ? 'accepted' : '';
    this.touched = true;
    this.serverError = null;
    this.dispatchEvent(new CustomEvent(FIELD_INPUT_EVENT, { bubbles: true }));
  }
}

customElements.get('pay-ach-mandate') || customElements.define('pay-ach-mandate', PayAchMandate);

declare global {
  interface HTMLElementTagNameMap {
    'pay-ach-mandate': PayAchMandate;
  }
}
