/**
 * End to end in real Chromium: the demo shop (its own origin) embeds the widget from the payment
 * server, which talks HTTP to the PayAgency sandbox. Nothing is mocked.
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


async function openCheckout(options: { guest?: boolean } = {}): Promise<WatchedPage> {
  const watched = await e2e.newPage();
  const { page } = watched;
  await page.goto(e2e.stack.demoUrl);
  if (options.guest) await page.locator('.product').first().getByRole('checkbox').check();
  await page.locator('.product').first().getByRole('button', { name: 'Buy' }).click();
  await page.waitForURL(/\/pay\/cs_/);
  await page.locator('#events li[data-event="pay-ready"]').waitFor();
  return watched;
}



async function pay(page: Page) {
  await frameOf(page).getByRole('button', { name: /^Pay / }).click();
}

const events = (page: Page) => page.locator('#events li').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.event));

function assertClean(watched: WatchedPage) {
  assert.deepEqual(watched.cspViolations, [], 'no Content-Security-Policy violation on the merchant page or in the frame');
}

describe('checkout in the demo shop, cross-origin', () => {
  it('pays with a card: the merchant page gets ready, change and success events but never sees card data', async () => {
    const watched = await openCheckout();
    const { page } = watched;
    const frameUrl = await page.locator('pay-checkout iframe').getAttribute('src');
    assert.equal(new URL(frameUrl!).origin, e2e.stack.payUrl, 'the card fields live on the payment server origin');
    assert.notEqual(new URL(page.url()).origin, e2e.stack.payUrl);

    await typeCard(page, '4242424242424242', { name: 'Ada Lovelace' });
    assert.equal(await frameOf(page).getByLabel('Card number').inputValue(), '4242 4242 4242 4242');
    await frameOf(page).getByRole('button', { name: 'Pay $' }).waitFor();
    await pay(page);
    await frameOf(page).getByText('Payment successful').waitFor();
    await page.locator('#events li[data-event="pay-success"]').waitFor();
    const seen = await events(page);
    assert.ok(seen.includes('pay-ready') && seen.includes('pay-change') && seen.includes('pay-success'), seen.join());
    const detail = await page.locator('#events li[data-event="pay-success"] .event-detail').textContent();
    assert.match(detail!, /"paymentId":"pay_\w+","status":"succeeded"/);
    assert.match(await page.locator('#order-confirmed').textContent() ?? '', /Order confirmed/);

    // The merchant page cannot reach into the frame, and nothing it saw carries the card number.
    const reachable = await page.evaluate(() => {
      const frame = document.querySelector('pay-checkout')!.shadowRoot!.querySelector('iframe')!;
      try {
        return Boolean(frame.contentDocument);
      } catch {
        return false;
      }
    });
    assert.equal(reachable, false);
    assert.doesNotMatch(await page.content(), /4242 ?4242 ?4242 ?4242/);
    const paymentId = JSON.parse(detail!).paymentId as string;
    const payment = await (await fetch(`${e2e.stack.payUrl}/v1/payments/${paymentId}`, { headers: { Authorization: `Bearer ${e2e.stack.keys.secret}` } })).json() as any;
    assert.equal(payment.status, 'succeeded');
    assert.equal(payment.card.last4, '4242');
    assertClean(watched);
  });

  it('3DS redirect, approved: the buyer goes to the bank page and back to the merchant, who shows success', async () => {
    const watched = await openCheckout();
    const { page } = watched;
    await typeCard(page, '4000000000003220', { name: 'Ada Lovelace' });
    await pay(page);
    await page.waitForURL(/\/payagency\/3ds\//);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\/complete\?/);
    assert.match(page.url(), /paykit_status=succeeded/);
    await page.locator('.outcome[data-outcome="succeeded"]').waitFor();
    await frameOf(page).getByText('Payment successful').waitFor();
    assertClean(watched);
  });

  it('3DS redirect, declined: the merchant page shows the failure and the buyer can try again', async () => {
    const watched = await openCheckout();
    const { page } = watched;
    await typeCard(page, '4000000000003220', { name: 'Ada Lovelace' });
    await pay(page);
    await page.waitForURL(/\/payagency\/3ds\//);
    await page.getByRole('button', { name: 'Decline' }).click();
    await page.waitForURL(/\/complete\?/);
    assert.match(page.url(), /paykit_status=failed/);
    assert.match(await page.locator('.outcome').textContent() ?? '', /3DS authentication failed/);
    await frameOf(page).getByRole('alert').filter({ hasText: '3DS authentication failed' }).waitFor();
    await frameOf(page).getByLabel('Card number').waitFor();
    assertClean(watched);
  });

  it('a decline shows the bank message and fires a failure event with a code', async () => {
    const watched = await openCheckout();
    const { page } = watched;
    await typeCard(page, '4000000000009995', { name: 'Ada Lovelace' });
    await pay(page);
    await frameOf(page).getByRole('alert').filter({ hasText: 'Insufficient Fund.' }).waitFor();
    await page.locator('#events li[data-event="pay-failure"]').waitFor();
    const detail = await page.locator('#events li[data-event="pay-failure"] .event-detail').textContent();
    assert.match(detail!, /"code":"card_declined"/);
    assert.match(detail!, /Insufficient Fund\./);
    // The form stays usable for another card.
    assert.equal(await frameOf(page).getByRole('button', { name: /^Pay / }).isEnabled(), true);
    assertClean(watched);
  });

  it('a pending payment is finished by the webhook and the widget turns to success without a reload', async () => {
    const watched = await openCheckout();
    const { page } = watched;
    await typeCard(page, '4000000000000259', { name: 'Ada Lovelace' });
    await pay(page);
    await frameOf(page).getByText('Processing your payment…').waitFor();
    await page.locator('#events li[data-event="pay-processing"]').waitFor();
    await frameOf(page).getByText('Payment successful').waitFor({ timeout: 20_000 });
    await page.locator('#events li[data-event="pay-success"]').waitFor();
    assertClean(watched);
  });

  it('a field the provider rejects (402) is flagged in the widget', async () => {
    const watched = await openCheckout();
    const { page } = watched;
    await typeCard(page, '4000000000000127', { name: 'Ada Lovelace' });
    await pay(page);
    const cvc = frameOf(page).getByLabel('Security code');
    await page.waitForFunction(() => true);
    await cvc.and(frameOf(page).locator('[aria-invalid="true"]')).waitFor();
    await frameOf(page).getByText('The card cvv field is invalid.').waitFor();
    assertClean(watched);
  });

  it('a guest checkout asks for the email in the frame', async () => {
    const watched = await openCheckout({ guest: true });
    const { page } = watched;
    await typeCard(page, '5555555555554444', { name: 'Ada Lovelace' });
    await frameOf(page).getByLabel('Email').fill('guest@example.com');
    await pay(page);
    await frameOf(page).getByText('Payment successful').waitFor();
    assertClean(watched);
  });
});
