/**
 * Dev-server middleware for the host-element test (test/browser/pay-checkout.test.ts): serves
 * the frame page as the payment server does (plain HTML, strict CSP, one module script) and a
 * stand-in for the two public API calls of one session, recording what the frame sent.
 * Component tests of the frame's elements stub `fetch` in the page instead.
 */

export const STUB_SESSION = {
  id: 'cs_wtrhost',
  object: 'checkout.session',
  status: 'open',
  amount: 1500,
  currency: 'USD',
  description: 'Test order',
  locale: null,
  merchant_name: 'Test shop',
  requires_email: false,
  payment: null,
};
export const STUB_KEY = 'pk_test_wtrhost';
export const STUB_SECRET = 'cs_wtrhost_secret_abc123';

/** The frame page: what the payment server serves at /frame/checkout. */
const FRAME_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Payment</title></head>' +
  '<body><script type="module" src="/widget/frame/main.ts"></script></body></html>';
const FRAME_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  'frame-ancestors *; report-uri /__stub__/csp-report';

/** A page at the merchant's origin that pretends to be the frame (the host must ignore it). */
const IMPOSTOR_HTML = `<!doctype html><html lang="en"><body><script>
  for (const message of [
    { source: 'paykit', v: 1, type: 'ready', session: { id: 'cs_fake', amount: 1, currency: 'USD', status: 'open' } },
    { source: 'paykit', v: 1, type: 'resize', height: 1234 },
    { source: 'paykit', v: 1, type: 'redirect', url: 'https://evil.example/', paymentId: 'pay_fake' },
  ]) parent.postMessage(message, '*');
</script></body></html>`;

export const REDIRECT_URL = 'https://bank.example/3ds?payment=pay_wtrhost';

/** Requests the stub API received, newest last: GET /__stub__/requests reads, POST clears. */
let received = [];
/** CSP violation reports from the frame page; read at GET /__stub__/csp-reports. */
let cspReports = [];

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function json(ctx, status, body) {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(body);
}

function apiError(ctx, status, type, code, message) {
  json(ctx, status, { error: { type, code, message } });
}

/** @type {import('koa').Middleware} */
export async function stubApi(ctx, next) {
  // The host test loads widget.js from a second origin (localhost vs 127.0.0.1) like a merchant page does.
  ctx.set('Access-Control-Allow-Origin', '*');

  if (ctx.path === '/frame/checkout') {
    ctx.type = 'html';
    ctx.set('Content-Security-Policy', FRAME_CSP);
    ctx.body = FRAME_HTML;
    return;
  }
  if (ctx.path === '/__stub__/impostor') {
    ctx.type = 'html';
    ctx.body = IMPOSTOR_HTML;
    return;
  }
  if (ctx.path === '/__stub__/csp-report') {
    cspReports.push(await readBody(ctx.req));
    ctx.status = 204;
    return;
  }
  if (ctx.path === '/__stub__/csp-reports') return json(ctx, 200, cspReports);
  if (ctx.path === '/__stub__/requests') {
    if (ctx.method === 'POST') received = []; // POST: a simple cross-origin request, no preflight
    return json(ctx, 200, received);
  }
  const match = /^\/v1\/checkout\/sessions\/([^/]+)(\/confirm)?$/.exec(ctx.path);
  if (!match) return next();

  const body = ctx.method === 'POST' ? await readBody(ctx.req) : null;
  received.push({ method: ctx.method, path: ctx.path, headers: { ...ctx.headers }, body });

  if (ctx.get('authorization') !== `Bearer ${STUB_KEY}`) {
    return apiError(ctx, 401, 'authentication_error', 'invalid_api_key', 'Invalid publishable key.');
  }
  if (match[1] !== STUB_SESSION.id || ctx.get('x-client-secret') !== STUB_SECRET) {
    return apiError(ctx, 401, 'authentication_error', 'invalid_client_secret', 'Invalid client secret.');
  }
  if (!ctx.get('x-paykit-parent-origin')) {
    return apiError(ctx, 403, 'permission_error', 'origin_not_allowed', 'Origin not allowed.');
  }
  if (!match[2]) return json(ctx, 200, STUB_SESSION);

  if (ctx.method !== 'POST' || !ctx.get('idempotency-key') || !ctx.get('content-type').startsWith('application/json')) {
    return apiError(ctx, 400, 'invalid_request_error', 'bad_request', 'Bad confirm request.');
  }
  const number = JSON.parse(body ?? '{}')?.payment_method?.card?.number;
  const payment = { id: 'pay_wtrhost', amount: 1500, currency: 'USD', next_action: null, card: { brand: 'visa', last4: String(number).slice(-4) } };
  if (number === '4242424242424242') return json(ctx, 200, { ...payment, status: 'succeeded', error: null });
  if (number === '4000000000003220') {
    return json(ctx, 200, { ...payment, status: 'requires_action', next_action: { type: 'redirect', url: REDIRECT_URL }, error: null });
  }
  return json(ctx, 200, { ...payment, status: 'failed', error: { code: 'card_declined', message: 'Your card was declined.' } });
}
