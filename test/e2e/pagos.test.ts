/**
 * End to end in real Chromium: what a buyer does in the demo shop's checkout reaches the Pagos
 * sandbox over HTTP: every attempt as a transaction, and the checkout's own metadata (attempt,
 * method, language, device, time to submit, where the buyer gave up) as its enrichment.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { frameOf, startE2E, typeCard, type E2E } from './harness.ts';
import { eventually } from '../server/helpers.ts';

let e2e: E2E;
before(async () => {
  e2e = await startE2E({ outbox: { pollMs: 50 } });
});
after(() => e2e?.close());

async function openCheckout(page: Page): Promise<string> {
  await page.goto(e2e.stack.demoUrl);
  await page.locator('.product').first().getByRole('button', { name: 'Buy' }).click();
  await page.waitForURL(/\/pay\/cs_/);
  await page.locator('#events li[data-event="pay-ready"]').waitFor();
  return /\/pay\/(cs_\w+)/.exec(page.url())![1]!;
}

const secret = () => ({ Authorization: `Bearer ${e2e.stack.keys.secret}` });
const paymentsOf = async (sessionId: string) => {
  const session = (await (await fetch(`${e2e.stack.payUrl}/v1/checkout/sessions/${sessionId}`, { headers: secret() })).json()) as any;
  return session;
};

/** The latest enrichment Pagos received for a transaction. */
const enrichmentOf = (reference: string) => e2e.stack.pagos.enrichments.filter((e) => e.transaction_id === reference).at(-1);

describe('Pagos receives what happened in the checkout', () => {
  it('a buyer fails once then succeeds: two transactions, enriched with attempts 1 and 2', async () => {
    const { page } = await e2e.newPage();
    const sessionId = await openCheckout(page);
    await typeCard(page, '4000000000009995', { name: 'Ada Lovelace' });
    await frameOf(page).getByRole('button', { name: /^Pay / }).click();
    await frameOf(page).getByRole('alert').filter({ hasText: 'Insufficient Fund.' }).waitFor();
    const number = frameOf(page).getByLabel('Card number');
    await number.fill('');
    await number.click();
    await page.keyboard.type('4242424242424242');
    await frameOf(page).getByRole('button', { name: /^Pay / }).click();
    await frameOf(page).getByText('Payment successful').waitFor();

    const payments = (await (await fetch(`${e2e.stack.payUrl}/v1/payments?limit=100`, { headers: secret() })).json()) as any;
    const attempts = (payments.data as any[]).filter((p) => p.session_id === sessionId).sort((a, b) => a.attempt - b.attempt);
    assert.deepEqual(attempts.map((p) => [p.attempt, p.status]), [[1, 'failed'], [2, 'succeeded']]);
    const [first, second] = attempts.map((p) => p.provider_reference as string) as [string, string];

    await eventually(async () => enrichmentOf(first) && enrichmentOf(second), 10_000);
    assert.equal(e2e.stack.pagos.transactions.get(first)!.body.payment_method_details!.last4, '9995');
    assert.equal(e2e.stack.pagos.transactions.get(second)!.body.payment_method_details!.last4, '4242');
    const one = enrichmentOf(first)!.metadata;
    const two = enrichmentOf(second)!.metadata;
    assert.deepEqual([one.paykit_attempt, one.paykit_attempt_label, one.paykit_status, one.paykit_error_code], [1, 'First attempt', 'failed', 'card_declined']);
    assert.deepEqual([two.paykit_attempt, two.paykit_attempt_label, two.paykit_status], [2, 'Retry', 'succeeded']);
    for (const metadata of [one, two]) {
      assert.equal(metadata.paykit_payment_method, 'card');
      assert.equal(metadata.paykit_locale, 'en');
      assert.equal(metadata.paykit_device_class, 'desktop');
      assert.ok(Number.isInteger(metadata.paykit_ready_to_submit_ms) && (metadata.paykit_ready_to_submit_ms as number) > 0);
    }
    assert.ok((two.paykit_ready_to_submit_ms as number) > (one.paykit_ready_to_submit_ms as number), 'the retry came later');
    // Nothing personal or secret went to Pagos's enrichment.
    const sent = JSON.stringify(e2e.stack.pagos.enrichments);
    for (const secretValue of ['4242424242424242', '4000000000009995', 'Ada Lovelace', e2e.stack.keys.secret]) assert.ok(!sent.includes(secretValue));
  });

  // (Desktop only: Playwright's phone emulation does not reach a cross-origin frame's `screen`,
  // so a phone would read as a tablet here; test/unit/telemetry.test.ts covers the device classes.)
  it('a buyer who leaves after a decline: the declined payment is enriched with where they gave up', async () => {
    const { page } = await e2e.newPage();
    const sessionId = await openCheckout(page);
    await typeCard(page, '4000000000009995', { name: 'Ada Lovelace' });
    await frameOf(page).getByRole('button', { name: /^Pay / }).click();
    await frameOf(page).getByRole('alert').filter({ hasText: 'Insufficient Fund.' }).waitFor();
    await page.goto('about:blank');

    const session = await eventually(async () => {
      const found = await paymentsOf(sessionId);
      return found.abandonment ? found : null;
    });
    assert.deepEqual([session.abandonment.step, session.abandonment.payment_method], ['after_failure', 'card']);
    const reference = session.payment.provider_reference as string;
    const metadata = await eventually(async () => {
      const latest = enrichmentOf(reference)?.metadata;
      return latest?.paykit_abandoned_step ? latest : null;
    }, 10_000);
    assert.equal(metadata.paykit_abandoned_step, 'after_failure');
    assert.equal(metadata.paykit_device_class, 'desktop');
    assert.equal(metadata.paykit_status, 'failed');
  });
});
