/**
 * `<pay-pix-code>`: the QR code is rasterized and decoded back with jsQR (a real decoder), the
 * copy button is checked against an in-page clipboard, and the countdown runs on real time with
 * short expiries.
 */
import { a11ySnapshot, findAccessibilityNode, sendMouse, setViewport } from '@web/test-runner-commands';
import type jsQRFunction from 'jsqr';
import '../../widget/frame/pix/pix-code.ts';
import { COPIED_MS, formatCountdown, qrImage, type PayPixCode } from '../../widget/frame/pix/pix-code.ts';
import { equal, match, ok } from './helpers/assert.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';
import { tick, waitFor } from './helpers/wait.ts';

/** A dynamic BR Code as the Pagou sandbox hands them out (location URL, amount, CRC). */
const BR_CODE =
  '00020101021226910014br.gov.bcb.pix2569pix.sandbox.pagou.example/qr/v2/cobv/9f1c2b7e4a6d4f0e8b3a5c7d9e1f2a3b520400005303986540515.005802BR5912Loja Exemplo6009SAO PAULO62070503***6304270E';
/** A static code with an email key and a message: lower case, '@', ',' and '!'. */
const STATIC_CODE =
  '00020126740014br.gov.bcb.pix0125pagamentos@exemplo.com.br0223Pedido 12345, obrigado!5204000053039865406123.455802BR5922Comercio de Teste Ltda6014RIO DE JANEIRO62280524PEDIDO12345ABCDEFGHIJKLM63040893';

interface AxNode {
  role: string;
  name: string;
  children: AxNode[];
}

let element: PayPixCode | undefined;
const cleanups: (() => void)[] = [];

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

async function mount(props: Partial<Pick<PayPixCode, 'qrCode' | 'expiresAt' | 'amount' | 'currency' | 'locale'>> = {}): Promise<PayPixCode> {
  element = document.createElement('pay-pix-code');
  Object.assign(element, { qrCode: BR_CODE, expiresAt: inSeconds(15 * 60), amount: 1500, currency: 'BRL', locale: 'pt-BR', ...props });
  document.body.append(element);
  await element.updateComplete;
  return element;
}

const $ = <E extends Element = HTMLElement>(el: PayPixCode, selector: string) => el.shadowRoot!.querySelector<E>(selector);
const text = (node: Element | null | undefined) => node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const copyButton = (el: PayPixCode) => $<HTMLButtonElement>(el, 'button.copy')!;
const copyStatus = (el: PayPixCode) => text($(el, '.copied'));
const announcer = (el: PayPixCode) => text($(el, '.sr-only[role="status"]'));
const countdown = (el: PayPixCode) => text($(el, '[role="timer"]'));
const regenerateButton = (el: PayPixCode) => $<HTMLButtonElement>(el, 'button.regenerate');

async function clickOn(target: Element): Promise<void> {
  target.scrollIntoView({ block: 'center' });
  const box = target.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
}

let jsQR: Promise<typeof jsQRFunction> | undefined;

/** jsQR's UMD build, loaded as a classic script (it sets `window.jsQR`). */
function loadJsQr(): Promise<typeof jsQRFunction> {
  jsQR ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/jsqr/dist/jsQR.js';
    script.onload = () => resolve((window as unknown as { jsQR: typeof jsQRFunction }).jsQR);
    script.onerror = () => reject(new Error('could not load jsQR'));
    document.head.append(script);
  });
  return jsQR;
}

/** Draws the element's QR code (its SVG, as rendered) on a canvas of `width` pixels and decodes it with jsQR. */
async function decodeShownQr(el: PayPixCode, width?: number): Promise<string | null> {
  const svg = $<SVGSVGElement>(el, 'svg.qr');
  ok(svg, 'a QR code is shown');
  const size = Math.round(width ?? svg.getBoundingClientRect().width);
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('width', String(size));
  copy.setAttribute('height', String(size));
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = size;
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(image, 0, 0, size, size);
    const pixels = context.getImageData(0, 0, size, size);
    const decode = await loadJsQr();
    return decode(pixels.data, size, size, { inversionAttempts: 'dontInvert' })?.data ?? null;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Replaces `navigator.clipboard` for one test. */
function stubClipboard(writeText: (text: string) => Promise<void>): void {
  Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
  cleanups.push(() => delete (navigator as unknown as { clipboard?: unknown }).clipboard);
}

describe('<pay-pix-code>', () => {
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    element?.remove();
    element = undefined;
    await setViewport({ width: 800, height: 600 });
  });

  it('shows a QR code that decodes back to exactly the payload, with an accessible name', async () => {
    const el = await mount();
    equal(await decodeShownQr(el), BR_CODE, 'decoded at the size it is shown');
    const svg = $(el, 'svg.qr')!;
    equal(svg.getAttribute('role'), 'img');
    equal(svg.getAttribute('aria-label'), 'QR code for the PIX payment');
    const tree = (await a11ySnapshot({})) as unknown as AxNode;
    ok(findAccessibilityNode<AxNode>(tree, (n) => n.role === 'image' && n.name === 'QR code for the PIX payment'), 'an image named for screen readers');

    el.qrCode = STATIC_CODE;
    await el.updateComplete;
    equal(await decodeShownQr(el), STATIC_CODE, 'a new payload gives a new code');
  });

  it('keeps a 4-module quiet zone, and decodes down to 2 pixels a module', async () => {
    const el = await mount();
    const image = qrImage(BR_CODE)!;
    const view = $<SVGSVGElement>(el, 'svg.qr')!.viewBox.baseVal;
    equal(view.width, image.size);
    match($(el, 'svg.qr path')!.getAttribute('d'), /^M4 4h7v1h-7z/, 'the finder pattern starts 4 modules in');
    equal(await decodeShownQr(el, image.size * 2), BR_CODE, `decoded at ${image.size * 2}px`);
  });

  it('shows the amount and the copy-and-paste code in a read-only, labelled box', async () => {
    const el = await mount();
    match(text($(el, '.total')), /^Total R\$\s15,00$/);
    const box = $<HTMLTextAreaElement>(el, 'textarea')!;
    equal(box.value, BR_CODE);
    ok(box.readOnly, 'read-only');
    equal(box.labels?.[0]?.textContent?.trim(), 'PIX copy and paste code');
    box.focus();
    equal(box.selectionEnd - box.selectionStart, BR_CODE.length, 'focusing the box selects the whole code');
  });

  it('copies the code with the Clipboard API and says so in a polite status, then reverts', async function () {
    this.timeout(COPIED_MS + 5000);
    const written: string[] = [];
    stubClipboard(async (value) => {
      written.push(value);
    });
    const el = await mount();
    const status = $(el, '.copied')!;
    equal(status.getAttribute('role'), 'status', 'a polite live region, present before it speaks');
    equal(copyStatus(el), '');
    await clickOn(copyButton(el));
    await waitFor(() => copyStatus(el) === 'Code copied', '"Code copied"');
    equal(written.length, 1);
    equal(written[0], BR_CODE);
    ok(status.checkVisibility(), 'the confirmation is visible');
    equal(el.shadowRoot!.activeElement, copyButton(el), 'focus stays on the button');
    await waitFor(() => copyStatus(el) === '', 'the confirmation to go away', COPIED_MS + 2000);
  });

  it('falls back to selecting the code and execCommand("copy") when the Clipboard API refuses', async () => {
    stubClipboard(() => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')));
    const original = document.execCommand;
    const copied: string[] = [];
    document.execCommand = function (command: string) {
      const box = element!.shadowRoot!.activeElement as HTMLTextAreaElement;
      if (command === 'copy') copied.push(box.value.slice(box.selectionStart, box.selectionEnd));
      return true;
    };
    cleanups.push(() => (document.execCommand = original));
    const el = await mount();
    await clickOn(copyButton(el));
    await waitFor(() => copyStatus(el) === 'Code copied', '"Code copied"');
    equal(copied.length, 1);
    equal(copied[0], BR_CODE, 'the whole code was selected when copying');
    equal(el.shadowRoot!.activeElement, copyButton(el), 'focus back on the button');
  });

  it('asks the buyer to copy by hand when no way of copying works', async () => {
    stubClipboard(() => Promise.reject(new DOMException('denied', 'NotAllowedError')));
    const original = document.execCommand;
    document.execCommand = () => false;
    cleanups.push(() => (document.execCommand = original));
    const el = await mount();
    await clickOn(copyButton(el));
    await waitFor(() => copyStatus(el) !== '', 'a message');
    equal(copyStatus(el), 'Could not copy. Select the code and copy it.');
    const box = $<HTMLTextAreaElement>(el, 'textarea')!;
    equal(el.shadowRoot!.activeElement, box, 'the code is focused…');
    equal(box.selectionEnd - box.selectionStart, BR_CODE.length, '…and selected');
  });

  it('counts down every second, as a timer that is not announced', async () => {
    const el = await mount({ expiresAt: inSeconds(125.5) });
    const timer = $(el, '[role="timer"]')!;
    equal(timer.getAttribute('aria-live'), 'off');
    match(countdown(el), /^Expires in 02:0[56]$/);
    const first = countdown(el);
    await waitFor(() => countdown(el) !== first, 'the next second', 2500);
    match(countdown(el), /^Expires in 02:0[45]$/);
    equal(announcer(el), '', 'nothing announced yet');
    match(text($(el, '.waiting')), /^Waiting for payment…$/);
  });

  it('announces the last minute once, politely', async () => {
    const el = await mount({ expiresAt: inSeconds(61.3) });
    equal(announcer(el), '');
    equal($(el, '.sr-only')!.getAttribute('role'), 'status');
    await waitFor(() => announcer(el), 'the last-minute announcement', 3000);
    equal(announcer(el), 'Less than a minute left to pay with this code.');
    match(countdown(el), /^Expires in (01:00|00:59)$/);
  });

  it('at expiry hides the code, says so, and offers a new one that fires pay-pix-regenerate once', async function () {
    this.timeout(8000);
    const events: Event[] = [];
    const listener = (event: Event) => events.push(event);
    document.addEventListener('pay-pix-regenerate', listener);
    cleanups.push(() => document.removeEventListener('pay-pix-regenerate', listener));
    const el = await mount({ expiresAt: inSeconds(1.5) });
    copyButton(el).focus();
    await waitFor(() => regenerateButton(el), 'the regenerate button', 4000);
    equal(text($(el, '.expired')), 'This code has expired');
    equal(announcer(el), 'This code has expired');
    equal($(el, 'svg.qr'), null, 'no QR code to scan');
    equal($(el, 'textarea'), null, 'no code to copy');
    equal($(el, '[role="timer"]'), null, 'no countdown');
    const button = regenerateButton(el)!;
    equal(text(button), 'Generate a new code');
    equal(el.shadowRoot!.activeElement, button, 'focus moved from the copy button, which went away');
    await expectNoAxeViolations(el);

    await clickOn(button);
    await clickOn(button);
    equal(events.length, 1, 'one request for a new code');
    ok(events[0]!.bubbles && events[0]!.composed, 'bubbles, composed');
    equal(events[0]!.target, el);
    equal(button.getAttribute('aria-disabled'), 'true', 'busy until the new code arrives');

    el.qrCode = STATIC_CODE;
    el.expiresAt = inSeconds(600);
    await el.updateComplete;
    equal(regenerateButton(el), null);
    equal(el.regenerating, false);
    equal(await decodeShownQr(el), STATIC_CODE);
    match(countdown(el), /^Expires in (10:00|09:59)$/);
    equal(el.shadowRoot!.activeElement, copyButton(el), 'focus on the new code’s copy button');
  });

  it('shows no countdown and never expires without a usable expiry time', async () => {
    const el = await mount({ expiresAt: 'not a date' });
    equal($(el, '[role="timer"]'), null);
    await tick(1100);
    equal(regenerateButton(el), null);
    ok($(el, 'svg.qr'));
  });

  it('fits a 320px-wide frame', async () => {
    await setViewport({ width: 320, height: 900 });
    const el = await mount({ qrCode: STATIC_CODE });
    el.style.width = '312px'; // the app's 4px padding on each side
    await el.updateComplete;
    const pix = $(el, '.pix')!;
    ok(pix.scrollWidth <= pix.clientWidth, `no horizontal overflow (${pix.scrollWidth} > ${pix.clientWidth})`);
    for (const part of pix.querySelectorAll('*')) {
      const box = part.getBoundingClientRect();
      if (!box.width) continue;
      ok(box.right <= el.getBoundingClientRect().right + 0.5, `${part.localName}.${part.getAttribute('class')} fits`);
    }
    equal(await decodeShownQr(el), STATIC_CODE, 'still decodes at that width');
  });

  it('has no axe violations, before and after copying', async () => {
    stubClipboard(async () => {});
    const el = await mount();
    await expectNoAxeViolations(el);
    await clickOn(copyButton(el));
    await waitFor(() => copyStatus(el), 'the copy status');
    await expectNoAxeViolations(el);
  });

  it('formats the countdown as mm:ss, and h:mm:ss from an hour', () => {
    equal(formatCountdown(0), '00:00');
    equal(formatCountdown(59.2), '01:00');
    equal(formatCountdown(14 * 60 + 59), '14:59');
    equal(formatCountdown(3600), '1:00:00');
    equal(formatCountdown(-3), '00:00');
  });
});
