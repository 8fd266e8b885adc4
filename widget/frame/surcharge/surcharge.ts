/**
 * The card surcharge of the card form. Loaded on demand (`loadSurcharge()` in card-form.ts): only
 * sessions with `surcharge` need it, so it, the billing state field and the list of states are a
 * chunk of their own.
 */
import { LitElement, html, nothing, type CSSResult, type PropertyValues } from 'lit';
import type { ConfirmSessionInput, PublicSession } from '../../../contract/api.ts';
import { t } from '../../i18n/index.ts';
import { formatPrice } from '../../lib/amount.ts';
import type { Failure } from '../../lib/outcome.ts';
import type { CheckoutApi } from '../api.ts';
import { FIELD_INPUT_EVENT } from '../fields/field/field.ts';
import './billing-state.ts';
import { binOf, SurchargeQuotes, type QuoteState } from './quotes.ts';
import { surchargeStyles } from './surcharge.styles.ts';
import { linkButtonStyles } from '../styles/link-button.ts';
import '../../i18n/en-methods.ts';

/** Fired (not bubbling) whenever what is known of the surcharge changes: the pay button's total may have. */
export const SURCHARGE_CHANGE_EVENT = 'pay-surcharge-change';

/** Adds `styles` to the root (the card form's shadow root) that a light-DOM element renders into, once. */
function adopt(root: Node, styles: CSSResult): void {
  const sheet = styles.styleSheet;
  if (sheet && (root instanceof ShadowRoot || root instanceof Document) && !root.adoptedStyleSheets.includes(sheet)) {
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  }
}

/**
 * @summary The card surcharge, above the pay button: "Card surcharge: $0.53" once the card's first
 * 6 digits are typed (nothing when it is 0), and the billing state (`<pay-billing-state>`) when
 * the session does not know it. Renders into light DOM, so the state select is one of the card
 * form's fields.
 *
 * It watches the card number itself (`pay-field-input` in the form): the surcharge is looked up by
 * the card's first 6 digits (or, for a saved card, whose digits the frame never sees, by its id)
 * and the billing state, 300 ms after they last changed, once per card and state
 * (`SurchargeQuotes`).
 *
 * The card form asks it `ready()` before paying, `patch()`es the confirm body with it and lets it
 * word an `amount_changed` failure (`failureMessage()`).
 *
 * @property session - The PublicSession (amount, currency, billing_state).
 * @property api - The API client that looks surcharges up.
 * @property locale - Locale for the amounts.
 * @property saved - The id of the saved card chosen; '' for a new card.
 * @property disabled - Set while a payment is in flight.
 * @fires pay-surcharge-change - What is known of the surcharge changed (read `total`).
 */
export class PaySurcharge extends LitElement {
  static override properties = {
    session: { attribute: false },
    api: { attribute: false },
    locale: {},
    saved: {},
    disabled: { type: Boolean },
    quote: { state: true },
    retrying: { state: true },
  };

  declare session: PublicSession | null;
  declare api: CheckoutApi | null;
  declare locale: string | undefined;
  declare saved: string;
  declare disabled: boolean;
  declare quote: QuoteState;
  declare retrying: boolean;

  readonly #quotes = new SurchargeQuotes(
    (card, billingState) => (this.api ? this.api.quoteSurcharge(card, billingState) : Promise.reject(new Error('no API client'))),
    (state) => {
      this.quote = state;
      this.dispatchEvent(new Event(SURCHARGE_CHANGE_EVENT));
    },
  );
  #root: Node | null = null;
  /** The `amount_changed` failure last answered (the form asks for its message more than once). */
  #answered: Failure | null = null;

  constructor() {
    super();
    this.session = null;
    this.api = null;
    this.saved = '';
    this.disabled = false;
    this.quote = this.#quotes.state;
    this.retrying = false;
  }

  /** The total with the surcharge, once known for the card typed; null otherwise (the session's amount stands). */
  get total(): number | null {
    return this.quote.status === 'ready' ? this.quote.quote.total : null;
  }

  /**
   * Before paying: waits for the surcharge of the card typed (looking it up at once, or again if
   * it failed). Resolves with null when the form may pay the total it shows, else with what to
   * tell the buyer: the surcharge could not be calculated, or it changed the total they saw.
   */
  async ready(): Promise<string | null> {
    const shown = this.total ?? this.session?.amount;
    const state = await this.#quotes.now();
    if (state.status === 'failed') return t('surcharge.failed');
    return state.status === 'ready' && state.quote.total !== shown ? t('surcharge.changed') : null;
  }

  /** The confirm body with the billing state and, as `expected_amount`, the total the pay button shows. */
  patch(body: ConfirmSessionInput): ConfirmSessionInput {
    const state = this.#billingState();
    const method = { ...body.payment_method, ...(state ? { billing_state: state } : {}) } as ConfirmSessionInput['payment_method'];
    return { ...body, payment_method: method, expected_amount: this.total ?? this.session?.amount ?? 0 };
  }

  /** The message for an `amount_changed` failure (looking the surcharge up again), else null. */
  failureMessage(failure: Failure): string | null {
    if (failure.code !== 'amount_changed') return null;
    if (this.#answered !== failure) {
      this.#answered = failure;
      void this.#quotes.refresh();
    }
    return t('surcharge.changed');
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#root = this.getRootNode();
    this.#root.addEventListener(FIELD_INPUT_EVENT, this.#sync);
    adopt(this.#root, surchargeStyles);
    adopt(this.#root, linkButtonStyles);
    this.#sync();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#root?.removeEventListener(FIELD_INPUT_EVENT, this.#sync);
    this.#quotes.cancel();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('saved') || changed.has('session')) this.#sync();
  }

  protected override render() {
    const session = this.session;
    if (!session) return nothing;
    const { quote } = this;
    const failed = quote.status === 'failed';
    const text =
      quote.status === 'pending'
        ? t('surcharge.pending')
        : failed
          ? t('surcharge.failed')
          : quote.status === 'ready' && quote.quote.surcharge > 0
            ? t('surcharge.line', { amount: formatPrice(quote.quote.surcharge, quote.quote.currency, this.locale) })
            : '';
    return html`${session.billing_state ? nothing : html`<pay-billing-state ?readonly=${this.disabled}></pay-billing-state>`}
      <div class=${failed ? 'surcharge failed' : 'surcharge'}>
        <p role="status">${text}</p>
        ${failed || this.retrying
          ? html`<button type="button" class="retry link" aria-disabled=${this.retrying ? 'true' : 'false'} @click=${this.#retry}>
              ${t('surcharge.retry')}
            </button>`
          : nothing}
      </div>`;
  }

  /** The card's first digits, the saved card chosen or the billing state changed: update the quote. */
  readonly #sync = (): void => {
    const bin = binOf((this.#root as ParentNode | null)?.querySelector?.('pay-card-number')?.digits ?? '');
    this.#quotes.update(this.saved ? { saved_card: this.saved } : bin ? { bin } : null, this.#billingState());
  };

  #billingState(): string {
    return this.session?.billing_state ?? this.querySelector('pay-billing-state')?.value ?? '';
  }

  /** "Try again": keeps the button (and its focus) while asking; on success, focus moves to the pay button. */
  async #retry(event: Event): Promise<void> {
    if (this.retrying || this.disabled) return;
    const hadFocus = (this.#root as ShadowRoot | Document | null)?.activeElement === event.currentTarget;
    this.retrying = true;
    const state = await this.#quotes.now();
    this.retrying = false;
    if (state.status === 'failed' || !hadFocus) return;
    await this.updateComplete;
    (this.#root as ParentNode).querySelector<HTMLElement>('.pay')?.focus();
  }
}

customElements.get('pay-surcharge') || customElements.define('pay-surcharge', PaySurcharge);

declare global {
  interface HTMLElementTagNameMap {
    'pay-surcharge': PaySurcharge;
  }
}
