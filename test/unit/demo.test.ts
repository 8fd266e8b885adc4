/** The demo shop: escaping, its strict CSP, and its pages without a payment server behind them. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDemoApp } from '../../demo/app.ts';
import { html, raw } from '../../server/html.ts';

describe('html', () => {
  test('escapes interpolated text, including in attributes', () => {
    const evil = `"><script>alert('x')</script>&`;
    assert.equal(
      html`<p title="${evil}">${evil}</p>`.value,
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>',
    );
  });

  test('nests templates without escaping them twice, joins arrays, drops null and false', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
    assert.equal(html`<ul>${items}</ul>${null}${false}${undefined}${0}`.value, '<ul><li>a&lt;b</li><li>c</li></ul>0');
    assert.equal(html`${raw('<br>')}`.value, '<br>');
  });
});

describe('createDemoApp', () => {
  // Nothing listens on port 9: the pages that need the payment server must fail cleanly.
  const app = createDemoApp({ payUrl: 'http://127.0.0.1:9/', secretKey: 'sk_test_demo', publishableKey: 'pk_test_demo' });

  test('serves the shop under a strict CSP that allows scripts and frames only from itself and the payment server', async () => {
    const response = await app.request('/');
    assert.equal(response.status, 200);
    assert.equal(
      response.headers.get('content-security-policy'),
      "default-src 'self'; script-src 'self' http://127.0.0.1:9; frame-src http://127.0.0.1:9; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self' http://127.0.0.1:9; object-src 'none'",
    );
    const page = await response.text();
    assert.match(page, /Paykit Demo Store/);
    assert.match(page, /<form method="post" action="\/checkout"/);
    assert.doesNotMatch(page, /<script(?![^>]*\bsrc=)/, 'no inline script');
    assert.doesNotMatch(page, /<style|\sstyle=/, 'no inline style');
  });

  test('serves its own stylesheet and script, and themes the widget with --pay-* properties', async () => {
    const css = await app.request('/static/demo.css');
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.match(await css.text(), /pay-checkout\s*{[^}]*--pay-color-primary:/);
    const js = await app.request('/static/demo.js');
    assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match(await js.text(), /pay-success/);
    assert.equal((await app.request('/static/app.ts')).status, 404);
  });

  test('an unknown product is a 400, an unreachable payment server a 502 page, never a crash', async () => {
    const form = (body: string) => ({ method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal((await app.request('/checkout', form('product=nope'))).status, 400);
    const down = await app.request('/checkout', form('product=enamel-mug'));
    assert.equal(down.status, 502);
    assert.match(await down.text(), /Could not reach the payment server/);
    assert.equal((await app.request('/pay/..%2Fv1%2Fpayments')).status, 404);
    assert.equal((await app.request('/complete')).status, 400);
  });

  test('refuses keys in the wrong places', () => {
    assert.throws(() => createDemoApp({ payUrl: 'http://x', secretKey: 'pk_test_a', publishableKey: 'pk_test_b' }), /secret key/);
    assert.throws(() => createDemoApp({ payUrl: 'http://x', secretKey: 'sk_test_a', publishableKey: 'sk_test_b' }), /publishable/);
  });
});
