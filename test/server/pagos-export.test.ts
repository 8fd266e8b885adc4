/**
 * The Pagos export through the real stack: payments from each provider reach the Pagos sandbox
 * over HTTP in its transaction model, with their enrichment; retries, parking, the operator's view
 * and retry; the widget's abandonment beacon and the merchant's enrichment API; and a restart in
 * the middle of a backlog, which delivers everything exactly once.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { card, client, eventually, startTestStack, testSchema, useTestStack } from './helpers.ts';
import { createPagosSimulator, type PagosSimulator } from '../../server/simulators/pagos/app.ts';
import type { Stack } from '../../server/stack.ts';
import { createMerchant } from '../../server/merchants.ts';

const FAST = { pollMs: 20, backoffBaseMs: 30, backoffMaxMs: 200 };
const t = useTestStack({ outbox: FAST, pagosTimeoutMs: 500 });

const post = (stack: Stack, path: string, body?: unknown) => client(stack).post(path, body);
const get = (stack: Stack, path: string) => client(stack).get(path);

/** The payment's export rows (transaction, enrichment). */
async function exportsOf(stack: Stack, paymentId: string) {
  const { body } = await get(stack, `/v1/pagos/exports?payment=${paymentId}`);
  return Object.fromEntries((body.data as any[]).map((row) => [row.kind, row])) as Record<'transaction' | 'enrichment', any>;
}

/** Waits until both of the payment's exports are delivered; returns what Pagos holds. */
async function delivered(stack: Stack, pagos: PagosSimulator, paymentId: string, ms = 8000) {
  await eventually(async () => {
    const rows = await exportsOf(stack, paymentId);
    return rows.transaction?.status === 'delivered' && rows.enrichment?.status === 'delivered';
  }, ms);
  const reference = (await client(stack).payment(paymentId)).body.provider_reference as string;
  const transaction = pagos.transactions.get(reference)!;
  const enrichments = pagos.enrichments.filter((e) => e.transaction_id === reference);
  return { reference, transaction, enrichments, metadata: enrichments.at(-1)?.metadata as Record<string, unknown> };
}

const pepperCard = async (stack: Stack, number: string, session: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => {
  const api = client(stack);
  const created = (await api.createSession({ provider: 'pepper', ...session })).body;
  const { status, body } = await api.confirm(created, { payment_method: { type: 'card', card: card(number), billing_state: 'NY' }, ...extra });
  assert.equal(status, 200, JSON.stringify(body));
  return { session: created, payment: body };
};

describe('Pagos export: what arrives', () => {
  it('a Pepper card payment: the transaction model with checks, and an enrichment with the checkout metadata', async () => {
    const telemetry = { locale: 'en', device_class: 'mobile', ready_to_submit_ms: 4200 };
    const { payment } = await pepperCard(t.stack, '4111111111111111', { order_id: 'A-100', metadata: { campaign: 'fall' }, description: 'Desk lamp' }, { telemetry });
    const { transaction, enrichments, metadata, reference } = await delivered(t.stack, t.stack.pagos, payment.id);
    const body = transaction.body as any;
    assert.equal(body.object_id, reference);
    assert.equal(body.amount, 1500);
    assert.equal(body.currency, 'USD');
    assert.equal(body.description, 'Desk lamp');
    assert.equal(body.refunded, false);
    assert.equal(body.payment_method_details.bin, '411111');
    assert.equal(body.payment_method_details.masked_number, '411111******1111');
    assert.ok(!JSON.stringify(body).includes('4111111111111111'), 'no card number');
    assert.ok(body.payment_method_details.checks_cvc_check, 'Pepper reports a CVV result');
    assert.equal(enrichments.length, 1);
    assert.equal(enrichments[0]!.order_id, 'A-100');
    assert.deepEqual(metadata, {
      campaign: 'fall',
      paykit_attempt: 1,
      paykit_attempt_label: 'First attempt',
      paykit_payment_method: 'card',
      paykit_provider: 'pepper',
      paykit_status: 'succeeded',
      paykit_locale: 'en',
      paykit_device_class: 'mobile',
      paykit_ready_to_submit_ms: 4200,
      paykit_channel: 'checkout',
    });
    const applied = (await (await fetch(`${t.stack.sandboxUrl}/pagos/sandbox/transactions/${reference}`)).json()) as { applied_metadata: unknown };
    assert.deepEqual(applied.applied_metadata, metadata, 'Pagos applied it to the transaction');
  });

  it('the enrichment goes in the same pass as its transaction: its row is never woken for a pass of its own', async () => {
    const { payment } = await pepperCard(t.stack, '4111111111111111');
    const { reference, enrichments } = await delivered(t.stack, t.stack.pagos, payment.id);
    assert.equal(enrichments.length, 1);
    const rows = await t.stack.db.query<{ topic: string; version: number; last_status: number }>(
      `SELECT topic, version, last_status FROM outbox WHERE subject = $1 ORDER BY topic`,
      [payment.id],
    );
    // A wake would have made it version 2 (and a claim, a read and a booking of its own).
    assert.deepEqual(rows.map((r) => [r.topic, r.version, r.last_status]), [['pagos.enrichment', 1, 201], ['pagos.transaction', 1, 200]]);
    const names = (body: unknown) => [(body as { object_id?: string } | null)?.object_id, (body as { transaction_id?: string } | null)?.transaction_id].includes(reference);
    const paths = t.stack.pagos.received.filter((r) => names(r.body)).map((r) => r.path);
    assert.deepEqual(paths, ['/pagos/transactions', '/pagos/v1/transactions/enrichment']);
  });

  it('a PayAgency card and a Pepper ACH debit', async () => {
    const api = t.api;
    const paid = await api.pay('4242424242424242', { provider: 'payagency' });
    assert.equal(paid.body.status, 'succeeded', JSON.stringify(paid.body));
    const first = await delivered(t.stack, t.stack.pagos, paid.body.id);
    assert.equal(first.transaction.body.payment_method_details!.instrument_type, 'card');
    assert.equal(first.metadata.paykit_provider, 'payagency');

    const session = (await api.createSession({ provider: 'pepper', payment_methods: ['ach'] })).body;
    const ach = { routing_number: '021000021', account_number: '000123456789', account_type: 'checking', holder_name: 'Ada Lovelace', mandate_accepted: true };
    const debit = await api.confirm(session, { payment_method: { type: 'ach', ach } });
    assert.equal(debit.status, 200, JSON.stringify(debit.body));
    const second = await delivered(t.stack, t.stack.pagos, debit.body.id);
    assert.deepEqual(second.transaction.body.payment_method_details, { instrument_type: 'bank_account', last4: '6789', account_type: 'checking' });
    assert.equal(second.metadata.paykit_payment_method, 'ach');
  });

  it('a PIX payment is exported when the code is shown and again when it is paid', async () => {
    const session = (await t.api.createSession({ amount: 12990, currency: 'BRL' })).body;
    const { body } = await t.api.confirm(session, { payment_method: { type: 'pix', pix: { name: 'Ana Souza', document: '529.982.247-25' } } });
    assert.equal(body.status, 'requires_action');
    const shown = await delivered(t.stack, t.stack.pagos, body.id);
    assert.equal(shown.transaction.body.payment_method_details!.instrument_type, 'pix');
    assert.equal(shown.metadata.paykit_status, 'requires_action');
    const pay = await fetch(`${t.stack.sandboxUrl}/pagou/sandbox/transactions/${shown.reference}/pay`, { method: 'POST' });
    assert.equal(pay.status, 200);
    await eventually(async () => (await t.api.payment(body.id)).body.status === 'succeeded');
    await eventually(async () => {
      const records = t.stack.pagos.enrichments.filter((e) => e.transaction_id === shown.reference);
      return records.at(-1)?.metadata.paykit_status === 'succeeded';
    });
    assert.equal(t.stack.pagos.transactions.get(shown.reference)!.duplicate_count, 0, 'nothing sent twice');
  });

  it('a declined attempt then a success: two transactions, attempts 1 and 2, each with its own order id', async () => {
    const session = (await t.api.createSession({ provider: 'pepper', order_id: 'R-7' })).body;
    const declined = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4000000000000002') } });
    assert.equal(declined.body.status, 'failed', JSON.stringify(declined.body));
    const paid = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4111111111111111') } });
    assert.equal(paid.body.status, 'succeeded');
    const one = await delivered(t.stack, t.stack.pagos, declined.body.id);
    const two = await delivered(t.stack, t.stack.pagos, paid.body.id);
    assert.notEqual(one.reference, two.reference);
    assert.deepEqual([one.metadata.paykit_attempt, one.metadata.paykit_attempt_label, one.metadata.paykit_status], [1, 'First attempt', 'failed']);
    assert.equal(one.metadata.paykit_error_code, 'card_declined');
    assert.deepEqual([two.metadata.paykit_attempt, two.metadata.paykit_attempt_label, two.metadata.paykit_status], [2, 'Retry', 'succeeded']);
    assert.deepEqual([one.enrichments[0]!.order_id, two.enrichments[0]!.order_id], ['R-7', 'R-7-2']);
  });

  it('a refund turns `refunded` true; an unchanged payment is not sent again', async () => {
    const { payment } = await pepperCard(t.stack, '4111111111111111');
    const { reference } = await delivered(t.stack, t.stack.pagos, payment.id);
    await fetch(`${t.stack.sandboxUrl}/pepper/sandbox/transactions/${reference}/settle`, { method: 'POST' });
    const refund = await post(t.stack, `/v1/payments/${payment.id}/refunds`, { amount: 500 });
    assert.equal(refund.status, 201, JSON.stringify(refund.body));
    await eventually(async () => t.stack.pagos.transactions.get(reference)!.body.refunded === true);
    const stored = t.stack.pagos.transactions.get(reference)!;
    assert.equal(stored.accepted_count, 2);
    assert.equal(stored.duplicate_count, 0);
  });
});

describe('Pagos export: retries and parking', () => {
  it('503 twice, then delivered: the failures are counted, with the answer, and backed off', async () => {
    t.stack.pagos.faults.set('503', { count: 2 });
    const { payment } = await pepperCard(t.stack, '4111111111111111');
    const rows = await eventually(async () => {
      const found = await exportsOf(t.stack, payment.id);
      return found.transaction?.attempts >= 1 ? found : null;
    });
    assert.equal(rows.transaction.status, 'pending');
    assert.equal(rows.transaction.last_status, 503);
    assert.match(rows.transaction.last_error, /^503 /);
    await delivered(t.stack, t.stack.pagos, payment.id);
    const statuses = t.stack.pagos.received.filter((r) => r.path.endsWith('/transactions')).slice(-3).map((r) => r.status);
    assert.deepEqual(statuses, [503, 503, 200]);
  });

  it('500 and a time-out are retried; a dropped connection after Pagos stored it counts as delivered on the 409', async () => {
    t.stack.pagos.faults.set('500', { count: 1 });
    const a = await pepperCard(t.stack, '4111111111111111');
    await delivered(t.stack, t.stack.pagos, a.payment.id);

    t.stack.pagos.faults.set('timeout', { count: 1 });
    const b = await pepperCard(t.stack, '4111111111111111');
    const timedOut = await delivered(t.stack, t.stack.pagos, b.payment.id);
    assert.equal(timedOut.transaction.accepted_count, 1);

    t.stack.pagos.faults.set('drop', { count: 1 });
    const c = await pepperCard(t.stack, '4111111111111111');
    const dropped = await delivered(t.stack, t.stack.pagos, c.payment.id);
    assert.equal(dropped.transaction.accepted_count, 1, 'stored once');
    assert.equal(dropped.transaction.duplicate_count, 1, 'the retry was the 409');
    assert.equal((await exportsOf(t.stack, c.payment.id)).transaction.last_status, 409);
  });

  it('retries stop after the give-up time: parked with the reason', async () => {
    const local = await startTestStack({ outbox: { ...FAST, giveUpMs: 300 }, pagosTimeoutMs: 500 });
    try {
      local.pagos.faults.set('503');
      const { payment } = await pepperCard(local, '4111111111111111');
      const rows = await eventually(async () => {
        const found = await exportsOf(local, payment.id);
        return found.transaction?.status === 'parked' ? found : null;
      }, 8000);
      assert.match(rows.transaction.last_error, /^gave up after \d+ attempts/);
      assert.equal(rows.transaction.last_status, 503);
    } finally {
      await local.close();
    }
  });
});

/** A Pagos sandbox of its own on loopback, outliving the stacks that export to it. */
async function standalonePagos(options: { delayMs?: number; answer?: number } = {}) {
  const apiKey = `pagos_${randomBytes(8).toString('hex')}`;
  const readOnlyKey = `pagos_ro_${randomBytes(8).toString('hex')}`;
  const sim = createPagosSimulator({ apiKey, readOnlyKey });
  const app = new Hono();
  const requests: string[] = [];
  app.use('*', async (c, next) => {
    requests.push(`${c.req.method} ${c.req.path}`);
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (options.answer) return c.json({ statusCode: options.answer, message: `Validation error: sandbox answers ${options.answer}` }, options.answer as 400);
    await next();
  });
  app.route('/', sim.app);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    sim,
    requests,
    url,
    apiKey,
    readOnlyKey,
    env: (key = apiKey) => ({ ...process.env, PAGOS_BASE_URL: url, PAGOS_API_KEY: key }),
    close: () => new Promise<void>((resolve) => (sim.close(), server.close(() => resolve()), server.closeAllConnections())),
  };
}

describe('Pagos export: refusals, the operator, restarts', () => {
  const folders: string[] = [];
  after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));
  /** Options for stacks sharing one database, one after the other. */
  const shared = () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'paykit-pagos-'));
    folders.push(dataDir);
    return { dataDir, schema: testSchema() };
  };

  for (const [name, answer] of [['400', 400], ['401 (a wrong key)', 401], ['403 (a read-only key)', 403]] as const) {
    it(`${name} is parked at once, never retried, and shown to the operator with the reason`, async () => {
      const pagos = await standalonePagos(answer === 400 ? { answer } : {});
      const key = answer === 401 ? 'pagos_wrong_key' : answer === 403 ? pagos.readOnlyKey : pagos.apiKey;
      const stack = await startTestStack({ outbox: FAST, env: pagos.env(key) });
      try {
        const { payment } = await pepperCard(stack, '4111111111111111');
        const rows = await eventually(async () => {
          const found = await exportsOf(stack, payment.id);
          return found.transaction?.status === 'parked' ? found : null;
        });
        assert.equal(rows.transaction.last_status, answer);
        assert.equal(rows.transaction.attempts, 1);
        assert.ok(rows.transaction.last_error.startsWith(`${answer} `), rows.transaction.last_error);
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(pagos.requests.filter((r) => r === 'POST /transactions').length, 1, 'sent once, not retried');
        const list = await get(stack, '/v1/pagos/exports');
        assert.deepEqual([list.body.counts.parked, list.body.counts.waiting], [1, 1]);
        const enrichment = (await exportsOf(stack, payment.id)).enrichment;
        assert.equal(enrichment.status, 'waiting', 'its enrichment waits for it');
        assert.match(enrichment.last_error, /^waiting for its transaction to be exported/);
        assert.equal(pagos.requests.filter((r) => r.includes('enrichment')).length, 0);
        assert.ok(stack.log.lines!.some((line) => line.includes('outbox work parked')), 'the operator sees it in the log');
      } finally {
        await stack.close();
        await pagos.close();
      }
    });
  }

  it('after the key is fixed and the server restarted, the operator sends parked exports again', async () => {
    const pagos = await standalonePagos();
    const db = shared();
    const wrong = await startTestStack({ ...db, outbox: FAST, env: pagos.env('pagos_wrong_key') });
    const { payment } = await pepperCard(wrong, '4111111111111111');
    const other = await pepperCard(wrong, '4111111111111111');
    await eventually(async () => (await get(wrong, '/v1/pagos/exports?status=parked')).body.counts.parked === 2);
    await wrong.close();

    const fixed = await startTestStack({ ...db, outbox: FAST, env: pagos.env() });
    try {
      const one = (await exportsOf(fixed, payment.id)).transaction;
      assert.equal((await post(fixed, '/v1/pagos/exports/999999/retry')).status, 404);
      assert.equal((await post(fixed, '/v1/pagos/exports/x1/retry')).status, 404);
      // One by hand: the transaction, whose delivery then wakes its enrichment.
      const single = await post(fixed, `/v1/pagos/exports/${one.id}/retry`);
      assert.equal(single.status, 200, JSON.stringify(single.body));
      await delivered(fixed, pagos.sim, payment.id);
      const again = await post(fixed, `/v1/pagos/exports/${one.id}/retry`);
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'export_not_parked');
      // The rest at once.
      const retried = await post(fixed, '/v1/pagos/exports/retry');
      assert.equal(retried.body.retried, 1);
      await delivered(fixed, pagos.sim, other.payment.id);
    } finally {
      await fixed.close();
      await pagos.close();
    }
  });

  it('a restart in the middle of a backlog delivers every payment exactly once', async () => {
    const pagos = await standalonePagos({ delayMs: 15 });
    const db = shared();
    // The backlog: 24 payments made while nothing exports (no worker).
    const first = await startTestStack({ ...db, outbox: false, env: pagos.env() });
    const ids: string[] = [];
    for (let i = 0; i < 24; i += 1) ids.push((await pepperCard(first, '4111111111111111', { metadata: { n: String(i) } })).payment.id);
    await first.close();

    // A worker starts on it, and the server is stopped while it is half-way through.
    const second = await startTestStack({ ...db, outbox: { ...FAST, batch: 3 }, env: pagos.env() });
    await eventually(() => Promise.resolve(pagos.sim.transactions.size >= 6), 15_000);
    await second.close();
    const midway = pagos.sim.transactions.size;
    assert.ok(midway < 24, `stopped mid-backlog (${midway} of 24 delivered)`);

    const third = await startTestStack({ ...db, outbox: FAST, env: pagos.env() });
    try {
      await eventually(async () => (await get(third, '/v1/pagos/exports')).body.counts.delivered === 48, 20_000);
      assert.equal(pagos.sim.transactions.size, 24);
      for (const stored of pagos.sim.transactions.values()) {
        assert.equal(stored.accepted_count, 1);
        assert.equal(stored.duplicate_count, 0);
      }
      assert.equal(pagos.sim.enrichments.length, 24, 'one enrichment each');
      const labels = pagos.sim.enrichments.map((e) => Number(e.metadata.n)).sort((x, y) => x - y);
      assert.deepEqual(labels, [...Array(24).keys()]);
      assert.equal(new Set(pagos.sim.enrichments.map((e) => e.transaction_id)).size, 24);
    } finally {
      await third.close();
      await pagos.close();
    }
  });

  it('a worker that died mid-send leaves its rows to another once its lease runs out', async () => {
    const pagos = await standalonePagos();
    const stack = await startTestStack({ outbox: false, env: pagos.env() });
    try {
      const { payment } = await pepperCard(stack, '4111111111111111');
      // A worker claimed it (for 300 ms) and died without a word.
      const claimed = await stack.db.query(`UPDATE outbox SET locked_until = now() + interval '300 milliseconds' WHERE subject = $1 RETURNING id`, [payment.id]);
      assert.equal(claimed.length, 2);
      const { startOutboxWorker } = await import('../../server/outbox/worker.ts');
      const { pagosHandlers } = await import('../../server/pagos/export.ts');
      const worker = startOutboxWorker({ db: stack.db, log: stack.log }, pagosHandlers({ pagos: stack.config.pagos! }), FAST);
      try {
        await new Promise((resolve) => setTimeout(resolve, 150));
        assert.equal(pagos.sim.transactions.size, 0, 'not while the lease holds');
        await delivered(stack, pagos.sim, payment.id);
      } finally {
        await worker.close();
      }
    } finally {
      await stack.close();
      await pagos.close();
    }
  });

  it('PAGOS_EXPORT=off: nothing is sent; the payments wait in the outbox', async () => {
    const stack = await startTestStack({ env: { ...process.env, PAGOS_EXPORT: 'off' } });
    try {
      // The worker runs for the merchant's webhooks, but takes no Pagos work.
      assert.ok(stack.outbox, 'the worker runs');
      const { payment } = await pepperCard(stack, '4111111111111111');
      await stack.outbox!.idle();
      const list = await get(stack, '/v1/pagos/exports');
      assert.equal(list.body.enabled, false);
      assert.equal((await exportsOf(stack, payment.id)).transaction.status, 'pending');
      assert.equal(stack.pagos.received.length, 0);
    } finally {
      await stack.close();
    }
  });
});

/** The latest enrichment Pagos received for the transaction has `key` = `value`. */
const enrichedWith = (reference: string, key: string, value: unknown) =>
  t.stack.pagos.enrichments.filter((e) => e.transaction_id === reference).at(-1)?.metadata[key] === value;

describe('Enrichment: the widget beacon and the merchant API', () => {
  const abandon = (session: { id: string; client_secret: string }, body: unknown, secret = session.client_secret) =>
    t.api.request(`/v1/checkout/sessions/${session.id}/abandon`, { method: 'POST', headers: t.api.publicHeaders(secret), body: JSON.stringify(body) });

  it('a buyer who leaves after a decline: the step is on the session and in the declined payment\'s enrichment', async () => {
    const session = (await t.api.createSession({ provider: 'pepper' })).body;
    const declined = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4000000000000002') } });
    const before = await delivered(t.stack, t.stack.pagos, declined.body.id);
    assert.equal(before.metadata.paykit_abandoned_step, undefined);
    const response = await abandon(session, { step: 'after_failure', payment_method: 'card', telemetry: { locale: 'en', device_class: 'desktop', ready_to_submit_ms: 9000 } });
    assert.equal(response.status, 202);
    await eventually(async () => enrichedWith(before.reference, 'paykit_abandoned_step', 'after_failure'));
    const view = await get(t.stack, `/v1/checkout/sessions/${session.id}`);
    assert.equal(view.body.abandonment.step, 'after_failure');
    assert.equal(view.body.abandonment.payment_method, 'card');
  });

  it('a buyer who leaves before paying: kept on the session only (Pagos has no transaction to attach it to)', async () => {
    const session = (await t.api.createSession({ provider: 'pepper' })).body;
    await t.stack.outbox!.idle();
    const [before] = await t.stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox`);
    assert.equal((await abandon(session, { step: 'payment_details' })).status, 202);
    assert.equal((await get(t.stack, `/v1/checkout/sessions/${session.id}`)).body.abandonment.step, 'payment_details');
    const [after] = await t.stack.db.query<{ n: number; due: number }>(`SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'pending')::int AS due FROM outbox`);
    assert.equal(after!.n, before!.n, 'nothing queued');
    assert.equal(after!.due, 0);
  });

  it('a buyer who leaves with a PIX code and pays it from the bank app anyway: no abandonment on a success', async () => {
    const session = (await t.api.createSession({ amount: 12990, currency: 'BRL' })).body;
    const { body } = await t.api.confirm(session, { payment_method: { type: 'pix', pix: { name: 'Ana Souza', document: '529.982.247-25' } } });
    assert.equal((await abandon(session, { step: 'pix_code', payment_method: 'pix' })).status, 202);
    const shown = await delivered(t.stack, t.stack.pagos, body.id);
    await eventually(async () => enrichedWith(shown.reference, 'paykit_abandoned_step', 'pix_code'));
    await fetch(`${t.stack.sandboxUrl}/pagou/sandbox/transactions/${shown.reference}/pay`, { method: 'POST' });
    const latest = await eventually(async () => {
      const metadata = t.stack.pagos.enrichments.filter((e) => e.transaction_id === shown.reference).at(-1)?.metadata;
      return metadata?.paykit_status === 'succeeded' ? metadata : null;
    });
    assert.equal(latest.paykit_abandoned_step, undefined);
  });

  it('the beacon: bad input is a 400 naming the field, a wrong secret 401, a paid session 409', async () => {
    const session = (await t.api.createSession({ provider: 'pepper' })).body;
    for (const [body, param] of [
      [{ step: 'lost' }, 'step'],
      [{}, 'step'],
      [{ step: 'not_started', telemetry: { device_class: 'phone' } }, 'telemetry.device_class'],
      [{ step: 'not_started', telemetry: { ready_to_submit_ms: -1 } }, 'telemetry.ready_to_submit_ms'],
      [{ step: 'not_started', email: 'a@b.c' }, 'email'],
    ] as const) {
      const response = await abandon(session, body);
      const error = (await response.json()) as any;
      assert.equal(response.status, 400, JSON.stringify(error));
      assert.equal(error.error.param, param);
    }
    assert.equal((await abandon(session, { step: 'not_started' }, 'cs_wrong_secret')).status, 401);
    await t.api.confirm(session, { payment_method: { type: 'card', card: card('4111111111111111') } });
    const late = await abandon(session, { step: 'processing' });
    assert.equal(late.status, 409);
  });

  it('the confirm\'s telemetry is checked like any field', async () => {
    const session = (await t.api.createSession({ provider: 'pepper' })).body;
    const { status, body } = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4111111111111111') }, telemetry: { locale: 'english' } });
    assert.equal(status, 400);
    assert.equal(body.error.param, 'telemetry.locale');
  });

  it('the merchant labels a payment later (a retry from their billing system): merged, removable, exported', async () => {
    const { payment } = await pepperCard(t.stack, '4111111111111111', { metadata: { plan: 'pro' } });
    const { reference } = await delivered(t.stack, t.stack.pagos, payment.id);
    const added = await post(t.stack, `/v1/payments/${payment.id}/enrichment`, { metadata: { billing_retry: 3, purchase_flow: 'Recurring', is_last_retry: true } });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.deepEqual(added.body.metadata, { billing_retry: 3, purchase_flow: 'Recurring', is_last_retry: true });
    const removed = await post(t.stack, `/v1/payments/${payment.id}/enrichment`, { metadata: { is_last_retry: null } });
    assert.deepEqual(removed.body.metadata, { billing_retry: 3, purchase_flow: 'Recurring' });
    await eventually(async () => {
      const latest = t.stack.pagos.enrichments.filter((e) => e.transaction_id === reference).at(-1)?.metadata;
      return latest?.billing_retry === 3 && !('is_last_retry' in latest) && latest.plan === 'pro' && latest.paykit_attempt === 1;
    });
    assert.deepEqual((await t.api.payment(payment.id)).body.enrichment, { billing_retry: 3, purchase_flow: 'Recurring' });
  });

  it('the merchant API refuses bad labels naming them, and other merchants\' payments', async () => {
    const { payment } = await pepperCard(t.stack, '4111111111111111');
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    for (const [body, param] of [
      [{}, 'metadata'],
      [{ metadata: {} }, 'metadata'],
      [{ metadata: { paykit_status: 'x' } }, 'metadata.paykit_status'],
      [{ metadata: { 'a b': 'x' } }, 'metadata.a b'],
      [{ metadata: { k: 'x'.repeat(501) } }, 'metadata.k'],
      [{ metadata: { k: { nested: true } } }, 'metadata.k'],
      [{ metadata: tooMany }, 'metadata'],
      [{ metadata: { k: 'v' }, extra: 1 }, 'extra'],
    ] as const) {
      const { status, body: error } = await post(t.stack, `/v1/payments/${payment.id}/enrichment`, body);
      assert.equal(status, 400, JSON.stringify(error));
      assert.equal(error.error.param, param, JSON.stringify(error));
    }
    assert.equal((await post(t.stack, '/v1/payments/pay_unknown/enrichment', { metadata: { k: 'v' } })).status, 404);
    const other = await createMerchant(t.stack.db, { name: 'Another shop', allowedOrigins: [] });
    const foreign = await t.stack.app.request(`/v1/payments/${payment.id}/enrichment`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${other.secretKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ metadata: { k: 'v' } }),
    });
    assert.equal(foreign.status, 404, 'another merchant cannot label it');
    assert.equal((await get(t.stack, '/v1/pagos/exports?status=lost')).body.error.param, 'status');
  });
});
