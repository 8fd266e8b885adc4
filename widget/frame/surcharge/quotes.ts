/**
 * Surcharge quotes for the card the buyer pays with, without a DOM: which card (a new card's BIN
 * or a saved card's id) and billing state to ask about, when (debounced), and what is already
 * known (one lookup per card and state).
 */
import type { SurchargeQuote } from '../../../contract/api.ts';
import type { ApiResult } from '../api.ts';

/** What is known of the surcharge for the card and state the buyer entered. */
export type QuoteState =
  /** Nothing to ask about yet: fewer than 6 digits, or no billing state. */
  | { readonly status: 'none' }
  | { readonly status: 'pending' }
  | { readonly status: 'ready'; readonly quote: SurchargeQuote }
  | { readonly status: 'failed' };

/** What the surcharge is looked up by: a new card's first digits, or a saved card (the frame knows no digits of it). */
export type QuoteCard = { readonly bin: string } | { readonly saved_card: string };

export type QuoteLookup = (card: QuoteCard, billingState: string) => Promise<ApiResult<SurchargeQuote>>;

const NONE: QuoteState = { status: 'none' };
const PENDING: QuoteState = { status: 'pending' };
const FAILED: QuoteState = { status: 'failed' };

/** The BIN to look a surcharge up by: the first 6 digits, or null while there are fewer. */
export const binOf = (digits: string): string | null => (/^\d{6}/.test(digits) ? digits.slice(0, 6) : null);

/**
 * The surcharge for the current card and billing state. `update()` after each change: the lookup
 * starts once they have stayed the same for `delay` ms, and each card and state is looked up once
 * (answers are kept; a failed lookup is forgotten, so the next `now()` asks again). `onChange`
 * hears every change of `state`.
 */
export class SurchargeQuotes {
  state: QuoteState = NONE;
  readonly #lookup: QuoteLookup;
  readonly #onChange: (state: QuoteState) => void;
  readonly #delay: number;
  /** Answers by key (`keyOf()`); failures are not kept. */
  readonly #known = new Map<string, QuoteState>();
  /** Lookups under way, by key. */
  readonly #asking = new Map<string, Promise<QuoteState>>();
  /** The key of what the buyer entered, '' when there is nothing to ask about. */
  #key = '';
  #card: QuoteCard | null = null;
  #billingState = '';
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(lookup: QuoteLookup, onChange: (state: QuoteState) => void, delay = 300) {
    this.#lookup = lookup;
    this.#onChange = onChange;
    this.#delay = delay;
  }

  /** The card (null: not enough of it yet) and the billing state ('' when unknown) the buyer has now. */
  update(card: QuoteCard | null, billingState: string): void {
    const key = card && billingState ? JSON.stringify([card, billingState]) : '';
    if (key === this.#key) return;
    this.#key = key;
    this.#card = card;
    this.#billingState = billingState;
    this.cancel();
    const known = key ? this.#known.get(key) : NONE;
    if (known) return this.#set(known);
    this.#set(PENDING);
    this.#timer = setTimeout(() => void this.now(), this.#delay);
  }

  /** Looks the current card and state up at once (or waits for the lookup under way), and resolves with the outcome. */
  async now(): Promise<QuoteState> {
    this.cancel();
    const key = this.#key;
    const known = key ? this.#known.get(key) : NONE;
    if (known) {
      this.#set(known);
      return known;
    }
    let asking = this.#asking.get(key);
    if (!asking) {
      asking = this.#lookup(this.#card!, this.#billingState)
        .then(
          (result): QuoteState => (result.ok ? { status: 'ready', quote: result.value } : FAILED),
          () => FAILED,
        )
        .then((state) => {
          this.#asking.delete(key);
          if (state !== FAILED) this.#known.set(key, state);
          return state;
        });
      this.#asking.set(key, asking);
    }
    this.#set(PENDING);
    const state = await asking;
    if (key === this.#key) this.#set(state);
    return state;
  }

  /** Forgets the answer for the current card and state (the server's total differs) and asks again. */
  refresh(): Promise<QuoteState> {
    this.#known.delete(this.#key);
    return this.now();
  }

  /** Stops a lookup that has not started yet. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #set(state: QuoteState): void {
    if (state === this.state) return;
    this.state = state;
    this.#onChange(state);
  }
}
