/**
 * The PIX code view. Loaded on demand (`import('../pix/pix-code.ts')` when a PIX code is to be
 * shown), so it and the QR encoder stay out of the frame's main bundle: import it from nothing
 * that the frame's entry imports statically.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { correction, generate, type Bitmap2D } from 'lean-qr';
import { t } from '../../i18n/index.ts';
import { formatPrice } from '../../lib/amount.ts';
import { formStyles } from '../card-form/card-form.styles.ts';
import { tokens } from '../styles/tokens.ts';
import { pixCodeStyles } from './pix-code.styles.ts';

/** How long "Code copied" stays before the button's row goes back to normal. */
export const COPIED_MS = 3000;
/** Modules of light margin around the code, as ISO/IEC 18004 asks. */
const QUIET_ZONE = 4;
/** When the last-minute announcement is made. */
const LAST_MINUTE_S = 60;

export interface QrImage {
  /** Width and height in modules, quiet zone included. */
  readonly size: number;
  /** One SVG path with a unit square per dark module (runs of a row merged). */
  readonly path: string;
}

/** The QR code of `text` (error correction M or better) as an SVG path; null when it cannot be encoded. */
export function qrImage(text: string): QrImage | null {
  let code: Bitmap2D;
  try {
    code = generate(text, { minCorrectionLevel: correction.M });
  } catch {
    return null; // too long for a QR code
  }
  let path = '';
  for (let y = 0; y < code.size; y++) {
    for (let x = 0; x < code.size; ) {
      if (!code.get(x, y)) {
        x++;
        continue;
      }
      let end = x + 1;
      while (end < code.size && code.get(end, y)) end++;
      path += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h${end - x}v1h${x - end}z`;
      x = end;
    }
  }
  return { size: code.size + 2 * QUIET_ZONE, path };
}

/** Countdown text: `mm:ss`, or `h:mm:ss` from an hour up. */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours ? `${hours}:${two(minutes)}:${two(s % 60)}` : `${two(minutes)}:${two(s % 60)}`;
}

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * @summary A PIX code to pay: the QR code, the amount, the copy-and-paste code with a Copy
 * button, a countdown to expiry and "Waiting for payment…". When the code expires it says so
 * and offers "Generate a new code".
 *
 * It never learns that the payment went through: the integrator polls the session and replaces
 * this view. The countdown is `role="timer"` (never announced by itself); a polite status
 * announces the last minute and the expiry, another one "Code copied".
 *
 * @property qrCode - The BR Code payload (`next_action.qr_code`): the QR code encodes exactly this.
 * @property expiresAt - ISO date-time the code expires (`next_action.expires_at`). Unparseable: no countdown, no expiry.
 * @property amount - Amount in minor units, shown with `currency` in `locale`.
 * @property currency - ISO 4217 code (BRL).
 * @property locale - Locale for the amount.
 * @property regenerating - True from a click on "Generate a new code" until a new `qrCode` or
 *   `expiresAt` arrives; while true further clicks are ignored. Set it back to false if getting a
 *   new code failed.
 * @fires pay-pix-regenerate - The buyer asked for a new code after this one expired. Bubbles, composed.
 */
export class PayPixCode extends LitElement {
  static override styles = [tokens, formStyles, pixCodeStyles];
  static override properties = {
    qrCode: { attribute: 'qr-code' },
    expiresAt: { attribute: 'expires-at' },
    amount: { type: Number },
    currency: {},
    locale: {},
    regenerating: { type: Boolean },
    remaining: { state: true },
    expired: { state: true },
    copy: { state: true },
    announcement: { state: true },
  };

  declare qrCode: string;
  declare expiresAt: string;
  declare amount: number | null;
  declare currency: string;
  declare locale: string | undefined;
  declare regenerating: boolean;
  /** Whole seconds left, or null without a usable `expiresAt`. */
  declare remaining: number | null;
  declare expired: boolean;
  declare copy: CopyState;
  /** The text of the polite announcer (last minute, expiry). */
  declare announcement: string;

  #qr: QrImage | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #copyTimer: ReturnType<typeof setTimeout> | undefined;
  #announced = false;
  /** Focus was inside when the controls it was on went away: put it on what replaced them. */
  #refocus = false;

  constructor() {
    super();
    this.qrCode = '';
    this.expiresAt = '';
    this.amount = null;
    this.currency = 'BRL';
    this.regenerating = false;
    this.remaining = null;
    this.expired = false;
    this.copy = 'idle';
    this.announcement = '';
  }

  /** Moves focus to the view itself (for the integrator, once it has swapped this view in). */
  override focus(options?: FocusOptions): void {
    this.renderRoot.querySelector<HTMLElement>('.pix')?.focus(options);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.#arm();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
    clearTimeout(this.#copyTimer);
    this.#timer = this.#copyTimer = undefined;
    this.copy = 'idle';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('qrCode')) this.#qr = this.qrCode ? qrImage(this.qrCode) : null;
    if (changed.has('qrCode') || changed.has('expiresAt')) {
      // A new code: start over.
      this.#refocus ||= this.expired && this.matches(':focus-within');
      clearTimeout(this.#copyTimer);
      this.copy = 'idle';
      this.regenerating = false;
      this.announcement = '';
      const left = this.#secondsLeft();
      this.remaining = left === null ? null : Math.max(0, Math.ceil(left));
      this.expired = left !== null && left <= 0;
      this.#announced = left !== null && left <= LAST_MINUTE_S;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('qrCode') || changed.has('expiresAt')) this.#arm();
    if (this.#refocus) {
      this.#refocus = false;
      this.renderRoot.querySelector<HTMLElement>(this.expired ? '.regenerate' : '.copy')?.focus();
    }
  }

  protected override render() {
    const amount = this.amount === null ? null : formatPrice(this.amount, this.currency, this.locale);
    return html`<div class="pix" tabindex="-1">
      ${amount === null ? nothing : html`<p class="total"><span>${t('pix.total')}</span> <strong>${amount}</strong></p>`}
      ${this.expired ? this.#renderExpired() : this.#renderCode()}
      <p class="sr-only" role="status">${this.announcement}</p>
    </div>`;
  }

  #renderCode() {
    const qr = this.#qr;
    const copy = this.copy;
    return html`<p class="instructions">${t('pix.instructions')}</p>
      ${qr
        ? html`<svg class="qr" viewBox="0 0 ${qr.size} ${qr.size}" role="img" aria-label=${t('pix.qr_label')} shape-rendering="crispEdges">
            <rect width=${qr.size} height=${qr.size} fill="#ffffff" />
            <path d=${qr.path} fill="#000000" />
          </svg>`
        : nothing}
      <div class="code">
        <label for="pix-code">${t('pix.code_label')}</label>
        <textarea
          id="pix-code"
          rows="4"
          readonly
          spellcheck="false"
          autocapitalize="off"
          .value=${this.qrCode}
          @focus=${this.#selectCode}
          @click=${this.#selectCode}
        ></textarea>
      </div>
      <div class="copy-row">
        <button type="button" class="copy" @click=${this.#onCopy}>${t('pix.copy')}</button>
        <p class=${copy === 'failed' ? 'copied failed' : 'copied'} role="status">
          ${copy === 'copied' ? t('pix.copied') : copy === 'failed' ? t('pix.copy_failed') : nothing}
        </p>
      </div>
      ${this.remaining === null
        ? nothing
        : // role=timer is aria-live="off": readable on demand, never announced every second.
          html`<p class="countdown" role="timer" aria-live="off">${t('pix.expires_in', { time: formatCountdown(this.remaining) })}</p>`}
      <p class="waiting"><span class="spinner" aria-hidden="true"></span><span>${t('pix.waiting')}</span></p>`;
  }

  #renderExpired() {
    const busy = this.regenerating;
    return html`<p class="expired">${t('pix.expired')}</p>
      <button type="button" class="pay regenerate" aria-disabled=${busy ? 'true' : 'false'} @click=${this.#onRegenerate}>
        ${busy ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}<span>${t('pix.regenerate')}</span>
      </button>`;
  }

  #secondsLeft(): number | null {
    const deadline = Date.parse(this.expiresAt);
    return Number.isNaN(deadline) ? null : (deadline - Date.now()) / 1000;
  }

  /** Sets the timer for the next whole second of the countdown (or for the expiry). */
  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const left = this.#secondsLeft();
    if (left === null || this.expired || !this.isConnected) return;
    const ms = left * 1000;
    const delay = ms <= 0 ? 0 : Math.min(ms % 1000 || 1000, 2 ** 31 - 1);
    this.#timer = setTimeout(() => this.#tick(), delay + 1);
  }

  #tick(): void {
    const left = this.#secondsLeft();
    if (left === null) return;
    if (left <= 0) {
      this.#refocus = this.matches(':focus-within');
      this.remaining = 0;
      this.expired = true;
      this.announcement = t('pix.expired');
      clearTimeout(this.#copyTimer);
      this.copy = 'idle';
      return;
    }
    this.remaining = Math.ceil(left);
    if (left <= LAST_MINUTE_S && !this.#announced) {
      this.#announced = true;
      this.announcement = t('pix.last_minute');
    }
    this.#arm();
  }

  #selectCode(event: Event): void {
    (event.currentTarget as HTMLTextAreaElement).select();
  }

  async #onCopy(): Promise<void> {
    const code = this.qrCode;
    let copied = false;
    try {
      if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(code);
        copied = true;
      }
    } catch {
      // Not allowed here (no clipboard-write permission in this frame, no secure context): fall back.
    }
    if (!copied) copied = this.#copyBySelection();
    this.copy = copied ? 'copied' : 'failed';
    clearTimeout(this.#copyTimer);
    this.#copyTimer = setTimeout(() => (this.copy = 'idle'), COPIED_MS);
  }

  /** The old way: select the code and `execCommand('copy')`. Leaves the code selected if that fails, for a manual copy. */
  #copyBySelection(): boolean {
    const box = this.renderRoot.querySelector('textarea');
    if (!box) return false;
    const button = this.renderRoot.querySelector<HTMLElement>('.copy');
    box.focus();
    box.setSelectionRange(0, box.value.length);
    let copied = false;
    try {
      copied = document.execCommand('copy');
    } catch {
      copied = false;
    }
    if (copied) button?.focus(); // keep keyboard users where they were
    return copied;
  }

  #onRegenerate(): void {
    if (this.regenerating) return;
    this.regenerating = true;
    this.dispatchEvent(new CustomEvent('pay-pix-regenerate', { bubbles: true, composed: true }));
  }
}

customElements.get('pay-pix-code') || customElements.define('pay-pix-code', PayPixCode);

declare global {
  interface HTMLElementTagNameMap {
    'pay-pix-code': PayPixCode;
  }
  interface HTMLElementEventMap {
    'pay-pix-regenerate': CustomEvent<undefined>;
  }
}
