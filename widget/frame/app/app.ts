import { LitElement, html } from 'lit';
import type { PublicSession } from '../../../contract/api.ts';
import type { HostMessage } from '../../../contract/messages.ts';
import { setLocale, type MessageKey } from '../../i18n/index.ts';
import { formatPrice } from '../../lib/amount.ts';
import { classifyPayment, isSettled, type Failure, type Outcome } from '../../lib/outcome.ts';
import { poll } from '../../lib/poll.ts';
import { sessionIdFromSecret } from '../../lib/session.ts';
import { createCheckoutApi, type CheckoutApi } from '../api.ts';
import { createBridge, type Bridge } from '../bridge.ts';
import '../card-form/card-form.ts';
import type { FormChange } from '../card-form/card-form.ts';
import { declineMessage, failureFromApi } from '../failure.ts';
import { tokens } from '../styles/tokens.ts';
import { applyTheme } from '../theme.ts';
import { appStyles } from './app.styles.ts';
import { loadingView, processingView, successView, unavailableView } from './views.ts';

type View =
  | { readonly kind: 'loading' }
  | { readonly kind: 'form'; readonly failure: Failure | null }
  | { readonly kind: 'processing'; readonly note: MessageKey }
  | { readonly kind: 'success' }
  | { readonly kind: 'unavailable'; readonly message: string };

/**
 * @summary The payment frame's root: talks to the host over postMessage, loads the session,
 * shows the card form, then processing / success, and keeps the host's iframe at its height.
 *
 * Flow: posts `loaded`; on `init` applies the theme, reads the session and posts `ready`;
 * relays form changes and payment outcomes (`change`, `processing`, `success`, `failure`,
 * `redirect`); polls the session while a payment is processing; posts `resize` when its height changes.
 *
 * @property publishableKey - From the frame URL (`pk`).
 * @property parentOrigin - From the frame URL (`origin`): the only origin messages go to and come from.
 * @property pollInterval - Milliseconds between session polls while processing (1000).
 * @property pollTimeout - How long to poll before telling the buyer it takes longer (180000).
 */
export class PayFrameApp extends LitElement {
  static override styles = [tokens, appStyles];
  static override properties = {
    publishableKey: { attribute: false },
    parentOrigin: { attribute: false },
    pollInterval: { attribute: false },
    pollTimeout: { attribute: false },
    view: { state: true },
  };

  declare publishableKey: string;
  declare parentOrigin: string;
  declare pollInterval: number;
  declare pollTimeout: number;
  declare view: View;

  #bridge: Bridge | null = null;
  #unlisten: (() => void) | null = null;
  #resize: ResizeObserver | null = null;
  #height = -1;
  #api: CheckoutApi | null = null;
  #session: PublicSession | null = null;
  #locale: string | undefined;
  #polling: AbortController | null = null;

  constructor() {
    super();
    this.publishableKey = '';
    this.parentOrigin = '';
    this.pollInterval = 1000;
    this.pollTimeout = 180_000;
    this.view = { kind: 'loading' };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const bridge = createBridge(this.parentOrigin);
    this.#bridge = bridge;
    this.#unlisten = bridge.listen((message) => this.#onMessage(message));
    this.#resize = new ResizeObserver(() => this.#postHeight());
    this.#resize.observe(this);
    bridge.post({ type: 'loaded' });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unlisten?.();
    this.#resize?.disconnect();
    this.#polling?.abort();
  }

  protected override render() {
    const view = this.view;
    switch (view.kind) {
      case 'loading':
        return loadingView();
      case 'form':
        return html`<pay-card-form
          .session=${this.#session}
          .api=${this.#api}
          .locale=${this.#locale}
          .failure=${view.failure}
          @pay-form-change=${this.#onFormChange}
          @pay-form-outcome=${this.#onFormOutcome}
        ></pay-card-form>`;
      case 'processing':
        return processingView(view.note);
      case 'success':
        return successView(this.#session ? formatPrice(this.#session.amount, this.#session.currency, this.#locale) : '');
      case 'unavailable':
        return unavailableView(view.message);
    }
  }

  protected override updated(): void {
    // A new screen replaced the form: move focus to it if the buyer was working in the frame.
    const status = this.renderRoot.querySelector<HTMLElement>('[tabindex="-1"]');
    if (status && document.hasFocus() && !this.matches(':focus-within')) status.focus();
  }

  #onMessage(message: HostMessage): void {
    switch (message.type) {
      case 'init':
        void this.#init(message.clientSecret, message.theme, message.locale);
        break;
      case 'theme':
        applyTheme(message.theme);
        break;
      case 'submit':
        void this.renderRoot.querySelector('pay-card-form')?.submit();
        break;
    }
  }

  async #init(clientSecret: string, theme: Extract<HostMessage, { type: 'init' }>['theme'], locale?: string): Promise<void> {
    if (this.#api) return; // one session per frame; a new one re-creates the frame
    applyTheme(theme);
    setLocale(locale || navigator.language);
    const api = createCheckoutApi({
      base: '',
      publishableKey: this.publishableKey,
      clientSecret,
      sessionId: sessionIdFromSecret(clientSecret) ?? '',
      parentOrigin: this.parentOrigin,
    });
    this.#api = api;
    const result = await api.getSession();
    if (!result.ok) {
      const failure = failureFromApi(result.error);
      this.view = { kind: 'unavailable', message: declineMessage(failure) };
      this.#postFailure({ ...failure, message: result.error.message });
      return;
    }
    const session = result.value;
    this.#session = session;
    this.#locale = locale || session.locale || navigator.language;
    setLocale(this.#locale);
    this.#bridge?.post({
      type: 'ready',
      session: { id: session.id, amount: session.amount, currency: session.currency, status: session.status },
    });
    this.#showSession(session);
  }

  #showSession(session: PublicSession): void {
    const outcome = session.payment ? classifyPayment(session.payment) : null;
    if (outcome?.kind === 'succeeded' || session.status === 'complete') {
      this.view = { kind: 'success' };
    } else if (session.status === 'expired') {
      this.view = { kind: 'unavailable', message: declineMessage({ kind: 'failed', code: 'session_expired', message: null, paymentId: null, fields: null }) };
    } else if (outcome && !isSettled(outcome)) {
      this.view = { kind: 'processing', note: 'status.processing' };
      void this.#poll();
    } else {
      this.view = { kind: 'form', failure: outcome?.kind === 'failed' ? outcome : null };
    }
  }

  #onFormChange(event: CustomEvent<FormChange>): void {
    this.#bridge?.post({ type: 'change', ...event.detail });
  }

  #onFormOutcome(event: CustomEvent<Outcome>): void {
    this.#onOutcome(event.detail, false);
  }

  #onOutcome(outcome: Outcome, polled: boolean): void {
    switch (outcome.kind) {
      case 'succeeded':
        this.view = { kind: 'success' };
        this.#bridge?.post({ type: 'success', paymentId: outcome.paymentId, status: outcome.status });
        break;
      case 'redirect':
        this.view = { kind: 'processing', note: 'status.redirecting' };
        this.#bridge?.post({ type: 'redirect', url: outcome.url, paymentId: outcome.paymentId });
        break;
      case 'processing':
        this.view = { kind: 'processing', note: 'status.processing' };
        this.#bridge?.post({ type: 'processing', paymentId: outcome.paymentId });
        void this.#poll();
        break;
      case 'failed':
        // The form shows its own declines; after polling it comes back with this one.
        if (polled) this.view = { kind: 'form', failure: outcome };
        this.#postFailure({ ...outcome, message: declineMessage(outcome) });
        break;
    }
  }

  async #poll(): Promise<void> {
    const api = this.#api;
    if (!api) return;
    this.#polling?.abort();
    const controller = new AbortController();
    this.#polling = controller;
    const outcome = await poll(
      async () => {
        const result = await api.getSession();
        if (!result.ok || !result.value.payment) return undefined;
        const next = classifyPayment(result.value.payment);
        return isSettled(next) ? next : undefined;
      },
      { intervalMs: this.pollInterval, timeoutMs: this.pollTimeout, signal: controller.signal },
    );
    if (controller.signal.aborted) return;
    if (outcome) this.#onOutcome(outcome, true);
    else this.view = { kind: 'processing', note: 'status.processing_slow' };
  }

  #postFailure(failure: Failure): void {
    this.#bridge?.post({
      type: 'failure',
      code: failure.code.slice(0, 100),
      message: (failure.message ?? '').slice(0, 500),
      paymentId: failure.paymentId,
    });
  }

  #postHeight(): void {
    const height = Math.min(10_000, Math.ceil(this.getBoundingClientRect().height));
    if (height === this.#height) return;
    this.#height = height;
    this.#bridge?.post({ type: 'resize', height });
  }
}

customElements.get('pay-frame-app') || customElements.define('pay-frame-app', PayFrameApp);

declare global {
  interface HTMLElementTagNameMap {
    'pay-frame-app': PayFrameApp;
  }
}
