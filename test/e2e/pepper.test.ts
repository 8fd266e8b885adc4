/**
 * End to end in real Chromium, through the Pepper gateway sandbox: a card sale, an authorization
 * the merchant captures, a US bank account debit with its mandate, a PayPal redirect and back,
 * a surcharge shown and charged (the demo's desk lamp), and a card saved in one session and paid
 * with in the next. The checkout is the demo shop's own page; nothing is mocked.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { frameOf, startE2E, typeCard, type E2E, type WatchedPage } from './harness.ts';

let e2e: E2E;
before(async () => {
  e2e = await startE2E();
});
after(() => e2e?.close());


const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
  const response = await fetch(`${e2e.stack.payUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { Authorization: `Bearer ${e2e.stack.keys.secret}`, 'Content-Type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as any };
};

/** A Pepper session made by the merchant's backend, opened on the demo shop's checkout page. */
async function openSession(body: Record<string, unknown>): Promise<WatchedPage & { sessionId: string }> {
  const created = await api('/v1/checkout/sessions', {
    method: 'POST',
    body: {
      amount: 2500,
      currency: 'USD',
      provider: 'pepper',
      description: 'Paykit desk lamp',
      return_url: `${e2e.stack.demoUrl}/complete`,
      customer: { email: 'jane.doe@example.com', first_name: 'Jane', last_name: 'Doe', state: 'NY', zip: '12207' },
      ...body,
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const watched = await e2e.newPage();
  await watched.page.goto(`${e2e.stack.demoUrl}/pay/${created.body.id}`);
  await watched.page.locator('#events li[data-event="pay-ready"]').waitFor();
  return { ...watched, sessionId: created.body.id };
}


async function succeeded(page: Page): Promise<string> {
  await frameOf(page).getByText('Payment successful').waitFor();
  await page.locator('#events li[data-event="pay-success"]').waitFor();
  const detail = await page.locator('#events li[data-event="pay-success"] .event-detail').textContent();
  return JSON.parse(detail!).paymentId as string;
}

const sandboxTransaction = async (reference: string) =>
  (await (await fetch(`${e2e.stack.sandboxUrl}/pepper/sandbox/transactions/${reference}`)).json()) as any;

function assertClean(watched: WatchedPage) {
  assert.deepEqual(watched.cspViolations, [], 'no Content-Security-Policy violation');
  assert.deepEqual(watched.consoleErrors.filter((line) => !/Failed to load resource/.test(line)), []);
}

describe('the Pepper gateway in the browser', () => {
  it('a card sale', async () => {
    const watched = await openSession({ payment_methods: ['card'] });
    const { page } = watched;
    await typeCard(page, '4111111111111111');
    await frameOf(page).getByRole('button', { name: 'Pay $25.00' }).click();
    const paymentId = await succeeded(page);
    const { body: payment } = await api(`/v1/payments/${paymentId}`);
    assert.equal(payment.status, 'succeeded');
    assert.equal(payment.provider, 'pepper');
    assert.equal(payment.checks.avs.code, 'Y');
    const sandbox = await sandboxTransaction(payment.provider_reference);
    assert.equal(sandbox.type, 'sale');
    assert.equal(sandbox.amount, 2500);
    assertClean(watched);
  });

  it('an authorization, captured from the merchant API', async () => {
    const watched = await openSession({ capture_method: 'manual' });
    const { page } = watched;
    await typeCard(page, '5555555555554444');
    await frameOf(page).getByRole('button', { name: 'Pay $25.00' }).click();
    const paymentId = await succeeded(page);
    assert.equal((await api(`/v1/payments/${paymentId}`)).body.status, 'requires_capture');
    const captured = await api(`/v1/payments/${paymentId}/capture`, { method: 'POST', body: { amount: 2000 } });
    assert.equal(captured.status, 200, JSON.stringify(captured.body));
    assert.equal(captured.body.status, 'succeeded');
    assert.equal(captured.body.amount_captured, 2000);
    const sandbox = await sandboxTransaction(captured.body.provider_reference);
    assert.equal(sandbox.type, 'authorize');
    assert.equal(sandbox.amount_captured, 2000);
    assertClean(watched);
  });

  it('a bank account debit (ACH) with the mandate the buyer accepted', async () => {
    const watched = await openSession({ payment_methods: ['card', 'ach'] });
    const { page } = watched;
    const frame = frameOf(page);
    await frame.getByRole('tab', { name: 'Bank account' }).click();
    await frame.getByLabel('Account holder name').fill('Jane Doe');
    await frame.getByLabel('Routing number').click();
    await page.keyboard.type('021000022');
    await frame.getByText('This routing number is invalid.').waitFor();
    await page.keyboard.press('Backspace');
    await page.keyboard.type('1');
    await frame.getByText('This routing number is invalid.').waitFor({ state: 'detached' });
    await frame.getByLabel('Account number', { exact: true }).fill('000123456789');
    const confirm = frame.getByLabel('Confirm account number');
    if (await confirm.count()) await confirm.fill('000123456789');
    const shown = await frame.getByText(/I authorize|By accepting/).first().textContent();
    assert.match(shown!, /\$25\.00/);
    assert.match(shown!, new RegExp(new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date())));
    await frame.getByRole('button', { name: /^Pay \$25\.00/ }).click();
    await frame.getByText('Check “I authorize this debit” to pay.').waitFor();
    await frame.getByRole('checkbox', { name: 'I authorize this debit' }).check();
    await frame.getByRole('button', { name: /^Pay \$25\.00/ }).click();
    const paymentId = await succeeded(page);
    const { body: payment } = await api(`/v1/payments/${paymentId}`);
    assert.equal(payment.method, 'ach');
    assert.equal(payment.mandate.text.trim(), shown!.trim(), 'the payment keeps exactly the text the buyer saw');
    assert.deepEqual(payment.bank_account, { routing_number: '021000021', last4: '6789', account_type: 'checking' });
    assert.equal((await sandboxTransaction(payment.provider_reference)).response.ach.sec_code, 'web');
    assertClean(watched);
  });

  it('a PayPal redirect and back to the merchant, through the return route', async () => {
    const watched = await openSession({ payment_methods: ['card', 'paypal'] });
    const { page } = watched;
    const frame = frameOf(page);
    await frame.getByRole('tab', { name: 'PayPal' }).click();
    await frame.getByRole('button', { name: 'Continue to PayPal' }).click();
    await page.waitForURL(/\/pepper\/apm\//);
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(/\/complete\?/);
    assert.match(page.url(), /paykit_status=succeeded/);
    await page.locator('.outcome[data-outcome="succeeded"]').waitFor();
    const { body: session } = await api(`/v1/checkout/sessions/${watched.sessionId}`);
    assert.equal(session.payment.method, 'paypal');
    assert.equal(session.payment.status, 'succeeded');
    assert.deepEqual(watched.cspViolations.filter((v) => !v.documentURI.includes('/pepper/')), []);
  });

  it('the desk lamp: the surcharge for the card is shown, and charged', async () => {
    const watched = await e2e.newPage();
    const { page } = watched;
    await page.goto(e2e.stack.demoUrl);
    await page.locator('.product', { hasText: 'desk lamp' }).getByRole('button', { name: 'Buy' }).click();
    await page.waitForURL(/\/pay\/cs_/);
    await page.locator('#events li[data-event="pay-ready"]').waitFor();
    const frame = frameOf(page);
    await frame.getByLabel('Billing state').selectOption({ label: 'New York' });
    await typeCard(page, '4111111111111111');
    // 3.5% at the gateway, capped at the default 3.000% of $45.00.
    await frame.getByText('Card surcharge: $1.35').waitFor();
    await frame.getByRole('button', { name: 'Pay $46.35' }).click();
    const paymentId = await succeeded(page);
    const { body: payment } = await api(`/v1/payments/${paymentId}`);
    assert.equal(payment.amount, 4635);
    assert.equal(payment.surcharge_amount, 135);
    const sandbox = await sandboxTransaction(payment.provider_reference);
    assert.equal(sandbox.amount, 4635);
    assert.equal(sandbox.surcharge_amount, 135);
    assertClean(watched);
  });

  it('a card saved in one session pays in the next', async () => {
    const customer = `e2e${Date.now().toString(36)}`;
    const first = await openSession({ customer_id: customer });
    await typeCard(first.page, '4111111111111111');
    await frameOf(first.page).getByRole('checkbox', { name: 'Save this card for next time' }).check();
    await frameOf(first.page).getByRole('button', { name: 'Pay $25.00' }).click();
    const firstPayment = await succeeded(first.page);
    assert.equal((await api(`/v1/payments/${firstPayment}`)).body.save_card, 'saved');

    const second = await openSession({ customer_id: customer, amount: 1200 });
    const frame = frameOf(second.page);
    const saved = frame.getByRole('radio', { name: /Visa •••• 1111/ });
    await saved.waitFor();
    assert.equal(await saved.isChecked(), true, 'the saved card is chosen by default');
    assert.equal(await frame.getByLabel('Card number').isVisible(), false);
    await frame.getByRole('button', { name: 'Pay $12.00' }).click();
    const paymentId = await succeeded(second.page);
    const { body: payment } = await api(`/v1/payments/${paymentId}`);
    assert.ok(payment.saved_card?.id);
    assert.equal(payment.card.last4, '1111');
    assert.equal((await sandboxTransaction(payment.provider_reference)).payment_method, 'customer');
    assertClean(first);
    assertClean(second);
  });
});
