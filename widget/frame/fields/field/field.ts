import { LitElement, html, nothing, type PropertyDeclarations } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { t, type MessageKey } from '../../../i18n/index.ts';
import { deletingFrom, reformat } from '../../../lib/caret.ts';
import type { FieldName } from '../../../lib/server-fields.ts';
import { visibleError, type Validity } from '../../../lib/validity.ts';

/** Fired (bubbling, inside the form) whenever the buyer changes a field's value. */
export const FIELD_INPUT_EVENT = 'pay-field-input';

/** What makes one field differ from another: the rest is the base class. */
export interface FieldConfig {
  readonly name: FieldName;
  readonly label: MessageKey;
  /** The `autocomplete` token browsers use for autofill, e.g. `cc-number`. */
  readonly autocomplete: string;
  readonly inputMode: 'numeric' | 'text' | 'email';
  readonly type?: 'text' | 'email';
  readonly placeholder?: MessageKey;
  readonly autocapitalize?: 'off' | 'words';
  /** Digit fields are reformatted as the buyer types, with the caret kept after the same digit. */
  readonly digits?: boolean;
}

/**
 * The base of every payment field: a label above an input, the error below it.
 *
 * Fields render into their own light DOM, so label, input and error text all live in the form's
 * shadow root: `for` / `aria-describedby` references resolve, the inputs belong to the form's
 * `<form>` (Enter submits, browsers autofill the card fields as one group), and the form's
 * static styles apply. Subclasses supply a FieldConfig, `validate()` and, for digit fields,
 * `format()` — all of them thin wrappers over `widget/lib`.
 *
 * @property serverError - A message from the payment server about this field; shown until the buyer edits it.
 * @property readonly - Set while a payment is in flight.
 * @fires pay-field-input - The buyer changed the value (internal to the form; bubbles, not composed).
 */
export abstract class PayField extends LitElement {
  static override properties: PropertyDeclarations = {
    value: { state: true },
    touched: { state: true },
    submitted: { state: true },
    serverError: { attribute: false },
    readonly: { type: Boolean },
  };

  /** The value as displayed (formatted). */
  declare value: string;
  /** The buyer has left the field at least once. */
  declare touched: boolean;
  /** The buyer has tried to submit. */
  declare submitted: boolean;
  declare serverError: string | null;
  declare readonly: boolean;

  protected abstract readonly config: FieldConfig;
  protected abstract validate(value: string): Validity;

  constructor() {
    super();
    this.value = '';
    this.touched = false;
    this.submitted = false;
    this.serverError = null;
    this.readonly = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  get name(): FieldName {
    return this.config.name;
  }

  get validity(): Validity {
    return this.validate(this.value);
  }

  get input(): HTMLInputElement | null {
    return this.querySelector('input');
  }

  /** The error text the buyer sees now, or null. */
  get errorMessage(): string | null {
    if (this.serverError) return this.serverError;
    const code = visibleError(this.validity, this);
    return code && t(code);
  }

  /** Show errors as if the buyer had submitted (empty required fields included). */
  reveal(): void {
    this.submitted = true;
  }

  focusInput(): void {
    this.input?.focus();
  }

  protected format(raw: string): string {
    return raw;
  }

  /** Something shown inside the control, such as the card brand. */
  protected renderAdornment(): unknown {
    return nothing;
  }

  /** Ids of extra descriptions for the input (the brand badge). */
  protected descriptions(): string[] {
    return [];
  }

  protected get id_(): string {
    return `pay-${this.config.name}`;
  }

  protected override render() {
    const { config } = this;
    const id = this.id_;
    const error = this.errorMessage;
    const describedBy = [...(error ? [`${id}-error`] : []), ...this.descriptions()].join(' ');
    const adornment = this.renderAdornment();
    return html`<div class="field">
      <label for=${id}>${t(config.label)}</label>
      <div class=${adornment === nothing ? 'control' : 'control has-brand'}>
        <input
          id=${id}
          name=${config.name}
          type=${config.type ?? 'text'}
          .value=${live(this.value)}
          autocomplete=${config.autocomplete}
          inputmode=${config.inputMode}
          autocapitalize=${config.autocapitalize ?? 'off'}
          spellcheck="false"
          placeholder=${ifDefined(config.placeholder && t(config.placeholder))}
          aria-required="true"
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${describedBy || nothing}
          ?readonly=${this.readonly}
          @input=${this.#onInput}
          @blur=${this.#onBlur}
        />${adornment}
      </div>
      ${error ? html`<p class="error" id="${id}-error">${error}</p>` : nothing}
    </div>`;
  }

  #onInput(event: Event): void {
    const input = event.target as HTMLInputElement;
    let value = input.value;
    if (this.config.digits) {
      const next = reformat(
        {
          raw: value,
          caret: input.selectionStart ?? value.length,
          previous: this.value,
          deleting: deletingFrom((event as InputEvent).inputType),
        },
        (raw) => this.format(raw),
      );
      value = next.value;
      if (input.value !== value) input.value = value;
      if (input.matches(':focus')) input.setSelectionRange(next.caret, next.caret);
    }
    this.value = value;
    this.serverError = null;
    this.dispatchEvent(new CustomEvent(FIELD_INPUT_EVENT, { bubbles: true }));
  }

  #onBlur(): void {
    this.touched = true;
  }
}
