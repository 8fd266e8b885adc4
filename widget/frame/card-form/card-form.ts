import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { ConfirmSessionInput, PublicSession } from '../../../contract/api.ts';
import { t } from '../../i18n/index.ts';
import { formatPrice } from '../../lib/amount.ts';
import type { CardBrand } from '../../lib/card-number.ts';
import { classifyPayment, type Failure, type Outcome } from '../../lib/outcome.ts';
import { fieldErrorsFromApi } from '../../lib/server-fields.ts';
import { uuid } from '../../lib/uuid.ts';
import type { CheckoutApi } from '../api.ts';
import { declineMessage, failureFromApi } from '../failure.ts';
import '../fields/card-number/card-number.ts';
import '../fields/cardholder-name/cardholder-name.ts';
import '../fields/cvc/cvc.ts';
import '../fields/email/email.ts';
import '../fields/expiry/expiry.ts';
import { PayField } from '../fields/field/field.ts';
import { fieldStyles } from '../fields/field/field.styles.ts';
import { tokens } from '../styles/tokens.ts';
import { formStyles } from './card-form.styles.ts';

/** The installments choice, a chunk of its own: most sessions offer none. */
export const loadInstallments = () => import('./installments.ts');

export interface FormChange {
  readonly complete: boolean;
  readonly empty: boolean;
  readonly brand: string | null;
}

const FIELDS = 'pay-email, pay-card-number, pay-expiry, pay-cvc, pay-cardholder-name';

/**
 * @summary The card form inside the frame: card number, expiry, security code, name (and email
 * when the session needs one), an installments choice when the session offers more than one
 * (`<pay-installments>`, loaded on demand: a native `<select>`, 1× by default), a decline alert
 * above them and the pay button, which always shows the total.
 *
 * Submitting validates every field (flagging all, focusing the first invalid one), then confirms
 * the session once: a second submit while one is in flight is ignored, whatever the button's state.
 *
 * @property session - The PublicSession to pay (amount, currency, requires_email, max_installments).
 * @property api - The API client that confirms the session.
 * @property locale - Locale for the amount on the pay button.
 * @property failure - A failure to show above the form (a previous decline, or one the app learned
 *   after the confirm, e.g. by polling). Setting one ends the attempt in flight: the buyer may retry.
 * @fires pay-form-change - `{ complete, empty, brand }` when completeness or brand changes after buyer input.
 * @fires pay-form-outcome - The Outcome of a confirm attempt.
 */
export class PayCardForm extends LitElement {
  static override styles = [tokens, fieldStyles, formStyles];
  static override properties = {
    session: { attribute: false },
    api: { attribute: false },
    locale: {},
    failure: { attribute: false },
    alert: { state: true },
    paying: { state: true },
    brand: { state: true },
  };

  declare session: PublicSession | null;
  declare api: CheckoutApi | null;
  declare locale: string | undefined;
  declare failure: Failure | null;
  declare alert: string | null;
  declare paying: boolean;
  declare brand: CardBrand | null;

  #inFlight = false;
  #last: FormChange = { complete: false, empty: true, brand: null };

  constructor() {
    super();
    this.session = null;
    this.api = null;
    this.failure = null;
    this.alert = null;
    this.paying = false;
    this.brand = null;
  }

  /** Validates and pays, once. Also what the host's `submit()` calls. */
  async submit(): Promise<void> {
    if (this.#inFlight || !this.session || !this.api) return;
    const fields = this.#fields();
    for (const field of fields) field.reveal();
    const invalid = fields.find((field) => field.validity.state !== 'valid');
    if (invalid) {
      await invalid.updateComplete;
      invalid.focusInput();
      return;
    }
    this.#inFlight = true;
    this.paying = true;
    this.alert = null;
    let outcome: Outcome;
    try {
      const result = await this.api.confirm(this.#body(), uuid());
      outcome = result.ok ? classifyPayment(result.value) : failureFromApi(result.error);
    } catch {
      outcome = failureFromApi({ status: 0, type: 'network_error', code: 'network_error', message: '' });
    }
    if (outcome.kind === 'failed') {
      this.#inFlight = false;
      this.paying = false;
      await this.showFailure(outcome);
    }
    this.dispatchEvent(new CustomEvent<Outcome>('pay-form-outcome', { detail: outcome }));
  }

  /** Shows a decline above the form and the server's field messages next to their fields. */
  async showFailure(failure: Failure): Promise<void> {
    this.alert = declineMessage(failure);
    const errors = fieldErrorsFromApi(failure.fields);
    const fields = this.#fields();
    for (const field of fields) field.serverError = errors[field.name] ?? null;
    await this.updateComplete;
    const flagged = fields.find((field) => field.serverError);
    if (flagged) {
      await flagged.updateComplete;
      flagged.focusInput();
    } else if (!this.matches(':focus-within')) {
      // The pay button was focused, then disabled: give keyboard users their place back.
      this.renderRoot.querySelector<HTMLButtonElement>('.pay')?.focus();
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Without it (it failed to load) the buyer simply pays at once.
    if (changed.has('session') && (this.session?.max_installments ?? 1) > 1) void loadInstallments().catch(() => undefined);
    if (changed.has('failure') && this.failure) {
      this.alert = declineMessage(this.failure);
      this.#inFlight = false;
      this.paying = false;
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
      <pay-card-number ?readonly=${busy}></pay-card-number>
      <div class="row">
        <pay-expiry ?readonly=${busy}></pay-expiry>
        <pay-cvc .brand=${this.brand} ?readonly=${busy}></pay-cvc>
      </div>
      <pay-cardholder-name ?readonly=${busy}></pay-cardholder-name>
      ${session.max_installments > 1
        ? html`<pay-installments
            .amount=${session.amount}
            .currency=${session.currency}
            .max=${session.max_installments}
            .locale=${this.locale}
            ?disabled=${busy}
          ></pay-installments>`
        : nothing}
      <button type="submit" class="pay" ?disabled=${busy}>
        ${busy ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}<span>${t('pay.button', { amount })}</span>
      </button>
    </form>`;
  }

  #fields(): PayField[] {
    return [...this.renderRoot.querySelectorAll<PayField>(FIELDS)];
  }

  #field<K extends keyof HTMLElementTagNameMap>(tag: K): HTMLElementTagNameMap[K] | null {
    return this.renderRoot.querySelector(tag);
  }

  #body(): ConfirmSessionInput {
    const expiry = this.#field('pay-expiry')?.expiry;
    const email = this.#field('pay-email');
    const installments = this.#field('pay-installments')?.count ?? 1;
    return {
      payment_method: {
        type: 'card',
        card: {
          number: this.#field('pay-card-number')?.digits ?? '',
          exp_month: expiry?.month ?? 0,
          exp_year: expiry?.year ?? 0,
          cvc: this.#field('pay-cvc')?.value ?? '',
          name: this.#field('pay-cardholder-name')?.value.trim() ?? '',
        },
        ...(installments > 1 ? { installments } : {}),
      },
      ...(email ? { email: email.value.trim() } : {}),
    };
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    void this.submit();
  }

  async #onFieldInput(event: Event): Promise<void> {
    if (!(event.target instanceof PayField)) return;
    const brand = this.#field('pay-card-number')?.brand ?? null;
    if (brand?.type !== this.brand?.type) this.brand = brand;
    await this.updateComplete; // the security code field now knows the brand
    const fields = this.#fields();
    const next: FormChange = {
      complete: fields.every((field) => field.validity.state === 'valid'),
      empty: fields.every((field) => field.validity.state === 'empty'),
      brand: this.brand?.type ?? null,
    };
    const last = this.#last;
    if (next.complete === last.complete && next.empty === last.empty && next.brand === last.brand) return;
    this.#last = next;
    this.dispatchEvent(new CustomEvent<FormChange>('pay-form-change', { detail: next }));
  }
}

customElements.get('pay-card-form') || customElements.define('pay-card-form', PayCardForm);

declare global {
  interface HTMLElementTagNameMap {
    'pay-card-form': PayCardForm;
  }
}
