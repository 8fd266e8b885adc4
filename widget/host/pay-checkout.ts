/**
 * `<pay-checkout>`: the one element a merchant page loads (`widget.js`). It mounts the payment
 * frame from the payment server's origin (where card data lives), sizes it, hands it the client
 * secret and theme over postMessage, and turns the frame's messages into DOM events.
 *
 * Deliberately a plain HTMLElement (no Lit) and no zod: this file is the merchant's page weight.
 */
import { envelopeOf } from '../../contract/messages-core.ts';
import type { FrameMessage, HostMessageBody, PayCheckoutEventMap } from '../../contract/messages.ts';
import { parseFrameMessage } from '../lib/frame-message.ts';
import { pickTheme, type Theme } from '../lib/theme.ts';
import { isHttpUrl } from '../lib/url.ts';
import { hostCss } from './pay-checkout.styles.ts';

/** The payment server: wherever this script was loaded from. */
const PAY_ORIGIN = new URL(import.meta.url).origin;

let sheet: CSSStyleSheet | undefined;

type Detail<K extends keyof PayCheckoutEventMap> = PayCheckoutEventMap[K]['detail'];

/**
 * @summary A secure card payment form for a Paykit checkout session.
 *
 * The card fields render in an iframe served by the payment server, so scripts on this page
 * never see card data. Restyle it with the CSS custom properties below, set on the element or
 * any ancestor; they are read when the frame starts and again whenever the element's `style` or
 * `class` attribute changes (a MutationObserver — cheap, and enough for theme switches done on the
 * element itself; after changing them elsewhere, call `refreshTheme()`). Web fonts must be
 * available to the frame, so prefer system font stacks in `--pay-font-family`.
 *
 * @attr publishable-key - The merchant's publishable key (`pk_test_…` / `pk_live_…`).
 * @attr client-secret - The checkout session's client secret (`cs_…_secret_…`), from your backend.
 * @attr locale - Optional language and number format, e.g. `en-US`, `pt-BR`; defaults to the session's, then the browser's.
 *
 * @fires pay-ready - The form is shown: `{ sessionId, amount, currency, status }`.
 * @fires pay-change - Completeness or card brand changed: `{ complete, empty, brand }`.
 * @fires pay-processing - The payment awaits confirmation (the form keeps polling): `{ paymentId }`.
 * @fires pay-success - The payment succeeded: `{ paymentId, status }`.
 * @fires pay-failure - Declined or failed: `{ code, message, paymentId }`; the buyer may retry.
 * @fires pay-redirect - The buyer must confirm with the bank: `{ url, paymentId }`. Cancelable: unless you call `preventDefault()`, the page navigates to `url`.
 *
 * @cssprop --pay-color-primary - Pay button and accents (default #4f46e5).
 * @cssprop --pay-color-primary-text - Text on the pay button (default #ffffff).
 * @cssprop --pay-color-text - Labels and input text (default #1f2937).
 * @cssprop --pay-color-muted - Placeholders and secondary text (default #6b7280).
 * @cssprop --pay-color-background - Background behind the form (default transparent).
 * @cssprop --pay-color-field-background - Input background (default #ffffff).
 * @cssprop --pay-color-border - Input borders (default #8a919c).
 * @cssprop --pay-color-focus - Focus ring (default: the primary color).
 * @cssprop --pay-color-danger - Errors (default #b91c1c).
 * @cssprop --pay-color-success - Success check mark (default #047857).
 * @cssprop --pay-font-family - Font stack (default system-ui).
 * @cssprop --pay-font-size - Base font size (default 16px; inputs never go below 16px).
 * @cssprop --pay-radius - Corner radius of inputs, button and alerts (default 8px).
 * @cssprop --pay-spacing - Space between fields (default 16px).
 */
export class PayCheckout extends HTMLElement {
  static observedAttributes = ['publishable-key', 'client-secret', 'locale'];

  #frame: HTMLIFrameElement | null = null;
  #loaded = false;
  #mountQueued = false;
  #observer = new MutationObserver(() => this.refreshTheme());
  #onMessage = (event: MessageEvent): void => {
    const frame = this.#frame;
    if (!frame || event.source !== frame.contentWindow || event.origin !== PAY_ORIGIN) return;
    const message = parseFrameMessage(event.data);
    if (message) this.#handle(frame, message);
  };

  connectedCallback(): void {
    if (!this.shadowRoot) {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(hostCss);
      }
      this.attachShadow({ mode: 'open' }).adoptedStyleSheets = [sheet];
    }
    window.addEventListener('message', this.#onMessage);
    this.#observer.observe(this, { attributes: true, attributeFilter: ['style', 'class'] });
    this.#queueMount();
  }

  disconnectedCallback(): void {
    window.removeEventListener('message', this.#onMessage);
    this.#observer.disconnect();
    this.#frame?.remove();
    this.#frame = null;
    this.#loaded = false;
  }

  attributeChangedCallback(_name: string, before: string | null, after: string | null): void {
    if (before !== after && this.isConnected) this.#queueMount();
  }

  /** Submits the payment form, as the pay button inside it does. */
  submit(): void {
    this.#post({ type: 'submit' });
  }

  /** Sends the current values of the `--pay-*` properties to the frame again. */
  refreshTheme(): void {
    this.#post({ type: 'theme', theme: this.#theme() });
  }

  #theme(): Theme {
    const style = getComputedStyle(this);
    return pickTheme((property) => style.getPropertyValue(property));
  }

  /** Attributes arrive one by one; mount once after the last of them. */
  #queueMount(): void {
    if (this.#mountQueued) return;
    this.#mountQueued = true;
    queueMicrotask(() => {
      this.#mountQueued = false;
      if (this.isConnected) this.#mount();
    });
  }

  #mount(): void {
    this.#frame?.remove();
    this.#frame = null;
    this.#loaded = false;
    const key = this.getAttribute('publishable-key');
    if (!key || !this.getAttribute('client-secret') || !this.shadowRoot) return;
    const frame = document.createElement('iframe');
    frame.title = 'Secure payment form';
    // clipboard-write: the PIX "copy code" button writes the code from inside the frame.
    frame.allow = 'payment; clipboard-write';
    frame.src = `${PAY_ORIGIN}/frame/checkout?pk=${encodeURIComponent(key)}&origin=${encodeURIComponent(location.origin)}`;
    this.#frame = frame;
    this.shadowRoot.append(frame);
  }

  #post(body: HostMessageBody): void {
    if (this.#loaded) this.#frame?.contentWindow?.postMessage(envelopeOf(body), PAY_ORIGIN);
  }

  #emit<K extends keyof PayCheckoutEventMap>(type: K, detail: Detail<K>, cancelable = false): boolean {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }

  #handle(frame: HTMLIFrameElement, message: FrameMessage): void {
    switch (message.type) {
      case 'loaded': {
        this.#loaded = true;
        const locale = this.getAttribute('locale');
        this.#post({
          type: 'init',
          clientSecret: this.getAttribute('client-secret') ?? '',
          theme: this.#theme(),
          ...(locale ? { locale } : {}),
        });
        break;
      }
      case 'resize':
        frame.style.height = `${Math.ceil(message.height)}px`;
        break;
      case 'ready': {
        const { id, amount, currency, status } = message.session;
        this.#emit('pay-ready', { sessionId: id, amount, currency, status });
        break;
      }
      case 'change':
        this.#emit('pay-change', { complete: message.complete, empty: message.empty, brand: message.brand });
        break;
      case 'processing':
        this.#emit('pay-processing', { paymentId: message.paymentId });
        break;
      case 'success':
        this.#emit('pay-success', { paymentId: message.paymentId, status: message.status });
        break;
      case 'failure':
        this.#emit('pay-failure', { code: message.code, message: message.message, paymentId: message.paymentId });
        break;
      case 'redirect':
        if (this.#emit('pay-redirect', { url: message.url, paymentId: message.paymentId }, true) && isHttpUrl(message.url)) {
          window.location.assign(message.url);
        }
        break;
    }
  }
}

if (!customElements.get('pay-checkout')) customElements.define('pay-checkout', PayCheckout);

declare global {
  interface HTMLElementTagNameMap {
    'pay-checkout': PayCheckout;
  }
  // The events bubble and are composed, so any ancestor (or document) can listen with types.
  interface GlobalEventHandlersEventMap extends PayCheckoutEventMap {}
}
