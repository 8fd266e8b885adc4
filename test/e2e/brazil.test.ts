/**
 * End to end in real Chromium, a Brazilian buyer: the demo shop's BRL product opens a checkout
 * in Portuguese that offers PIX and cards in installments through the Pagou sandbox. The QR code
 * on screen is decoded back to the PIX payload; the sandbox plays the buyer's bank. Nothing is mocked.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import jsQR from 'jsqr';
import type { Frame, Page } from 'playwright-core';
import { frameOf, startE2E, typeCard, type E2E, type WatchedPage } from './harness.ts';
import { parseBrCode } from '../../server/simulators/pagou/brcode.ts';

let e2e: E2E;
before(async () => {
  e2e = await startE2E();
});
after(() => e2e?.close());


async function openBrazilCheckout(): Promise<WatchedPage> {
  const watched = await e2e.newPage();
  const { page } = watched;
  // The frame may only write the clipboard (its iframe allows clipboard-write); the test reads it from the page.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.stack.payUrl });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.stack.demoUrl });
  await page.goto(e2e.stack.demoUrl);
  await page.locator('.product', { hasText: 'Camiseta' }).getByRole('button', { name: 'Buy' }).click();
  await page.waitForURL(/\/pay\/cs_/);
  await page.locator('#events li[data-event="pay-ready"]').waitFor();
  return watched;
}

async function paymentFrame(page: Page): Promise<Frame> {
  const handle = await page.locator('pay-checkout iframe').elementHandle();
  const frame = await handle!.contentFrame();
  assert.ok(frame, 'the payment frame is there');
  return frame;
}

/**
 * Runs in the payment frame: finds the QR code's SVG (through shadow roots), rasterizes it on
 * a canvas and returns its pixels. A string, because tsx would wrap a compiled function's
 * inner helpers in a `__name` the page does not have.
 */
const RASTERIZE_QR = `(async () => {
  const find = (root) => {
    for (const element of root.querySelectorAll('*')) {
      if (element instanceof SVGSVGElement && element.querySelectorAll('path, rect').length) return element;
      if (element.shadowRoot) {
        const inner = find(element.shadowRoot);
        if (inner) return inner;
      }
    }
    return null;
  };
  const svg = find(document);
  if (!svg) return null;
  const size = 400;
  const img = new Image(size, size);
  img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, size, size);
  context.drawImage(img, 0, 0, size, size);
  return { size, data: Array.from(context.getImageData(0, 0, size, size).data) };
})()`;

/** Decodes the QR code on screen with a real QR decoder. */
async function decodeQr(page: Page): Promise<string | null> {
  const frame = await paymentFrame(page);
  const image = (await frame.evaluate(RASTERIZE_QR)) as { size: number; data: number[] } | null;
  if (!image) return null;
  return jsQR(Uint8ClampedArray.from(image.data), image.size, image.size)?.data ?? null;
}

async function showPix(page: Page) {
  const frame = frameOf(page);
  await frame.getByRole('tab', { name: 'PIX' }).click();
  await frame.getByLabel('Nome completo').fill('Ana Souza');
  await frame.getByLabel('CPF ou CNPJ').click();
  await page.keyboard.type('52998224725');
  assert.equal(await frame.getByLabel('CPF ou CNPJ').inputValue(), '529.982.247-25');
  await frame.getByRole('button', { name: 'Pagar R$ 129,90 com PIX' }).click();
  await frame.getByRole('button', { name: 'Copiar código' }).waitFor();
}

const sessionIdOf = (page: Page) => new URL(page.url()).pathname.split('/').pop()!;

async function latestPixReference(page: Page): Promise<string> {
  const [row] = await e2e.stack.db.query<{ provider_reference: string }>(
    `SELECT provider_reference FROM payments WHERE session_id = $1 ORDER BY attempt DESC LIMIT 1`,
    [sessionIdOf(page)],
  );
  return row!.provider_reference;
}

async function typeBrazilianCard(page: Page, number: string) {
  await frameOf(page).getByRole('tab', { name: 'Cartão' }).click();
  await typeCard(page, number, { numberLabel: 'Número do cartão', name: 'Ana Souza' });
}

/** Opens the checkout and pays with the challenge card: resolves with the open challenge dialog. */
async function openChallenge() {
  const watched = await openBrazilCheckout();
  const { page } = watched;
  await typeBrazilianCard(page, '4000000000003220');
  const frame = frameOf(page);
  await frame.getByRole('button', { name: 'Pagar R$ 129,90' }).click();
  const dialog = frame.getByRole('dialog', { name: 'Confirme o pagamento com o seu banco' });
  await dialog.waitFor();
  return { watched, page, frame, dialog };
}

function assertClean(watched: WatchedPage) {
  assert.deepEqual(watched.cspViolations, [], 'no Content-Security-Policy violation on the merchant page, in the frame or the challenge');
}

describe('a Brazilian buyer in the demo shop', () => {
  it('pays by PIX: Portuguese form, a QR code that decodes to the payload, copy works, paid by the bank → success on its own', async () => {
    const watched = await openBrazilCheckout();
    const { page } = watched;
    await showPix(page);
    const frame = frameOf(page);
    const code = await frame.getByLabel('Código PIX Copia e Cola').inputValue();
    const parsed = parseBrCode(code);
    assert.equal(parsed.crcValid, true);
    assert.equal(parsed.fields['54'], '129.90');
    assert.equal(await decodeQr(page), code, 'a real QR decoder reads back exactly the PIX payload');
    await frame.locator('pay-pix-code').getByText('R$ 129,90').waitFor();
    await frame.getByText(/Expira em \d+:\d\d/).waitFor();

    await frame.getByRole('button', { name: 'Copiar código' }).click();
    await frame.getByText('Código copiado').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, code);

    await page.getByRole('button', { name: 'Pay this PIX' }).click();
    await frame.getByText('Pagamento aprovado').waitFor({ timeout: 15_000 });
    await page.locator('#events li[data-event="pay-success"]').waitFor();
    assertClean(watched);
  });

  it('an expired PIX code can be replaced by a new one', async () => {
    const watched = await openBrazilCheckout();
    const { page } = watched;
    await showPix(page);
    const frame = frameOf(page);
    const first = await frame.getByLabel('Código PIX Copia e Cola').inputValue();
    const expired = await fetch(`${e2e.stack.sandboxUrl}/pagou/sandbox/transactions/${await latestPixReference(page)}/expire`, { method: 'POST' });
    assert.equal(expired.status, 200);
    await frame.getByText('Este código expirou').waitFor({ timeout: 15_000 });
    await frame.getByRole('button', { name: 'Gerar novo código' }).click();
    const codeBox = frame.getByLabel('Código PIX Copia e Cola');
    let second = first;
    for (let i = 0; i < 100 && second === first; i++) {
      await page.waitForTimeout(100);
      second = (await codeBox.count()) ? await codeBox.inputValue() : first;
    }
    assert.notEqual(second, first);
    assert.equal(await decodeQr(page), second);
    assertClean(watched);
  });

  it('pays by card in 3 installments', async () => {
    const watched = await openBrazilCheckout();
    const { page } = watched;
    await typeBrazilianCard(page, '4111111111111111');
    const frame = frameOf(page);
    const select = frame.getByLabel('Parcelas');
    const options = await select.locator('option').allTextContents();
    assert.equal(options.length, 12);
    assert.match(options[0]!, /^1× de R\$\s?129,90/);
    assert.match(options[2]!, /^3× de R\$\s?43,30 sem juros · total R\$\s?129,90/);
    await select.selectOption({ index: 2 });
    await frame.getByRole('button', { name: 'Pagar R$ 129,90' }).click();
    await frame.getByText('Pagamento aprovado').waitFor();
    const [payment] = await e2e.stack.db.query<{ installments: number; provider: string }>(
      `SELECT installments, provider FROM payments WHERE session_id = $1`,
      [sessionIdOf(page)],
    );
    assert.deepEqual({ ...payment }, { installments: 3, provider: 'pagou' });
    assertClean(watched);
  });

  it('a 3DS challenge in a modal inside the frame: authenticated → success', async () => {
    const { watched, frame, dialog } = await openChallenge();
    await dialog.frameLocator('iframe').getByRole('button', { name: 'Authenticate' }).click();
    await frame.getByText('Pagamento aprovado').waitFor({ timeout: 15_000 });
    await dialog.waitFor({ state: 'hidden' });
    assertClean(watched);
  });

  it('a failed 3DS challenge ends in a clear failure, and the buyer can retry with another card', async () => {
    const { watched, page, frame, dialog } = await openChallenge();
    await dialog.frameLocator('iframe').getByRole('button', { name: 'Fail' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
    await frame.getByRole('alert').filter({ hasText: 'Seu banco não confirmou que é você' }).waitFor();
    await page.locator('#events li[data-event="pay-failure"]').waitFor();
    const number = frame.getByLabel('Número do cartão');
    await number.fill('');
    await number.click();
    await page.keyboard.type('5555555555554444');
    await frame.getByRole('button', { name: 'Pagar R$ 129,90' }).click();
    await frame.getByText('Pagamento aprovado').waitFor();
    assertClean(watched);
  });
});
