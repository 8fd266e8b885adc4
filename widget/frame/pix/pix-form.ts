import { css, html, nothing, type PropertyValues } from 'lit';
import type { ConfirmSessionInput, PublicSession } from '../../../contract/api.ts';
import { t } from '../../i18n/index.ts';
import type { Failure, Outcome } from '../../lib/outcome.ts';
import { formStyles } from '../card-form/card-form.styles.ts';
import '../fields/document/document.ts';
import '../fields/email/email.ts';
import { fieldStyles } from '../fields/field/field.styles.ts';
import { PaymentForm } from '../forms/payment-form.ts';
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
export class PayPixForm extends PaymentForm {
  static override styles = [tokens, fieldStyles, formStyles, pixFormStyles];

  protected readonly fieldSelector = FIELDS;
  /** The body of the last confirm that was sent, for regenerate(). */
  #lastBody: ConfirmSessionInput | null = null;

  /**
   * Confirms again with the payer details of the last confirm (or, before any, submits the form),
   * fires `pay-form-outcome` and resolves with the outcome; null when ignored (a confirm in flight).
   */
  async regenerate(): Promise<Outcome | null> {
    if (this.inFlight || !this.session || !this.api) return null;
    if (!this.#lastBody) {
      await this.submit();
      return null;
    }
    return this.confirm(this.#lastBody);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('failure') && this.failure) {
      this.alert = this.failureMessage(this.failure);
      // Shown again after its payment failed (e.g. the code expired unpaid): usable again.
      if (!this.inFlight) {
        this.done = false;
        this.paying = false;
      }
    }
  }

  protected failureMessage(failure: Failure): string {
    return failure.message || t('pix.failed');
  }

  protected payLabel(amount: string): string {
    return t('pix.button', { amount });
  }

  protected renderFields(session: PublicSession, busy: boolean) {
    return html`${session.requires_email ? html`<pay-email ?readonly=${busy}></pay-email>` : nothing}
      <pay-full-name ?readonly=${busy}></pay-full-name>
      <pay-document ?readonly=${busy}></pay-document>
      ${session.collect_phone ? html`<pay-phone ?readonly=${busy}></pay-phone>` : nothing}`;
  }

  protected override confirm(body: ConfirmSessionInput): Promise<Outcome> {
    this.#lastBody = body;
    return super.confirm(body);
  }

  /** A payment was created (a PIX code to show): the form is done, regenerate() may confirm again. */
  protected override paymentCreated(): void {
    this.inFlight = false;
    this.done = true;
  }

  protected confirmBody(): ConfirmSessionInput {
    const email = this.field('pay-email');
    const phone = this.field('pay-phone')?.phone;
    return {
      payment_method: {
        type: 'pix',
        pix: {
          name: this.field('pay-full-name')?.value.trim() ?? '',
          document: this.field('pay-document')?.digits ?? '',
          ...(phone ? { phone } : {}),
        },
      },
      ...(email ? { email: email.value.trim() } : {}),
    };
  }
}

customElements.get('pay-pix-form') || customElements.define('pay-pix-form', PayPixForm);

declare global {
  interface HTMLElementTagNameMap {
    'pay-pix-form': PayPixForm;
  }
}
