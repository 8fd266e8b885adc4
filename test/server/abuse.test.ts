/**
 * Abuse limits through the real stack: 429 with Retry-After per client IP and per key, buckets
 * that refill, bodies over the limit (declared or chunked), and the checkout session that locks
 * after N declines — also when confirms race.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { card, client, startTestStack } from './helpers.ts';
import type { Stack } from '../../server/stack.ts';
import type { AbuseLimits } from '../../server/abuse/limits.ts';
import { TokenBuckets } from '../../server/abuse/buckets.ts';
import { ipv6Prefix } from '../../server/abuse/rate-limit.ts';
import { MAX_BODY_BYTES } from '../../server/validation.ts';
import { providerToken } from '../../server/crypto.ts';

const DECLINED = '4000000000009995';

/** A stack of its own with these limits; the client IP comes from X-Forwarded-For (trusted proxy). */
function stackWith(limits: Partial<AbuseLimits>) {
  const context = {} as { stack: Stack; api: ReturnType<typeof client> };
  before(async () => {
    context.stack = await startTestStack({ limits, env: { ...process.env, PAYKIT_TRUST_PROXY: '1' } });
    context.api = client(context.stack);
  });
  after(() => context.stack?.close());
  return context;
}

const assertLimited = async (response: Response, code: string) => {
  assert.equal(response.status, 429);
  const retryAfter = Number(response.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After: ${response.headers.get('retry-after')}`);
  const body = (await response.json()) as any;
  assert.equal(body.error.type, 'rate_limit_error');
  assert.equal(body.error.code, code);
  assert.match(body.error.message, /retry after \d+ s/);
  return retryAfter;
};

const readSession = (t: { stack: Stack; api: ReturnType<typeof client> }, session: { id: string; client_secret: string }, ip: string) =>
  t.stack.app.request(`/v1/checkout/sessions/${session.id}`, { headers: t.api.publicHeaders(session.client_secret, { 'X-Forwarded-For': ip }) });

describe('rate limits per client IP', () => {
  // 6 a minute: one token back every 10 s, far slower than the test sends.
  const t = stackWith({ ipPerMinute: 6 });

  it('answers 429 with Retry-After once an address has spent its allowance, and other addresses go on', async () => {
    const session = (await t.api.createSession()).body;
    for (let i = 0; i < 6; i++) assert.equal((await readSession(t, session, '203.0.113.7')).status, 200, `request ${i + 1}`);
    const retryAfter = await assertLimited(await readSession(t, session, '203.0.113.7'), 'ip_rate_limited');
    assert.ok(retryAfter > 1 && retryAfter <= 10, `6 a minute: a token every 10 s (Retry-After ${retryAfter})`);
    assert.equal((await readSession(t, session, '203.0.113.8')).status, 200);
    // The merchant's secret-key calls are not counted per IP.
    assert.equal((await t.stack.app.request(`/v1/checkout/sessions/${session.id}`, { headers: { ...t.api.secretHeaders, 'X-Forwarded-For': '203.0.113.7' } })).status, 200);
  });

  it('limits the frame page, hosted invoices and returns per IP too, but never provider webhooks', async () => {
    const ip = { 'X-Forwarded-For': '192.0.2.50' };
    for (let i = 0; i < 6; i++) await t.stack.app.request('/frame/checkout?pk=x&origin=bad', { headers: ip });
    await assertLimited(await t.stack.app.request('/invoices/pinv_unknown', { headers: ip }), 'ip_rate_limited');
    await assertLimited(await t.stack.app.request('/return/pay_x/token', { headers: ip }), 'ip_rate_limited');
    const hook = await t.stack.app.request('/hooks/payagency/pay_x/token', { method: 'POST', headers: ip, body: '{}' });
    assert.equal(hook.status, 404, 'a webhook is answered on its merits, not refused for its address');
    assert.equal((await t.stack.app.request('/health', { headers: ip })).status, 200);
  });

  it('counts failed secret-key authentications against the address, then refuses it before any key lookup', async () => {
    const ip = { 'X-Forwarded-For': '192.0.2.99' };
    const guess = (i: number) => t.stack.app.request('/v1/payments', { headers: { ...ip, Authorization: `Bearer sk_test_${String(i).padStart(32, '0')}` } });
    for (let i = 0; i < 6; i++) assert.equal((await guess(i)).status, 401);
    await assertLimited(await guess(61), 'ip_rate_limited');
    await assertLimited(await t.stack.app.request('/v1/payments', { headers: { ...ip, ...t.api.secretHeaders } }), 'ip_rate_limited');
  });

  it('counts IPv6 addresses per /64', () => {
    assert.equal(ipv6Prefix('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(ipv6Prefix('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.equal(ipv6Prefix('2001:db8::5'), '2001:db8:0:0::/64');
    assert.equal(ipv6Prefix('::ffff:192.0.2.1'), '192.0.2.1');
  });
});

describe('rate limits refill', () => {
  // 60 a minute: a token a second, so the test waits only a second.
  const t = stackWith({ ipPerMinute: 60 });

  it('after Retry-After the address is served again, but only for what has refilled', async () => {
    const session = (await t.api.createSession()).body;
    let response: Response;
    let served = 0;
    while ((response = await readSession(t, session, '198.51.100.1')).status === 200) served++;
    assert.ok(served >= 60, `the whole burst is served first (${served})`);
    const wait = await assertLimited(response, 'ip_rate_limited');
    assert.equal(wait, 1);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 100));
    assert.equal((await readSession(t, session, '198.51.100.1')).status, 200);
    let again = 0;
    while ((await readSession(t, session, '198.51.100.1')).status === 200) again++;
    assert.ok(again < 10, `one token back, not the whole bucket (${again} more served)`);
  });
});

describe('rate limits per key', () => {
  const t = stackWith({ publishablePerMinute: 5, secretPerMinute: 8 });

  it('limits a publishable key across addresses, and a secret key on its own (higher) allowance', async () => {
    const session = (await t.api.createSession()).body;
    const read = (i: number) =>
      t.stack.app.request(`/v1/checkout/sessions/${session.id}`, { headers: t.api.publicHeaders(session.client_secret, { 'X-Forwarded-For': `10.1.0.${i}` }) });
    for (let i = 0; i < 5; i++) assert.equal((await read(i)).status, 200);
    await assertLimited(await read(99), 'key_rate_limited');
    // One secret-key call was spent creating the session.
    for (let i = 0; i < 7; i++) assert.equal((await t.api.get('/v1/payments')).status, 200);
    await assertLimited(await t.stack.app.request('/v1/payments', { headers: t.api.secretHeaders }), 'key_rate_limited');
  });
});

describe('token buckets', () => {
  it('refill at capacity per window, never above capacity, and say how long to wait', () => {
    let now = 0;
    const buckets = new TokenBuckets({ capacity: 2, windowMs: 10_000, now: () => now });
    assert.ok(buckets.take('a').ok);
    assert.ok(buckets.take('a').ok);
    assert.deepEqual(buckets.take('a'), { ok: false, retryAfterSeconds: 5 });
    now = 5_000;
    assert.ok(buckets.take('a').ok);
    now = 1_000_000;
    assert.ok(buckets.take('a').ok);
    assert.ok(buckets.take('a').ok);
    assert.equal(buckets.take('a').ok, false);
  });

  it('stay bounded: idle full buckets are dropped, and past the ceiling the least recently used go', () => {
    let now = 0;
    const buckets = new TokenBuckets({ capacity: 1, windowMs: 1000, maxBuckets: 100, now: () => now });
    for (let i = 0; i < 5000; i++) {
      now += 1;
      buckets.take(`ip-${i}`);
      assert.ok(buckets.size <= 101, `size ${buckets.size} at ${i}`);
    }
    now += 2000;
    for (let i = 0; i < 1000; i++) buckets.take('one');
    assert.equal(buckets.size, 1, 'every idle bucket had refilled and was dropped');
  });
});

describe('body size limits', () => {
  const t = stackWith({});

  const assertTooLarge = async (response: Response) => {
    assert.equal(response.status, 413);
    const body = (await response.json()) as any;
    assert.equal(body.error.code, 'body_too_large');
    assert.equal(body.error.type, 'invalid_request_error');
  };

  it('refuses a body over the limit with 413, declared or chunked without Content-Length, over a real socket', async () => {
    const big = JSON.stringify({ amount: 1500, currency: 'USD', description: 'x'.repeat(MAX_BODY_BYTES) });
    const before = await t.stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM checkout_sessions`);
    await assertTooLarge(await fetch(`${t.stack.payUrl}/v1/checkout/sessions`, { method: 'POST', headers: t.api.secretHeaders, body: big }));
    let sent = 0;
    const chunked = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Endless: the server must stop reading at the limit, not wait for the end.
        sent += 16 * 1024;
        controller.enqueue(new Uint8Array(16 * 1024).fill(0x20));
        if (sent > 16 * MAX_BODY_BYTES) controller.close();
      },
    });
    const response = await fetch(`${t.stack.payUrl}/v1/checkout/sessions`, {
      method: 'POST',
      headers: t.api.secretHeaders,
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    await assertTooLarge(response);
    const afterRows = await t.stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM checkout_sessions`);
    assert.equal(afterRows[0]!.n, before[0]!.n, 'nothing written');
  });

  it('applies to the buyer routes and provider webhooks too', async () => {
    const session = (await t.api.createSession()).body;
    const big = JSON.stringify({ payment_method: { type: 'card', card: card('4242424242424242') }, pad: 'x'.repeat(MAX_BODY_BYTES) });
    await assertTooLarge(
      await t.stack.app.request(`/v1/checkout/sessions/${session.id}/confirm`, { method: 'POST', headers: t.api.publicHeaders(session.client_secret), body: big }),
    );
    const paid = await t.api.pay('4242424242424242');
    const hook = `/hooks/payagency/${paid.body.id}/${providerToken(t.stack.config.serverSecret, 'webhook', paid.body.id)}`;
    await assertTooLarge(await t.stack.app.request(hook, { method: 'POST', body: big }));
    // A forged token is refused before the body is even read.
    assert.equal((await t.stack.app.request(`/hooks/payagency/${paid.body.id}/${'x'.repeat(43)}`, { method: 'POST', body: big })).status, 404);
  });
});

describe('card-testing protection: a session locks after N declines', () => {
  const t = stackWith({ maxDeclinesPerSession: 3 });
  const paymentsOf = async (sessionId: string) =>
    (await t.stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE session_id = $1`, [sessionId]))[0]!.n;

  it('refuses further confirms with 409 session_locked, shows it to the merchant and the buyer, and writes nothing', async () => {
    const session = (await t.api.createSession()).body;
    for (let i = 0; i < 3; i++) {
      const declined = await t.api.confirm(session, { payment_method: { type: 'card', card: card(DECLINED) } });
      assert.equal(declined.body.status, 'failed', JSON.stringify(declined.body));
    }
    const refused = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4242424242424242') } });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'session_locked');
    assert.match(refused.body.error.message, /locked after 3 declined/);
    assert.equal(await paymentsOf(session.id), 3);

    const merchant = await t.api.get(`/v1/checkout/sessions/${session.id}`);
    assert.equal(merchant.body.locked, true);
    assert.equal(merchant.body.declined_attempts, 3);
    const buyer = await t.api.json(await t.stack.app.request(`/v1/checkout/sessions/${session.id}`, { headers: t.api.publicHeaders(session.client_secret) }));
    assert.equal(buyer.body.locked, true);
  });

  it('a session with fewer declines still pays, and is not locked', async () => {
    const session = (await t.api.createSession()).body;
    await t.api.confirm(session, { payment_method: { type: 'card', card: card(DECLINED) } });
    const paid = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4242424242424242') } });
    assert.equal(paid.body.status, 'succeeded');
    const merchant = await t.api.get(`/v1/checkout/sessions/${session.id}`);
    assert.equal(merchant.body.locked, false);
    assert.equal(merchant.body.declined_attempts, 1);
  });

  it('concurrent confirms cannot get past N attempts', async () => {
    const session = (await t.api.createSession()).body;
    const codes: string[] = [];
    for (let round = 0; round < 6; round++) {
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => t.api.confirm(session, { payment_method: { type: 'card', card: card(DECLINED) } })),
      );
      for (const answer of answers) {
        codes.push(answer.status === 200 ? answer.body.status : answer.body.error.code);
        // The losers of each race are told so (payment_in_progress, session_changed) or, at the end, session_locked.
        assert.ok(answer.status === 200 || answer.status === 409, `${answer.status} ${JSON.stringify(answer.body)}`);
      }
    }
    assert.equal(await paymentsOf(session.id), 3, codes.join(' '));
    assert.equal(codes.filter((code) => code === 'failed').length, 3);
    assert.equal(codes.at(-1), 'session_locked');
  });
});
