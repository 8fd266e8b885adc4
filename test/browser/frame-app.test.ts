/**
 * The frame's root element, mounted in the test page. The page is a top-level window, so the
 * frame's `window.parent` is the page itself: the test plays the host by posting to itself and
 * reading what the frame posts. The API is a fetch stub.
 */
import { sendKeys } from '@web/test-runner-commands';
import { abandonSessionSchema, DEVICE_CLASSES, type AbandonSessionInput, type CheckoutTelemetry, type ConfirmSessionInput, type NextAction, type PublicPayment, type PublicSession } from '../../contract/api.ts';
import { envelopeOf, type FrameMessage, type HostMessageBody } from '../../contract/messages.ts';
import '../../widget/frame/app/app.ts';
import type { PayFrameApp } from '../../widget/frame/app/app.ts';
import type { PayAchForm } from '../../widget/frame/ach/ach-form.ts';
import type { PayCardForm } from '../../widget/frame/card-form/card-form.ts';
import { setLocale } from '../../widget/i18n/index.ts';
import { deepEqual, equal, match, ok } from './helpers/assert.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { deferred, jsonResponse, stubFetch, type FetchStub, type RecordedCall, type Responder } from './helpers/fetch-stub.ts';
import { alertText, byLabel, fillValidCard, FUTURE_YY, KEY, LABELS, payButton, payment, SECRET, SESSION, settle, typeInto } from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';
import { tick, waitFor } from './helpers/wait.ts';

const posted: FrameMessage[] = [];
window.addEventListener('message', (event) => {
  if (event.source === window && event.data?.source === 'paykit') posted.push(event.data as FrameMessage);
});

const sent = (type: FrameMessage['type']) => posted.filter((m) => m.type === type);

function host(body: HostMessageBody): void {
  window.postMessage(envelopeOf(body), location.origin);
}

const init = (extra: Partial<Extract<HostMessageBody, { type: 'init' }>> = {}) =>
  host({ type: 'init', clientSecret: SECRET, theme: {}, ...extra });

let app: PayFrameApp | undefined;
let stub: FetchStub | undefined;

function mountApp(respond: Responder, parentOrigin = location.origin): PayFrameApp {
  stub = stubFetch(respond);
  app = document.createElement('pay-frame-app');
  app.publishableKey = KEY;
  app.parentOrigin = parentOrigin;
  app.pollInterval = 20;
  document.body.append(app);
  return app;
}

/**
 * A session API: GET answers `sessions` in turn (the last one repeats), POST confirm answers
 * `confirm`, POST abandon answers 202 as the server does.
 */
function api(sessions: Partial<PublicSession>[], confirm?: () => Response | Promise<Response>): Responder {
  let reads = 0;
  return (call) => {
    if (call.url.endsWith('/abandon')) return jsonResponse({ recorded: true }, 202);
    if (call.method === 'POST') return confirm ? confirm() : jsonResponse({ error: { type: 'api_error', code: 'x', message: 'x' } }, 500);
    const next = sessions[Math.min(reads++, sessions.length - 1)];
    return jsonResponse({ ...SESSION, ...next });
  };
}

/** The body of the `index`th confirm without its telemetry (which the telemetry tests check). */
function confirmed(index = 0): Omit<ConfirmSessionInput, 'telemetry'> {
  const { telemetry: _telemetry, ...body } = stub!.callsTo('/confirm')[index]!.body as ConfirmSessionInput;
  return body;
}
const telemetryOf = (call: RecordedCall | undefined) => (call?.body as { telemetry?: CheckoutTelemetry } | undefined)?.telemetry;

/** The page goes away (the merchant page closed or navigated), or comes back from the back/forward cache. */
const leave = () => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
const comeBack = (persisted = true) => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted }));
const abandons = () => stub!.callsTo('/abandon');
/** The step of the `index`th abandon report, after checking the body against the contract. */
function abandonedStep(index = 0): AbandonSessionInput['step'] | undefined {
  const body = abandons()[index]?.body;
  if (body === undefined) return undefined;
  ok(abandonSessionSchema.safeParse(body).success, `a body the server accepts: ${JSON.stringify(body)}`);
  return (body as AbandonSessionInput).step;
}

const form = () => app!.shadowRoot!.querySelector('pay-card-form');
const pixForm = () => app!.shadowRoot!.querySelector('pay-pix-form');
const pixCode = () => app!.shadowRoot!.querySelector('pay-pix-code');
const challenge = () => app!.shadowRoot!.querySelector('pay-challenge');
const tabs = () => app!.shadowRoot!.querySelector('pay-method-tabs');
const tabNamed = (name: string) => [...(tabs()?.shadowRoot?.querySelectorAll<HTMLElement>('[role="tab"]') ?? [])].find((t) => t.textContent?.trim() === name);
const screenText = () => app!.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();
/** The text the buyer sees in `element`'s shadow root (e.g. the PIX code view). */
const shadowText = (element: Element | null | undefined) => element?.shadowRoot?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
/** Another origin on the same dev server: the "bank" of the 3DS challenge. */
const BANK = `${location.protocol}//${location.hostname === 'localhost' ? '127.0.0.1' : 'localhost'}:${location.port}`;
const BRL_SESSION: Partial<PublicSession> = { amount: 1500, currency: 'BRL', locale: 'pt-BR', payment_methods: ['card', 'pix'] };
const PIX_PAYER = { name: 'Ana Souza', document: '52998224725' };

function pixPayment(qrCode: string, overrides: Partial<PublicPayment> = {}): PublicPayment {
  const next_action: NextAction = { type: 'pix', qr_code: qrCode, expires_at: inSeconds(600) };
  return payment({ status: 'requires_action', currency: 'BRL', method: 'pix', installments: null, next_action, ...overrides });
}

/** Pays with a card whose confirm answers `confirm`, then closes the challenge modal; resolves with the card form. */
async function payThenCancelChallenge(confirm: () => Response) {
  mountApp(api([{}, { payment: challengePayment() }], confirm));
  init();
  const f = await waitFor(form, 'the form');
  await fillValidCard(f);
  await f.submit();
  const modal = await waitFor(() => challenge()?.shadowRoot?.querySelector<HTMLDialogElement>('dialog[open]'), 'the open challenge');
  modal.querySelector<HTMLButtonElement>('.cancel')!.click();
  await waitFor(() => alertText(f), 'the explanation');
  return f;
}

function challengePayment(overrides: Partial<PublicPayment> = {}): PublicPayment {
  const next_action: NextAction = { type: 'three_ds_challenge', url: `${BANK}/package.json?challenge=1`, expires_at: inSeconds(300) };
  return payment({ status: 'requires_action', next_action, ...overrides });
}

// The ACH and redirect forms are chunks the app loads itself: only their types are imported here.
const achForm = () => app!.shadowRoot!.querySelector('pay-ach-form');
const apmForm = () => app!.shadowRoot!.querySelector('pay-apm-form');
const MANDATE = 'I authorize Test shop to debit my account for $15.00 on January 2, 2030.';
const US_SESSION: Partial<PublicSession> = { payment_methods: ['card', 'ach', 'alipay'], ach_mandate: MANDATE };
/** True once the page fetched a module whose path contains `part` (since the last clearResourceTimings). */
const fetched = (part: string) => performance.getEntriesByType('resource').some((entry) => new URL(entry.name).pathname.includes(part));

/** Fills the ACH form through the keyboard and ticks the authorization. */
async function fillAch(f: PayAchForm): Promise<void> {
  for (const [label, text] of [['Account holder name', 'Ada Lovelace'], ['Routing number', '021000021'], ['Account number', '000123456789'], ['Confirm account number', '000123456789']]) {
    await typeInto(f, byLabel(f, label!), text!);
  }
  byLabel(f, 'I authorize this debit').click();
  await f.updateComplete;
}

/** Fills the PIX form (name and CPF) through the keyboard. */
async function fillPix(f: HTMLElement & { updateComplete: Promise<unknown> }, labels = { name: 'Full name', document: 'CPF or CNPJ' }): Promise<void> {
  const asForm = f as unknown as PayCardForm;
  await typeInto(asForm, byLabel(asForm, labels.name), PIX_PAYER.name);
  await typeInto(asForm, byLabel(asForm, labels.document), PIX_PAYER.document);
}

describe('Frame app', () => {
  afterEach(async () => {
    app?.remove();
    stub?.restore();
    app = stub = undefined;
    document.documentElement.removeAttribute('style');
    await setLocale('en');
    posted.length = 0;
    await tick(); // let messages posted during the test arrive before the next one starts
    posted.length = 0;
  });

  it('says loaded, then on init reads the session with its keys, says ready and shows the form', async () => {
    mountApp(api([{}]));
    await waitFor(() => sent('loaded').length, 'loaded');
    equal(stub!.calls.length, 0, 'nothing fetched before init');
    init({ locale: 'en-US' });
    await waitFor(() => sent('ready').length, 'ready');
    deepEqual(sent('ready')[0], envelopeOf({ type: 'ready', session: { id: 'cs_test1', amount: 1500, currency: 'USD', status: 'open' } }));
    const [call] = stub!.calls;
    equal(new URL(call!.url, location.href).pathname, '/v1/checkout/sessions/cs_test1');
    equal(call!.headers['authorization'], `Bearer ${KEY}`);
    equal(call!.headers['x-client-secret'], SECRET);
    equal(call!.headers['x-paykit-parent-origin'], location.origin);
    ok(!call!.url.includes(SECRET), 'the secret is never in a URL');
    const f = await waitFor(form, 'the form');
    await settle(f);
    ok(byLabel(f, LABELS.number));
    await expectNoAxeViolations(app!);
  });

  it('applies the theme it is sent, and updates it', async () => {
    mountApp(api([{}]));
    init({ theme: { '--pay-color-primary': 'rgb(0, 128, 0)', '--pay-radius': '2px' } });
    const f = await waitFor(form, 'the form');
    await settle(f);
    const button = f.shadowRoot!.querySelector('button')!;
    equal(getComputedStyle(button).backgroundColor, 'rgb(0, 128, 0)');
    equal(getComputedStyle(button).borderTopLeftRadius, '2px');
    host({ type: 'theme', theme: { '--pay-color-primary': 'rgb(200, 0, 0)' } });
    await waitFor(() => getComputedStyle(button).backgroundColor === 'rgb(200, 0, 0)', 'the new color');
    equal(getComputedStyle(button).borderTopLeftRadius, '8px', 'a property left out goes back to its default');
  });

  it('ignores messages from another origin or another window, and malformed ones', async () => {
    mountApp(api([{}]), 'https://merchant.example');
    init();
    await tick(50);
    equal(stub!.calls.length, 0, 'init from the wrong origin ignored');
    app!.remove();
    stub!.restore();

    mountApp(api([{}]));
    // A same-origin iframe is another window: its messages are not from the parent.
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const script = frame.contentDocument!.createElement('script');
    script.textContent = `parent.postMessage(${JSON.stringify(envelopeOf({ type: 'init', clientSecret: SECRET, theme: {} }))}, '*')`;
    frame.contentDocument!.body.append(script);
    await tick(50);
    frame.remove();
    window.postMessage({ source: 'paykit', v: 1, type: 'init', clientSecret: 'not-a-secret', theme: {} }, location.origin);
    window.postMessage({ source: 'paykit', v: 1, type: 'init', clientSecret: SECRET, theme: { '--pay-color-primary': 'url(https://x)' } }, location.origin);
    await tick(50);
    equal(stub!.calls.length, 0, 'nothing accepted');
    init();
    await waitFor(() => stub!.calls.length === 1, 'the valid init to be accepted');
  });

  it('explains a session that cannot be loaded, and tells the host', async () => {
    mountApp(() => jsonResponse({ error: { type: 'permission_error', code: 'origin_not_allowed', message: 'Origin https://x is not allowed for pk_test_abc' } }, 403));
    init();
    await waitFor(() => sent('failure').length, 'failure');
    deepEqual(sent('failure')[0], envelopeOf({ type: 'failure', code: 'origin_not_allowed', message: 'Origin https://x is not allowed for pk_test_abc', paymentId: null }));
    match(screenText(), /not available right now/);
    ok(!screenText().includes('pk_test'), 'no technical detail for the buyer');
    equal(sent('ready').length, 0);
  });

  it('shows success without a form when the session is already paid', async () => {
    mountApp(api([{ status: 'complete', payment: payment() }]));
    init();
    await waitFor(() => /Payment successful/.test(screenText()), 'success');
    equal(form(), null);
    equal(sent('success').length, 0, 'no event without a buyer action');
  });

  it('shows a previous decline above the form', async () => {
    mountApp(api([{ payment: payment({ status: 'failed', error: { code: 'card_declined', message: 'Insufficient funds.' } }) }]));
    init();
    const f = await waitFor(form, 'the form');
    await settle(f);
    equal(alertText(f), 'Insufficient funds.');
  });

  it('pays: relays change and success to the host and shows the success screen', async () => {
    mountApp(api([{}], () => jsonResponse(payment())));
    init();
    const f = await waitFor(form, 'the form');
    await settle(f);
    await fillValidCard(f);
    await waitFor(() => sent('change').some((m) => m.type === 'change' && m.complete), 'change complete');
    deepEqual(sent('change').at(-1), envelopeOf({ type: 'change', complete: true, empty: false, brand: 'visa' }));
    host({ type: 'submit' }); // the host's submit() does what the pay button does
    await waitFor(() => sent('success').length, 'success');
    deepEqual(sent('success')[0], envelopeOf({ type: 'success', paymentId: 'pay_1', status: 'succeeded' }));
    match(screenText(), /Payment successful\s*\$15\.00/);
    equal(stub!.callsTo('/confirm').length, 1);
  });

  it('while processing, polls the session and finishes without a reload', async () => {
    mountApp(api([{}, { status: 'processing', payment: payment({ status: 'processing' }) }, { status: 'complete', payment: payment() }], () => jsonResponse(payment({ status: 'processing' }))));
    init();
    const f = await waitFor(form, 'the form');
    await fillValidCard(f);
    await sendKeys({ press: 'Enter' });
    await waitFor(() => sent('processing').length, 'processing');
    deepEqual(sent('processing')[0], envelopeOf({ type: 'processing', paymentId: 'pay_1' }));
    const status = app!.shadowRoot!.querySelector('[role="status"]');
    match(status?.textContent ?? '', /Processing your payment…/);
    await waitFor(() => sent('success').length, 'success after polling');
    ok(stub!.calls.filter((c) => c.method === 'GET').length >= 3, 'polled');
    match(screenText(), /Payment successful/);
  });

  it('a processing payment that fails comes back to the form with the reason', async () => {
    const failed = payment({ status: 'failed', error: { code: 'card_declined', message: 'Declined by the bank.' } });
    mountApp(api([{}, { payment: failed }], () => jsonResponse(payment({ status: 'processing' }))));
    init();
    const f = await waitFor(form, 'the form');
    await fillValidCard(f);
    await f.submit();
    await waitFor(() => sent('failure').length, 'failure');
    deepEqual(sent('failure')[0], envelopeOf({ type: 'failure', code: 'card_declined', message: 'Declined by the bank.', paymentId: 'pay_1' }));
    const again = await waitFor(form, 'the form again');
    await settle(again);
    equal(alertText(again), 'Declined by the bank.');
  });

  it('asks the host to redirect for 3-D Secure', async () => {
    const url = 'https://bank.example/3ds?session=1';
    mountApp(api([{}], () => jsonResponse(payment({ status: 'requires_action', next_action: { type: 'redirect', url } }))));
    init();
    const f = await waitFor(form, 'the form');
    await fillValidCard(f);
    await f.submit();
    await waitFor(() => sent('redirect').length, 'redirect');
    deepEqual(sent('redirect')[0], envelopeOf({ type: 'redirect', url, paymentId: 'pay_1' }));
    leave();
    equal(abandons().length, 0, 'leaving for the bank is no abandonment');
  });

  it('a decline is reported to the host with its code and message', async () => {
    mountApp(api([{}], () => jsonResponse(payment({ status: 'failed', error: { code: 'insufficient_funds', message: 'Insufficient funds.' } }))));
    init();
    const f = await waitFor(form, 'the form');
    await fillValidCard(f);
    await f.submit();
    await waitFor(() => sent('failure').length, 'failure');
    deepEqual(sent('failure')[0], envelopeOf({ type: 'failure', code: 'insufficient_funds', message: 'Insufficient funds.', paymentId: 'pay_1' }));
    ok(form(), 'the form stays for another try');
  });

  it('reports its height in whole pixels as it changes', async () => {
    mountApp(api([{}]));
    await waitFor(() => sent('resize').length, 'a first resize');
    init();
    const f = await waitFor(form, 'the form');
    await settle(f);
    await waitFor(() => {
      const last = sent('resize').at(-1);
      return last?.type === 'resize' && last.height === Math.ceil(app!.getBoundingClientRect().height) && last.height > 250;
    }, 'a resize matching the form height');
    for (const m of sent('resize')) ok(m.type === 'resize' && Number.isInteger(m.height));
  });
  it('offers one method without tabs', async () => {
    mountApp(api([{ payment_methods: ['card'] }]));
    init();
    await settle(await waitFor(form, 'the form'));
    equal(tabs(), null);
    equal(pixForm(), null);
  });

  it('offers several methods as tabs, in the session order; the host submits the selected one', async () => {
    mountApp(api([{ ...BRL_SESSION, locale: 'en-US', payment_methods: ['pix', 'card'] }], () => jsonResponse(payment({ currency: 'BRL' }))));
    init();
    const pix = await waitFor(pixForm, 'the PIX form');
    await waitFor(() => tabNamed('Card'), 'the tabs');
    deepEqual([...tabs()!.shadowRoot!.querySelectorAll('[role="tab"]')].map((t) => t.textContent?.trim()), ['PIX', 'Card']);
    equal(tabNamed('PIX')!.getAttribute('aria-selected'), 'true', 'the first method is selected');
    ok(pix.checkVisibility(), 'its form shows');
    ok(!form()!.checkVisibility(), 'the other one does not');

    tabNamed('PIX')!.focus();
    await sendKeys({ press: 'ArrowRight' });
    await waitFor(() => form()!.checkVisibility(), 'the card form');
    equal(tabNamed('Card')!.getAttribute('aria-selected'), 'true');
    deepEqual(sent('change').at(-1), envelopeOf({ type: 'change', complete: false, empty: true, brand: null }), 'the host hears the new form state');
    const f = form()!;
    await settle(f);
    await fillValidCard(f);
    host({ type: 'submit' });
    await waitFor(() => sent('success').length, 'success');
    equal(stub!.callsTo('/confirm').length, 1);
    equal((stub!.callsTo('/confirm')[0]!.body as { payment_method: { type: string } }).payment_method.type, 'card');
    await expectNoAxeViolations(app!);
  });

  it('PIX: shows the code, keeps polling and shows success once the payment arrives', async () => {
    const session = { ...BRL_SESSION, locale: 'en-US' };
    let reads = 0;
    mountApp((call) => {
      if (call.method === 'POST') return jsonResponse(pixPayment('00020126PIXCODE1'));
      reads++;
      const paid = reads > 5;
      return jsonResponse({ ...SESSION, ...session, ...(reads > 1 ? { payment: paid ? payment({ currency: 'BRL', method: 'pix' }) : pixPayment('00020126PIXCODE1') } : {}) });
    });
    init();
    await waitFor(() => tabNamed('PIX'), 'the tabs');
    tabNamed('PIX')!.click();
    const pix = await waitFor(pixForm, 'the PIX form');
    await pix.updateComplete;
    await fillPix(pix);
    await pix.submit();
    deepEqual(confirmed(), { payment_method: { type: 'pix', pix: PIX_PAYER } });
    const code = await waitFor(() => pixCode()?.shadowRoot && pixCode(), 'the PIX code view');
    equal(code.qrCode, '00020126PIXCODE1');
    equal(code.amount, 1500);
    equal(code.currency, 'BRL');
    ok(code.shadowRoot!.querySelector('svg.qr'), 'a QR code');
    ok(!pix.checkVisibility(), 'the form makes way for the code');
    deepEqual(sent('processing').at(-1), envelopeOf({ type: 'processing', paymentId: 'pay_1' }));
    await waitFor(() => sent('success').length, 'success without a click');
    match(screenText(), /Payment successful/);
    ok(reads > 5, 'polled');
  });

  it('PIX: a code the server expired offers a new one, made with the same payer', async () => {
    let confirms = 0;
    let reads = 0;
    const expired = pixPayment('CODE-1', { status: 'failed', next_action: null, error: { code: 'payment_expired', message: 'The PIX code expired.' } });
    mountApp((call) => {
      if (call.method === 'POST') return jsonResponse(pixPayment(`CODE-${++confirms}`, { id: `pay_${confirms}` }));
      reads++;
      const latest = reads === 1 ? null : confirms === 1 ? expired : pixPayment('CODE-2', { id: 'pay_2' });
      return jsonResponse({ ...SESSION, ...BRL_SESSION, locale: 'en-US', payment_methods: ['pix'], payment: latest });
    });
    init();
    const pix = await waitFor(pixForm, 'the PIX form');
    equal(tabs(), null, 'one method: no tabs');
    await pix.updateComplete;
    await fillPix(pix);
    await pix.submit();
    const code = await waitFor(() => pixCode()?.shadowRoot && pixCode(), 'the code');
    const regenerate = await waitFor(() => code.shadowRoot!.querySelector<HTMLButtonElement>('.regenerate'), 'the offer of a new code');
    match(shadowText(code), /This code has expired/);
    await waitFor(() => sent('failure').length, 'the failure told to the host');
    equal((sent('failure')[0] as { code: string }).code, 'payment_expired');
    regenerate.click();
    await waitFor(() => pixCode()?.qrCode === 'CODE-2', 'the new code');
    deepEqual(confirmed(1), confirmed(0), 'the same payer');
    const [first, second] = stub!.callsTo('/confirm').map(telemetryOf);
    ok(second!.ready_to_submit_ms! > first!.ready_to_submit_ms!, 'the new code is timed on its own, not sent with the first one’s telemetry');
    ok(!pixCode()!.shadowRoot!.querySelector('.regenerate'), 'a payable code again');
  });

  it('PIX: reloaded while a code waits, shows it again', async () => {
    mountApp(api([{ ...BRL_SESSION, locale: 'en-US', payment: pixPayment('RESTORED') }]));
    init();
    const code = await waitFor(() => pixCode()?.shadowRoot && pixCode(), 'the code');
    equal(code.qrCode, 'RESTORED');
    ok(!pixForm()!.checkVisibility());
    equal(sent('processing').length, 0, 'no event without a buyer action');
  });

  it('PIX: reloaded after the code expired, a new code asks for the payer again', async () => {
    const stale = pixPayment('OLD', { next_action: { type: 'pix', qr_code: 'OLD', expires_at: inSeconds(-60) } });
    mountApp(api([{ ...BRL_SESSION, locale: 'en-US', payment: stale }]));
    init();
    const code = await waitFor(() => pixCode()?.shadowRoot && pixCode(), 'the code');
    const regenerate = await waitFor(() => code.shadowRoot!.querySelector<HTMLButtonElement>('.regenerate'), 'the offer of a new code');
    regenerate.click();
    await waitFor(() => pixForm()?.checkVisibility(), 'the PIX form');
    equal(pixCode(), null);
    equal(stub!.callsTo('/confirm').length, 0, 'nothing sent without the payer');
  });

  it('3-D Secure challenge: opens the modal, polls, closes it and shows success', async () => {
    let reads = 0;
    mountApp((call) => {
      if (call.method === 'POST') return jsonResponse(challengePayment());
      reads++;
      return jsonResponse({ ...SESSION, ...(reads > 1 ? { payment: reads > 4 ? payment() : challengePayment() } : {}) });
    });
    init();
    const f = await waitFor(form, 'the form');
    await fillValidCard(f);
    await f.submit();
    const modal = await waitFor(() => challenge()?.shadowRoot?.querySelector('dialog[open]') && challenge(), 'the open challenge');
    equal(modal.url, `${BANK}/package.json?challenge=1`);
    deepEqual(sent('processing').at(-1), envelopeOf({ type: 'processing', paymentId: 'pay_1' }));
    await waitFor(() => sent('success').length, 'success after polling');
    equal(challenge(), null, 'the modal is gone');
    match(screenText(), /Payment successful/);
  });

  it('3-D Secure challenge: canceled, the card form explains and the buyer can retry', async () => {
    const f = await payThenCancelChallenge(() => jsonResponse(challengePayment()));
    equal(alertText(f), 'The authentication with your bank was canceled. Please try again.');
    equal(challenge(), null);
    equal(payButton(f).disabled, false, 'the buyer can pay again');
    // Posted in the same task as the alert; its message event may arrive a frame later.
    await waitFor(() => sent('failure').length, 'the failure message');
    deepEqual(sent('failure').at(-1), envelopeOf({ type: 'failure', code: 'challenge_canceled', message: 'The authentication with your bank was canceled. Please try again.', paymentId: 'pay_1' }));
    const reads = stub!.calls.filter((c) => c.method === 'GET').length;
    await tick(100);
    equal(stub!.calls.filter((c) => c.method === 'GET').length, reads, 'polling stopped');
    await f.submit();
    equal(stub!.callsTo('/confirm').length, 2, 'a new attempt');
  });

  it('3-D Secure challenge: an expired one says so in the card form', async () => {
    mountApp(api([{}, { payment: challengePayment() }], () => jsonResponse(challengePayment({ next_action: { type: 'three_ds_challenge', url: `${BANK}/package.json`, expires_at: inSeconds(0.4) } }))));
    init();
    const f = await waitFor(form, 'the form');
    await fillValidCard(f);
    await f.submit();
    await waitFor(() => challenge(), 'the challenge');
    await waitFor(() => alertText(f), 'the explanation');
    equal(alertText(f), 'The authentication with your bank expired. Please try again.');
    equal(payButton(f).disabled, false);
  });

  it('3-D Secure challenge: canceled, then paying again reopens the challenge that still waits', async () => {
    const conflict = () => jsonResponse({ error: { type: 'invalid_request_error', code: 'payment_in_progress', message: 'A payment for this checkout session is already in progress.' } }, 409);
    let confirms = 0;
    const f = await payThenCancelChallenge(() => (confirms++ === 0 ? jsonResponse(challengePayment()) : conflict()));
    await f.submit();
    await waitFor(() => challenge()?.shadowRoot?.querySelector('dialog[open]'), 'the same challenge, open again');
    equal(confirms, 2);
  });

  it('3-D Secure challenge: reloaded while it is open, opens it again', async () => {
    mountApp(api([{ payment: challengePayment() }]));
    init();
    await waitFor(() => challenge()?.shadowRoot?.querySelector('dialog[open]'), 'the open challenge');
    ok(form(), 'over the card form');
  });

  it('speaks the session language: pt-BR strings and amounts', async () => {
    mountApp(api([{ ...BRL_SESSION, max_installments: 3 }]));
    init();
    const f = await waitFor(form, 'the form');
    await settle(f);
    equal(payButton(f).textContent?.trim(), 'Pagar R$\u00a015,00');
    const installments = [...f.shadowRoot!.querySelectorAll('label')].find((l) => l.textContent?.trim() === 'Parcelas');
    ok(installments?.control instanceof HTMLSelectElement, 'the installments choice, there from the start');
    ok(byLabel(f, 'Número do cartão'));
    ok(byLabel(f, 'Validade'));
    ok(byLabel(f, 'Código de segurança'));
    ok(byLabel(f, 'Nome impresso no cartão'));
    await waitFor(() => tabNamed('Cartão'), 'the tabs in Portuguese');
    equal(app!.lang, 'pt-BR');
    await expectNoAxeViolations(app!);
  });

  it('says a known decline in Portuguese, since the server and providers speak English', async () => {
    mountApp(api([{ ...BRL_SESSION, payment: payment({ status: 'failed', error: { code: 'card_declined', message: 'Your card was declined.' } }) }]));
    init();
    const f = await waitFor(form, 'the form');
    await settle(f);
    equal(alertText(f), 'Seu pagamento foi recusado. Tente com outro cartão.');
  });

  it('a session locked after too many declines says so instead of the form, in its language; a confirm refused as locked says the same', async () => {
    mountApp(api([{ ...BRL_SESSION, locked: true }]));
    init();
    await waitFor(() => /Muitas tentativas recusadas/.test(screenText()), 'the locked session');
    ok(!form(), 'no form to try again');
    app!.remove();
    stub!.restore();

    const locked = { type: 'invalid_request_error', code: 'session_locked', message: 'This checkout session is locked after 5 declined payment attempts; start a new checkout to pay.' };
    mountApp(api([{}], () => jsonResponse({ error: locked }, 409)));
    init();
    const f = await waitFor(form, 'the form');
    await fillValidCard(f);
    await f.submit();
    await waitFor(() => sent('failure').length, 'failure');
    equal(alertText(f), 'Too many declined attempts. Please go back to the shop and start again.');
  });

  it("the host's locale wins over the session's", async () => {
    mountApp(api([BRL_SESSION]));
    init({ locale: 'en-US' });
    const f = await waitFor(form, 'the form');
    await settle(f);
    equal(payButton(f).textContent?.trim(), 'Pay R$15.00');
    ok(byLabel(f, LABELS.number));
  });

  it('loads a method’s form only when the session offers it, and shows each in its tab', async () => {
    performance.clearResourceTimings();
    mountApp(api([{ ...BRL_SESSION, locale: 'en-US' }]));
    init();
    await waitFor(() => pixForm() && tabNamed('PIX'), 'the PIX tab');
    ok(!fetched('/frame/ach/') && !fetched('/frame/apm/'), 'no bank account or redirect form fetched for card + PIX');
    equal(customElements.get('pay-ach-form'), undefined);
    equal(customElements.get('pay-apm-form'), undefined);
    app!.remove();
    stub!.restore();

    mountApp(api([US_SESSION]));
    init();
    await waitFor(() => tabNamed('Alipay'), 'the tabs');
    deepEqual([...tabs()!.shadowRoot!.querySelectorAll('[role="tab"]')].map((t) => t.textContent?.trim()), ['Card', 'Bank account', 'Alipay']);
    ok(fetched('/frame/ach/ach-form.ts') && fetched('/frame/apm/apm-form.ts'), 'both chunks fetched');
    deepEqual([...tabs()!.children].map((f) => `${f.localName}/${f.slot}`), ['pay-card-form/card', 'pay-ach-form/ach', 'pay-apm-form/alipay']);
    equal(apmForm()!.method, 'alipay');
    ok(form()!.checkVisibility() && !achForm()!.checkVisibility() && !apmForm()!.checkVisibility(), 'the first tab shows');
    await expectNoAxeViolations(app!);
  });

  it('ACH: the host hears the bank form’s changes once its tab is chosen, submits it, and hears the outcome', async () => {
    mountApp(api([US_SESSION, { ...US_SESSION, status: 'complete', payment: payment({ method: 'ach' }) }], () => jsonResponse(payment({ method: 'ach', status: 'processing' }))));
    init();
    await waitFor(() => tabNamed('Bank account'), 'the tabs');
    tabNamed('Bank account')!.click();
    const f = await waitFor(() => achForm()?.checkVisibility() && achForm(), 'the bank account form');
    await f.updateComplete;
    deepEqual(sent('change').at(-1), envelopeOf({ type: 'change', complete: false, empty: true, brand: null }));
    ok(f.shadowRoot!.textContent!.includes(MANDATE), 'the mandate from the session');
    await fillAch(f);
    await waitFor(() => sent('change').some((m) => m.type === 'change' && m.complete), 'change complete');
    host({ type: 'submit' });
    await waitFor(() => sent('success').length, 'success after polling');
    deepEqual(confirmed(), {
      payment_method: { type: 'ach', ach: { routing_number: '021000021', account_number: '000123456789', account_type: 'checking', holder_name: 'Ada Lovelace', mandate_accepted: true } },
    });
    deepEqual(sent('processing')[0], envelopeOf({ type: 'processing', paymentId: 'pay_1' }));
  });

  it('redirect method: the host submits it and is asked to take the page to the provider', async () => {
    const url = 'https://sandbox.alipay.example/pay?token=1';
    mountApp(api([US_SESSION], () => jsonResponse(payment({ status: 'requires_action', method: 'alipay', next_action: { type: 'redirect', url } }))));
    init();
    await waitFor(() => tabNamed('Alipay'), 'the tabs');
    tabNamed('Alipay')!.click();
    await waitFor(() => apmForm()?.checkVisibility(), 'the Alipay form');
    match(apmForm()!.shadowRoot!.textContent ?? '', /taken to Alipay to pay \$15\.00/);
    host({ type: 'submit' });
    await waitFor(() => sent('redirect').length, 'redirect');
    deepEqual(confirmed(), { payment_method: { type: 'alipay' } });
    deepEqual(sent('redirect')[0], envelopeOf({ type: 'redirect', url, paymentId: 'pay_1' }));
    match(screenText(), /Taking you to Alipay…/);
    leave();
    equal(abandons().length, 0, 'leaving for the provider is no abandonment');
  });

  it('ACH: a decline of the payment made before a reload shows on the bank account tab', async () => {
    const declined = payment({ method: 'ach', status: 'failed', error: { code: 'bank_account_declined', message: 'The bank account was closed.' } });
    mountApp(api([{ ...US_SESSION, payment: declined }]));
    init();
    const f = await waitFor(() => achForm()?.checkVisibility() && achForm(), 'the bank account form, selected');
    await f.updateComplete;
    equal(tabNamed('Bank account')!.getAttribute('aria-selected'), 'true');
    equal(alertText(f), 'The bank account was closed.');
  });

  it('offers all six methods as tabs in a 320px frame, every label whole', async () => {
    mountApp(api([{ payment_methods: ['card', 'pix', 'ach', 'alipay', 'wechatpay', 'paypal'], ach_mandate: MANDATE }]));
    app!.style.width = '320px';
    init();
    await waitFor(() => tabNamed('PayPal'), 'the tabs');
    deepEqual([...tabs()!.children].map((f) => f.localName), ['pay-card-form', 'pay-pix-form', 'pay-ach-form', 'pay-apm-form', 'pay-apm-form', 'pay-apm-form']);
    deepEqual([...app!.shadowRoot!.querySelectorAll('pay-apm-form')].map((f) => f.method), ['alipay', 'wechatpay', 'paypal']);
    ok(app!.scrollWidth <= 320, 'nothing wider than the frame');
    const list = tabs()!.shadowRoot!.querySelector('[role="tablist"]')!.getBoundingClientRect();
    for (const tab of tabs()!.shadowRoot!.querySelectorAll<HTMLElement>('[role="tab"]')) {
      const box = tab.getBoundingClientRect();
      ok(box.left >= list.left && box.right <= list.right, `${tab.textContent} inside the tab list`);
      ok(tab.scrollWidth <= tab.clientWidth, `${tab.textContent} not cut`);
    }
    await expectNoAxeViolations(app!);
  });

  // Telemetry: what the checkout saw goes with each confirm; leaving unfinished is reported once.

  it('telemetry: each confirm says the form’s language, the device class and the time since ready', async () => {
    mountApp(api([BRL_SESSION], () => jsonResponse(payment({ currency: 'BRL' }))));
    const mounted = performance.now();
    init();
    await waitFor(() => sent('ready').length, 'ready');
    const ready = performance.now(); // the app took its time a little earlier
    const f = await waitFor(form, 'the form');
    await settle(f);
    for (const [label, text] of [['Número do cartão', '4242424242424242'], ['Validade', `12${FUTURE_YY}`], ['Código de segurança', '123'], ['Nome impresso no cartão', 'Ana Souza']]) {
      await typeInto(f, byLabel(f, label!), text!);
    }
    await tick(200);
    const submitted = performance.now();
    await f.submit();
    const done = performance.now();
    const telemetry = telemetryOf(stub!.callsTo('/confirm')[0]);
    equal(telemetry?.locale, 'pt-BR', 'the language the form is in');
    ok(DEVICE_CLASSES.includes(telemetry!.device_class!), `a device class: ${telemetry!.device_class}`);
    const ms = telemetry!.ready_to_submit_ms!;
    ok(Number.isInteger(ms), `whole milliseconds: ${ms}`);
    ok(ms >= Math.floor(submitted - ready) && ms <= Math.ceil(done - mounted), `${ms} ms from ready to the submit`);
    deepEqual(Object.keys(telemetry!).sort(), ['device_class', 'locale', 'ready_to_submit_ms'], 'nothing else');
  });

  it('abandon: leaving an untouched form reports not_started, once, with the API headers, as a keepalive request', async () => {
    mountApp(api([{}]));
    init({ locale: 'en-US' });
    await settle(await waitFor(form, 'the form'));
    leave();
    leave();
    equal(abandons().length, 1, 'once per page lifetime');
    const call = abandons()[0]!;
    equal(call.method, 'POST');
    equal(new URL(call.url, location.href).pathname, '/v1/checkout/sessions/cs_test1/abandon');
    ok(call.keepalive, 'keepalive: the request outlives the page');
    equal(call.headers['authorization'], `Bearer ${KEY}`);
    equal(call.headers['x-client-secret'], SECRET);
    equal(call.headers['x-paykit-parent-origin'], location.origin);
    equal(call.headers['content-type'], 'application/json');
    equal(abandonedStep(), 'not_started');
    const { telemetry, ...rest } = call.body as AbandonSessionInput;
    deepEqual(rest, { step: 'not_started', payment_method: 'card' });
    equal(telemetry?.locale, 'en');
    ok(DEVICE_CLASSES.includes(telemetry!.device_class!));
    ok(Number.isInteger(telemetry!.ready_to_submit_ms) && telemetry!.ready_to_submit_ms! >= 0);

    comeBack(false); // a pageshow that is not a return from the back/forward cache
    leave();
    equal(abandons().length, 1);
    comeBack();
    leave();
    equal(abandons().length, 2, 'restored from the back/forward cache, the page may be left again');
  });

  it('abandon: a form being filled is payment_details, a complete one ready_to_pay; nothing typed is sent', async () => {
    mountApp(api([{}]));
    init({ locale: 'en-US' });
    const f = await waitFor(form, 'the form');
    await settle(f);
    await typeInto(f, byLabel(f, LABELS.number), '4242424242424242');
    await waitFor(() => sent('change').length, 'the form’s change');
    leave();
    equal(abandonedStep(0), 'payment_details');
    comeBack();
    await typeInto(f, byLabel(f, LABELS.expiry), `12${FUTURE_YY}`);
    await typeInto(f, byLabel(f, LABELS.cvc), '123');
    await typeInto(f, byLabel(f, LABELS.name), 'Ada Lovelace');
    await waitFor(() => sent('change').some((m) => m.type === 'change' && m.complete), 'change complete');
    leave();
    equal(abandonedStep(1), 'ready_to_pay');
    for (const call of abandons()) {
      const text = JSON.stringify(call.body);
      ok(!text.includes('4242424242424242') && !text.includes('Lovelace') && !text.includes('visa'), `nothing typed or derived from it: ${text}`);
      deepEqual(Object.keys(call.body as object).sort(), ['payment_method', 'step', 'telemetry']);
    }
  });

  it('abandon: after a decline the buyer did not retry, after_failure; a retry on its way is not', async () => {
    const retry = deferred<Response>();
    let confirms = 0;
    const declined = () => jsonResponse(payment({ status: 'failed', error: { code: 'card_declined', message: 'Declined.' } }));
    mountApp(api([{}], () => (confirms++ === 0 ? declined() : retry.promise)));
    init();
    const f = await waitFor(form, 'the form');
    await fillValidCard(f);
    await f.submit();
    await waitFor(() => alertText(f), 'the decline');
    leave();
    equal(abandonedStep(0), 'after_failure');
    comeBack();
    const paying = f.submit();
    await waitFor(() => confirms === 2, 'the second confirm');
    leave();
    equal(abandonedStep(1), 'ready_to_pay', 'the buyer tried again');
    retry.resolve(declined());
    await paying;
  });

  it('abandon: on a processing payment, an open challenge, a canceled one, or an unpaid PIX code', async () => {
    const processing = payment({ status: 'processing' });
    mountApp(api([{}, { status: 'processing', payment: processing }], () => jsonResponse(processing)));
    init();
    let f = await waitFor(form, 'the form');
    await fillValidCard(f);
    await f.submit();
    await waitFor(() => sent('processing').length, 'processing');
    leave();
    equal(abandonedStep(), 'processing');
    app!.remove();
    stub!.restore();

    f = await payThenCancelChallenge(() => jsonResponse(challengePayment()));
    leave();
    equal(abandonedStep(), 'after_failure', 'the canceled challenge');
    comeBack();
    await f.submit();
    await waitFor(() => challenge()?.shadowRoot?.querySelector('dialog[open]'), 'a new challenge');
    leave();
    equal(abandonedStep(1), 'authentication');
    app!.remove();
    stub!.restore();

    mountApp(api([{ ...BRL_SESSION, locale: 'en-US', payment_methods: ['pix'] }], () => jsonResponse(pixPayment('00020126PIXCODE1'))));
    init();
    const pix = await waitFor(pixForm, 'the PIX form');
    await pix.updateComplete;
    await fillPix(pix);
    await pix.submit();
    await waitFor(() => pixCode(), 'the code');
    leave();
    equal(abandonedStep(), 'pix_code');
    const body = abandons()[0]!.body as AbandonSessionInput;
    equal(body.payment_method, 'pix');
    equal(body.telemetry?.locale, 'en');
    const text = JSON.stringify(body);
    ok(!text.includes(PIX_PAYER.name) && !text.includes(PIX_PAYER.document), 'no payer details');
  });

  it('abandon: nothing after a success', async () => {
    mountApp(api([{}], () => jsonResponse(payment())));
    init();
    const f = await waitFor(form, 'the form');
    await fillValidCard(f);
    await f.submit();
    await waitFor(() => sent('success').length, 'success');
    leave();
    equal(abandons().length, 0);
  });

  it('abandon: nothing while the session loads, or when it cannot be used', async () => {
    const session = deferred<Response>();
    mountApp((call) => (call.url.endsWith('/abandon') ? jsonResponse({ recorded: true }, 202) : session.promise));
    leave(); // before init
    init();
    await waitFor(() => stub!.calls.length === 1, 'the session read');
    leave(); // while it loads
    session.resolve(jsonResponse({ error: { type: 'permission_error', code: 'origin_not_allowed', message: 'Origin not allowed' } }, 403));
    await waitFor(() => sent('failure').length, 'failure');
    leave();
    equal(abandons().length, 0);
    app!.remove();
    stub!.restore();

    mountApp(api([{ status: 'expired' }]));
    init();
    await waitFor(() => /expired/.test(screenText()), 'the expired session');
    leave();
    equal(abandons().length, 0);
  });
});
