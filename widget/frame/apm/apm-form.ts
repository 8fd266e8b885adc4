import { css, html, nothing, type PropertyValues } from 'lit';
import type { ApmType, ConfirmSessionInput, PublicSession } from '../../../contract/api.ts';
import { t, type MessageKey } from '../../i18n/index.ts';
import { formatPrice } from '../../lib/amount.ts';
import type { Failure } from '../../lib/outcome.ts';
import { formStyles } from '../card-form/card-form.styles.ts';
import { declineMessage } from '../failure.ts';
import '../fields/email/email.ts';
import { fieldStyles } from '../fields/field/field.styles.ts';
import { PaymentForm } from '../forms/payment-form.ts';
import { tokens } from '../styles/tokens.ts';
import '../../i18n/en-methods.ts';

const apmStyles = css`
  .explanation {
    margin: 0;
  }
`;

/** The method's name as the tabs show it ("Alipay", "WeChat Pay", "PayPal"). */
export const apmName = (method: ApmType): string => t(`method.${method}` satisfies MessageKey);

/**
 * @summary The form of a redirect payment method (Alipay, WeChat Pay, PayPal): one sentence
 * saying where the buyer goes and that they come back, their email (when the session needs one)
 * and the button "Continue to Alipay". Confirming answers with a `redirect` outcome, on which the
 * app asks the host page to go to the provider.
 *
 * @property method - Which redirect method this form pays with ('alipay', 'wechatpay' or 'paypal'); required.
 * @property session - The PublicSession to pay (amount, currency, requires_email).
 * @property api - The API client that confirms the session.
 * @property locale - Locale for the amount.
 * @property failure - A failure to show above the form; setting one ends the attempt in flight.
 * @fires pay-form-change - `{ complete, empty, brand: null }` once shown (complete at once when
 *   there is no email to ask: the buyer has nothing to fill in), then when the email's completeness changes.
 * @fires pay-form-outcome - The Outcome of a confirm attempt (`redirect` with the provider's URL on success).
 */
export class PayApmForm extends PaymentForm {
  static override styles = [tokens, fieldStyles, formStyles, apmStyles];
  static override properties = { method: {} };

  declare method: ApmType;

  protected readonly fieldSelector = 'pay-email';

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('failure') && this.failure) {
      this.alert = this.failureMessage(this.failure);
      this.inFlight = false;
      this.paying = false;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Nothing to type is a form already complete: tell the host, so a merchant's own pay button works.
    if (changed.has('session') && this.session) this.reportChange(null);
  }

  protected failureMessage(failure: Failure): string {
    return failure.message ? declineMessage(failure) : t('error.not_processed');
  }

  protected payLabel(): string {
    return t('apm.button', { method: apmName(this.method) });
  }

  protected renderFields(session: PublicSession, busy: boolean) {
    const amount = formatPrice(session.amount, session.currency, this.locale);
    return html`<p class="explanation">${t('apm.explanation', { method: apmName(this.method), amount })}</p>
      ${session.requires_email ? html`<pay-email ?readonly=${busy}></pay-email>` : nothing}`;
  }

  protected confirmBody(): ConfirmSessionInput {
    const email = this.field('pay-email');
    return { payment_method: { type: this.method }, ...(email ? { email: email.value.trim() } : {}) };
  }
}

customElements.get('pay-apm-form') || customElements.define('pay-apm-form', PayApmForm);

declare global {
  interface HTMLElementTagNameMap {
    'pay-apm-form': PayApmForm;
  }
}
