import { html, nothing, type PropertyValues } from 'lit';
import type { ConfirmSessionInput, PublicSession } from '../../../contract/api.ts';
import { currentLocale, t } from '../../i18n/index.ts';
import type { Failure } from '../../lib/outcome.ts';
import { formStyles } from '../card-form/card-form.styles.ts';
import { declineMessage } from '../failure.ts';
import '../fields/email/email.ts';
import { fieldStyles } from '../fields/field/field.styles.ts';
import { PaymentForm } from '../forms/payment-form.ts';
import { tokens } from '../styles/tokens.ts';
import './account-number.ts';
import { achFormStyles } from './ach-form.styles.ts';
import './holder-name.ts';
import './mandate.ts';
import './routing-number.ts';
import '../../i18n/en-methods.ts';

const FIELDS = 'pay-email, pay-holder-name, pay-routing-number, pay-account-number, pay-account-confirm, pay-ach-mandate';

export type AccountType = 'checking' | 'savings';

/** Decline codes of a bank account debit (the gateway's issuer declines come as card_declined). */
const BANK_DECLINES = new Set(['bank_account_declined', 'card_declined']);

/**
 * @summary The US bank account (ACH debit) form inside the frame: the buyer's email (when the
 * session needs one), the account holder's name, the routing number (ABA-checked as typed), the
 * account number typed twice, checking or savings (a native radio group, checking first), then
 * the session's authorization text verbatim with the required "I authorize this debit"
 * checkbox, a failure alert above them and the pay button.
 *
 * Submitting validates every field, the checkbox included (flagging all, focusing the first
 * invalid one), then confirms the session once. Server messages about `ach.*` params show next
 * to their fields. A session without a mandate text cannot be paid this way: the form says so.
 *
 * @property session - The PublicSession to pay (amount, currency, requires_email, ach_mandate).
 * @property api - The API client that confirms the session.
 * @property locale - Locale for the amount on the pay button.
 * @property failure - A failure to show above the form (a previous attempt's, or one the app
 *   learned by polling). Setting one ends the attempt in flight: the buyer may retry.
 * @property accountType - 'checking' (default) or 'savings'.
 * @fires pay-form-change - `{ complete, empty, brand: null }` when completeness changes after buyer input.
 * @fires pay-form-outcome - The Outcome of a confirm attempt.
 */
export class PayAchForm extends PaymentForm {
  static override styles = [tokens, fieldStyles, formStyles, achFormStyles];
  static override properties = { accountType: { state: true } };

  declare accountType: AccountType;

  protected readonly fieldSelector = FIELDS;

  constructor() {
    super();
    this.accountType = 'checking';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('failure') && this.failure) {
      this.alert = this.failureMessage(this.failure);
      this.inFlight = false;
      this.paying = false;
    }
  }

  protected failureMessage(failure: Failure): string {
    // The gateway speaks English: in another language, or without a message, say it ourselves.
    if (BANK_DECLINES.has(failure.code) && (!failure.message || currentLocale() !== 'en')) return t('ach.declined');
    return failure.message ? declineMessage(failure) : t('ach.declined');
  }

  protected payLabel(amount: string): string {
    return t('ach.button', { amount });
  }

  /** Validates and pays, once; never without an authorization text to accept. */
  override async submit(): Promise<void> {
    if (this.session?.ach_mandate) await super.submit();
  }

  protected override render() {
    // Without the authorization text there is nothing the buyer could agree to.
    return this.session && !this.session.ach_mandate ? html`<div class="alert" role="alert">${t('error.unavailable')}</div>` : super.render();
  }

  protected renderFields(session: PublicSession, busy: boolean) {
    const type = (value: AccountType, label: string) =>
      html`<label><input
          type="radio"
          name="account_type"
          value=${value}
          .checked=${this.accountType === value}
          ?disabled=${busy}
          @change=${() => (this.accountType = value)}
        />${label}</label>`;
    return html`${session.requires_email ? html`<pay-email ?readonly=${busy}></pay-email>` : nothing}
      <pay-holder-name ?readonly=${busy}></pay-holder-name>
      <pay-routing-number ?readonly=${busy}></pay-routing-number>
      <pay-account-number ?readonly=${busy}></pay-account-number>
      <pay-account-confirm ?readonly=${busy}></pay-account-confirm>
      <fieldset>
        <legend>${t('label.account_type')}</legend>
        <div class="options">${type('checking', t('ach.checking'))}${type('savings', t('ach.savings'))}</div>
      </fieldset>
      <pay-ach-mandate .text=${session.ach_mandate ?? ''} ?readonly=${busy}></pay-ach-mandate>`;
  }

  protected override onFieldInput(event: Event): void {
    const confirm = this.field('pay-account-confirm');
    if (confirm) confirm.account = this.field('pay-account-number')?.value ?? '';
    super.onFieldInput(event);
  }

  protected confirmBody(): ConfirmSessionInput {
    const email = this.field('pay-email');
    return {
      payment_method: {
        type: 'ach',
        ach: {
          routing_number: this.field('pay-routing-number')?.digits ?? '',
          account_number: this.field('pay-account-number')?.value ?? '',
          account_type: this.accountType,
          holder_name: this.field('pay-holder-name')?.value.trim() ?? '',
          mandate_accepted: true,
        },
      },
      ...(email ? { email: email.value.trim() } : {}),
    };
  }
}

customElements.get('pay-ach-form') || customElements.define('pay-ach-form', PayAchForm);

declare global {
  interface HTMLElementTagNameMap {
    'pay-ach-form': PayAchForm;
  }
}
