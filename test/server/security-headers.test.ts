/**
 * Security headers on each kind of response the server gives: the frame page (framed by the
 * merchant's allowed origin only), hosted invoice pages, the return route, scripts, the JSON API,
 * 404s and errors; HSTS only behind TLS.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { invoiceBody, startTestStack, useTestStack } from './helpers.ts';
import { HSTS, LOCKED_CSP } from '../../server/abuse/headers.ts';

const t = useTestStack();

const directives = (csp: string | null) => new Map((csp ?? '').split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

function assertBaseline(response: Response) {
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  assert.ok(response.headers.get('content-security-policy'), 'a CSP');
  assert.equal(response.headers.get('strict-transport-security'), null, 'no HSTS over plain http');
}

describe('security headers', () => {
  it('the frame page: a strict CSP whose frame-ancestors is the allowed parent origin only, and no X-Frame-Options', async () => {
    const response = await t.stack.app.request(`/frame/checkout?pk=${t.stack.keys.publishable}&origin=${encodeURIComponent(t.stack.demoUrl)}`);
    assert.equal(response.status, 200);
    assertBaseline(response);
    const csp = directives(response.headers.get('content-security-policy'));
    assert.deepEqual(csp.get('frame-ancestors'), [t.stack.demoUrl]);
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), ["'self'"]);
    assert.deepEqual(csp.get('base-uri'), ["'none'"]);
    assert.deepEqual(csp.get('form-action'), ["'none'"]);
    assert.equal(response.headers.get('x-frame-options'), null, 'X-Frame-Options cannot name an origin: it would break the embed');
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  it('the frame page for an origin the key does not allow: refused, and frameable by no one with the form', async () => {
    const response = await t.stack.app.request(`/frame/checkout?pk=${t.stack.keys.publishable}&origin=${encodeURIComponent('https://evil.example')}`);
    assert.equal(response.status, 403);
    assertBaseline(response);
    assert.doesNotMatch(await response.text(), /frame\.js/, 'the refusal carries no payment form');
  });

  it('hosted invoice pages, found or not: their own strict CSP, not frameable, no referrer, not cached', async () => {
    const created = await t.api.post('/v1/invoices', invoiceBody({ payment_methods: ['card'] }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (const path of [`/invoices/${created.body.public_id}`, '/invoices/pinv_doesnotexist']) {
      const response = await t.stack.app.request(path);
      assertBaseline(response);
      const csp = directives(response.headers.get('content-security-policy'));
      assert.deepEqual(csp.get('frame-ancestors'), ["'none'"], path);
      assert.deepEqual(csp.get('default-src'), ["'none'"], path);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin', path);
      assert.equal(response.headers.get('cache-control'), 'no-store', path);
    }
  });

  it('the return route (a bearer link): locked down, whether it redirects or refuses', async () => {
    const refused = await t.stack.app.request('/return/pay_unknown/token');
    assert.equal(refused.status, 404);
    assertBaseline(refused);
    assert.equal(refused.headers.get('content-security-policy'), LOCKED_CSP);
    assert.equal(refused.headers.get('x-frame-options'), 'DENY');
    assert.equal(refused.headers.get('cross-origin-opener-policy'), 'same-origin');
  });

  it('widget.js and the frame scripts: nosniff, and widget.js loadable cross-origin', async () => {
    const widget = await t.stack.app.request('/widget.js');
    assert.equal(widget.status, 200);
    assertBaseline(widget);
    assert.match(widget.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(widget.headers.get('cross-origin-resource-policy'), 'cross-origin');
    const frame = await t.stack.app.request('/assets/frame.js');
    assert.equal(frame.status, 200);
    assertBaseline(frame);
  });

  it('the JSON API: nosniff, locked CSP, never cached (answers carry client secrets), errors and 404s too', async () => {
    const created = await t.api.createSession();
    assert.ok(created.body.client_secret);
    assertBaseline(created as unknown as Response);
    assert.equal(created.headers.get('cache-control'), 'no-store');
    assert.equal(created.headers.get('content-security-policy'), LOCKED_CSP);
    for (const response of [
      await t.stack.app.request('/v1/payments', { headers: { Authorization: 'Bearer nope' } }),
      await t.stack.app.request('/v1/nothing-here'),
    ]) {
      assert.ok(response.status === 401 || response.status === 404);
      assertBaseline(response);
      assert.equal(response.headers.get('cache-control'), 'no-store');
    }
  });

  it('HSTS when the public URL is https, and behind a trusted proxy that says https; never on plain http otherwise', async () => {
    const https = await startTestStack({ env: { ...process.env, PAYKIT_PUBLIC_URL: 'https://pay.example' } });
    try {
      assert.equal((await https.app.request('/health')).headers.get('strict-transport-security'), HSTS);
      assert.equal((await https.app.request('/v1/payments')).headers.get('strict-transport-security'), HSTS);
    } finally {
      await https.close();
    }
    const proxied = await startTestStack({ env: { ...process.env, PAYKIT_TRUST_PROXY: '1' } });
    try {
      assert.equal((await proxied.app.request('/health', { headers: { 'X-Forwarded-Proto': 'https' } })).headers.get('strict-transport-security'), HSTS);
      assert.equal((await proxied.app.request('/health', { headers: { 'X-Forwarded-Proto': 'http' } })).headers.get('strict-transport-security'), null);
    } finally {
      await proxied.close();
    }
    // Without a trusted proxy, anyone can send X-Forwarded-Proto: it is not believed.
    assert.equal((await t.stack.app.request('/health', { headers: { 'X-Forwarded-Proto': 'https' } })).headers.get('strict-transport-security'), null);
  });
});
