import { html, nothing } from 'lit';
import {
  documentDigits,
  documentState,
  documentTypeOf,
  formatDocument,
  parseDocument,
  type DocumentState,
  type DocumentType,
} from '../../../../contract/br-document.ts';
import { validity, type ErrorCode, type Validity } from '../../../lib/validity.ts';
import { PayField, type FieldConfig } from '../field/field.ts';

const CODES: Readonly<Record<DocumentState, ErrorCode | null>> = {
  empty: 'document.required',
  incomplete: 'document.incomplete',
  invalid: 'document.invalid',
  valid: null,
};

/**
 * @summary CPF or CNPJ (the payer's Brazilian tax id), formatted as it is typed
 * (`000.000.000-00` up to 11 digits, `00.000.000/0000-00` beyond), with its type shown and its
 * check digits verified as the buyer types. The rules are `contract/br-document.ts`, shared with
 * the server.
 *
 * @property document - `{ type, number }` (digits only) once the value is a valid CPF or CNPJ, else null.
 * @property documentType - 'CPF' or 'CNPJ' as read from the length so far; null while empty.
 * @property digits - The digits typed so far.
 */
export class PayDocument extends PayField {
  protected readonly config: FieldConfig = {
    name: 'document',
    label: 'label.document',
    // Not a standard autofill token; and browsers should not suggest unrelated numbers here.
    autocomplete: 'off',
    inputMode: 'numeric',
    digits: true,
  };

  /** The digits typed so far. */
  get digits(): string {
    return documentDigits(this.value);
  }

  /** CPF or CNPJ, read from the length so far (null while empty). */
  get documentType(): DocumentType | null {
    const digits = this.digits;
    return digits ? documentTypeOf(digits) : null;
  }

  /** The complete, valid document, or null. */
  get document(): { type: DocumentType; number: string } | null {
    return parseDocument(this.value);
  }

  protected override format(raw: string): string {
    return formatDocument(raw);
  }

  protected validate(value: string): Validity {
    const state = documentState(value);
    return validity(state, CODES[state]);
  }

  protected override renderAdornment() {
    const type = this.documentType;
    return type ? html`<span class="brand" id="${this.id_}-type">${type}</span>` : nothing;
  }

  protected override descriptions(): string[] {
    return this.documentType ? [`${this.id_}-type`] : [];
  }
}

customElements.get('pay-document') || customElements.define('pay-document', PayDocument);

declare global {
  interface HTMLElementTagNameMap {
    'pay-document': PayDocument;
  }
}
