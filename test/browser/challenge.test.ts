/**
 * `<pay-challenge>`, the 3DS challenge modal. The challenge page is a real cross-origin page: the
 * test page is on localhost, the "bank" on 127.0.0.1 (same dev server, another origin), and any
 * static file will do as its content.
 */
import { a11ySnapshot, findAccessibilityNode, sendKeys, sendMouse, setViewport } from '@web/test-runner-commands';
import '../../widget/frame/challenge/challenge.ts';
import { challengeUrl, formatRemaining, type ChallengeCloseReason, type PayChallenge } from '../../widget/frame/challenge/challenge.ts';
import { deepEqual, equal, match, ok } from './helpers/assert.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';
import { tick, waitFor } from './helpers/wait.ts';

const BANK = `${location.protocol}//${location.hostname === 'localhost' ? '127.0.0.1' : 'localhost'}:${location.port}`;
const CHALLENGE_URL = `${BANK}/package.json?challenge=ch_1`;

interface AxNode {
  role: string;
  name: string;
  children: AxNode[];
}

let element: PayChallenge | undefined;
let opener: HTMLButtonElement | undefined;
let reasons: ChallengeCloseReason[] = [];

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** A "Pay" button (focused, as after a click on it) and the challenge element after it. */
async function mount(props: Partial<Pick<PayChallenge, 'url' | 'expiresAt' | 'open'>> = {}): Promise<PayChallenge> {
  opener = document.createElement('button');
  opener.textContent = 'Pay R$ 150,00';
  element = document.createElement('pay-challenge');
  reasons = [];
  // On document: the event bubbles out of the element.
  document.addEventListener('pay-challenge-close', onClose);
  Object.assign(element, { url: CHALLENGE_URL, expiresAt: inSeconds(300), open: true, ...props });
  document.body.append(opener);
  opener.focus();
  document.body.append(element);
  await element.updateComplete;
  return element;
}

function onClose(event: Event): void {
  if (event.target === element) reasons.push((event as CustomEvent<{ reason: ChallengeCloseReason }>).detail.reason);
}

const dialogOf = (el: PayChallenge) => el.shadowRoot!.querySelector('dialog');
const iframeOf = (el: PayChallenge) => el.shadowRoot!.querySelector('iframe');
const cancelButton = (el: PayChallenge) => el.shadowRoot!.querySelector<HTMLButtonElement>('button.cancel')!;
const countdown = (el: PayChallenge) => el.shadowRoot!.querySelector('[role="timer"]')?.textContent?.trim();
const focusInDialog = (el: PayChallenge) => {
  const active = el.shadowRoot!.activeElement;
  return !!active && !!dialogOf(el)?.contains(active);
};

async function clickOn(target: Element): Promise<void> {
  target.scrollIntoView({ block: 'center' });
  const box = target.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
}

describe('<pay-challenge>', () => {
  afterEach(async () => {
    document.removeEventListener('pay-challenge-close', onClose);
    element?.remove();
    opener?.remove();
    element = opener = undefined;
    await setViewport({ width: 800, height: 600 });
  });

  it('opens as a modal dialog with the challenge page in a sandboxed iframe', async () => {
    const el = await mount();
    const dialog = dialogOf(el);
    ok(dialog?.open, 'dialog open');
    ok(dialog.matches(':modal'), 'shown with showModal()');
    equal(dialog.getAttribute('aria-labelledby'), 'title');
    equal(el.shadowRoot!.getElementById('title')!.textContent, 'Confirm the payment with your bank');
    const iframe = iframeOf(el)!;
    equal(iframe.src, CHALLENGE_URL);
    equal(iframe.getAttribute('sandbox'), 'allow-forms allow-scripts allow-same-origin');
    equal(iframe.getAttribute('referrerpolicy'), 'no-referrer');
    equal(iframe.title, "Your bank's confirmation page");
    match(countdown(el), /^Time left: 0[45]:\d\d$/);
    equal(cancelButton(el).textContent, 'Cancel');
    // The background is inert while the modal is open.
    ok(opener!.matches(':not(:focus)') && document.elementFromPoint(1, 1) !== opener, 'opener not reachable');

    const tree = (await a11ySnapshot({})) as unknown as AxNode;
    ok(findAccessibilityNode<AxNode>(tree, (n) => n.role === 'dialog' && n.name === 'Confirm the payment with your bank'), 'a named dialog');
    ok(!findAccessibilityNode<AxNode>(tree, (n) => n.role === 'button' && n.name.startsWith('Pay')), 'the page behind is hidden from assistive tech');
    equal(reasons.length, 0, 'no event');
  });

  it('moves focus into the dialog, keeps Tab out of the page behind, and gives focus back when closed', async () => {
    const el = await mount();
    ok(focusInDialog(el), 'focus in the dialog');
    equal(el.shadowRoot!.activeElement, el.shadowRoot!.getElementById('title'), 'on the title');
    for (let i = 0; i < 4; i++) {
      await sendKeys({ press: 'Tab' });
      ok(document.activeElement !== opener, `Tab ${i + 1} stays out of the page behind`);
    }
    el.close();
    await el.updateComplete;
    equal(document.activeElement, opener, 'focus back on the opener');
  });

  it('fires canceled on Escape and closes', async () => {
    const el = await mount();
    await sendKeys({ press: 'Escape' });
    await waitFor(() => reasons.length, 'close event');
    deepEqual(reasons, ['canceled']);
    equal(el.open, false);
    equal(dialogOf(el), null, 'dialog gone (and the bank page unloaded)');
    equal(document.activeElement, opener, 'focus back on the opener');
  });

  it('fires canceled from the Cancel button, with a bubbling, composed event', async () => {
    const el = await mount();
    let seen: CustomEvent | undefined;
    document.body.addEventListener('pay-challenge-close', (e) => (seen = e as CustomEvent), { once: true });
    await clickOn(cancelButton(el));
    await waitFor(() => reasons.length, 'close event');
    deepEqual(reasons, ['canceled']);
    ok(seen?.bubbles && seen.composed, 'bubbles and composed');
    equal(el.hasAttribute('open'), false, 'open attribute reflected');
    equal(document.activeElement, opener);
  });

  it('counts down in mm:ss and fires expired when the time is up', async function () {
    this.timeout(6000);
    const el = await mount({ expiresAt: inSeconds(2) });
    equal(countdown(el), 'Time left: 00:02');
    await waitFor(() => countdown(el) === 'Time left: 00:01', 'one second left', 1500);
    // Under a minute left: said once in a polite status, never every second.
    equal(el.shadowRoot!.querySelector('[role="status"]')!.textContent, 'Less than a minute left to confirm the payment.');
    await waitFor(() => reasons.length, 'expired', 2000);
    deepEqual(reasons, ['expired']);
    equal(dialogOf(el), null, 'nothing shown any more');
    equal(document.activeElement, opener);
  });

  it('fires expired at once for a challenge that has already expired', async () => {
    const el = await mount({ expiresAt: inSeconds(-1) });
    await tick();
    deepEqual(reasons, ['expired']);
    equal(dialogOf(el), null);
  });

  it('refuses a URL that is not http(s), not absolute, or on the frame’s own origin', async () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,<p>hi</p>', '/package.json', `${location.origin}/package.json`, '']) {
      const el = await mount({ url });
      await tick();
      deepEqual(reasons, ['invalid'], url);
      equal(dialogOf(el), null, `nothing rendered for ${url}`);
      equal(el.open, false);
      equal(el.getBoundingClientRect().height, 0);
      element!.remove();
      opener!.remove();
    }
    equal(challengeUrl('https://acs.bank.example/c?id=1', 'https://pay.example'), 'https://acs.bank.example/c?id=1');
    equal(challengeUrl('http://127.0.0.1:4243/x', 'http://localhost:4242'), 'http://127.0.0.1:4243/x');
    equal(challengeUrl('HTTPS://PAY.EXAMPLE/x', 'https://pay.example'), null);
    equal(formatRemaining(75 * 60), '75:00');
    equal(formatRemaining(59.2), '01:00');
  });

  it('close() closes without an event and gives focus back', async () => {
    const el = await mount();
    el.close();
    await el.updateComplete;
    await tick();
    equal(dialogOf(el), null);
    equal(el.open, false);
    equal(reasons.length, 0, 'no event');
    equal(document.activeElement, opener);
    equal(el.getBoundingClientRect().height, 0, 'takes no room when closed');
  });

  it('treats open = false like close(), and opens again when open is set', async () => {
    const el = await mount();
    el.open = false;
    await el.updateComplete;
    equal(dialogOf(el), null);
    equal(document.activeElement, opener, 'focus back on the opener');
    el.open = true;
    await el.updateComplete;
    ok(dialogOf(el)?.matches(':modal'), 'open again');
    ok(focusInDialog(el));
    equal(reasons.length, 0, 'no event');
  });

  it('makes its host as tall as the dialog, and fits a 320px wide frame', async () => {
    await setViewport({ width: 320, height: 480 });
    const el = await mount();
    const dialog = dialogOf(el)!;
    const body = dialog.querySelector('.body')!;
    const natural = body.getBoundingClientRect().height;
    ok(iframeOf(el)!.getBoundingClientRect().height >= 600, 'a bank-page-sized iframe');
    ok(el.getBoundingClientRect().height >= natural + 2, `host ${el.getBoundingClientRect().height}px ≥ dialog ${natural}px`);
    // With the document that tall (as the frame will be once the host resizes it), the whole
    // dialog shows without scrolling.
    await setViewport({ width: 320, height: Math.ceil(el.getBoundingClientRect().height) });
    await waitFor(() => dialog.scrollHeight <= dialog.clientHeight, 'the dialog unclamped');
    const box = dialog.getBoundingClientRect();
    ok(box.left >= 0 && box.right <= 320, `dialog within 320px (${box.left}–${box.right})`);
    ok(box.top >= 0 && box.bottom <= window.innerHeight, 'dialog within the frame');
    equal(dialog.scrollWidth, dialog.clientWidth, 'no horizontal overflow');
    const cancel = cancelButton(el).getBoundingClientRect();
    ok(cancel.bottom <= box.bottom && cancel.height >= 44, 'Cancel visible and a comfortable target');
  });

  it('has no axe violations', async () => {
    const el = await mount();
    await expectNoAxeViolations(el);
  });
});
