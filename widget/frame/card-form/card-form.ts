import { html, nothing, type PropertyValues } from 'lit';
import type { ConfirmSessionInput, PublicSession } from '../../../contract/api.ts';
import { t } from '../../i18n/index.ts';
import type { CardBrand } from '../../lib/card-number.ts';
import type { Failure } from '../../lib/outcome.ts';
import { declineMessage } from '../failure.ts';
import '../fields/card-number/card-number.ts';
import '../fields/cardholder-name/cardholder-name.ts';
import '../fields/cvc/cvc.ts';
import '../fields/email/email.ts';
import '../fields/expiry/expiry.ts';
import { PayField } from '../fields/field/field.ts';
import { fieldStyles } from '../fields/field/field.styles.ts';
import { PaymentForm } from '../forms/payment-form.ts';
import { tokens } from '../styles/tokens.ts';
import { formStyles } from './card-form.styles.ts';

/** The installments choice, a chunk of its own: most sessions offer none. */
export const loadInstallments = () => import('./installments.ts');

export type { FormChange } from '../forms/payment-form.ts';

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
export class PayCardForm extends PaymentForm {
  static override styles = [tokens, fieldStyles, formStyles];
  static override properties = {
    brand: { state: true },
  };

  declare brand: CardBrand | null;

  protected readonly fieldSelector = FIELDS;

  constructor() {
    super();
    this.brand = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Without it (it failed to load) the buyer simply pays at once.
    if (changed.has('session') && (this.session?.max_installments ?? 1) > 1) void loadInstallments().catch(() => undefined);
    if (changed.has('failure') && this.failure) {
      this.alert = declineMessage(this.failure);
      this.inFlight = false;
      this.paying = false;
    }
  }

  protected failureMessage(failure: Failure): string {
    return declineMessage(failure);
  }

  protected payLabel(amount: string): string {
    return t('pay.button', { amount });
  }

  protected renderFields(session: PublicSession, busy: boolean) {
    return html`${session.requires_email ? html`<pay-email ?readonly=${busy}></pay-email>` : nothing}
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
        : nothing}`;
  }

  protected confirmBody(): ConfirmSessionInput {
    const expiry = this.field('pay-expiry')?.expiry;
    const email = this.field('pay-email');
    const installments = this.field('pay-installments')?.count ?? 1;
    return {
      payment_method: {
        type: 'card',
        card: {
          number: this.field('pay-card-number')?.digits ?? '',
          exp_month: expiry?.month ?? 0,
          exp_year: expiry?.year ?? 0,
          cvc: this.field('pay-cvc')?.value ?? '',
          name: this.field('pay-cardholder-name')?.value.trim() ?? '',
        },
        ...(installments > 1 ? { installments } : {}),
      },
      ...(email ? { email: email.value.trim() } : {}),
    };
  }

  protected override async onFieldInput(event: Event): Promise<void> {
    if (!(event.target instanceof PayField)) return;
    const brand = this.field('pay-card-number')?.brand ?? null;
    if (brand?.type !== this.brand?.type) this.brand = brand;
    await this.updateComplete; // the security code field now knows the brand
    this.reportChange(this.brand?.type ?? null);
  }
}

customElements.get('pay-card-form') || customElements.define('pay-card-form', PayCardForm);

declare global {
  interface HTMLElementTagNameMap {
    'pay-card-form': PayCardForm;
  }
}
