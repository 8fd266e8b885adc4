import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestStack, card } from './helpers.ts';
import { createMerchant } from '../../server/merchants.ts';
import { newId, randomToken, sha256 } from '../../server/crypto.ts';

const t = useTestStack();

const errorOf = async (response: Response) => ({ status: response.status, error: ((await response.json()) as any).error });

describe('keys and trust', () => {
  it('refuses a request without a key, naming the header', async () => {
    const { status, error } = await errorOf(await t.api.request('/v1/checkout/sessions', { method: 'POST', body: '{}' }));
    assert.equal(status, 401);
    assert.equal(error.type, 'authentication_error');
    assert.equal(error.code, 'missing_api_key');
  });

  it('refuses an unknown secret key', async () => {
    const { status, error } = await errorOf(
      await t.api.request('/v1/checkout/sessions', { method: 'POST', headers: { Authorization: 'Bearer sk_test_0000000000000000000000' }, body: '{}' }),
    );
    assert.equal(status, 401);
    assert.equal(error.code, 'invalid_api_key');
  });

  it('refuses a publishable key on a secret route with 403', async () => {
    const headers = { Authorization: `Bearer ${t.stack.keys.publishable}`, 'Content-Type': 'application/json' };
    const create = await errorOf(await t.api.request('/v1/checkout/sessions', { method: 'POST', headers, body: '{}' }));
    assert.equal(create.status, 403);
    assert.equal(create.error.code, 'secret_key_required');
    const { body: paid } = await t.api.pay('4242424242424242');
    const read = await errorOf(await t.api.request(`/v1/payments/${paid.id}`, { headers }));
    assert.equal(read.status, 403);
    assert.equal(read.error.code, 'secret_key_required');
  });

  it('refuses a secret key where the browser confirms', async () => {
    const { body: session } = await t.api.createSession();
    const response = await t.api.request(`/v1/checkout/sessions/${session.id}/confirm`, {
      method: 'POST',
      headers: { ...t.api.secretHeaders, 'X-Client-Secret': session.client_secret },
      body: JSON.stringify({ payment_method: { type: 'card', card: card('4242424242424242') } }),
    });
    const { status, error } = await errorOf(response);
    assert.equal(status, 403);
    assert.equal(error.code, 'publishable_key_required');
    assert.equal((await t.stack.db.query('SELECT id FROM payments WHERE session_id = $1', [session.id])).length, 0);
  });

  it('refuses a missing or wrong client secret, and one of another session', async () => {
    const { body: session } = await t.api.createSession();
    const { body: other } = await t.api.createSession();
    const read = (secret?: string) =>
      t.api.request(`/v1/checkout/sessions/${session.id}`, {
        headers: { Authorization: `Bearer ${t.stack.keys.publishable}`, Origin: t.stack.demoUrl, ...(secret ? { 'X-Client-Secret': secret } : {}) },
      });
    assert.equal((await errorOf(await read())).error.code, 'client_secret_required');
    const wrong = await errorOf(await read(`${session.id}_secret_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`));
    assert.equal(wrong.status, 401);
    assert.equal(wrong.error.code, 'invalid_client_secret');
    assert.equal((await errorOf(await read(other.client_secret))).error.code, 'invalid_client_secret');
    const ok = await read(session.client_secret);
    assert.equal(ok.status, 200);
    const view = (await ok.json()) as any;
    assert.equal(view.amount, 1500);
    assert.equal(view.client_secret, undefined, 'the public view never echoes the secret');
    assert.equal(view.customer, undefined, 'the public view carries no customer data');
  });

  it('refuses an origin the publishable key does not allow, directly and through the frame', async () => {
    const { body: session } = await t.api.createSession();
    const foreign = await errorOf(
      await t.api.request(`/v1/checkout/sessions/${session.id}`, { headers: t.api.publicHeaders(session.client_secret, { Origin: 'https://evil.example' }) }),
    );
    assert.equal(foreign.status, 403);
    assert.equal(foreign.error.code, 'origin_not_allowed');
    const framed = await errorOf(
      await t.api.request(`/v1/checkout/sessions/${session.id}`, {
        headers: t.api.publicHeaders(session.client_secret, { Origin: t.stack.payUrl, 'X-Paykit-Parent-Origin': 'https://evil.example' }),
      }),
    );
    assert.equal(framed.status, 403);
    const page = await t.api.request(`/frame/checkout?pk=${t.stack.keys.publishable}&origin=${encodeURIComponent('https://evil.example')}`);
    assert.equal(page.status, 403);
    assert.match(await page.text(), /not enabled for https:\/\/evil\.example/);
  });

  it('serves the frame to an allowed origin with frame-ancestors pinned to it', async () => {
    const page = await t.api.request(`/frame/checkout?pk=${t.stack.keys.publishable}&origin=${encodeURIComponent(t.stack.demoUrl)}`);
    assert.equal(page.status, 200);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, new RegExp(`frame-ancestors ${t.stack.demoUrl.replace(/[.:/]/g, '\\$&')}(;|$)`));
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  });

  it('lets the merchant change the allowed origins of a publishable key, with effect at once', async () => {
    const { body: before } = await t.api.createSession();
    // Refused, and the key is now one this process has just read (server/auth.ts keeps it a second).
    const refused = await t.api.request(`/v1/checkout/sessions/${before.id}`, { headers: t.api.publicHeaders(before.client_secret, { Origin: 'https://shop.example' }) });
    assert.equal((await errorOf(refused)).error.code, 'origin_not_allowed');
    const update = await t.api.request(`/v1/publishable_keys/${t.stack.keys.publishable}`, {
      method: 'POST',
      headers: t.api.secretHeaders,
      body: JSON.stringify({ allowed_origins: [t.stack.demoUrl, 'https://shop.example'] }),
    });
    assert.equal(update.status, 200);
    const { body: session } = await t.api.createSession();
    const read = await t.api.request(`/v1/checkout/sessions/${session.id}`, { headers: t.api.publicHeaders(session.client_secret, { Origin: 'https://shop.example' }) });
    assert.equal(read.status, 200);
    const bad = await errorOf(
      await t.api.request(`/v1/publishable_keys/${t.stack.keys.publishable}`, { method: 'POST', headers: t.api.secretHeaders, body: JSON.stringify({ allowed_origins: ['not an origin'] }) }),
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.error.param, 'allowed_origins.0');
  });

  it('refuses a key revoked in the database within a second, and takes a key created at once', async () => {
    const other = await createMerchant(t.stack.db, { name: 'Revoked shop' });
    const create = async (key: string) => (await t.api.createSession({}, { Authorization: `Bearer ${key}` })).status;
    // A key refused once is not remembered as unknown: created a moment later, it works.
    const later = `sk_test_${randomToken(32)}`;
    assert.equal(await create(later), 401);
    await t.stack.db.query(`INSERT INTO api_keys (id, merchant_id, type, mode, secret_hash, hint) VALUES ($1, $2, 'secret', 'test', $3, 'xxxx')`, [
      newId('key', 16),
      other.merchantId,
      sha256(later),
    ]);
    assert.equal(await create(later), 201);
    assert.equal(await create(other.secretKey), 201);

    await t.stack.db.query(`UPDATE api_keys SET revoked_at = now() WHERE merchant_id = $1`, [other.merchantId]);
    const revokedAt = performance.now();
    let status = 201;
    while (status !== 401 && performance.now() - revokedAt < 5000) {
      status = await create(other.secretKey);
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(status, 401);
    assert.ok(performance.now() - revokedAt < 1500, 'seen within the cache\'s second (and a scheduling margin)');
    assert.equal(await create(later), 401);
  });
});
