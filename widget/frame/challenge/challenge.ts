import { LitElement, html, nothing, type PropertyValues } from 'lit';
import '../../i18n/en-methods.ts';
import { t } from '../../i18n/index.ts';
import { tokens } from '../styles/tokens.ts';
import { challengeStyles } from './challenge.styles.ts';

export type ChallengeCloseReason = 'canceled' | 'expired' | 'invalid';

export interface ChallengeCloseDetail {
  readonly reason: ChallengeCloseReason;
}

/**
 * What the challenge iframe may do. Scripts and forms: the bank page asks for a code and posts
 * it. Same-origin: the page keeps its own origin (cookies, storage, its own XHR), which is safe
 * only because `challengeUrl` refuses our origin. Deliberately absent: top navigation (the page
 * must not move the checkout away), popups and modals.
 */
export const CHALLENGE_SANDBOX = 'allow-forms allow-scripts allow-same-origin';

/**
 * The challenge page's URL if the frame may show it: absolute http(s), and not the frame's own
 * origin (a same-origin page with scripts and same-origin could lift its own sandbox and script
 * the checkout). Otherwise null.
 */
export function challengeUrl(value: string | null | undefined, ownOrigin: string = location.origin): string | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.origin === ownOrigin) return null;
  return url.href;
}

/** `m:ss`-style countdown text, minutes padded to two digits ("04:59", "75:00"). */
export function formatRemaining(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** The focused element, looking through open shadow roots. */
function deepActiveElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement && active !== document.body ? active : null;
}

/**
 * @summary The 3DS challenge modal: the provider's challenge page in an iframe inside a native
 * modal `<dialog>`, with a countdown to expiry and a Cancel button.
 *
 * The modal never learns the outcome from the page: the integrator polls the session and calls
 * `close()` when the payment settles.
 *
 * A modal dialog sits in the top layer and adds no height to the document, and the frame is only
 * as tall as its content. So while open the element renders a spacer as tall as the dialog
 * (plus a small margin): the app grows, posts `resize`, and the host's iframe makes room.
 *
 * @property url - The challenge page (absolute http/https, another origin). Anything else renders
 *   nothing and fires `pay-challenge-close` with `invalid` when opened.
 * @property expiresAt - ISO date-time when the challenge expires (`next_action.expires_at`). When
 *   it passes the modal closes and fires `expired`. Unparseable: no countdown and no expiry.
 * @property open - Shows the modal (attribute `open`, reflected).
 * @fires pay-challenge-close - `{ reason: 'canceled' | 'expired' | 'invalid' }`, after the modal
 *   has closed. Bubbles, composed. Not fired by `close()`.
 */
export class PayChallenge extends LitElement {
  static override styles = [tokens, challengeStyles];
  static override properties = {
    url: {},
    expiresAt: { attribute: 'expires-at' },
    open: { type: Boolean, reflect: true },
    remaining: { state: true },
    announcement: { state: true },
  };

  declare url: string;
  declare expiresAt: string;
  declare open: boolean;
  /** Whole seconds left, or null without a usable `expiresAt`. */
  declare remaining: number | null;
  declare announcement: string;

  /** The validated `url`, or null. */
  #src: string | null = null;
  /** True between showModal() and the modal closing, whoever closes it. */
  #shown = false;
  #dialog: HTMLDialogElement | null = null;
  #returnFocus: HTMLElement | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #resize: ResizeObserver | null = null;
  #resizeFrame = 0;
  /** A close event to fire once the update that closed the modal has rendered. */
  #pending: ChallengeCloseReason | null = null;
  /** The last-minute announcement was made for this challenge. */
  #announced = false;

  constructor() {
    super();
    this.url = '';
    this.expiresAt = '';
    this.open = false;
    this.remaining = null;
    this.announcement = '';
  }

  /** Closes the modal without an event (the integrator's poll saw the payment settle). */
  close(): void {
    this.#hide();
    this.open = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-attached while open: show the modal again.
    if (this.open && !this.#shown) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#hide();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('url')) this.#src = challengeUrl(this.url);
    if (!this.open || !(changed.has('open') || changed.has('url') || changed.has('expiresAt'))) return;
    if (!this.#src) return this.#finish('invalid');
    const left = this.#secondsLeft();
    if (left !== null && left <= 0) return this.#finish('expired');
    // Set here rather than in updated(): state written after an update would schedule another.
    this.remaining = left === null ? null : Math.ceil(left);
    this.#announced = left !== null && left <= 60;
    this.announcement = this.#announced ? t('challenge.last_minute') : '';
  }

  protected override render() {
    if (!this.open || !this.#src) return nothing;
    return html`<div class="spacer" aria-hidden="true"></div>
      <dialog aria-labelledby="title" aria-describedby="explanation" @cancel=${this.#onCancel} @close=${this.#onClose}>
        <div class="body">
          <h2 id="title" tabindex="-1" autofocus>${t('challenge.title')}</h2>
          <p id="explanation" class="explanation">${t('challenge.explanation')}</p>
          ${this.remaining === null
            ? nothing
            : // role=timer is aria-live="off": readable on demand, never announced every second.
              html`<p class="countdown" role="timer">${t('challenge.time_left', { time: formatRemaining(this.remaining) })}</p>`}
          <iframe
            src=${this.#src}
            title=${t('challenge.frame_title')}
            sandbox=${CHALLENGE_SANDBOX}
            referrerpolicy="no-referrer"
            allow=""
          ></iframe>
          <button type="button" class="cancel" @click=${this.#onCancelClick}>${t('challenge.cancel')}</button>
          <p class="sr-only" role="status">${this.announcement}</p>
        </div>
      </dialog>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const dialog = this.renderRoot.querySelector('dialog');
    if (this.open && dialog && (!this.#shown || dialog !== this.#dialog)) {
      this.#show(dialog);
    } else if (this.open && this.#shown && changed.has('expiresAt')) {
      this.#arm();
    } else if (!this.open && this.#shown) {
      this.#hide(); // `open` set to false from outside: same as close()
    }
    const reason = this.#pending;
    this.#pending = null;
    if (reason) this.dispatchEvent(new CustomEvent<ChallengeCloseDetail>('pay-challenge-close', { detail: { reason }, bubbles: true, composed: true }));
  }

  #show(dialog: HTMLDialogElement): void {
    if (!this.#shown) this.#returnFocus = deepActiveElement();
    this.#shown = true;
    this.#dialog = dialog;
    if (!dialog.open) dialog.showModal();
    // showModal() focuses the autofocus heading; make sure focus is inside in any case.
    if (!dialog.contains(this.shadowRoot!.activeElement)) dialog.querySelector<HTMLElement>('h2')?.focus();
    this.#sizeSpacer();
    this.#resize?.disconnect();
    this.#resize = new ResizeObserver(() => {
      // Next frame: resizing the spacer here would resize shallower observed elements (the
      // app) inside this observer round ("ResizeObserver loop" error).
      cancelAnimationFrame(this.#resizeFrame);
      this.#resizeFrame = requestAnimationFrame(() => this.#sizeSpacer());
    });
    this.#resize.observe(dialog.querySelector('.body')!);
    this.#arm();
  }

  /** Tears the modal down (no event). Safe to call twice. */
  #hide(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    cancelAnimationFrame(this.#resizeFrame);
    this.#resize?.disconnect();
    this.#resize = null;
    if (!this.#shown) return;
    this.#shown = false;
    const dialog = this.#dialog;
    this.#dialog = null;
    if (dialog?.open) dialog.close();
    const spacer = this.renderRoot.querySelector<HTMLElement>('.spacer');
    if (spacer) spacer.style.height = '0px';
    const target = this.#returnFocus;
    this.#returnFocus = null;
    // Give focus back unless it already went somewhere else on purpose.
    const active = deepActiveElement();
    const lost = !active || active === this || (dialog?.contains(active) ?? false);
    if (target?.isConnected && lost) target.focus({ preventScroll: true });
  }

  /** Closes the modal (or keeps it from opening), then, once rendered, fires `pay-challenge-close`. */
  #finish(reason: ChallengeCloseReason): void {
    this.#hide();
    this.#pending = reason;
    this.open = false;
  }

  #secondsLeft(): number | null {
    const deadline = Date.parse(this.expiresAt);
    return Number.isNaN(deadline) ? null : (deadline - Date.now()) / 1000;
  }

  /** Sets the timer for the next whole second of the countdown (or for expiry). */
  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const left = this.#secondsLeft();
    if (left === null) return;
    // Wake when the displayed second changes, i.e. when the time left crosses a whole second.
    const ms = left * 1000;
    const delay = ms <= 0 ? 0 : Math.min(ms % 1000 || 1000, 2 ** 31 - 1);
    this.#timer = setTimeout(() => this.#tick(), delay + 1);
  }

  #tick(): void {
    const left = this.#secondsLeft();
    if (left === null) return;
    if (left <= 0) return this.#finish('expired');
    this.remaining = Math.ceil(left);
    if (left <= 60 && !this.#announced) {
      this.#announced = true;
      this.announcement = t('challenge.last_minute');
    }
    this.#arm();
  }

  /** The spacer takes the dialog's natural height (not its clamped one) plus the gap around it. */
  #sizeSpacer(): void {
    const dialog = this.#dialog;
    const spacer = this.renderRoot.querySelector<HTMLElement>('.spacer');
    const body = dialog?.querySelector<HTMLElement>('.body');
    if (!dialog || !spacer || !body || !this.#shown) return;
    const styles = getComputedStyle(dialog);
    const borders = parseFloat(styles.borderTopWidth) + parseFloat(styles.borderBottomWidth);
    const gap = parseFloat(getComputedStyle(this).getPropertyValue('--_challenge-gap')) || 0;
    const height = Math.ceil(body.getBoundingClientRect().height + borders + 2 * gap);
    // CSSOM, not a style attribute: the frame's CSP allows no inline styles.
    spacer.style.height = `${height}px`;
  }

  #onCancel(event: Event): void {
    // Escape: we close it ourselves, so the event and focus handling are ours.
    event.preventDefault();
    this.#finish('canceled');
  }

  #onCancelClick(): void {
    this.#finish('canceled');
  }

  #onClose(event: Event): void {
    // The browser closed the modal without a cancelable `cancel` (e.g. a repeated Escape, which
    // Chromium's close watcher may not let us veto): still the buyer canceling.
    if (this.#shown && event.target === this.#dialog) this.#finish('canceled');
  }
}

customElements.get('pay-challenge') || customElements.define('pay-challenge', PayChallenge);

declare global {
  interface HTMLElementTagNameMap {
    'pay-challenge': PayChallenge;
  }
  interface HTMLElementEventMap {
    'pay-challenge-close': CustomEvent<ChallengeCloseDetail>;
  }
}
