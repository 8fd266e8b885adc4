import { LitElement, html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { ConfirmSessionInput, PublicSession } from '../../../contract/api.ts';
import { formatPrice } from '../../lib/amount.ts';
import { classifyPayment, type Failure, type Outcome } from '../../lib/outcome.ts';
import { fieldErrorsFromApi } from '../../lib/server-fields.ts';
import { uuid } from '../../lib/uuid.ts';
import type { CheckoutApi } from '../api.ts';
import { failureFromApi } from '../failure.ts';
import { PayField } from '../fields/field/field.ts';

export interface FormChange {
  readonly complete: boolean;
  readonly empty: boolean;
  readonly brand: string | null;
}

/**
 * What the card and PIX forms share: the session, API, locale and failure properties, the alert
 * above the fields and the pay button below them, submitting once (revealing every field's
 * error, focusing the first invalid one), confirming the session, showing a failure (the
 * server's field messages next to their fields) and `pay-form-change` after buyer input.
 *
 * Subclasses supply the fields (`fieldSelector`, `renderFields()`), the confirm body, the pay
 * button's label and the failure message, and react to the `failure` property themselves. They
 * may also change the amount the button shows (`payAmount()`) and hold an attempt back once the
 * fields are valid (`ready()`; the card form waits there for its surcharge).
 *
 * @fires pay-form-change - `{ complete, empty, brand }` when one of them changes after buyer input.
 * @fires pay-form-outcome - The Outcome of a confirm attempt.
 */
export abstract class PaymentForm extends LitElement {
  static override properties: PropertyDeclarations = {
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
  protected inFlight = false;
  /** A confirm created a payment: submitting is ignored (only subclasses that say so set it). */
  protected done = false;
  #last: FormChange = { complete: false, empty: true, brand: null };

  /** The fields' tag names, as one selector. */
  protected abstract readonly fieldSelector: string;
  /** The confirm request's body, from the fields. */
  protected abstract confirmBody(): ConfirmSessionInput;
  /** The text of a failure's alert. */
  protected abstract failureMessage(failure: Failure): string;
  /** The pay button's label for this formatted amount. */
  protected abstract payLabel(amount: string): string;
  /** What goes between the alert and the pay button. */
  protected abstract renderFields(session: PublicSession, busy: boolean): TemplateResult;

  /** The amount the pay button shows: by default the session's (the card form adds a surcharge). */
  protected payAmount(session: PublicSession): number {
    return session.amount;
  }

  /**
   * Called once the fields are valid, before confirming: false stops this attempt (the card form
   * waits here for its surcharge). Submitting again meanwhile is ignored. By default true.
   */
  protected ready(): boolean | Promise<boolean> {
    return true;
  }

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
    if (this.inFlight || this.done || !this.session || !this.api) return;
    const fields = this.fields();
    for (const field of fields) field.reveal();
    const invalid = fields.find((field) => field.validity.state !== 'valid');
    if (invalid) {
      await invalid.updateComplete;
      invalid.focusInput();
      return;
    }
    this.inFlight = true;
    const ready = await this.ready();
    this.inFlight = false;
    if (ready) await this.confirm(this.confirmBody());
  }

  /** Shows a failure above the form and the server's field messages next to their fields. */
  async showFailure(failure: Failure): Promise<void> {
    this.alert = this.failureMessage(failure);
    const errors = fieldErrorsFromApi(failure.fields);
    const fields = this.fields();
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

  protected override render() {
    const session = this.session;
    if (!session) return nothing;
    const amount = formatPrice(this.payAmount(session), session.currency, this.locale);
    const busy = this.paying;
    return html`<form novalidate @submit=${this.#onSubmit} @pay-field-input=${this.onFieldInput}>
      <div class="alert" role="alert">${this.alert ?? nothing}</div>
      ${this.renderFields(session, busy)}
      <button type="submit" class="pay" ?disabled=${busy}>
        ${busy ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}<span>${this.payLabel(amount)}</span>
      </button>
    </form>`;
  }

  /**
   * Confirms the session with `body`, shows a failure, fires `pay-form-outcome` and resolves with
   * the outcome. A failure makes the form usable again; otherwise `paymentCreated()` decides.
   */
  protected async confirm(body: ConfirmSessionInput): Promise<Outcome> {
    const api = this.api!;
    this.inFlight = true;
    this.paying = true;
    this.alert = null;
    let outcome: Outcome;
    try {
      const result = await api.confirm(body, uuid());
      outcome = result.ok ? classifyPayment(result.value) : failureFromApi(result.error);
    } catch {
      outcome = failureFromApi({ status: 0, type: 'network_error', code: 'network_error', message: '' });
    }
    if (outcome.kind === 'failed') {
      this.inFlight = false;
      this.done = false;
      this.paying = false;
      await this.showFailure(outcome);
    } else {
      this.paymentCreated();
    }
    this.dispatchEvent(new CustomEvent<Outcome>('pay-form-outcome', { detail: outcome }));
    return outcome;
  }

  /** A confirm created a payment. By default the attempt stays in flight until a failure is shown. */
  protected paymentCreated(): void {}

  /** Buyer input in a field (`pay-field-input`): by default, reports the change. */
  protected onFieldInput(event: Event): void {
    if (event.target instanceof PayField) this.reportChange(null);
  }

  /** Fires `pay-form-change` when completeness, emptiness or the brand changed since the last one. */
  protected reportChange(brand: string | null): void {
    const fields = this.fields();
    const next: FormChange = {
      complete: fields.every((field) => field.validity.state === 'valid'),
      empty: fields.every((field) => field.validity.state === 'empty'),
      brand,
    };
    const last = this.#last;
    if (next.complete === last.complete && next.empty === last.empty && next.brand === last.brand) return;
    this.#last = next;
    this.dispatchEvent(new CustomEvent<FormChange>('pay-form-change', { detail: next }));
  }

  protected fields(): PayField[] {
    return [...this.renderRoot.querySelectorAll<PayField>(this.fieldSelector)];
  }

  protected field<K extends keyof HTMLElementTagNameMap>(tag: K): HTMLElementTagNameMap[K] | null {
    return this.renderRoot.querySelector(tag);
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    void this.submit();
  }
}
