/**
 * End to end in real Chromium: a hosted invoice page paid in two parts, first by card, then by
 * bank account (ACH) through the Pepper sandbox; the balance after a reload; the paid page with
 * no form; a phone-sized screenshot with no horizontal scroll; the print view without the form;
 * the 404 page. Nothing is mocked: the merchant creates the invoice through the API, the buyer
 * only has the link.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { fillBankAccount, frameOf, startE2E, typeCard, type E2E, type WatchedPage } from './harness.ts';
import { sampleInvoice } from '../../demo/app.ts';

let e2e: E2E;
before(async () => {
  e2e = await startE2E();
});
after(() => e2e?.close());


/** The demo shop's sample invoice (as its "Open a sample invoice" button issues it), changed by `fields`. */
async function createInvoice(fields: Record<string, unknown> = {}) {
  const response = await fetch(`${e2e.stack.payUrl}/v1/invoices`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${e2e.stack.keys.secret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...sampleInvoice(e2e.stack.demoUrl), ...fields }),
  });
  const body = (await response.json()) as any;
  assert.equal(response.status, 201, JSON.stringify(body));
  return body;
}

/** The id of the invoice a hosted page shows, found by its number. */
async function invoiceNumbered(number: string) {
  const response = await fetch(`${e2e.stack.payUrl}/v1/invoices?invoice_number=${encodeURIComponent(number)}`, { headers: { Authorization: `Bearer ${e2e.stack.keys.secret}` } });
  const [invoice] = ((await response.json()) as any).data;
  assert.ok(invoice, `invoice ${number}`);
  return invoice;
}

const readInvoice = async (id: string) =>
  (await (await fetch(`${e2e.stack.payUrl}/v1/invoices/${id}`, { headers: { Authorization: `Bearer ${e2e.stack.keys.secret}` } })).json()) as any;

function assertClean(watched: WatchedPage) {
  assert.deepEqual(watched.cspViolations, [], 'no Content-Security-Policy violation');
  assert.deepEqual(watched.consoleErrors.filter((line) => !/Failed to load resource/.test(line)), []);
}

/** The width of a PNG, from its header: a full-page screenshot is as wide as the page's content. */
const pngWidth = (png: Buffer) => png.readUInt32BE(16);

/** Keeps a screenshot for people to look at when PAYKIT_SCREENSHOTS names a folder. */
async function keep(name: string, png: Buffer) {
  const folder = process.env.PAYKIT_SCREENSHOTS;
  if (!folder) return;
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, name), png);
}

describe('a hosted invoice in the browser', () => {
  it('is paid in part by card, then in full by bank account, and shows its receipt', async () => {
    const watched = await e2e.newPage({ viewport: { width: 1000, height: 900 } });
    const { page } = watched;
    // The demo shop issues the invoice with its secret key and sends the buyer to the hosted page.
    await page.goto(e2e.stack.demoUrl);
    await page.getByRole('button', { name: 'Open a sample invoice' }).click();
    await page.waitForURL(`${e2e.stack.payUrl}/invoices/pinv_*`);
    const number = (await page.getByRole('heading', { name: /^Invoice NW-/ }).textContent())!.replace('Invoice ', '').trim();
    const invoice = await invoiceNumbered(number);
    assert.equal(page.url(), invoice.hosted_url);
    // (90 000 − 5 000) + 12 000 = 97 000; 8% tax 7 760; shipping 1 500.
    assert.equal(invoice.total, 106_260);
    await page.getByText('Northwind Design Studio').first().waitFor();
    assert.equal(await page.locator('.badge').textContent().then((text) => text?.replace('Status: ', '')), 'Pending');
    assert.ok(await page.getByText('Doe & Daughters Hardware').isVisible());
    assert.ok(await page.getByText('Brand identity workshop').isVisible());
    assert.ok(await page.getByText('$1,062.60').first().isVisible(), 'the amount due');
    await keep('invoice-desktop.png', await page.screenshot({ fullPage: true }));

    // A partial amount, checked in the page before any checkout is opened.
    const amount = page.getByLabel(/Amount to pay/);
    assert.equal(await amount.inputValue(), '1062.60');
    await amount.fill('10');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Enter an amount between $50.00 and $1,062.60.').waitFor();
    await amount.fill('400.00');
    await page.getByRole('button', { name: 'Continue' }).click();

    const frame = frameOf(page);
    await typeCard(page, '4111111111111111');
    await frame.getByRole('button', { name: 'Pay $400.00' }).click();
    await frame.getByText('Payment successful').waitFor();

    // The page reloads itself with the new status and the receipt.
    await page.locator('.badge', { hasText: 'Partially paid' }).waitFor();
    await page.locator('#receipt').getByText('Visa •••• 1111').waitFor();
    assert.ok(await page.locator('#receipt').getByText('Remaining balance: $662.60').isVisible());

    // A reload shows the same balance (it is the server's, not the page's memory).
    await page.reload();
    await page.locator('#receipt').getByText('Remaining balance: $662.60').waitFor();
    assert.equal(await page.getByLabel(/Amount to pay/).inputValue(), '662.60');
    let stored = await readInvoice(invoice.id);
    assert.equal(stored.status, 'partially_paid');
    assert.equal(stored.amount_paid, 40_000);
    assert.equal(stored.amount_due, 66_260);

    // The rest by bank account.
    await page.getByRole('button', { name: 'Continue' }).click();
    await fillBankAccount(frame);
    assert.match((await frame.getByText(/I authorize|By accepting/).first().textContent())!, /\$662\.60/);
    await frame.getByRole('checkbox', { name: 'I authorize this debit' }).check();
    await frame.getByRole('button', { name: /^Pay \$662\.60/ }).click();
    await frame.getByText('Payment successful').waitFor();

    await page.locator('.badge', { hasText: /^(Status: )?Paid$/ }).waitFor();
    assert.equal(await page.locator('#pay').count(), 0, 'a paid invoice shows no form');
    assert.equal(await page.locator('pay-checkout').count(), 0);
    const receipt = page.locator('#receipt');
    assert.ok(await receipt.getByText('Bank account •••• 6789').isVisible());
    assert.ok(await receipt.getByText('Visa •••• 1111').isVisible());
    assert.equal(await receipt.getByText(/Remaining balance/).count(), 0);
    await keep('invoice-paid.png', await page.screenshot({ fullPage: true }));

    stored = await readInvoice(invoice.id);
    assert.equal(stored.status, 'paid');
    assert.equal(stored.amount_due, 0);
    assert.deepEqual(stored.payments.map((p: any) => [p.method, p.amount, p.status]), [['card', 40_000, 'succeeded'], ['ach', 66_260, 'succeeded']]);
    assertClean(watched);
  });

  it('fits a phone: no horizontal scroll, with the checkout open', async () => {
    const invoice = await createInvoice({ allow_partial_payment: false, minimum_payment: undefined });
    const watched = await e2e.newPage({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    const { page } = watched;
    await page.goto(invoice.hosted_url);
    // Without partial payment the checkout opens at once, for everything due.
    await frameOf(page).getByRole('button', { name: 'Pay $1,062.60' }).waitFor();
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
    assert.ok(widths.scroll <= widths.viewport, `page is ${widths.scroll}px wide in a ${widths.viewport}px viewport`);
    const screenshot = await page.screenshot({ fullPage: true });
    await keep('invoice-phone.png', screenshot);
    assert.equal(pngWidth(screenshot), 375, 'the full-page screenshot is exactly the phone’s width');
    assertClean(watched);
  });

  it('reloads with the new amount when the merchant changed the invoice under an open form', async () => {
    const invoice = await createInvoice({ allow_partial_payment: false, minimum_payment: undefined });
    const watched = await e2e.newPage();
    const { page } = watched;
    await page.goto(invoice.hosted_url);
    const frame = frameOf(page);
    await frame.getByRole('button', { name: 'Pay $1,062.60' }).waitFor();
    const changed = await fetch(`${e2e.stack.payUrl}/v1/invoices/${invoice.id}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${e2e.stack.keys.secret}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...sampleInvoice(e2e.stack.demoUrl), invoice_number: invoice.invoice_number, allow_partial_payment: false, minimum_payment: undefined, shipping: 0 }),
    });
    assert.equal(changed.status, 200);
    await typeCard(page, '4111111111111111');
    await frame.getByRole('button', { name: 'Pay $1,062.60' }).click();
    await frame.getByText('This invoice was changed after this payment form was opened').waitFor();
    // The page reloads by itself, with the invoice as it is now; nothing was charged.
    await frameOf(page).getByRole('button', { name: 'Pay $1,047.60' }).waitFor({ timeout: 10_000 });
    assert.deepEqual((await readInvoice(invoice.id)).payments, []);
    assertClean(watched);
  });

  it('prints without the payment form', async () => {
    const invoice = await createInvoice();
    const { page } = await e2e.newPage();
    await page.goto(invoice.hosted_url);
    await page.getByRole('button', { name: 'Continue' }).waitFor();
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#pay').isVisible(), false);
    assert.ok(await page.getByRole('heading', { name: `Invoice ${invoice.invoice_number}` }).isVisible());
    assert.ok(await page.getByText('Logo files', { exact: true }).isVisible());
  });

  it('shows the invoice in its own language and currency', async () => {
    const invoice = await createInvoice({
      locale: 'pt-BR',
      allow_partial_payment: false,
      minimum_payment: undefined,
      payment_methods: ['card'],
      provider: 'pepper',
    });
    const watched = await e2e.newPage();
    const { page } = watched;
    await page.goto(invoice.hosted_url);
    await page.getByRole('heading', { name: `Fatura ${invoice.invoice_number}` }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'pt-BR');
    assert.ok(await page.getByText('US$ 1.062,60').first().isVisible());
    await frameOf(page).getByRole('button', { name: /Pagar US\$\s1\.062,60/ }).waitFor();
    assertClean(watched);
  });

  it('answers an unknown link with a proper 404 page', async () => {
    const { page } = await e2e.newPage();
    const response = await page.goto(`${e2e.stack.payUrl}/invoices/pinv_${'x'.repeat(32)}`);
    assert.equal(response?.status(), 404);
    await page.getByRole('heading', { name: 'Invoice not found' }).waitFor();
  });
});
