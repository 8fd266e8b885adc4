/**
 * The saved cards of the card form and its "save this card" checkbox. Loaded on demand
 * (`loadSavedCards()` in card-form.ts): only sessions with `saved_cards` need them.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import type { ConfirmSessionInput, PublicSession, SavedCard } from '../../../contract/api.ts';
import { t } from '../../i18n/index.ts';
import type { CardBrand } from '../../lib/card-number.ts';
import type { CheckoutApi } from '../api.ts';
import { cardLabel, cardName, isExpired, savedCardBrand } from './saved-card.ts';
import { saveCardStyles, savedCardsStyles } from './saved-cards.styles.ts';
import '../../i18n/en-methods.ts';

export type SavedCardMethod = Extract<ConfirmSessionInput['payment_method'], { type: 'saved_card' }>;

/** The saved card chosen, as the card form uses it. */
export interface SavedChoice {
  readonly card: SavedCard;
  /** Its brand, for the security code's length; null when unknown. */
  readonly brand: CardBrand | null;
  /** The confirm's payment method for it; `cvc` goes along when the session asks for it. */
  method(cvc: string): SavedCardMethod;
}

/** Fired (not bubbling) when the choice changes: `detail` is the SavedChoice, or null for a new card. */
export const SAVED_CARD_EVENT = 'pay-saved-card';

const isSavedCard = (card: SavedCard) =>
  typeof card?.id === 'string' && typeof card.last4 === 'string' && Number.isInteger(card.exp_month) && Number.isInteger(card.exp_year);

/**
 * @summary The session customer's saved cards as a native radio group ("Visa •••• 4242 · expires
 * 12/27"; expired cards shown but not selectable) with "Use a new card" last, each card with a
 * Remove button when the session allows it. The first card that can pay is chosen once the list
 * arrives, unless the buyer has already started typing a card number. No cards, or a list that
 * fails to load: it shows nothing, and the card form is the usual one.
 *
 * Choosing clears the security code field (it belongs to the card chosen before). Removing
 * announces the outcome in a polite live region and moves focus to the next card's Remove
 * button (the previous one's, or the card number when none is left).
 *
 * @property api - The API client (lists and removes saved cards).
 * @property options - The session's `saved_cards` (`require_cvc`, `allow_removal`).
 * @property disabled - Set while a payment is in flight.
 * @fires pay-saved-card - The choice changed: a SavedChoice, or null for a new card.
 */
export class PaySavedCards extends LitElement {
  static override styles = savedCardsStyles;
  static override properties = {
    api: { attribute: false },
    options: { attribute: false },
    disabled: { type: Boolean },
    cards: { state: true },
    selected: { state: true },
    status: { state: true },
    failed: { state: true },
    removing: { state: true },
  };

  declare api: CheckoutApi | null;
  declare options: PublicSession['saved_cards'];
  declare disabled: boolean;
  declare cards: SavedCard[];
  /** The chosen card's id; '' for a new card. */
  declare selected: string;
  /** The last removal's outcome, for the live region. */
  declare status: string;
  declare failed: boolean;
  /** The id of the card being removed. */
  declare removing: string | null;
  #requested = false;

  constructor() {
    super();
    this.api = null;
    this.options = null;
    this.disabled = false;
    this.cards = [];
    this.selected = '';
    this.status = '';
    this.failed = false;
    this.removing = null;
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    if (this.api && !this.#requested) {
      this.#requested = true;
      void this.#load(this.api);
    }
    this.toggleAttribute('empty', !this.cards.length && !this.status);
  }

  protected override render() {
    const { cards } = this;
    const removable = this.options?.allow_removal;
    return html`${cards.length
        ? html`<fieldset ?disabled=${this.disabled}>
            <legend>${t('saved.legend')}</legend>
            ${cards.map(
              (card, index) =>
                html`<div class="option">
                  <input
                    type="radio"
                    name="saved-card"
                    id="saved-${index}"
                    .checked=${live(this.selected === card.id)}
                    ?disabled=${isExpired(card)}
                    @change=${() => this.#choose(card.id)}
                  />
                  <label for="saved-${index}">${cardLabel(card)}</label>
                  ${removable
                    ? html`<button
                        type="button"
                        class="remove link"
                        aria-label=${t('saved.remove_label', { card: cardName(card) })}
                        aria-disabled=${this.removing ? 'true' : 'false'}
                        @click=${() => this.#remove(card)}
                      >
                        ${t('saved.remove')}
                      </button>`
                    : nothing}
                </div>`,
            )}
            <div class="option">
              <input type="radio" name="saved-card" id="saved-new" .checked=${live(!this.selected)} @change=${() => this.#choose('')} />
              <label for="saved-new">${t('saved.new')}</label>
            </div>
          </fieldset>`
        : nothing}
      <p class=${this.failed ? 'status failed' : 'status'} role="status">${this.status}</p>`;
  }

  /** The card form's shadow root (the one this element sits in). */
  #formRoot(): ParentNode & Partial<Pick<ShadowRoot, 'host'>> {
    return this.getRootNode() as ShadowRoot;
  }

  async #load(api: CheckoutApi): Promise<void> {
    const result = await api.savedCards();
    if (!result.ok) return;
    const cards = result.value.data.filter(isSavedCard);
    this.cards = cards;
    // A buyer already typing a new card keeps it.
    const typing = this.#formRoot().querySelector('pay-card-number')?.value;
    this.#choose(typing ? '' : (cards.find((card) => !isExpired(card))?.id ?? ''));
  }

  #choose(id: string): void {
    if (id === this.selected) return;
    this.selected = id;
    const cvc = this.#formRoot().querySelector('pay-cvc');
    if (cvc) {
      cvc.value = '';
      cvc.touched = false;
      cvc.submitted = false;
      cvc.serverError = null;
    }
    const card = this.cards.find((candidate) => candidate.id === id);
    this.dispatchEvent(new CustomEvent<SavedChoice | null>(SAVED_CARD_EVENT, { detail: card ? this.#choice(card) : null }));
  }

  #choice(card: SavedCard): SavedChoice {
    const askCvc = this.options?.require_cvc;
    return {
      card,
      brand: savedCardBrand(card.brand),
      method: (cvc) => ({ type: 'saved_card', saved_card: askCvc ? { id: card.id, cvc } : { id: card.id } }),
    };
  }

  async #remove(card: SavedCard): Promise<void> {
    if (this.removing || this.disabled || !this.api) return;
    this.removing = card.id;
    this.status = ''; // the same words again are announced again
    const result = await this.api.removeSavedCard(card.id);
    this.removing = null;
    // A 404: it was already gone (removed in another tab).
    if (!result.ok && result.error.status !== 404) {
      this.failed = true;
      this.status = t('saved.remove_failed', { card: cardName(card) });
      return;
    }
    const index = this.cards.indexOf(card);
    this.cards = this.cards.filter((other) => other !== card);
    this.failed = false;
    this.status = t('saved.removed', { card: cardName(card) });
    if (this.selected === card.id) this.#choose(this.cards.find((other) => !isExpired(other))?.id ?? '');
    await this.updateComplete;
    await (this.#formRoot().host as LitElement | undefined)?.updateComplete;
    const buttons = this.renderRoot.querySelectorAll<HTMLButtonElement>('.remove');
    const next = buttons[Math.min(index, buttons.length - 1)];
    if (next) next.focus();
    else this.#formRoot().querySelector('pay-card-number')?.focusInput();
  }
}

/**
 * @summary "Save this card for next time": a checkbox under the new card's fields, unchecked by default.
 * @property disabled - Set while a payment is in flight.
 */
export class PaySaveCard extends LitElement {
  static override styles = saveCardStyles;
  static override properties = { disabled: { type: Boolean } };
  declare disabled: boolean;

  constructor() {
    super();
    this.disabled = false;
  }

  /** The buyer asked to save the card. */
  get checked(): boolean {
    return this.renderRoot?.querySelector('input')?.checked ?? false;
  }

  protected override render() {
    return html`<label><input type="checkbox" name="save" ?disabled=${this.disabled} /><span>${t('saved.save')}</span></label>`;
  }
}

customElements.get('pay-saved-cards') || customElements.define('pay-saved-cards', PaySavedCards);
customElements.get('pay-save-card') || customElements.define('pay-save-card', PaySaveCard);

declare global {
  interface HTMLElementTagNameMap {
    'pay-saved-cards': PaySavedCards;
    'pay-save-card': PaySaveCard;
  }
}
