/**
 * Merchant webhooks through the real stack: payments and invoices on the sandboxes, deliveries
 * over real HTTP to a merchant receiver started here (it records what it got and checks every
 * signature the way the README tells merchants to). Events and their payloads, filtering,
 * secret rotation, retries on errors and time-outs, redelivery by hand, giving up after 3 days,
 * an hour-long outage (in simulated time), and exactly-once delivery across a restart and with
 * two workers on one database.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { card, client, eventually, invoiceBody, startTestStack, testSchema, useTestStack } from './helpers.ts';
import type { Stack } from '../../server/stack.ts';
import { createMerchant } from '../../server/merchants.ts';
import { verifyWebhook } from '../../server/webhooks/verify.ts';
import { webhookHandlers } from '../../server/webhooks/deliver.ts';
import { startOutboxWorker, type Handler } from '../../server/outbox/worker.ts';
import { openDb } from '../../server/storage/db.ts';
import { redactString } from '../../server/log.ts';

const FAST = { pollMs: 20, backoffBaseMs: 30, backoffMaxMs: 200 };
const t = useTestStack({ outbox: FAST, webhookTimeoutMs: 300 });

interface Received {
  raw: string;
  headers: IncomingHttpHeaders;
  event: any;
}

/** A merchant's webhook receiver on a free port: records every request; `respond` picks the answer (and may take its time). */
async function receiver(respond: (got: Received, n: number) => number | Promise<number> = () => 200) {
  const received: Received[] = [];
  const state = { respond };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const got = { raw, headers: request.headers, event: JSON.parse(raw) };
      received.push(got);
      Promise.resolve(state.respond(got, received.length)).then(
        (status) => {
          if (response.destroyed) return;
          response.writeHead(status, { 'Content-Type': 'application/json' });
          response.end(JSON.stringify({ received: status < 300 }));
        },
        () => response.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    received,
    state,
    ids: () => received.map((got) => got.event.id as string),
    types: () => received.map((got) => got.event.type as string),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
const receivers: Awaited<ReturnType<typeof receiver>>[] = [];
after(() => Promise.all(receivers.map((r) => r.close())));
const openReceiver = async (respond?: Parameters<typeof receiver>[0]) => {
  const r = await receiver(respond);
  receivers.push(r);
  return r;
};

/** A merchant of its own (so other tests' payments never reach its endpoints), with the stack's API client. */
async function merchant(stack: Stack, mode: 'test' | 'live' = 'test') {
  const keys = await createMerchant(stack.db, { name: 'Webhook Shop', mode, allowedOrigins: [stack.demoUrl] });
  return client({ ...stack, keys: { publishable: keys.publishableKey, secret: keys.secretKey, merchantId: keys.merchantId } });
}
type Api = Awaited<ReturnType<typeof merchant>>;

async function endpoint(api: Api, url: string, enabled_events: string[] = ['*']) {
  const created = await api.post('/v1/webhook_endpoints', { url, enabled_events });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body as { id: string; secret: string };
}

/** Every request verified with `secret` (the README's check): a forged or stale one fails the test. */
function assertSigned(received: Received[], secret: string) {
  for (const got of received) {
    const verified = verifyWebhook(got.raw, got.headers['paykit-signature'] as string, secret);
    assert.equal(verified.ok, true, `${got.event.type}: ${JSON.stringify(verified)} ${got.headers['paykit-signature']}`);
    assert.equal(got.headers['paykit-event-id'], got.event.id);
    assert.equal(got.headers['paykit-event-type'], got.event.type);
    assert.equal(got.headers['content-type'], 'application/json');
  }
}

async function deliveries(api: Api, endpointId: string, query = '') {
  const list = await api.get(`/v1/webhook_endpoints/${endpointId}/deliveries${query}`);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  return list.body.data as any[];
}

/** Waits until the endpoint has `n` deliveries, all delivered, and the worker has nothing left. */
async function allDelivered(stack: Stack, api: Api, endpointId: string, n: number, ms = 8000) {
  await eventually(async () => {
    const list = await deliveries(api, endpointId, '?limit=100');
    return list.length === n && list.every((d) => d.status === 'delivered');
  }, ms);
  await stack.outbox!.idle();
}

const settle = async (stack: Stack, reference: string) => {
  const response = await fetch(`${stack.sandboxUrl}/pepper/sandbox/transactions/${reference}/settle`, { method: 'POST' });
  assert.equal(response.status, 200);
};

describe('merchant webhooks: what is sent', () => {
  it('a card payment that succeeds: one payment.succeeded, signed, carrying the payment as the API shows it', async () => {
    const api = await merchant(t.stack);
    const r = await openReceiver();
    const hook = await endpoint(api, r.url);
    assert.match(hook.secret, /^whsec_[A-Za-z0-9]{32}$/);
    const paid = await api.pay('4242424242424242', { order_id: 'W-1' });
    assert.equal(paid.body.status, 'succeeded', JSON.stringify(paid.body));
    await allDelivered(t.stack, api, hook.id, 1);

    assert.deepEqual(r.types(), ['payment.succeeded']);
    assertSigned(r.received, hook.secret);
    const [got] = r.received;
    const event = got!.event;
    assert.match(event.id, /^evt_/);
    assert.deepEqual(Object.keys(event).sort(), ['created', 'data', 'id', 'livemode', 'object', 'type']);
    assert.equal(event.object, 'event');
    assert.equal(event.livemode, false);
    assert.ok(Math.abs(event.created - Date.now() / 1000) < 60);
    const payment = (await api.payment(paid.body.id)).body;
    assert.equal(event.data.object.id, paid.body.id);
    assert.equal(event.data.object.status, 'succeeded');
    assert.equal(event.data.object.order_id, 'W-1');
    assert.deepEqual(event.data.object.card, payment.card);
    assert.equal(event.data.object.amount, payment.amount);
    assert.ok(!got!.raw.includes('4242424242424242') && !got!.raw.includes('"cvc"'), 'no card number or CVC in a payload');

    // The event as the API shows it is the event as it was sent.
    const shown = await api.get(`/v1/webhook_events/${event.id}`);
    assert.deepEqual(shown.body, event);
    const listed = await api.get(`/v1/webhook_events?object=${paid.body.id}`);
    assert.deepEqual(listed.body.data.map((e: any) => e.id), [event.id]);

    const [delivery] = await deliveries(api, hook.id);
    assert.equal(delivery.event.id, event.id);
    assert.equal(delivery.attempt_count, 1);
    assert.equal(delivery.last_response_status, 200);
    assert.equal(delivery.next_attempt_at, null);
    assert.ok(delivery.attempts[0].duration_ms >= 0);

    // The secret is shown once, and is nowhere in the database in the clear.
    const read = await api.get(`/v1/webhook_endpoints/${hook.id}`);
    assert.equal(read.body.secret, undefined);
    assert.equal(read.body.secret_hint, hook.secret.slice(-4));
    const dump = JSON.stringify(await t.stack.db.query(`SELECT * FROM webhook_endpoints`));
    assert.ok(!dump.includes(hook.secret) && !dump.includes(hook.secret.slice(6)), 'the secret is sealed');
    assert.ok(!t.stack.log.lines!.some((line) => line.includes(hook.secret.slice(6))), 'nor in a log line');
    assert.equal(redactString(`oops ${hook.secret} logged`), 'oops whsec_[redacted] logged', 'the logger masks one, should a call site try');
  });

  it('a decline is payment.failed, a 3DS redirect payment.requires_action; an endpoint gets only the types it asked for', async () => {
    const api = await merchant(t.stack);
    const all = await openReceiver();
    const failures = await openReceiver();
    const everything = await endpoint(api, all.url);
    const onlyFailed = await endpoint(api, failures.url, ['payment.failed']);
    const declined = await api.pay('4000000000000002');
    assert.equal(declined.body.status, 'failed', JSON.stringify(declined.body));
    const challenged = await api.pay('4000000000003220');
    assert.equal(challenged.body.status, 'requires_action', JSON.stringify(challenged.body));
    await allDelivered(t.stack, api, everything.id, 2);
    await allDelivered(t.stack, api, onlyFailed.id, 1);
    assert.deepEqual(all.types().sort(), ['payment.failed', 'payment.requires_action']);
    assert.deepEqual(failures.types(), ['payment.failed']);
    assert.equal(failures.received[0]!.event.data.object.error.code, declined.body.error.code);
    assert.equal(failures.ids()[0], all.received.find((got) => got.event.type === 'payment.failed')!.event.id, 'one event, one id, for every endpoint');
    assertSigned(all.received, everything.secret);
    assertSigned(failures.received, onlyFailed.secret);
    assert.equal(verifyWebhook(failures.received[0]!.raw, failures.received[0]!.headers['paykit-signature'] as string, everything.secret).ok, false, 'each endpoint has its own secret');

    // A disabled endpoint gets nothing new; enabled again, it does.
    assert.equal((await api.post(`/v1/webhook_endpoints/${onlyFailed.id}`, { disabled: true })).body.status, 'disabled');
    await api.pay('4000000000000002');
    await allDelivered(t.stack, api, everything.id, 3);
    assert.equal(failures.received.length, 1);
    assert.equal((await api.post(`/v1/webhook_endpoints/${onlyFailed.id}`, { disabled: false, enabled_events: ['payment.failed', 'payment.succeeded'] })).body.status, 'enabled');
    await api.pay('4242424242424242');
    await allDelivered(t.stack, api, onlyFailed.id, 2);
    assert.deepEqual(failures.types(), ['payment.failed', 'payment.succeeded']);
  });

  it('a PIX payment: payment.requires_action when the code is shown, payment.succeeded when the provider\'s webhook says it was paid', async () => {
    const api = await merchant(t.stack);
    const r = await openReceiver();
    const hook = await endpoint(api, r.url, ['payment.requires_action', 'payment.succeeded']);
    const session = (await api.createSession({ amount: 12990, currency: 'BRL' })).body;
    const { body } = await api.confirm(session, { payment_method: { type: 'pix', pix: { name: 'Ana Souza', document: '529.982.247-25' } } });
    assert.equal(body.status, 'requires_action', JSON.stringify(body));
    await allDelivered(t.stack, api, hook.id, 1);
    const reference = (await api.payment(body.id)).body.provider_reference;
    assert.equal((await fetch(`${t.stack.sandboxUrl}/pagou/sandbox/transactions/${reference}/pay`, { method: 'POST' })).status, 200);
    await allDelivered(t.stack, api, hook.id, 2);
    assert.deepEqual(r.types(), ['payment.requires_action', 'payment.succeeded']);
    assert.equal(r.received[0]!.event.data.object.next_action.type, 'pix');
    assert.equal(r.received[1]!.event.data.object.status, 'succeeded');
    assertSigned(r.received, hook.secret);
  });

  it('an event exists only if its change committed: a rolled-back transition leaves no event and nothing to send', async () => {
    const api = await merchant(t.stack);
    const r = await openReceiver();
    const hook = await endpoint(api, r.url, ['payment.failed']);
    const challenged = await api.pay('4000000000003220');
    assert.equal(challenged.body.status, 'requires_action');
    const { transition } = await import('../../server/payments/state.ts');
    await assert.rejects(
      t.stack.db.transaction(async (tx) => {
        assert.equal(await transition(tx, challenged.body.id, 'failed', 'webhook', { errorCode: 'authentication_failed' }), 'failed');
        assert.equal((await tx.query(`SELECT id FROM webhook_events WHERE object_id = $1`, [challenged.body.id])).length, 1, 'recorded inside');
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    assert.equal((await api.get(`/v1/webhook_events?object=${challenged.body.id}`)).body.data.length, 0);
    assert.equal((await deliveries(api, hook.id)).length, 0);
    await t.stack.db.transaction((tx) => transition(tx, challenged.body.id, 'failed', 'webhook', { errorCode: 'authentication_failed' }));
    await allDelivered(t.stack, api, hook.id, 1);
    assert.deepEqual(r.types(), ['payment.failed']);
    assert.equal(r.received[0]!.event.data.object.error.code, 'authentication_failed');
  });

  it('capture, refund and void: payment.captured then payment.succeeded, payment.refunded, payment.canceled', async () => {
    const api = await merchant(t.stack);
    const r = await openReceiver();
    const hook = await endpoint(api, r.url);
    const session = (await api.createSession({ provider: 'pepper', amount: 5000, capture_method: 'manual' })).body;
    const auth = await api.confirm(session, { payment_method: { type: 'card', card: card('4111111111111111') } });
    assert.equal(auth.body.status, 'requires_capture', JSON.stringify(auth.body));
    const captured = await api.post(`/v1/payments/${auth.body.id}/capture`, { amount: 4000 });
    assert.equal(captured.status, 200, JSON.stringify(captured.body));
    await settle(t.stack, captured.body.provider_reference);
    const refund = await api.post(`/v1/payments/${auth.body.id}/refunds`, { amount: 1500 });
    assert.equal(refund.status, 201, JSON.stringify(refund.body));
    const other = (await api.createSession({ provider: 'pepper', capture_method: 'manual' })).body;
    const toVoid = await api.confirm(other, { payment_method: { type: 'card', card: card('4111111111111111') } });
    assert.equal((await api.post(`/v1/payments/${toVoid.body.id}/void`)).body.status, 'canceled');

    await allDelivered(t.stack, api, hook.id, 4);
    assertSigned(r.received, hook.secret);
    const byType = Object.fromEntries(r.received.map((got) => [got.event.type, got.event.data.object]));
    assert.deepEqual(Object.keys(byType).sort(), ['payment.canceled', 'payment.captured', 'payment.refunded', 'payment.succeeded']);
    assert.equal(byType['payment.captured'].amount_captured, 4000);
    assert.equal(byType['payment.refunded'].amount_refunded, 1500);
    assert.equal(byType['payment.canceled'].id, toVoid.body.id);
    const events = (await api.get(`/v1/webhook_events?object=${auth.body.id}`)).body.data.map((e: any) => e.type);
    assert.deepEqual(events.sort(), ['payment.captured', 'payment.refunded', 'payment.succeeded']);
    assert.equal((await api.get('/v1/webhook_events?type=payment.canceled')).body.data.length, 1);
  });

  it('an invoice paid in two parts: invoice.partially_paid, then invoice.paid, with its hosted URL', async () => {
    const api = await merchant(t.stack);
    const r = await openReceiver();
    const hook = await endpoint(api, r.url, ['invoice.paid', 'invoice.partially_paid']);
    const invoice = await api.post('/v1/invoices', invoiceBody({ payment_methods: ['card'], allow_partial_payment: true }));
    assert.equal(invoice.status, 201, JSON.stringify(invoice.body));
    for (const amount of [4000, 6000]) {
      const checkout = await api.json(
        await api.request(`/invoices/${invoice.body.public_id}/checkout`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ amount }) }),
      );
      assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
      const paid = await api.confirm({ id: checkout.body.session_id, client_secret: checkout.body.client_secret }, { payment_method: { type: 'card', card: card('4111111111111111') } });
      assert.equal(paid.body.status, 'succeeded', JSON.stringify(paid.body));
    }
    await allDelivered(t.stack, api, hook.id, 2);
    assertSigned(r.received, hook.secret);
    const [partly, fully] = [...r.received].sort((a, b) => a.event.data.object.amount_paid - b.event.data.object.amount_paid).map((got) => got.event);
    assert.equal(partly.type, 'invoice.partially_paid');
    assert.equal(partly.data.object.amount_paid, 4000);
    assert.equal(fully.type, 'invoice.paid');
    assert.equal(fully.data.object.status, 'paid');
    assert.equal(fully.data.object.amount_due, 0);
    assert.equal(fully.data.object.hosted_url, invoice.body.hosted_url);
    assert.deepEqual(fully.data.object.payments.map((p: any) => p.amount), [4000, 6000]);
  });
});

describe('merchant webhooks: the endpoints API', () => {
  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const api = await merchant(t.stack);
    const url = 'https://example.com/hooks';
    for (const [body, param] of [
      [{ url: 'ftp://example.com/x', enabled_events: ['*'] }, 'url'],
      [{ url: 'not a url', enabled_events: ['*'] }, 'url'],
      [{ url: 'https://example.com/a\u0000b', enabled_events: ['*'] }, 'url'],
      [{ url: 'https://example.com/\ud800', enabled_events: ['*'] }, 'url'],
      [{ url: `https://example.com/${'a'.repeat(2100)}`, enabled_events: ['*'] }, 'url'],
      [{ enabled_events: ['*'] }, 'url'],
      [{ url }, 'enabled_events'],
      [{ url, enabled_events: [] }, 'enabled_events'],
      [{ url, enabled_events: ['payment.exploded'] }, 'enabled_events.0'],
      [{ url, enabled_events: 'payment.failed' }, 'enabled_events'],
      [{ url, enabled_events: ['*'], description: 'x'.repeat(501) }, 'description'],
      [{ url, enabled_events: ['*'], secret: 'whsec_mine' }, 'secret'],
    ] as const) {
      const { status, body: error } = await api.post('/v1/webhook_endpoints', body);
      assert.equal(status, 400, JSON.stringify(error));
      assert.equal(error.error.param, param, JSON.stringify(error));
    }
    assert.deepEqual((await api.get('/v1/webhook_endpoints')).body.data, []);
    const hook = await endpoint(api, url);
    for (const [body, param] of [
      [{ url: 'javascript:alert(1)' }, 'url'],
      [{ disabled: 'yes' }, 'disabled'],
      [{ enabled_events: ['invoice.void'] }, 'enabled_events.0'],
    ] as const) {
      const { status, body: error } = await api.post(`/v1/webhook_endpoints/${hook.id}`, body);
      assert.equal(status, 400, JSON.stringify(error));
      assert.equal(error.error.param, param);
    }
    for (const expires_in of [-1, 1.5, 8 * 86_400, '60']) {
      const { status, body: error } = await api.post(`/v1/webhook_endpoints/${hook.id}/rotate_secret`, { expires_in });
      assert.equal(status, 400, JSON.stringify(error));
      assert.equal(error.error.param, 'expires_in');
    }
    assert.equal((await api.get('/v1/webhook_endpoints?')).body.data[0].url, url, 'unchanged');
    assert.equal((await api.get(`/v1/webhook_endpoints/${hook.id}/deliveries?status=lost`)).body.error.param, 'status');
    assert.equal((await api.get('/v1/webhook_events?type=payment.nope')).body.error.param, 'type');
  });

  it('CRUD: list, read, update, delete; another merchant, and another mode, get a 404', async () => {
    const api = await merchant(t.stack);
    const stranger = await merchant(t.stack);
    const created = await api.post('/v1/webhook_endpoints', { url: 'https://shop.example/hooks', enabled_events: ['payment.succeeded', '*'], description: 'Orders' });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.enabled_events, ['*'], '"*" covers every type');
    const id = created.body.id as string;
    assert.match(id, /^we_/);
    assert.equal((await api.get('/v1/webhook_endpoints')).body.data.length, 1);
    const updated = await api.post(`/v1/webhook_endpoints/${id}`, { url: 'https://shop.example/v2/hooks', enabled_events: ['invoice.paid'], description: null });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.deepEqual([updated.body.url, updated.body.enabled_events, updated.body.description], ['https://shop.example/v2/hooks', ['invoice.paid'], null]);
    for (const [method, path] of [
      ['GET', `/v1/webhook_endpoints/${id}`],
      ['POST', `/v1/webhook_endpoints/${id}`],
      ['DELETE', `/v1/webhook_endpoints/${id}`],
      ['POST', `/v1/webhook_endpoints/${id}/rotate_secret`],
      ['GET', `/v1/webhook_endpoints/${id}/deliveries`],
    ]) {
      const answer = await stranger.json(await stranger.request(path!, { method, headers: stranger.secretHeaders, ...(method === 'POST' ? { body: '{}' } : {}) }));
      assert.equal(answer.status, 404, `${method} ${path}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 'resource_missing');
    }
    assert.deepEqual((await stranger.get('/v1/webhook_endpoints')).body.data, []);
    // A live key sees no test endpoint, and a live endpoint must be https.
    const live = await merchant(t.stack, 'live');
    for (const url of ['http://shop.example/hooks', 'https://localhost/x', 'https://127.0.0.1/x', 'https://2130706433/x', 'https://10.1.2.3/x', 'https://169.254.169.254/latest', 'https://[::1]/x', 'https://[::ffff:127.0.0.1]/x', 'https://db.internal/x']) {
      const refused = await live.post('/v1/webhook_endpoints', { url, enabled_events: ['*'] });
      assert.equal(refused.status, 400, url);
      assert.equal(refused.body.error.param, 'url', url);
    }
    assert.equal((await live.post('/v1/webhook_endpoints', { url: 'https://shop.example/hooks', enabled_events: ['*'] })).body.livemode, true);

    assert.equal((await api.get('/v1/webhook_endpoints/we_nope')).status, 404);
    assert.equal((await api.get('/v1/webhook_endpoints/../x')).status, 404);
    const deleted = await api.json(await api.request(`/v1/webhook_endpoints/${id}`, { method: 'DELETE', headers: api.secretHeaders }));
    assert.deepEqual(deleted.body, { id, object: 'webhook_endpoint', deleted: true });
    assert.equal((await api.get(`/v1/webhook_endpoints/${id}`)).status, 404);
    assert.equal((await api.get('/v1/webhook_endpoints')).body.data.length, 0);
    assert.equal((await api.request('/v1/webhook_endpoints', { headers: { Authorization: `Bearer ${t.stack.keys.publishable}` } })).status, 403, 'secret key only');
  });

  it('is in the OpenAPI document, from the schemas that check the requests', async () => {
    const doc = (await (await t.api.request('/openapi.json')).json()) as any;
    const create = doc.paths['/v1/webhook_endpoints'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(create.required.sort(), ['enabled_events', 'url']);
    assert.ok(create.properties.enabled_events.items.enum.includes('invoice.partially_paid'));
    assert.ok(doc.paths['/v1/webhook_endpoints/{id}/deliveries/{delivery}/redeliver'].post);
    assert.ok(doc.paths['/v1/webhook_events/{id}'].get);
  });

  it('creation and rotation are idempotent with Idempotency-Key: the replay shows the same secret, never stored in the clear', async () => {
    const api = await merchant(t.stack);
    const key = { 'Idempotency-Key': `wh-${randomBytes(6).toString('hex')}` };
    const body = { url: 'https://shop.example/hooks', enabled_events: ['*'] };
    const first = await api.post('/v1/webhook_endpoints', body, key);
    const again = await api.post('/v1/webhook_endpoints', body, key);
    assert.equal(first.status, 201);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal((await api.get('/v1/webhook_endpoints')).body.data.length, 1, 'created once');
    const rotateKey = { 'Idempotency-Key': `rot-${randomBytes(6).toString('hex')}` };
    const rotated = await api.post(`/v1/webhook_endpoints/${first.body.id}/rotate_secret`, {}, rotateKey);
    const replayed = await api.post(`/v1/webhook_endpoints/${first.body.id}/rotate_secret`, {}, rotateKey);
    assert.equal(rotated.body.secret, replayed.body.secret);
    assert.notEqual(rotated.body.secret, first.body.secret);
    const stored = JSON.stringify(await t.stack.db.query(`SELECT * FROM idempotency_keys`));
    assert.ok(stored.includes('sealed_secret'), 'the replayed answer is kept, its secret sealed');
    for (const secret of [first.body.secret, rotated.body.secret]) assert.ok(!stored.includes(secret.slice(6)), 'no secret in the clear in the idempotency records');
  });
});

describe('merchant webhooks: rotation, retries, redelivery', () => {
  it('rotation: both signatures during the overlap (new first), only the new one after it ends; expires_in 0 ends it at once', async () => {
    const api = await merchant(t.stack);
    const r = await openReceiver();
    const hook = await endpoint(api, r.url, ['payment.succeeded']);
    const rotated = await api.post(`/v1/webhook_endpoints/${hook.id}/rotate_secret`, { expires_in: 1 });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    assert.ok(rotated.body.previous_secret_expires_at);
    await api.pay('4242424242424242');
    await allDelivered(t.stack, api, hook.id, 1);
    const overlap = r.received[0]!;
    const signatures = (overlap.headers['paykit-signature'] as string).split(',');
    assert.equal(signatures.length, 3, 't= and two v1=');
    assertSigned([overlap], rotated.body.secret);
    assertSigned([overlap], hook.secret);
    const [, newest] = signatures;
    assert.equal(verifyWebhook(overlap.raw, `${signatures[0]},${newest}`, rotated.body.secret).ok, true, 'the new secret signs first');

    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await api.get(`/v1/webhook_endpoints/${hook.id}`)).body.previous_secret_expires_at, null);
    await api.pay('4242424242424242');
    await allDelivered(t.stack, api, hook.id, 2);
    const later = r.received[1]!;
    assert.equal((later.headers['paykit-signature'] as string).split(',').length, 2, 'one v1= after the overlap');
    assertSigned([later], rotated.body.secret);
    assert.equal(verifyWebhook(later.raw, later.headers['paykit-signature'] as string, hook.secret).ok, false, 'the old secret no longer verifies');

    const leaked = await api.post(`/v1/webhook_endpoints/${hook.id}/rotate_secret`, { expires_in: 0 });
    assert.equal(leaked.body.previous_secret_expires_at, null);
    await api.pay('4242424242424242');
    await allDelivered(t.stack, api, hook.id, 3);
    const third = r.received[2]!;
    assert.equal((third.headers['paykit-signature'] as string).split(',').length, 2);
    assertSigned([third], leaked.body.secret);
    assert.equal(verifyWebhook(third.raw, third.headers['paykit-signature'] as string, rotated.body.secret).ok, false);
  });

  it('a 500 then a 200: retried with the same event, and the deliveries list shows 500 then 200', async () => {
    const api = await merchant(t.stack);
    const r = await openReceiver((_got, n) => (n === 1 ? 500 : 200));
    const hook = await endpoint(api, r.url);
    await api.pay('4242424242424242');
    await allDelivered(t.stack, api, hook.id, 1);
    assert.equal(r.received.length, 2);
    assert.equal(r.ids()[0], r.ids()[1], 'the same event id on the retry');
    assert.equal(r.received[0]!.raw, r.received[1]!.raw, 'the same body');
    assertSigned(r.received, hook.secret);
    const [delivery] = await deliveries(api, hook.id);
    assert.deepEqual(delivery.attempts.map((a: any) => [a.attempt, a.response_status]), [[1, 500], [2, 200]]);
    assert.match(delivery.attempts[0].error, /^500 /);
    assert.equal(delivery.attempts[1].error, null);
    assert.equal(delivery.status, 'delivered');
  });

  it('an answer slower than the time limit counts as failed and is retried; a redirect is not followed', async () => {
    const api = await merchant(t.stack);
    const r = await openReceiver(async (_got, n) => {
      if (n === 1) await new Promise((resolve) => setTimeout(resolve, 700));
      return n === 2 ? 302 : 204;
    });
    const hook = await endpoint(api, r.url);
    await api.pay('4242424242424242');
    await allDelivered(t.stack, api, hook.id, 1);
    const [delivery] = await deliveries(api, hook.id);
    assert.deepEqual(delivery.attempts.map((a: any) => a.response_status), [null, 302, 204]);
    assert.match(delivery.attempts[0].error, /no answer within 300 ms/);
    assert.ok(delivery.attempts[0].duration_ms >= 250 && delivery.attempts[0].duration_ms < 700, String(delivery.attempts[0].duration_ms));
    assert.equal(new Set(r.ids()).size, 1, 'one event, sent three times');
  });

  it('redelivery by hand sends a delivered event again, now; unknown or foreign deliveries are 404', async () => {
    const api = await merchant(t.stack);
    const r = await openReceiver();
    const hook = await endpoint(api, r.url);
    const other = await endpoint(api, 'http://127.0.0.1:9/never');
    await api.pay('4242424242424242');
    await allDelivered(t.stack, api, hook.id, 1);
    const [delivery] = await deliveries(api, hook.id);
    const again = await api.post(`/v1/webhook_endpoints/${hook.id}/deliveries/${delivery.id}/redeliver`);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.status, 'pending');
    await eventually(async () => r.received.length === 2);
    await allDelivered(t.stack, api, hook.id, 1);
    assert.deepEqual(r.ids(), [delivery.event.id, delivery.event.id]);
    const [after] = await deliveries(api, hook.id);
    assert.deepEqual(after.attempts.map((a: any) => a.response_status), [200, 200]);
    assert.equal((await api.post(`/v1/webhook_endpoints/${other.id}/deliveries/${delivery.id}/redeliver`)).status, 404, 'another endpoint\'s delivery');
    assert.equal((await api.post(`/v1/webhook_endpoints/${hook.id}/deliveries/whd_nope/redeliver`)).status, 404);
    const stranger = await merchant(t.stack);
    assert.equal((await stranger.post(`/v1/webhook_endpoints/${hook.id}/deliveries/${delivery.id}/redeliver`)).status, 404);
    assert.equal((await stranger.get(`/v1/webhook_events/${delivery.event.id}`)).status, 404);
    assert.equal(r.received.length, 2);
  });
});

/** A stack whose worker runs on a simulated clock: `advance` moves it (and runs what is due). */
/** An endpoint's status, why it is disabled, and since when it fails. */
async function standing(api: Api, endpointId: string) {
  const read = (await api.get(`/v1/webhook_endpoints/${endpointId}`)).body;
  return [read.status, read.disabled_reason, read.failing_since];
}

async function simulatedStack() {
  let offset = 0;
  const now = () => Date.now() + offset;
  // The production backoff (1 s × 2^n capped at 1 h, ±20%) and 3-day give-up, on the simulated clock.
  const stack = await startTestStack({ outbox: { pollMs: 20, now }, webhookTimeoutMs: 300 });
  /** The earliest time a pending row is due, in simulated ms (null: nothing pending). */
  const nextDue = async () => {
    const [row] = await stack.db.query<{ due: Date | null }>(`SELECT min(run_after) AS due FROM outbox WHERE status = 'pending' AND topic = 'merchant.webhook'`);
    return row?.due ? new Date(row.due).getTime() : null;
  };
  return {
    stack,
    now,
    async advanceTo(time: number) {
      offset += Math.max(0, time - now());
      await stack.outbox!.idle();
    },
    nextDue,
  };
}

describe('merchant webhooks: outages and giving up (simulated time)', () => {
  it('an endpoint down for an hour, then up: everything is delivered, each event once after recovery', async (context) => {
    const sim = await simulatedStack();
    try {
      const api = await merchant(sim.stack);
      let down = true;
      const r = await openReceiver(() => (down ? 503 : 200));
      const hook = await endpoint(api, r.url);
      const PAYMENTS = 40;
      const started = sim.now();
      for (let i = 0; i < PAYMENTS; i += 1) await api.pay(i % 4 === 3 ? '4000000000000002' : '4242424242424242');
      await sim.stack.outbox!.idle();
      const hour = started + 3600_000;
      // Time moves from one due retry to the next until the hour is over.
      for (let due = await sim.nextDue(); due !== null && due < hour; due = await sim.nextDue()) await sim.advanceTo(due);
      const failedAttempts = r.received.length;
      assert.ok(failedAttempts >= PAYMENTS * 10, `retried through the hour (${failedAttempts} attempts)`);
      down = false;
      await sim.advanceTo(hour);
      const recovered = sim.now();
      let drained = recovered;
      for (let due = await sim.nextDue(); due !== null; due = await sim.nextDue()) {
        await sim.advanceTo(due);
        drained = sim.now();
      }
      const list = await deliveries(api, hook.id, '?limit=100');
      assert.equal(list.length, PAYMENTS);
      assert.ok(list.every((d) => d.status === 'delivered'), 'every delivery delivered');
      const ok = r.received.filter((_, i) => i >= failedAttempts);
      assert.equal(new Set(ok.map((got) => got.event.id)).size, PAYMENTS, 'every event arrived');
      assert.equal(ok.length, PAYMENTS, 'each exactly once after recovery');
      // Signed at the simulated time: verified against that clock.
      for (const got of ok) assert.ok(verifyWebhook(got.raw, got.headers['paykit-signature'] as string, hook.secret, 300, Math.floor(sim.now() / 1000)).ok);
      const perDelivery = list.map((d) => d.attempt_count).sort((a, b) => a - b);
      const figure = {
        events: PAYMENTS,
        attempts_total: r.received.length,
        attempts_per_delivery: `${perDelivery[0]}–${perDelivery.at(-1)}`,
        minutes_to_drain_after_recovery: Math.round(((drained - recovered) / 60_000) * 10) / 10,
      };
      context.diagnostic(`webhook outage figure: ${JSON.stringify(figure)}`);
      // The backoff is capped at an hour, and a recovered endpoint gets its backlog at once.
      assert.ok(drained - recovered <= 3600_000 * 1.2, JSON.stringify(figure));
      // An hour is not three days: still enabled, and no longer failing.
      assert.deepEqual(await standing(api, hook.id), ['enabled', null, null]);
    } finally {
      await sim.stack.close();
    }
  });

  it('an endpoint that never answers 2xx: retried for 3 days, then failed and the endpoint disabled; enabled again, the delivery is sent by hand', async () => {
    const sim = await simulatedStack();
    try {
      const api = await merchant(sim.stack);
      const r = await openReceiver(() => 503);
      const hook = await endpoint(api, r.url);
      await api.pay('4242424242424242');
      await sim.stack.outbox!.idle();
      const started = sim.now();
      for (let due = await sim.nextDue(); due !== null; due = await sim.nextDue()) await sim.advanceTo(due);
      const elapsedHours = (sim.now() - started) / 3600_000;
      const [delivery] = await deliveries(api, hook.id);
      assert.equal(delivery.status, 'failed');
      assert.equal(delivery.next_attempt_at, null);
      assert.ok(elapsedHours >= 72 && elapsedHours < 74, `gave up after ${elapsedHours} hours`);
      assert.ok(delivery.attempt_count > 70 && delivery.attempt_count < 100, String(delivery.attempt_count));
      assert.equal(delivery.attempts.length, 25, 'the latest attempts');
      assert.equal(delivery.last_response_status, 503);
      assert.equal((await deliveries(api, hook.id, '?status=failed')).length, 1);
      assert.equal((await deliveries(api, hook.id, '?status=pending')).length, 0);
      // Three days without a 2xx: Paykit disabled the endpoint, and says why and since when.
      const disabled = (await api.get(`/v1/webhook_endpoints/${hook.id}`)).body;
      assert.equal(disabled.status, 'disabled');
      assert.equal(disabled.disabled_reason, 'failing');
      assert.ok(Math.abs(new Date(disabled.failing_since).getTime() - started) < 60_000, disabled.failing_since);
      assert.match(delivery.last_error ?? '', /503/);
      // Nothing new reaches it, and nothing is sent by hand until the merchant enables it.
      const attemptsBefore = r.received.length;
      await api.pay('4242424242424242');
      await sim.advanceTo(sim.now() + 3600_000);
      assert.equal(r.received.length, attemptsBefore);
      const refused = await api.post(`/v1/webhook_endpoints/${hook.id}/deliveries/${delivery.id}/redeliver`);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'webhook_endpoint_disabled');
      // Fixed: the merchant enables it (a fresh start) and sends the delivery again by hand.
      r.state.respond = () => 200;
      assert.equal((await api.post(`/v1/webhook_endpoints/${hook.id}`, { disabled: false })).status, 200);
      assert.deepEqual(await standing(api, hook.id), ['enabled', null, null]);
      const again = await api.post(`/v1/webhook_endpoints/${hook.id}/deliveries/${delivery.id}/redeliver`);
      assert.equal(again.status, 200);
      await sim.advanceTo(sim.now());
      const [after] = await deliveries(api, hook.id);
      assert.equal(after.status, 'delivered');
      assert.equal(after.last_response_status, 200);
    } finally {
      await sim.stack.close();
    }
  });

  it('failures that a 2xx interrupts never add up to three days: the endpoint stays enabled', async () => {
    const sim = await simulatedStack();
    try {
      const api = await merchant(sim.stack);
      let down = true;
      const r = await openReceiver(() => (down ? 500 : 200));
      const hook = await endpoint(api, r.url);
      const started = sim.now();
      // Down two days, up for one payment, down two more days: four days of failures in all.
      for (const to of [2, 4]) {
        down = true;
        await api.pay('4242424242424242');
        await sim.stack.outbox!.idle();
        for (let due = await sim.nextDue(); due !== null && due < started + to * 86_400_000 - 3600_000; due = await sim.nextDue()) await sim.advanceTo(due);
        down = false;
        for (let due = await sim.nextDue(); due !== null; due = await sim.nextDue()) await sim.advanceTo(due);
      }
      assert.deepEqual(await standing(api, hook.id), ['enabled', null, null]);
      const list = await deliveries(api, hook.id);
      assert.ok(list.length >= 2 && list.every((d) => d.status === 'delivered'), JSON.stringify(list.map((d) => d.status)));
    } finally {
      await sim.stack.close();
    }
  });

  it('events are kept 30 days, then deleted with their deliveries and attempts, except one still being retried', async () => {
    const sim = await simulatedStack();
    try {
      const api = await merchant(sim.stack);
      const r = await openReceiver(() => 200);
      const hook = await endpoint(api, r.url);
      for (let i = 0; i < 3; i += 1) await api.pay('4242424242424242');
      await sim.stack.outbox!.idle();
      const events = (await api.get('/v1/webhook_events?limit=100')).body.data as { id: string }[];
      assert.ok(events.length >= 3, String(events.length));
      const [kept, ...rest] = await deliveries(api, hook.id, '?limit=100');
      const count = async (sql: string) => Number((await sim.stack.db.query<{ n: number }>(sql, [hook.id]))[0]!.n);
      const attempts = () => count(`SELECT count(*)::int AS n FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1`);
      const work = () => count(`SELECT count(*)::int AS n FROM outbox o JOIN webhook_deliveries d ON d.id = o.subject WHERE o.topic = 'merchant.webhook' AND d.endpoint_id = $1`);
      assert.equal(await attempts(), events.length);
      // 29 days on: all there.
      await sim.advanceTo(sim.now() + 29 * 86_400_000);
      assert.equal((await api.get('/v1/webhook_events?limit=100')).body.data.length, events.length);
      // On day 30 one is redelivered by hand to an endpoint that now fails: it is still being retried.
      r.state.respond = () => 503;
      await sim.advanceTo(sim.now() + 86_400_000 - 3600_000);
      assert.equal((await api.post(`/v1/webhook_endpoints/${hook.id}/deliveries/${kept.id}/redeliver`)).status, 200);
      // Past 30 days (and the sweep's 10 minutes): the others are gone, with their deliveries, attempts and outbox rows.
      await sim.advanceTo(sim.now() + 2 * 3600_000);
      const left = (await api.get('/v1/webhook_events?limit=100')).body.data as { id: string }[];
      assert.deepEqual(left.map((e) => e.id), [kept.event.id]);
      assert.deepEqual((await deliveries(api, hook.id, '?limit=100')).map((d) => d.id), [kept.id]);
      assert.equal(await work(), 1);
      assert.ok(rest.length >= 2);
      for (const gone of rest) assert.equal((await api.get(`/v1/webhook_events/${gone.event.id}`)).status, 404);
      assert.ok((await attempts()) >= 2, 'the kept delivery keeps its attempts');
      // Once it is delivered (or given up), its turn comes too.
      r.state.respond = () => 200;
      for (let due = await sim.nextDue(); due !== null; due = await sim.nextDue()) await sim.advanceTo(due);
      await sim.advanceTo(sim.now() + 11 * 60_000);
      assert.equal((await api.get('/v1/webhook_events?limit=100')).body.data.length, 0);
      assert.equal(await work(), 0);
      assert.equal(await attempts(), 0);
      // And the endpoint still works for new events.
      await api.pay('4242424242424242');
      await sim.stack.outbox!.idle();
      assert.ok((await api.get('/v1/webhook_events?limit=100')).body.data.length >= 1);
    } finally {
      await sim.stack.close();
    }
  });
});

describe('merchant webhooks: exactly once across a restart and with two workers', () => {
  const folders: string[] = [];
  after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

  it('a restart in the middle of a backlog: each event id received exactly once', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'paykit-webhooks-'));
    folders.push(dataDir);
    const db = { dataDir, schema: testSchema() };
    const r = await openReceiver(async () => {
      await new Promise((resolve) => setTimeout(resolve, 15));
      return 200;
    });
    // The backlog: 24 payments made while nothing delivers (no worker).
    const first = await startTestStack({ ...db, outbox: false });
    const api = client(first);
    const hook = await endpoint(api, r.url, ['payment.succeeded']);
    for (let i = 0; i < 24; i += 1) assert.equal((await api.pay('4242424242424242')).body.status, 'succeeded');
    await first.close();

    const second = await startTestStack({ ...db, outbox: { ...FAST, batch: 3 } });
    await eventually(() => Promise.resolve(r.received.length >= 6), 15_000);
    await second.close();
    const midway = r.received.length;
    assert.ok(midway < 24, `stopped mid-backlog (${midway} of 24 delivered)`);

    const third = await startTestStack({ ...db, outbox: FAST });
    try {
      await allDelivered(third, client(third), hook.id, 24, 20_000);
      assert.equal(r.received.length, 24);
      assert.equal(new Set(r.ids()).size, 24, 'each event exactly once');
      assertSigned(r.received, hook.secret);
    } finally {
      await third.close();
    }
  });

  it('two workers (two database connections on PostgreSQL) share a burst: each event id received exactly once', async (context) => {
    const stack = await startTestStack({ outbox: false });
    const second = process.env.DATABASE_URL ? await openDb({ url: process.env.DATABASE_URL, schema: (await stack.db.query<{ s: string }>('SELECT current_schema() AS s'))[0]!.s }) : stack.db;
    const r = await openReceiver(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 200;
    });
    const counts = [0, 0];
    const counted = (i: number): Record<'merchant.webhook', Handler> => {
      const { 'merchant.webhook': deliver } = webhookHandlers({ serverSecret: stack.config.serverSecret, publicUrl: stack.config.publicUrl });
      return {
        'merchant.webhook': async (row, db) => {
          counts[i] = counts[i]! + 1;
          return deliver(row, db);
        },
      };
    };
    const workers = [
      startOutboxWorker({ db: stack.db, log: stack.log }, counted(0), { ...FAST, batch: 4 }),
      startOutboxWorker({ db: second, log: stack.log }, counted(1), { ...FAST, batch: 4 }),
    ];
    try {
      const api = client(stack);
      const hook = await endpoint(api, r.url, ['payment.succeeded', 'payment.failed']);
      const N = 40;
      await Promise.all(Array.from({ length: N }, (_, i) => api.pay(i % 5 === 4 ? '4000000000000002' : '4242424242424242')));
      await eventually(async () => {
        const list = await deliveries(api, hook.id, '?limit=100');
        return list.length === N && list.every((d) => d.status === 'delivered');
      }, 20_000);
      await Promise.all(workers.map((w) => w.idle()));
      assert.equal(r.received.length, N);
      assert.equal(new Set(r.ids()).size, N, 'each event exactly once');
      assert.equal(counts[0]! + counts[1]!, N, 'each delivery handled once');
      context.diagnostic(`deliveries per worker: ${counts.join(' / ')}`);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      if (second !== stack.db) await second.close();
      await stack.close();
    }
  });
});
