import { LitElement, html, nothing } from 'lit';
import type { AbandonedStep, CheckoutTelemetry, PaymentMethodType, PublicSession } from '../../../contract/api.ts';
import type { HostMessage } from '../../../contract/messages.ts';
import { currentLocale, setLocale, t, type MessageKey } from '../../i18n/index.ts';
import { formatPrice } from '../../lib/amount.ts';
import { classifyPayment, isSettled, type Failure, type Outcome } from '../../lib/outcome.ts';
import { poll } from '../../lib/poll.ts';
import { sessionIdFromSecret } from '../../lib/session.ts';
import { browserDeviceClass, checkoutTelemetry } from '../../lib/telemetry.ts';
import { createCheckoutApi, type CheckoutApi } from '../api.ts';
import { createBridge, type Bridge } from '../bridge.ts';
import { loadInstallments, type FormChange } from '../card-form/card-form.ts';
import type { ChallengeCloseDetail, PayChallenge } from '../challenge/challenge.ts';
import { declineMessage, failureFromApi } from '../failure.ts';
import type { PaymentForm } from '../forms/payment-form.ts';
import type { MethodSelectDetail } from '../methods/methods.ts';
import type { PayPixForm } from '../pix/pix-form.ts';
import { tokens } from '../styles/tokens.ts';
import { applyTheme } from '../theme.ts';
import { appStyles } from './app.styles.ts';
import { loadingView, processingView, successView, unavailableView } from './views.ts';

type PixAction = Extract<Outcome, { kind: 'pix' }> & {
  /** The code can no longer be paid (its time ran out, or the server expired it): offer a new one. */
  readonly expired: boolean;
};
type ChallengeAction = Extract<Outcome, { kind: 'challenge' }>;

type View =
  | { readonly kind: 'loading' }
  /**
   * The forms (tabs when there are several methods). `failure` goes to the form of `method`;
   * `action` is what the buyer does next in the frame: pay a PIX code (shown instead of the
   * forms) or pass a 3DS challenge (a modal over the card form).
   */
  | {
      readonly kind: 'pay';
      readonly failure: { readonly method: PaymentMethodType; readonly failure: Failure } | null;
      readonly action: PixAction | ChallengeAction | null;
    }
  /** `note`: a line under "Processing your payment…" (already translated). */
  | { readonly kind: 'processing'; readonly note?: string }
  | { readonly kind: 'success' }
  | { readonly kind: 'unavailable'; readonly message: string };

/** How long to keep polling past a PIX code's or a challenge's expiry (clocks differ, banks are late). */
const EXPIRY_GRACE_MS = 30_000;

/** A dynamic import, once; a failed one (say the network dropped) is tried again next time. */
function lazy(load: () => Promise<unknown>): () => Promise<unknown> {
  let loading: Promise<unknown> | null = null;
  return () => (loading ??= load().catch((error: unknown) => ((loading = null), Promise.reject(error))));
}

// Parts of the frame many buyers never see are chunks of their own, keeping the entry small.
/** The method tabs: loaded as soon as a session offers more than one method. */
const loadMethodTabs = lazy(() => import('../methods/methods.ts'));
/** The PIX code view and its QR code encoder: once there is a code to pay. */
const loadPixCode = lazy(() => import('../pix/pix-code.ts'));
/** The 3DS challenge modal: once a bank asks for one. */
const loadChallenge = lazy(() => import('../challenge/challenge.ts'));

/** One form for every redirect method (Alipay, WeChat Pay, PayPal), told which one by its `method`. */
const loadApmForm = lazy(() => import('../apm/apm-form.ts'));

/**
 * The chunk that defines each method's form, loaded as soon as a session offers the method (the
 * card form is in the entry). A method's form is `<pay-METHOD-form>`, or `<pay-apm-form>` for a
 * redirect method: adding a method is adding its line here.
 */
const FORMS: Readonly<Record<PaymentMethodType, (() => Promise<unknown>) | null>> = {
  card: null,
  pix: lazy(() => import('../pix/pix-form.ts')),
  ach: lazy(() => import('../ach/ach-form.ts')),
  alipay: loadApmForm,
  wechatpay: loadApmForm,
  paypal: loadApmForm,
};

const isApm = (method: PaymentMethodType): boolean => FORMS[method] === loadApmForm;

/**
 * @summary The payment frame's root: talks to the host over postMessage, loads the session,
 * shows the payment method tabs and forms, a PIX code or a 3DS challenge when the payment asks
 * for one, then processing / success, and keeps the host's iframe at its height.
 *
 * Flow: posts `loaded`; on `init` applies the theme, loads the language (the host's `locale`,
 * else the session's, else the browser's), reads the session and posts `ready`; relays form
 * changes and payment outcomes (`change`, `processing`, `success`, `failure`, `redirect`);
 * polls the session while a payment is processing, a PIX code waits to be paid or a challenge
 * is open; posts `resize` when its height changes. Each confirm carries the checkout's telemetry
 * (language, device class, time since `ready`); a buyer who leaves the page with the payment
 * unfinished is reported once (`abandon`, on `pagehide`) with the step they gave up at.
 *
 * The first four properties are read when the element connects (or inits), not watched.
 *
 * @property publishableKey - From the frame URL (`pk`).
 * @property parentOrigin - From the frame URL (`origin`): the only origin messages go to and come from.
 * @property pollInterval - Milliseconds between session polls while processing (1000).
 * @property pollTimeout - How long to poll before telling the buyer it takes longer (180000). A PIX
 *   code or a challenge is polled at least until it expires.
 */
export class PayFrameApp extends LitElement {
  static override styles = [tokens, appStyles];
  static override properties = {
    view: { state: true },
    method: { state: true },
  };

  declare publishableKey: string;
  declare parentOrigin: string;
  declare pollInterval: number;
  declare pollTimeout: number;
  declare view: View;
  /** The selected payment method (tab). */
  declare method: PaymentMethodType;

  #bridge: Bridge | null = null;
  #unlisten: (() => void) | null = null;
  #resize: ResizeObserver | null = null;
  #height = -1;
  #api: CheckoutApi | null = null;
  #session: PublicSession | null = null;
  #locale: string | undefined;
  #polling: AbortController | null = null;
  /** The last `change` of each form, so the host hears the selected form's state after a tab switch. */
  #changes: Partial<Record<PaymentMethodType, FormChange>> = {};
  /** Each method's form, made once and kept, so what the buyer typed survives other screens. */
  #forms: Partial<Record<PaymentMethodType, PaymentForm>> = {};
  /** The PIX form confirmed in this frame, so it can confirm again with the same payer. */
  #pixConfirmed = false;
  /** Methods whose form could not be loaded: only the others are offered. */
  #missing = new Set<PaymentMethodType>();
  /** The tabs could not be loaded: only the first method is offered. */
  #tabsMissing = false;
  #regenerating = false;
  /** `performance.now()` when the forms were shown (`ready`): where the buyer's time starts. */
  #readyAt = 0;
  /** The last attempt failed and the buyer has not confirmed again since. */
  #failed = false;
  /** Leaving now needs no report: one was sent, or the frame sent the buyer away (a redirect). */
  #left = false;

  constructor() {
    super();
    this.publishableKey = '';
    this.parentOrigin = '';
    this.pollInterval = 1000;
    this.pollTimeout = 180_000;
    this.view = { kind: 'loading' };
    this.method = 'card';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const bridge = createBridge(this.parentOrigin);
    this.#bridge = bridge;
    this.#unlisten = bridge.listen((message) => this.#onMessage(message));
    this.#resize = new ResizeObserver(() => this.#postHeight());
    this.#resize.observe(this);
    addEventListener('pagehide', this.#onPageHide);
    addEventListener('pageshow', this.#onPageShow);
    bridge.post({ type: 'loaded' });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unlisten?.();
    this.#resize?.disconnect();
    this.#polling?.abort();
    removeEventListener('pagehide', this.#onPageHide);
    removeEventListener('pageshow', this.#onPageShow);
  }

  /** The methods to offer, in the session's order (card when it names none), less any that failed to load. */
  get #methods(): PaymentMethodType[] {
    const named: readonly PaymentMethodType[] = this.#session?.payment_methods?.length ? this.#session.payment_methods : ['card'];
    const methods = [...new Set(named)].filter((method) => Object.hasOwn(FORMS, method) && !this.#missing.has(method));
    return this.#tabsMissing ? methods.slice(0, 1) : methods;
  }

  protected override render() {
    const view = this.view;
    switch (view.kind) {
      case 'loading':
        return loadingView();
      case 'pay':
        return this.#payView(view);
      case 'processing':
        return processingView(view.note);
      case 'success':
        return successView(this.#session ? formatPrice(this.#session.amount, this.#session.currency, this.#locale) : '');
      case 'unavailable':
        return unavailableView(view.message);
    }
  }

  /**
   * One template for every state of paying, so the forms (and what the buyer typed) survive a
   * PIX code or a challenge coming and going.
   */
  #payView(view: Extract<View, { kind: 'pay' }>) {
    const methods = this.#methods;
    const session = this.#session;
    const action = view.action;
    const pix = action?.kind === 'pix' ? action : null;
    const challenge = action?.kind === 'challenge' ? action : null;
    const forms = methods.map((method) =>
      Object.assign(this.#form(method), {
        session,
        api: this.#api,
        locale: this.#locale,
        failure: view.failure?.method === method ? view.failure.failure : null,
      }),
    );
    return html`<div class="methods" ?hidden=${pix !== null}>
        ${methods.length > 1
          ? html`<pay-method-tabs .methods=${methods} .selected=${this.method} @pay-method-select=${this.#onMethodSelect}>${forms}</pay-method-tabs>`
          : forms}
      </div>
      ${pix && session
        ? html`<pay-pix-code
            .qrCode=${pix.qrCode}
            .expiresAt=${pix.expired ? new Date(0).toISOString() : pix.expiresAt}
            .amount=${session.amount}
            .currency=${session.currency}
            .locale=${this.#locale}
            @pay-pix-regenerate=${this.#onPixRegenerate}
          ></pay-pix-code>`
        : nothing}
      ${challenge
        ? html`<pay-challenge .url=${challenge.url} .expiresAt=${challenge.expiresAt} open @pay-challenge-close=${this.#onChallengeClose}></pay-challenge>`
        : nothing}`;
  }

  protected override updated(): void {
    // A new screen replaced the form: move focus to it if the buyer was working in the frame.
    if (!document.hasFocus() || this.matches(':focus-within')) return;
    const status = this.renderRoot.querySelector<HTMLElement>('[tabindex="-1"]');
    if (status) status.focus();
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
        void this.#activeForm()?.submit();
        break;
    }
  }

  /** The form the pay button of the selected tab belongs to, unless a code or a challenge is up. */
  #activeForm(): PaymentForm | undefined {
    if (this.view.kind === 'pay' && !this.view.action) return this.#forms[this.method];
  }

  /** What the buyer does in the frame now (pay a PIX code, pass a challenge), if anything. */
  get #action(): PixAction | ChallengeAction | null {
    return this.view.kind === 'pay' ? this.view.action : null;
  }

  /** The form of `method`, made on first use; it tells the app its changes and outcomes as `method`'s. */
  #form(method: PaymentMethodType): PaymentForm {
    let form = this.#forms[method];
    if (!form) {
      const apm = isApm(method);
      form = this.#forms[method] = Object.assign(document.createElement(apm ? 'pay-apm-form' : `pay-${method}-form`) as PaymentForm, apm && { method }, { slot: method });
      form.addEventListener('pay-form-change', (event) => this.#onFormChange(method, (event as CustomEvent<FormChange>).detail));
      form.addEventListener('pay-form-outcome', (event) => this.#onFormOutcome(method, (event as CustomEvent<Outcome>).detail));
    }
    return form;
  }

  async #init(clientSecret: string, theme: Extract<HostMessage, { type: 'init' }>['theme'], locale?: string): Promise<void> {
    if (this.#api) return; // one session per frame; a new one re-creates the frame
    applyTheme(theme);
    // Start on the language the frame already knows while the session loads.
    const early = this.#useLocale(locale || navigator.language);
    const api = createCheckoutApi({
      base: '',
      publishableKey: this.publishableKey,
      clientSecret,
      sessionId: sessionIdFromSecret(clientSecret) ?? '',
      parentOrigin: this.parentOrigin,
      // Asked for by each confirm: a new attempt, so the last failure is behind the buyer.
      telemetry: () => ((this.#failed = false), this.#telemetry()),
    });
    this.#api = api;
    const result = await api.getSession();
    if (!result.ok) {
      await early;
      const failure = failureFromApi(result.error);
      this.view = { kind: 'unavailable', message: declineMessage(failure) };
      this.#postFailure({ ...failure, message: result.error.message });
      return;
    }
    const session = result.value;
    this.#session = session;
    // The host's explicit locale, then the session's, then the browser's.
    this.#locale = locale || session.locale || navigator.language;
    // What this session needs beyond the card form, loaded while the language loads.
    const methods = this.#methods;
    const forms = methods.map((method) => FORMS[method]?.().catch(() => this.#missing.add(method)));
    const tabs = methods.length > 1 && loadMethodTabs().catch(() => (this.#tabsMissing = true));
    const installments = methods.includes('card') && session.max_installments > 1 && loadInstallments().catch(() => undefined);
    await Promise.all([this.#useLocale(this.#locale), tabs, installments, ...forms]);
    if (!this.#methods.length) {
      // No card, and no other method's form could be loaded.
      const message = t('error.network');
      this.view = { kind: 'unavailable', message };
      this.#postFailure({ kind: 'failed', code: 'network_error', message, paymentId: null, fields: null });
      return;
    }
    this.#readyAt = performance.now();
    this.#bridge?.post({
      type: 'ready',
      session: { id: session.id, amount: session.amount, currency: session.currency, status: session.status },
    });
    this.#showSession(session);
  }

  async #useLocale(locale: string): Promise<void> {
    await setLocale(locale);
    this.lang = currentLocale(); // the language the texts are in (overlapping calls: the last one's)
    this.requestUpdate();
  }

  #showSession(session: PublicSession): void {
    const payment = session.payment;
    const outcome = payment ? classifyPayment(payment) : null;
    const methods = this.#methods;
    this.method = payment && methods.includes(payment.method) ? payment.method : (methods[0] ?? 'card');
    if (outcome?.kind === 'succeeded' || session.status === 'complete') {
      this.view = { kind: 'success' };
    } else if (session.status === 'expired' || session.locked) {
      this.view = { kind: 'unavailable', message: t(session.locked ? 'error.locked' : 'error.expired') };
    } else if (outcome?.kind === 'pix') {
      // Reloaded while a PIX code waits: show it again (with "new code" if its time ran out).
      this.#showPix(outcome);
    } else if (outcome?.kind === 'challenge') {
      if (Date.parse(outcome.expiresAt) > Date.now()) this.#showChallenge(outcome);
      else this.#showFailure('card', this.#challengeFailure('expired', outcome.paymentId));
    } else if (outcome && !isSettled(outcome)) {
      this.view = { kind: 'processing' };
      void this.#poll();
    } else {
      const failure = outcome?.kind === 'failed' ? outcome : null;
      this.#failed = !!failure;
      this.view = { kind: 'pay', failure: failure ? { method: this.method, failure } : null, action: null };
    }
  }

  #onMethodSelect(event: CustomEvent<MethodSelectDetail>): void {
    this.method = event.detail.method;
    const change = this.#changes[this.method] ?? { complete: false, empty: true, brand: null };
    this.#bridge?.post({ type: 'change', ...change });
  }

  #onFormChange(method: PaymentMethodType, change: FormChange): void {
    this.#changes[method] = change;
    if (method === this.method) this.#bridge?.post({ type: 'change', ...change });
  }

  #onFormOutcome(method: PaymentMethodType, outcome: Outcome): void {
    if (method === 'pix' && outcome.kind !== 'failed') this.#pixConfirmed = true;
    if (outcome.kind === 'failed' && outcome.code === 'payment_in_progress') {
      // An earlier attempt still waits for the buyer (a challenge they closed, a PIX code):
      // take them back to it rather than to an error.
      void this.#resume(outcome);
      return;
    }
    this.#onOutcome(outcome, false);
  }

  /** Reads the session again and shows where its payment is; the failure stands if that fails. */
  async #resume(failure: Failure): Promise<void> {
    const result = await this.#api?.getSession();
    const payment = result?.ok ? result.value.payment : null;
    const outcome = payment ? classifyPayment(payment) : null;
    if (!result?.ok || !outcome || outcome.kind === 'failed') {
      this.#onOutcome(failure, false);
      return;
    }
    this.#session = result.value;
    this.#showSession(result.value);
  }

  #onOutcome(outcome: Outcome, polled: boolean): void {
    const action = this.#action;
    switch (outcome.kind) {
      case 'succeeded':
        this.#closeChallenge();
        this.view = { kind: 'success' };
        this.#bridge?.post({ type: 'success', paymentId: outcome.paymentId, status: outcome.status });
        break;
      case 'redirect':
        this.#closeChallenge();
        this.#left = true; // the page goes away because the buyer is paying: not an abandonment
        // To the redirect method's own page, or to the bank (3-D Secure).
        this.view = {
          kind: 'processing',
          note: isApm(this.method) ? t('apm.redirecting', { method: t(`method.${this.method}` as MessageKey) }) : t('status.redirecting'),
        };
        this.#bridge?.post({ type: 'redirect', url: outcome.url, paymentId: outcome.paymentId });
        break;
      case 'processing':
        this.#closeChallenge();
        this.view = { kind: 'processing' };
        this.#bridge?.post({ type: 'processing', paymentId: outcome.paymentId });
        void this.#poll();
        break;
      case 'pix':
        this.#showPix(outcome);
        this.#bridge?.post({ type: 'processing', paymentId: outcome.paymentId });
        break;
      case 'challenge':
        this.#showChallenge(outcome);
        this.#bridge?.post({ type: 'processing', paymentId: outcome.paymentId });
        break;
      case 'failed':
        this.#failed = true;
        if (polled && action?.kind === 'pix' && outcome.code === 'payment_expired') {
          // The server expired the code before the buyer paid: offer a new one right there.
          this.view = { kind: 'pay', failure: null, action: { ...action, expired: true } };
        } else if (polled || action) {
          // Back to the form the payment was made with, which shows the reason (the forms show
          // their own declines when they confirm; a failed new PIX code also ends the old one).
          this.#closeChallenge();
          this.#showFailure(action?.kind === 'pix' ? 'pix' : action?.kind === 'challenge' ? 'card' : this.method, outcome);
        }
        this.#postFailure({ ...outcome, message: declineMessage(outcome) });
        break;
    }
  }

  #showFailure(method: PaymentMethodType, failure: Failure): void {
    this.#failed = true;
    this.method = this.#methods.includes(method) ? method : this.method;
    this.view = { kind: 'pay', failure: { method, failure }, action: null };
    // The code, modal or status the buyer was on is gone: give their place back in the form.
    void this.updateComplete.then(() => {
      if (document.hasFocus() && !this.matches(':focus-within')) void this.#activeForm()?.showFailure(failure);
    });
  }

  #showPix(outcome: Extract<Outcome, { kind: 'pix' }>): void {
    const left = Date.parse(outcome.expiresAt) - Date.now();
    this.method = 'pix';
    this.view = { kind: 'pay', failure: null, action: { ...outcome, expired: left <= 0 } };
    loadPixCode().then(async () => {
      const code = this.renderRoot.querySelector('pay-pix-code');
      await code?.updateComplete;
      if (code && document.hasFocus() && !this.matches(':focus-within')) code.focus();
    }, () => {
      // Without the code view the buyer cannot pay this code: say so in the form, which can try again.
      if (!this.#shows(outcome)) return;
      this.#polling?.abort();
      this.#showFailure('pix', { kind: 'failed', code: 'network_error', message: t('error.network'), paymentId: outcome.paymentId, fields: null });
    });
    if (left > 0) void this.#poll(left + EXPIRY_GRACE_MS);
    else this.#polling?.abort();
  }

  #showChallenge(outcome: ChallengeAction): void {
    this.method = 'card';
    this.view = { kind: 'pay', failure: null, action: outcome };
    loadChallenge().catch(() => {
      if (!this.#shows(outcome)) return;
      this.#polling?.abort();
      this.#showFailure('card', this.#challengeFailure('invalid', outcome.paymentId));
    });
    void this.#poll(Date.parse(outcome.expiresAt) - Date.now() + EXPIRY_GRACE_MS);
  }

  /** True while `outcome`'s code or challenge is what the buyer is on. */
  #shows(outcome: Extract<Outcome, { kind: 'pix' | 'challenge' }>): boolean {
    const action = this.#action;
    return action?.kind === outcome.kind && action.paymentId === outcome.paymentId;
  }

  #challengeFailure(reason: ChallengeCloseDetail['reason'], paymentId: string): Failure {
    // The code `challenge_expired` and the text `error.challenge_expired`, and so on.
    return { kind: 'failed', code: `challenge_${reason}`, message: t(`error.challenge_${reason}` satisfies MessageKey), paymentId, fields: null };
  }

  /** Closes an open challenge modal without its close event (the payment settled). */
  #closeChallenge(): void {
    this.renderRoot.querySelector<PayChallenge>('pay-challenge')?.close();
  }

  #onChallengeClose(event: CustomEvent<ChallengeCloseDetail>): void {
    const action = this.#action;
    if (action?.kind !== 'challenge') return;
    // The buyer gave up or ran out of time: stop waiting and let them try again. A late answer
    // from the bank is reconciled by the server on the next confirm.
    this.#polling?.abort();
    const failure = this.#challengeFailure(event.detail.reason, action.paymentId);
    this.#showFailure('card', failure);
    this.#postFailure(failure);
  }

  async #onPixRegenerate(): Promise<void> {
    const action = this.#action;
    const form = this.#forms.pix as PayPixForm | undefined;
    if (action?.kind !== 'pix' || !form || this.#regenerating) return;
    this.#polling?.abort();
    if (!this.#pixConfirmed) {
      // Restored after a reload: the payer's details are gone. The form asks for them again.
      this.view = { kind: 'pay', failure: null, action: null };
      return;
    }
    this.#regenerating = true;
    try {
      await form.regenerate(); // its pay-form-outcome shows the new code, or the failure
    } finally {
      this.#regenerating = false;
    }
  }

  /**
   * Polls the session until the payment settles, then acts on it. Gives up after pollTimeout
   * (or `atLeastMs`, for a PIX code or a challenge that lasts longer).
   */
  async #poll(atLeastMs = 0): Promise<void> {
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
      { intervalMs: this.pollInterval, timeoutMs: Math.max(this.pollTimeout, atLeastMs), signal: controller.signal },
    );
    if (controller.signal.aborted) return;
    if (outcome) return this.#onOutcome(outcome, true);
    const action = this.#action;
    if (action?.kind === 'pix') this.view = { kind: 'pay', failure: null, action: { ...action, expired: true } };
    else if (action?.kind === 'challenge') {
      this.#closeChallenge();
      const failure = this.#challengeFailure('expired', action.paymentId);
      this.#showFailure('card', failure);
      this.#postFailure(failure);
    } else this.view = { kind: 'processing', note: t('status.processing_slow') };
  }

  #postFailure(failure: Failure): void {
    this.#bridge?.post({
      type: 'failure',
      code: failure.code.slice(0, 100),
      message: (failure.message ?? '').slice(0, 500),
      paymentId: failure.paymentId,
    });
  }

  /** What the checkout saw, now: the language of the texts, the device, the time since `ready`. */
  #telemetry(): CheckoutTelemetry {
    return checkoutTelemetry(currentLocale(), browserDeviceClass(), performance.now() - this.#readyAt);
  }

  /**
   * Where a buyer leaving now gives up, or null when there is nothing to give up (no session yet,
   * paid, unavailable). What is on screen first, then a failure not tried again, then how far
   * the selected form is. Never what was typed.
   */
  #abandonedStep(): AbandonedStep | null {
    const view = this.view;
    if (view.kind === 'processing') return 'processing';
    if (view.kind !== 'pay') return null;
    if (view.action) return view.action.kind === 'pix' ? 'pix_code' : 'authentication';
    if (this.#failed) return 'after_failure';
    const change = this.#changes[this.method];
    return change?.complete ? 'ready_to_pay' : change && !change.empty ? 'payment_details' : 'not_started';
  }

  /**
   * The page goes away (the merchant page closed or left, or the frame removed): report an
   * unfinished payment, once. The answer does not matter and may never come.
   */
  #onPageHide = (): void => {
    const step = this.#abandonedStep();
    if (!step || this.#left) return;
    this.#left = true;
    this.#api?.abandon({ step, payment_method: this.method, telemetry: this.#telemetry() });
  };

  /** Back from the back/forward cache: a new page lifetime, which may be left unfinished again. */
  #onPageShow = (event: PageTransitionEvent): void => {
    if (event.persisted) this.#left = false;
  };

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
