import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import type { ConfirmSessionInput, PublicSession } from '../../../contract/api.ts';
import { t } from '../../i18n/index.ts';
import { formatPrice } from '../../lib/amount.ts';
import { classifyPayment, type Failure, type Outcome } from '../../lib/outcome.ts';
import { fieldErrorsFromApi } from '../../lib/server-fields.ts';
import { uuid } from '../../lib/uuid.ts';
import type { CheckoutApi } from '../api.ts';
import type { FormChange } from '../card-form/card-form.ts';
import { formStyles } from '../card-form/card-form.styles.ts';
import { failureFromApi } from '../failure.ts';
import '../fields/document/document.ts';
import '../fields/email/email.ts';
import { PayField } from '../fields/field/field.ts';
import { fieldStyles } from '../fields/field/field.styles.ts';
import '../fields/phone/phone.ts';
import { tokens } from '../styles/tokens.ts';
import './full-name.ts';

const FIELDS = 'pay-email, pay-full-name, pay-document, pay-phone';

const pixFormStyles = css`
  /* The type badge ("CPF", "CNPJ") is short: leave the number more room than a card brand needs. */
  pay-document .has-brand input {
    padding-right: 4.5em;
  }
`;

/**
 * @summary The PIX form inside the frame: the payer's email (when the session needs one), full
 * name, CPF or CNPJ and phone (when the session has `collect_phone`), a failure alert above
 * them and the pay button. Confirming answers with a PIX code to show (`pay-pix-code`).
 *
 * Submitting validates every field (flagging all, focusing the first invalid one), then confirms
 * the session once: a second submit while one is in flight, or after a payment was created, is
 * ignored. `regenerate()` confirms again with the payer details of the last confirm (a new code
 * once the previous one expired), even if the form is no longer on screen.
 *
 * @property session - The PublicSession to pay (amount, currency, requires_email, collect_phone).
 * @property api - The API client that confirms the session.
 * @property locale - Locale for the amount on the pay button.
 * @property failure - A failure to show above the form (a previous attempt's); setting one also
 *   makes a form that had created a payment usable again (e.g. its PIX code expired unpaid).
 * @fires pay-form-change - `{ complete, empty, brand: null }` when completeness changes after buyer input.
 * @fires pay-form-outcome - The Outcome of a confirm attempt (`pix` with the code on success).
 */
export class PayPixForm extends LitElement {
  static override styles = [tokens, fieldStyles, formStyles, pixFormStyles];
  static override properties = {
    session: { attribute: false },
    api: { attribute: false },
    locale: {},
    failure: { attribute: false },
    alert: { state: true },
    paying: { state: true },
  };

  declare session: PublicSession | null;
  declare api: CheckoutApi | null;
  declare locale: string | undefined;
  declare failure: Failure | null;
  declare alert: string | null;
  declare paying: boolean;

  /** A confirm request is on its way. */
  #inFlight = false;
  /** A confirm created a payment (anything but a failure): the form is done. */
  #done = false;
  /** The body of the last confirm that was sent, for regenerate(). */
  #lastBody: ConfirmSessionInput | null = null;
  #last: FormChange = { complete: false, empty: true, brand: null };

  constructor() {
    super();
    this.session = null;
    this.api = null;
    this.failure = null;
    this.alert = null;
    this.paying = false;
  }

  /** Validates and pays, once. Also what the host's `submit()` calls. */
  async submit(): Promise<void> {
    if (this.#inFlight || this.#done || !this.session || !this.api) return;
    const fields = this.#fields();
    for (const field of fields) field.reveal();
    const invalid = fields.find((field) => field.validity.state !== 'valid');
    if (invalid) {
      await invalid.updateComplete;
      invalid.focusInput();
      return;
    }
    await this.#confirm(this.#body());
  }

  /**
   * Confirms again with the payer details of the last confirm (or, before any, submits the form),
   * fires `pay-form-outcome` and resolves with the outcome; null when ignored (a confirm in flight).
   */
  async regenerate(): Promise<Outcome | null> {
    if (this.#inFlight || !this.session || !this.api) return null;
    if (!this.#lastBody) {
      await this.submit();
      return null;
    }
    return this.#confirm(this.#lastBody);
  }

  /** Shows a failure above the form and the server's field messages next to their fields. */
  async showFailure(failure: Failure): Promise<void> {
    this.alert = failure.message || t('pix.failed');
    const errors = fieldErrorsFromApi(failure.fields);
    const fields = this.#fields();
    for (const field of fields) field.serverError = errors[field.name] ?? null;
    await this.updateComplete;
    const flagged = fields.find((field) => field.serverError);
    if (flagged) {
      await flagged.updateComplete;
      flagged.focusInput();
    } else if (this.isConnected && !this.matches(':focus-within')) {
      // The pay button was focused, then disabled: give keyboard users their place back.
      this.renderRoot.querySelector<HTMLButtonElement>('.pay')?.focus();
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('failure') && this.failure) {
      this.alert = this.failure.message || t('pix.failed');
      // Shown again after its payment failed (e.g. the code expired unpaid): usable again.
      if (!this.#inFlight) {
        this.#done = false;
        this.paying = false;
      }
    }
  }

  protected override render() {
    const session = this.session;
    if (!session) return nothing;
    const amount = formatPrice(session.amount, session.currency, this.locale);
    const busy = this.paying;
    return html`<form novalidate @submit=${this.#onSubmit} @pay-field-input=${this.#onFieldInput}>
      <div class="alert" role="alert">${this.alert ?? nothing}</div>
      ${session.requires_email ? html`<pay-email ?readonly=${busy}></pay-email>` : nothing}
      <pay-full-name ?readonly=${busy}></pay-full-name>
      <pay-document ?readonly=${busy}></pay-document>
      ${session.collect_phone ? html`<pay-phone ?readonly=${busy}></pay-phone>` : nothing}
      <button type="submit" class="pay" ?disabled=${busy}>
        ${busy ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}<span>${t('pix.button', { amount })}</span>
      </button>
    </form>`;
  }

  async #confirm(body: ConfirmSessionInput): Promise<Outcome> {
    const api = this.api!;
    this.#inFlight = true;
    this.#lastBody = body;
    this.paying = true;
    this.alert = null;
    let outcome: Outcome;
    try {
      const result = await api.confirm(body, uuid());
      outcome = result.ok ? classifyPayment(result.value) : failureFromApi(result.error);
    } catch {
      outcome = failureFromApi({ status: 0, type: 'network_error', code: 'network_error', message: '' });
    }
    this.#inFlight = false;
    if (outcome.kind === 'failed') {
      this.#done = false;
      this.paying = false;
      await this.showFailure(outcome);
    } else {
      this.#done = true;
    }
    this.dispatchEvent(new CustomEvent<Outcome>('pay-form-outcome', { detail: outcome }));
    return outcome;
  }

  #fields(): PayField[] {
    return [...this.renderRoot.querySelectorAll<PayField>(FIELDS)];
  }

  #field<K extends keyof HTMLElementTagNameMap>(tag: K): HTMLElementTagNameMap[K] | null {
    return this.renderRoot.querySelector(tag);
  }

  #body(): ConfirmSessionInput {
    const email = this.#field('pay-email');
    const phone = this.#field('pay-phone')?.phone;
    return {
      payment_method: {
        type: 'pix',
        pix: {
          name: this.#field('pay-full-name')?.value.trim() ?? '',
          document: this.#field('pay-document')?.digits ?? '',
          ...(phone ? { phone } : {}),
        },
      },
      ...(email ? { email: email.value.trim() } : {}),
    };
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    void this.submit();
  }

  #onFieldInput(event: Event): void {
    if (!(event.target instanceof PayField)) return;
    const fields = this.#fields();
    const next: FormChange = {
      complete: fields.every((field) => field.validity.state === 'valid'),
      empty: fields.every((field) => field.validity.state === 'empty'),
      brand: null,
    };
    const last = this.#last;
    if (next.complete === last.complete && next.empty === last.empty) return;
    this.#last = next;
    this.dispatchEvent(new CustomEvent<FormChange>('pay-form-change', { detail: next }));
  }
}

customElements.get('pay-pix-form') || customElements.define('pay-pix-form', PayPixForm);

declare global {
  interface HTMLElementTagNameMap {
    'pay-pix-form': PayPixForm;
  }
}
