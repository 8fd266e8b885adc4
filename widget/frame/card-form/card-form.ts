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
import type { SavedChoice } from '../saved-cards/saved-cards.ts';
import { tokens } from '../styles/tokens.ts';
import { formStyles } from './card-form.styles.ts';

/** The installments choice, a chunk of its own: most sessions offer none. */
export const loadInstallments = () => import('./installments.ts');
/** The saved cards and the "save this card" checkbox: only for sessions with `saved_cards`. */
export const loadSavedCards = () => import('../saved-cards/saved-cards.ts');
/** The card surcharge and the billing state: only for sessions with `surcharge`. */
export const loadSurcharge = () => import('../surcharge/surcharge.ts');

export type { FormChange } from '../forms/payment-form.ts';

const FIELDS = 'pay-email, pay-card-number, pay-expiry, pay-cvc, pay-cardholder-name, pay-billing-state';

/**
 * @summary The card form inside the frame: card number, expiry, security code, name (and email
 * when the session needs one), an installments choice when the session offers more than one
 * (`<pay-installments>`, loaded on demand: a native `<select>`, 1× by default), a decline alert
 * above them and the pay button, which always shows the total.
 *
 * Also loaded on demand, each only for the sessions that need it: the customer's saved cards
 * (`<pay-saved-cards>`: choosing one hides the new card's fields but the security code, and that
 * only when the session asks for it again) with "save this card" (`<pay-save-card>`), and the
 * card surcharge (`<pay-surcharge>`: the billing state when the session lacks it, the surcharge
 * line, the total on the pay button, held back until the surcharge is known). Hidden fields are
 * neither validated nor sent.
 *
 * Submitting validates every field (flagging all, focusing the first invalid one), then confirms
 * the session once: a second submit while one is in flight is ignored, whatever the button's state.
 *
 * @property session - The PublicSession to pay (amount, currency, requires_email, max_installments,
 *   saved_cards, surcharge, billing_state).
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
    saved: { state: true },
  };

  declare brand: CardBrand | null;
  /** The saved card chosen; null for a new card. */
  declare saved: SavedChoice | null;

  protected readonly fieldSelector = FIELDS;

  constructor() {
    super();
    this.brand = null;
    this.saved = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const session = this.session;
    if (changed.has('session') && session) {
      // Without installments or saved cards (a chunk failed to load) the buyer simply pays with a
      // new card at once; without the surcharge, ready() tries again and says so.
      if (session.max_installments > 1) void loadInstallments().catch(() => undefined);
      if (session.saved_cards) void loadSavedCards().catch(() => undefined);
      if (session.surcharge) void loadSurcharge().catch(() => undefined);
    }
    if (changed.has('failure') && this.failure) {
      this.alert = this.failureMessage(this.failure);
      this.inFlight = false;
      this.paying = false;
    }
  }

  protected failureMessage(failure: Failure): string {
    return this.field('pay-surcharge')?.failureMessage?.(failure) || declineMessage(failure);
  }

  protected override payAmount(session: PublicSession): number {
    return this.field('pay-surcharge')?.total ?? session.amount;
  }

  /** With a surcharge, pays only the total shown (see PaySurcharge.ready()). */
  protected override async ready(): Promise<boolean> {
    const surcharge = this.field('pay-surcharge');
    const problem = surcharge && (await loadSurcharge().then(() => surcharge.ready(), () => t('error.network')));
    if (problem) this.alert = problem;
    return !problem;
  }

  /** Fields hidden because a saved card is chosen are left out. */
  protected override fields(): PayField[] {
    return super.fields().filter((field) => !field.closest('[hidden]'));
  }

  protected payLabel(amount: string): string {
    return t('pay.button', { amount });
  }

  protected renderFields(session: PublicSession, busy: boolean) {
    const options = session.saved_cards;
    const saved = this.saved;
    return html`${session.requires_email ? html`<pay-email ?readonly=${busy}></pay-email>` : nothing}
      ${options ? html`<pay-saved-cards .api=${this.api} .options=${options} ?disabled=${busy} @pay-saved-card=${this.onFieldInput}></pay-saved-cards>` : nothing}
      <pay-card-number ?hidden=${!!saved} ?readonly=${busy}></pay-card-number>
      <div class="row" ?hidden=${!!saved && !options?.require_cvc}>
        <pay-expiry ?hidden=${!!saved} ?readonly=${busy}></pay-expiry>
        <pay-cvc .brand=${saved ? saved.brand : this.brand} ?readonly=${busy}></pay-cvc>
      </div>
      <pay-cardholder-name ?hidden=${!!saved} ?readonly=${busy}></pay-cardholder-name>
      ${session.max_installments > 1
        ? html`<pay-installments
            .amount=${session.amount}
            .currency=${session.currency}
            .max=${session.max_installments}
            .locale=${this.locale}
            ?disabled=${busy}
          ></pay-installments>`
        : nothing}
      ${options?.can_save ? html`<pay-save-card ?hidden=${!!saved} ?disabled=${busy}></pay-save-card>` : nothing}
      ${session.surcharge
        ? html`<pay-surcharge
            .session=${session}
            .api=${this.api}
            .locale=${this.locale}
            .saved=${saved?.card.id ?? ''}
            ?disabled=${busy}
            @pay-surcharge-change=${() => this.requestUpdate()}
          ></pay-surcharge>`
        : nothing}`;
  }

  protected confirmBody(): ConfirmSessionInput {
    const expiry = this.field('pay-expiry')?.expiry;
    const email = this.field('pay-email');
    const installments = this.field('pay-installments')?.count ?? 1;
    const cvc = this.field('pay-cvc')?.value ?? '';
    const body: ConfirmSessionInput = {
      payment_method: this.saved?.method(cvc) ?? {
        type: 'card',
        card: {
          number: this.field('pay-card-number')?.digits ?? '',
          exp_month: expiry?.month ?? 0,
          exp_year: expiry?.year ?? 0,
          cvc,
          name: this.field('pay-cardholder-name')?.value.trim() ?? '',
        },
        ...(installments > 1 ? { installments } : {}),
        ...(this.field('pay-save-card')?.checked ? { save: true } : {}),
      },
      ...(email ? { email: email.value.trim() } : {}),
    };
    return this.field('pay-surcharge')?.patch?.(body) ?? body;
  }

  /** Buyer input in a field, or a saved card chosen (`pay-saved-card`). */
  protected override async onFieldInput(event: Event): Promise<void> {
    if (event.type === 'pay-saved-card') this.saved = (event as CustomEvent<SavedChoice | null>).detail;
    else if (!(event.target instanceof PayField)) return;
    const brand = this.field('pay-card-number')?.brand ?? null;
    if (brand?.type !== this.brand?.type) this.brand = brand;
    await this.updateComplete; // the security code field now knows the brand
    this.reportChange((this.saved ? this.saved.brand : this.brand)?.type ?? null);
  }
}

customElements.get('pay-card-form') || customElements.define('pay-card-form', PayCardForm);

declare global {
  interface HTMLElementTagNameMap {
    'pay-card-form': PayCardForm;
  }
}
