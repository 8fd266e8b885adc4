/**
 * Property-based tests: random and hostile bodies, headers, path segments and query strings at
 * every route of the app (enumerated from the Hono app itself, so a new route is fuzzed without
 * being listed here). Whatever arrives: never a 5xx, the error shape for every API error, and
 * nothing written to the database for a rejected request.
 *
 * `FUZZ_RUNS` and `FUZZ_SEED` override the run count and the seed (fixed, so a failure replays;
 * fast-check prints the seed and path of any counterexample).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { card, client, invoiceBody, startTestStack } from './helpers.ts';
import type { Stack } from '../../server/stack.ts';
import { clientSecretFor, providerToken } from '../../server/crypto.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 20240607);

interface Fixture {
  sessionId: string;
  clientSecret: string;
  paymentId: string;
  invoiceId: string;
  invoicePublicId: string;
}

let stack: Stack;
let fixture: Fixture;

before(async () => {
  // No worker (nothing moves in the background between two digests), no rate limits (the fuzz
  // is one address sending thousands of requests).
  stack = await startTestStack({ outbox: false, limits: { ipPerMinute: 0, assetsPerMinute: 0, publishablePerMinute: 0, secretPerMinute: 0 } });
  const api = client(stack);
  const paid = await api.pay('4242424242424242');
  assert.equal(paid.body.status, 'succeeded');
  const open = (await api.createSession()).body;
  const invoice = await api.post('/v1/invoices', invoiceBody({ payment_methods: ['card'] }));
  assert.equal(invoice.status, 201, JSON.stringify(invoice.body));
  fixture = { sessionId: open.id, clientSecret: open.client_secret, paymentId: paid.body.id, invoiceId: invoice.body.id, invoicePublicId: invoice.body.public_id };
});
after(() => stack?.close());

/** Every route the app answers, as `METHOD /path/:param`. */
function appRoutes(): string[] {
  return [...new Set(stack.app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${route.path}`))];
}

// ——— hostile values ———

const HOSTILE_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\uFFFD', '\uD800', '%', '%zz', '%00', '%c0%af', '%ff%fe', '..%2f..%2fetc%2fpasswd', '../../etc/passwd',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'NaN', 'Infinity', '-Infinity', '-0', '1e309', '-1',
  '9007199254740993', '0x10', "'; DROP TABLE payments;--", '<script>alert(1)</script>', 'x'.repeat(5000), '𝕏'.repeat(300),
  'pay_', 'cs_', 'inv_', 'pinv_', 'sk_test_', 'pk_test_', 'null', 'undefined', 'true', '[]', '{}',
];

const hostileString = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));

const HOSTILE_NUMBERS = [0, -0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE];

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(...HOSTILE_NUMBERS),
  fc.constantFrom(null, true, false, [], {}, [null], { __proto__: { polluted: true } }, JSON.parse('{"__proto__":{"polluted":1}}'), { constructor: { prototype: { polluted: 1 } } }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A copy of `base` with one value (at any depth) replaced, removed, or a key added beside it. */
function mutate(base: unknown, pick: number, value: unknown, op: number): unknown {
  const paths: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) walk(child, [...path, Array.isArray(node) ? Number(key) : key]);
  };
  walk(base, []);
  const path = paths[pick % paths.length]!;
  const copy = JSON.parse(JSON.stringify(base ?? null));
  if (path.length === 0) return value;
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step];
  const last = path.at(-1)!;
  if (op % 3 === 0) parent[last] = value;
  else if (op % 3 === 1) delete parent[last];
  else parent[['__proto__', 'constructor', 'prototype', 'extra'][op % 4]!] = value;
  return copy;
}

/** A request body: bytes, text, or nothing. */
type Body = { kind: 'none' } | { kind: 'text'; text: string } | { kind: 'bytes'; bytes: Uint8Array };

function bodyArbitrary(base: unknown): fc.Arbitrary<Body> {
  const text = (t: string): Body => ({ kind: 'text', text: t });
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.nat(), hostileValue, fc.nat()).map(([pick, value, op]) => text(JSON.stringify(mutate(base, pick, value, op)) ?? 'null')) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => text(JSON.stringify(value) ?? '')) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }).map(text) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((depth) => text('['.repeat(depth) + ']'.repeat(depth))) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 6_000 }).map((depth) => text('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '}', 'null', '[]', '"x"', '1e999', '{"a":1,"a":2}', '\uFEFF{}', '{"amount":1e400}', '{"amount":NaN}').map(text) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes): Body => ({ kind: 'bytes', bytes })) },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'bytes', bytes: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x00, 0x7d]) }) },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
  );
}

// ——— the routes' valid shapes, to mutate from ———

const BASE_BODIES: Record<string, () => unknown> = {
  'POST /v1/checkout/sessions': () => ({ amount: 1500, currency: 'USD', return_url: 'https://shop.example/done', customer: { email: 'ada@example.com' } }),
  'POST /v1/checkout/sessions/:id/confirm': () => ({ payment_method: { type: 'card', card: card('4000000000009995') }, email: 'ada@example.com' }),
  'POST /v1/checkout/sessions/:id/surcharge': () => ({ bin: '411111' }),
  'POST /v1/checkout/sessions/:id/abandon': () => ({ step: 'payment_method', payment_method: 'card' }),
  'POST /v1/payments/:id/capture': () => ({ amount: 100 }),
  'POST /v1/payments/:id/refunds': () => ({ amount: 100, reason: 'requested_by_customer' }),
  'POST /v1/payments/:id/enrichment': () => ({ labels: { tier: 'gold' } }),
  'POST /v1/publishable_keys/:key': () => ({ allowed_origins: ['https://shop.example'] }),
  'POST /v1/invoices': () => ({ currency: 'USD', company_name: 'A', invoice_number: 'X-1', items: [{ name: 'a', unit_price: 1, quantity: 1 }] }),
  'POST /v1/invoices/:id': () => ({ currency: 'USD', company_name: 'A', invoice_number: 'X-2', items: [{ name: 'a', unit_price: 1, quantity: 1 }] }),
  'POST /invoices/:publicId/checkout': () => ({ amount: 100 }),
  'POST /hooks/:provider/:paymentId/:token': () => ({ transaction_id: 'tx_1', status: 'success', amount: '15.00', currency: 'USD' }),
};

/** A valid value for a path parameter of a route, so the fuzz also gets past the lookups. */
function validParam(route: string, name: string): string {
  if (name === 'id' && route.includes('/checkout/sessions/')) return fixture.sessionId;
  if (name === 'id' && route.includes('/payments/')) return fixture.paymentId;
  if (name === 'id' && route.includes('/invoices/')) return fixture.invoiceId;
  if (name === 'publicId') return fixture.invoicePublicId;
  if (name === 'paymentId') return fixture.paymentId;
  if (name === 'provider') return 'payagency';
  if (name === 'key') return stack.keys.publishable;
  if (name === 'file') return 'frame.js';
  if (name === 'token') return providerToken(stack.config.serverSecret, route.startsWith('GET /return') ? 'return' : 'webhook', fixture.paymentId);
  return 'x';
}

function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value.replace(/[^\w%.~-]/g, '_'); // a lone surrogate: keep it a (broken) segment
  }
}

const pathSegment = (route: string, name: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(validParam(route, name)) },
    { weight: 1, arbitrary: hostileString.map(encodeSegment).filter((segment) => segment !== '' && segment !== '.' && segment !== '..') },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%00', '%c0%af', '%ff', '%E0%A4%A', `${validParam(route, name)}%00`, 'x'.repeat(8000)) },
  );

const QUERY_KEYS = ['limit', 'offset', 'starting_after', 'status', 'provider', 'amount_gte', 'created_gte', 'invoice', 'payment', 'id', 'pk', 'origin', 'a[b]', '__proto__', 'constructor'];

const queryString = fc.oneof(
  { weight: 2, arbitrary: fc.constant('') },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 10 })), fc.oneof(hostileString, fc.constantFrom('1', '100', '101', '0', 'pay_x', 'succeeded'))), { maxLength: 4 })
      .map((pairs) => {
        const params = new URLSearchParams();
        for (const [key, value] of pairs) params.append(key, value.replace(/[\uD800-\uDFFF]/g, '?'));
        return params.toString();
      }),
  },
  { weight: 1, arbitrary: fc.constantFrom('limit=%zz', 'limit=1e400', 'limit=-1&limit=2', '%', '&&&', '=x', 'created_gte=NaN', `pk=${'p'.repeat(5000)}`, 'origin=javascript:alert(1)') },
);

// ——— headers ———

type Auth = 'secret' | 'publishable' | 'none' | 'garbage';

const authArbitrary = fc.constantFrom<Auth>('secret', 'publishable', 'none', 'garbage');

const garbageAuthorization = fc.constantFrom(
  'Bearer', 'Bearer ', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'Bearer sk_test_short', `Bearer sk_live_${'A'.repeat(40)}`, `Bearer pk_test_${'A'.repeat(40)}`,
  `Bearer ${'x'.repeat(5000)}`, 'bearer  pk_test_xx', 'Bearer sk_test_1 extra', 'Token abc',
);

const headerValue = fc.oneof(
  fc.constantFrom('', ' ', 'x'.repeat(300), 'x'.repeat(5000), '\t', 'é', 'null'),
  fc.string({ maxLength: 30 }).map((value) => value.replace(/[^\x20-\x7e]/g, '')),
);

const headersArbitrary = fc.record({
  auth: authArbitrary,
  garbage: garbageAuthorization,
  contentType: fc.constantFrom(undefined, 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '*/*', 'x'.repeat(500)),
  idempotencyKey: fc.option(fc.oneof(fc.uuid(), headerValue), { nil: undefined }),
  clientSecret: fc.option(fc.oneof(headerValue, fc.constantFrom('cs_x_secret_y', 'valid')), { nil: 'valid' as const }),
  origin: fc.constantFrom(undefined, 'demo', 'null', 'https://evil.example', 'self', 'x'.repeat(500)),
  parentOrigin: fc.option(fc.constantFrom('https://evil.example', 'demo', '', 'x'.repeat(300)), { nil: undefined }),
  forwardedFor: fc.option(fc.constantFrom('203.0.113.1', 'not-an-ip', '::1', `${'1.'.repeat(2000)}1`), { nil: undefined }),
});

type HeaderChoice = typeof headersArbitrary extends fc.Arbitrary<infer T> ? T : never;

function headersOf(choice: HeaderChoice): Record<string, string> {
  const headers: Record<string, string> = {};
  if (choice.auth === 'secret') headers.Authorization = `Bearer ${stack.keys.secret}`;
  if (choice.auth === 'publishable') headers.Authorization = `Bearer ${stack.keys.publishable}`;
  if (choice.auth === 'garbage') headers.Authorization = choice.garbage;
  if (choice.contentType) headers['Content-Type'] = choice.contentType;
  if (choice.idempotencyKey !== undefined) headers['Idempotency-Key'] = choice.idempotencyKey;
  headers['X-Client-Secret'] = choice.clientSecret === 'valid' ? clientSecretFor(fixture.sessionId, stack.config.serverSecret) : choice.clientSecret;
  if (choice.origin) headers.Origin = choice.origin === 'demo' ? stack.demoUrl : choice.origin === 'self' ? stack.payUrl : choice.origin;
  if (choice.parentOrigin !== undefined) headers['X-Paykit-Parent-Origin'] = choice.parentOrigin === 'demo' ? stack.demoUrl : choice.parentOrigin;
  if (choice.forwardedFor) headers['X-Forwarded-For'] = choice.forwardedFor;
  return headers;
}

// ——— the database, before and after ———

/**
 * A digest of every table. Left out: `idempotency_keys`, which keeps a 4xx answer under its key
 * by design (Stripe's semantics: the same key replays the same refusal).
 */
async function digest(): Promise<Record<string, string>> {
  const tables = await stack.db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT IN ('idempotency_keys') ORDER BY 1`,
  );
  const [row] = await stack.db.query<Record<string, string>>(
    `SELECT ${tables.map(({ name }) => `(SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM "${name}" t) AS "${name}"`).join(', ')}`,
  );
  return row!;
}

/**
 * Refusals that are themselves recorded, by design: a refund the provider refused (or cannot do)
 * (409, or 402 provider_error) is kept as a failed refund, as Stripe keeps one (test/server/payments-api.test.ts).
 */
const RECORDED_REFUSALS = new Set(['refund_not_supported', 'payment_not_settled']);

/** Routes that answer HTML or text pages to a browser, not the JSON error shape. */
const PAGE_ROUTES = new Set(['GET /invoices/:publicId', 'GET /return/:paymentId/:token', 'GET /frame/checkout', 'GET /widget.js', 'GET /assets/:file{.+}']);

describe('fuzz: hostile input at every route', () => {
  it('enumerates every route of the app, and the routes the OpenAPI document names are among them', async () => {
    const routes = appRoutes();
    assert.ok(routes.length >= 30, `only ${routes.length} routes found`);
    const documented = Object.keys(((await (await stack.app.request('/openapi.json')).json()) as { paths: Record<string, unknown> }).paths);
    const paths = new Set(routes.map((route) => route.split(' ')[1]!.replace(/:(\w+)(\{[^}]*\})?/g, (_m, name: string) => `{${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}}`)));
    for (const path of documented) assert.ok(paths.has(path), `${path} is documented but not fuzzed`);
  });

  it(`never a 5xx, always the error shape, nothing written when refused (${RUNS} runs, seed ${SEED})`, async () => {
    const routes = appRoutes();
    const hits = new Map<string, number>(routes.map((route) => [route, 0]));
    const statuses = new Map<number, number>();
    const request = fc.constantFrom(...routes).chain((route) => {
      const [method, pattern] = route.split(' ') as [string, string];
      const names = [...pattern.matchAll(/:(\w+)/g)].map((match) => match[1]!);
      return fc.record({
        route: fc.constant(route),
        method: fc.constant(method),
        segments: fc.tuple(...names.map((name) => pathSegment(route, name))),
        query: queryString,
        body: bodyArbitrary(BASE_BODIES[route]?.() ?? {}),
        headers: headersArbitrary,
      });
    });

    let before = await digest();
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        let index = 0;
        const path = input.route
          .split(' ')[1]!
          .replace(/:\w+(\{[^}]*\})?/g, () => input.segments[index++] as string);
        const init: RequestInit = { method: input.method, headers: headersOf(input.headers) };
        if (input.method !== 'GET' && input.body.kind === 'text') init.body = input.body.text;
        if (input.method !== 'GET' && input.body.kind === 'bytes') init.body = input.body.bytes as Uint8Array<ArrayBuffer>;
        const response = await stack.app.request(`${path}${input.query ? `?${input.query}` : ''}`, init);
        hits.set(input.route, hits.get(input.route)! + 1);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const text = await response.text();
        const where = `${input.method} ${path.slice(0, 200)} → ${response.status} ${text.slice(0, 300)}`;
        assert.ok(response.status < 500, where);
        const json = response.headers.get('content-type')?.startsWith('application/json');
        if (response.status >= 400 && (json || !PAGE_ROUTES.has(input.route))) {
          const body = JSON.parse(text);
          assert.equal(typeof body.error?.type, 'string', where);
          assert.equal(typeof body.error?.code, 'string', where);
          assert.equal(typeof body.error?.message, 'string', where);
        }
        const error = response.status >= 400 && json ? JSON.parse(text).error : undefined;
        const recorded = input.route === 'POST /v1/payments/:id/refunds' && (RECORDED_REFUSALS.has(error?.code) || error?.type === 'provider_error');
        if (response.status >= 400 && !recorded) {
          assert.deepEqual(await digest(), before, `a refused request wrote: ${where}`);
        } else {
          before = await digest();
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true, includeErrorInReport: true },
    );
    const missed = [...hits].filter(([, count]) => count < 10).map(([route]) => route);
    assert.deepEqual(missed, [], 'every route got its share of the runs');
    console.log(`fuzz: ${RUNS} requests over ${routes.length} routes; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  });
});
