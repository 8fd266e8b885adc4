/**
 * The frame's root element, mounted in the test page. The page is a top-level window, so the
 * frame's `window.parent` is the page itself: the test plays the host by posting to itself and
 * reading what the frame posts. The API is a fetch stub.
 */
import { sendKeys } from '@web/test-runner-commands';
import type { PublicSession } from '../../contract/api.ts';
import { envelopeOf, type FrameMessage, type HostMessageBody } from '../../contract/messages.ts';
import '../../widget/frame/app/app.ts';
import type { PayFrameApp } from '../../widget/frame/app/app.ts';
import { deepEqual, equal, match, ok } from './helpers/assert.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { jsonResponse, stubFetch, type FetchStub, type Responder } from './helpers/fetch-stub.ts';
import { alertText, byLabel, fillValidCard, KEY, LABELS, payment, SECRET, SESSION, settle } from './helpers/form.ts';
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

/** A session API: GET answers `sessions` in turn (the last one repeats), POST confirm answers `confirm`. */
function api(sessions: Partial<PublicSession>[], confirm?: () => Response): Responder {
  let reads = 0;
  return (call) => {
    if (call.method === 'POST') return confirm ? confirm() : jsonResponse({ error: { type: 'api_error', code: 'x', message: 'x' } }, 500);
    const next = sessions[Math.min(reads++, sessions.length - 1)];
    return jsonResponse({ ...SESSION, ...next });
  };
}

const form = () => app!.shadowRoot!.querySelector('pay-card-form');
const screenText = () => app!.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();

describe('Frame app', () => {
  afterEach(async () => {
    app?.remove();
    stub?.restore();
    app = stub = undefined;
    document.documentElement.removeAttribute('style');
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
});
