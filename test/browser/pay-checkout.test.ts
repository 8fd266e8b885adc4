/**
 * `<pay-checkout>` as a merchant page uses it: widget.js is loaded from another origin (the
 * test page is on localhost, the "payment server" on 127.0.0.1 — same dev server, different
 * origin), so the frame is a real cross-origin iframe the page cannot look into. The frame page
 * and the API come from test/browser/support/stub-api.mjs.
 */
import { sendKeys } from '@web/test-runner-commands';
import type { PayCheckoutEventMap } from '../../contract/messages.ts';
import type { PayCheckout } from '../../widget/host/pay-checkout.ts';
import { deepEqual, equal, match, ok } from './helpers/assert.ts';
import { FUTURE_YY } from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';
import { tick, waitFor } from './helpers/wait.ts';

// Mirrors test/browser/support/stub-api.mjs.
const KEY = 'pk_test_wtrhost';
const SECRET = 'cs_wtrhost_secret_abc123';
const REDIRECT_URL = 'https://bank.example/3ds?payment=pay_wtrhost';

const PAY = `${location.protocol}//${location.hostname === 'localhost' ? '127.0.0.1' : 'localhost'}:${location.port}`;
await import(/* @vite-ignore */ `${PAY}/widget/host/pay-checkout.ts`);

interface StubRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | null;
}
const stubRequests = async (): Promise<StubRequest[]> => (await fetch(`${PAY}/__stub__/requests`)).json();

type Events = { [K in keyof PayCheckoutEventMap]: PayCheckoutEventMap[K]['detail'][] };

let element: PayCheckout | undefined;
let before: HTMLButtonElement | undefined;

function mount(attributes: Record<string, string> = {}): { element: PayCheckout; events: Events } {
  element = document.createElement('pay-checkout');
  for (const [name, value] of Object.entries({ 'publishable-key': KEY, 'client-secret': SECRET, locale: 'en-US', ...attributes })) {
    element.setAttribute(name, value);
  }
  const events: Events = { 'pay-ready': [], 'pay-change': [], 'pay-processing': [], 'pay-success': [], 'pay-failure': [], 'pay-redirect': [] };
  for (const type of Object.keys(events) as (keyof Events)[]) {
    // Listening on document: the events bubble out of the element.
    document.addEventListener(type, (event) => {
      if (event.target === element) (events[type] as unknown[]).push((event as CustomEvent).detail);
    });
  }
  before = document.createElement('button');
  before.textContent = 'Before the form';
  document.body.append(before, element);
  return { element, events };
}

const frameOf = (el: PayCheckout) => el.shadowRoot!.querySelector('iframe')!;

/** Tab from the button before the element into the frame's first field, then type through the form. */
async function payWithKeyboard(number: string): Promise<void> {
  before!.focus();
  for (const step of [number, `12${FUTURE_YY}`, '123', 'Ada Lovelace']) {
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: step });
  }
}

describe('<pay-checkout> on a merchant page', () => {
  afterEach(async () => {
    element?.remove();
    before?.remove();
    element = before = undefined;
    await fetch(`${PAY}/__stub__/requests`, { method: 'POST' });
  });

  it('mounts the payment frame from its own origin with the key and this page origin, never the secret', async () => {
    const { element } = mount();
    const frame = await waitFor(() => element.shadowRoot?.querySelector('iframe'), 'the iframe');
    equal(frame.src, `${PAY}/frame/checkout?pk=${encodeURIComponent(KEY)}&origin=${encodeURIComponent(location.origin)}`);
    equal(frame.title, 'Secure payment form');
    equal(frame.getAttribute('allow'), 'payment; clipboard-write');
    ok(!frame.src.includes(SECRET), 'no client secret in the URL');
    equal(getComputedStyle(frame).borderTopStyle, 'none');
    equal(getComputedStyle(frame).width, getComputedStyle(element).width);
  });

  it('hands the frame its secret, fires pay-ready and sizes the iframe to the form', async () => {
    const { element, events } = mount();
    await waitFor(() => events['pay-ready'].length, 'pay-ready');
    deepEqual(events['pay-ready'][0], { sessionId: 'cs_wtrhost', amount: 1500, currency: 'USD', status: 'open' });
    const frame = frameOf(element);
    await waitFor(() => frame.getBoundingClientRect().height > 250, 'the iframe to grow to the form');
    const [read] = await stubRequests();
    equal(read?.method, 'GET');
    equal(read?.headers['authorization'], `Bearer ${KEY}`);
    equal(read?.headers['x-client-secret'], SECRET);
    equal(read?.headers['x-paykit-parent-origin'], location.origin);
    const reports = await (await fetch(`${PAY}/__stub__/csp-reports`)).json();
    deepEqual(reports, [], 'no CSP violations in the frame');
  });

  it('is paid with the keyboard alone through the frame, with change and success events', async () => {
    const { events } = mount();
    await waitFor(() => events['pay-ready'].length, 'pay-ready');
    await payWithKeyboard('4242424242424242');
    await waitFor(() => events['pay-change'].some((c) => c.complete), 'a complete change');
    deepEqual(events['pay-change'].at(-1), { complete: true, empty: false, brand: 'visa' });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => events['pay-success'].length, 'pay-success');
    deepEqual(events['pay-success'][0], { paymentId: 'pay_wtrhost', status: 'succeeded' });
    const confirm = (await stubRequests()).find((r) => r.path.endsWith('/confirm'));
    ok(confirm?.headers['idempotency-key'], 'an idempotency key');
    equal(JSON.parse(confirm!.body!).payment_method.card.number, '4242424242424242');
  });

  it('submit() pays too, and a declined card fires pay-failure', async () => {
    const { element, events } = mount();
    await waitFor(() => events['pay-ready'].length, 'pay-ready');
    await payWithKeyboard('4000000000000002');
    element.submit();
    await waitFor(() => events['pay-failure'].length, 'pay-failure');
    deepEqual(events['pay-failure'][0], { code: 'card_declined', message: 'Your card was declined.', paymentId: 'pay_wtrhost' });
  });

  it('fires a cancelable pay-redirect for 3-D Secure', async () => {
    const { events } = mount();
    const here = location.href;
    document.addEventListener('pay-redirect', (event) => event.preventDefault(), { once: true });
    await waitFor(() => events['pay-ready'].length, 'pay-ready');
    await payWithKeyboard('4000000000003220');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => events['pay-redirect'].length, 'pay-redirect');
    deepEqual(events['pay-redirect'][0], { url: REDIRECT_URL, paymentId: 'pay_wtrhost' });
    await tick(50);
    equal(location.href, here, 'prevented: the page stays');
  });

  it('ignores messages that are not from its frame at the payment origin', async () => {
    const { element, events } = mount();
    await waitFor(() => events['pay-ready'].length, 'pay-ready');
    const frame = frameOf(element);
    // The real frame may still post a resize or two after ready: record the height once it has settled.
    let height = -1;
    for (let stableChecks = 0; stableChecks < 3; ) {
      await tick(100);
      const now = frame.getBoundingClientRect().height;
      stableChecks = now === height ? stableChecks + 1 : 0;
      height = now;
    }

    // The payment origin is not enough: another window there (not the element's frame) is ignored.
    const stranger = document.createElement('iframe');
    stranger.src = `${PAY}/__stub__/impostor`;
    document.body.append(stranger);
    await new Promise((resolve) => stranger.addEventListener('load', resolve, { once: true }));
    await tick(50);
    stranger.remove();
    // Nor is this page posting to itself.
    window.postMessage({ source: 'paykit', v: 1, type: 'ready', session: { id: 'cs_fake', amount: 1, currency: 'USD', status: 'open' } }, '*');
    // The right window is not enough either: the frame navigated to this page's origin.
    frame.src = `${location.origin}/__stub__/impostor`;
    await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    await tick(50);
    equal(events['pay-ready'].length, 1, 'no second pay-ready');
    equal(events['pay-redirect'].length, 0, 'no redirect');
    equal(frame.getBoundingClientRect().height, height, 'no resize');
  });

  it('tells the merchant when the key is refused', async () => {
    const { events } = mount({ 'publishable-key': 'pk_test_wrong' });
    await waitFor(() => events['pay-failure'].length, 'pay-failure');
    equal(events['pay-failure'][0]?.code, 'invalid_api_key');
    equal(events['pay-ready'].length, 0);
  });

  it('re-creates the frame when an attribute changes', async () => {
    const { element, events } = mount();
    await waitFor(() => events['pay-ready'].length, 'pay-ready');
    const first = frameOf(element);
    element.setAttribute('locale', 'en-GB');
    await waitFor(() => frameOf(element) !== first, 'a new iframe');
    equal(first.isConnected, false);
    await waitFor(() => events['pay-ready'].length === 2, 'a second pay-ready');
    match(frameOf(element).src, /\/frame\/checkout\?pk=/);
  });
});
