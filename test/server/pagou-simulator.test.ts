/**
 * The Pagou sandbox simulator on its own: the API through `app.request()`, webhooks delivered
 * for real to a small HTTP server on loopback.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPagouSimulator, type PagouSimOptions } from '../../server/simulators/pagou/app.ts';
import { buildBrCode, parseBrCode } from '../../server/simulators/pagou/brcode.ts';
import { PAGOU_TEST_CARDS, behaviourOf } from '../../server/simulators/pagou/cards.ts';

const TOKEN = 'pagou_sk_test_123';
const PUBLIC_URL = 'http://127.0.0.1:4243/pagou';
const CPF = '52998224725';
const CNPJ = '11222333000181';

interface Hook {
  path: string;
  body: any;
}

/** A webhook receiver on 127.0.0.1: records every POST and answers `status` (200 by default). */
function startReceiver() {
  const hooks: Hook[] = [];
  let status = 200;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      hooks.push({ path: req.url ?? '', body: JSON.parse(text) });
      res.writeHead(status).end();
    });
  });
  return {
    hooks,
    setStatus: (code: number) => (status = code),
    url: '',
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function eventually(check: () => boolean, timeoutMs = 3000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function harness(options: Partial<PagouSimOptions> = {}) {
  const receiver = startReceiver();
  const sim = createPagouSimulator({ token: TOKEN, publicUrl: PUBLIC_URL, settleAfterMs: 0, ...options });
  before(() => receiver.start());
  after(async () => {
    sim.close();
    await receiver.close();
  });
  const call = async (path: string, init: { method?: string; body?: unknown; token?: string | null; form?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = {};
    if (init.token !== null) headers.Authorization = `Bearer ${init.token ?? TOKEN}`;
    let body: string | undefined;
    if (init.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    }
    const response = await sim.app.request(path, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body !== undefined ? { body } : {}) });
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers, body: (type.includes('json') ? await response.json() : await response.text()) as any };
  };
  const pixBody = (overrides: Record<string, unknown> = {}) => ({
    amount: 5400,
    method: 'pix',
    buyer: { name: 'Ana Souza', email: 'ana@example.com', document: { type: 'CPF', number: CPF } },
    products: [{ name: 'Camiseta', price: 2700, quantity: 2 }],
    notify_url: `${receiver.url}/hooks/pix`,
    ...overrides,
  });
  const tokenize = async (number: string) => {
    const response = await call('/v2/tokens', {
      body: { card: { number, holder_name: 'ANA SOUZA', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvv: '123' } },
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body.data.id as string;
  };
  const cardBody = async (number: string, overrides: Record<string, unknown> = {}) => ({
    amount: 12990,
    method: 'credit_card',
    installments: 3,
    token: await tokenize(number),
    buyer: { name: 'Ana Souza', email: 'ana@example.com' },
    products: [{ name: 'Tênis', price: 12990, quantity: 1 }],
    notify_url: `${receiver.url}/hooks/card`,
    ip_address: '203.0.113.7',
    ...overrides,
  });
  const hooksFor = (id: string) => receiver.hooks.filter((hook) => hook.body.data.id === id);
  return { sim, receiver, call, pixBody, cardBody, tokenize, hooksFor };
}

describe('Pagou simulator: authentication and errors', () => {
  const h = harness();

  it('answers 401 unauthorized, in the error envelope, without or with a wrong Bearer token', async () => {
    for (const token of [null, 'wrong']) {
      for (const [path, body] of [['/v2/transactions', h.pixBody()], ['/v2/tokens', { card: {} }], ['/v2/transactions/x', undefined]] as const) {
        const response = await h.call(path, { token, body });
        assert.equal(response.status, 401, `${path} with ${token}`);
        assert.equal(response.body.success, false);
        assert.match(response.body.requestId, /^[0-9a-f-]{36}$/);
        assert.equal(response.body.error.code, 'unauthorized');
        assert.equal(typeof response.body.error.message, 'string');
      }
    }
    assert.equal(h.sim.transactions.size, 0);
  });

  it('answers 404 not_found for an unknown transaction', async () => {
    const response = await h.call('/v2/transactions/3c90c3cc-0d44-4b50-8888-8dd25736052a');
    assert.equal(response.status, 404);
    assert.equal(response.body.success, false);
    assert.equal(response.body.error.code, 'not_found');
  });

  it('lists every problem of an invalid body at once, with dotted field paths', async () => {
    const response = await h.call('/v2/transactions', {
      body: {
        amount: 100000001,
        method: 'pix',
        buyer: { name: '', email: 'not-an-email', document: { type: 'CPF', number: '52998224726' } },
        products: [{ name: 'A', price: 0, quantity: 1.5 }],
        currency: 'USD',
        installments: 2,
        notify_url: 'not a url',
        metadata: { a: 1 },
        ip_address: '::1',
      },
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.success, false);
    assert.equal(response.body.error.code, 'validation_error');
    const fields = response.body.error.details.map((d: { field: string }) => d.field).sort();
    assert.deepEqual(fields, [
      'amount', 'buyer.document.number', 'buyer.email', 'buyer.name', 'currency', 'installments', 'ip_address', 'metadata', 'notify_url',
      'products.0.price', 'products.0.quantity',
    ].sort());
    for (const detail of response.body.error.details) assert.ok(detail.message.length > 0);
    assert.equal(h.sim.transactions.size, 0);
  });

  it('requires what each method needs: a document for pix, a known pgct_ token for credit_card', async () => {
    const pix = await h.call('/v2/transactions', { body: h.pixBody({ buyer: { name: 'Ana', email: 'ana@example.com' }, products: [] }) });
    assert.equal(pix.status, 400);
    assert.deepEqual(pix.body.error.details.map((d: { field: string }) => d.field).sort(), ['buyer.document', 'products']);

    const base = { amount: 100, method: 'credit_card', buyer: { name: 'Ana', email: 'ana@example.com' }, products: [{ name: 'A', price: 100, quantity: 1 }] };
    for (const [token, message] of [[undefined, /required/], ['tok_123', /pgct_/], ['pgct_unknown', /not found/]] as const) {
      const response = await h.call('/v2/transactions', { body: { ...base, ...(token ? { token } : {}) } });
      assert.equal(response.status, 400);
      assert.equal(response.body.error.details.length, 1);
      assert.equal(response.body.error.details[0].field, 'token');
      assert.match(response.body.error.details[0].message, message);
    }
    const cnpj = await h.call('/v2/transactions', { body: h.pixBody({ buyer: { name: 'Loja', email: 'a@b.co', document: { type: 'CNPJ', number: CNPJ } }, notify_url: null }) });
    assert.equal(cnpj.status, 201);
    const garbage = await h.call('/v2/transactions', { body: '{"amount":' });
    assert.equal(garbage.status, 400);
    assert.equal(garbage.body.error.code, 'validation_error');
  });
});

describe('Pagou simulator: PIX', () => {
  const h = harness();

  it('creates a waiting_payment PIX with a valid BR Code, then the sandbox pays it and the webhook says paid', async () => {
    const before = Date.now();
    const created = await h.call('/v2/transactions', { body: h.pixBody({ metadata: '{"paykit_payment":"pay_1"}', external_ref: 'pay_1', ip_address: '127.0.0.1' }) });
    assert.equal(created.status, 201);
    assert.equal(created.body.success, true);
    assert.match(created.body.requestId, /^[0-9a-f-]{36}$/);
    const tx = created.body.data;
    assert.match(tx.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(tx.status, 'waiting_payment');
    assert.equal(tx.method, 'pix');
    assert.equal(tx.amount, 5400);
    assert.equal(tx.currency, 'BRL');
    assert.equal(tx.paid_amount, 0);
    assert.equal(tx.refunded_amount, 0);
    assert.equal(tx.paid_at, null);
    assert.equal(tx.next_action, null);
    assert.equal(tx.installments, null);
    assert.equal(tx.external_ref, 'pay_1');
    assert.equal(tx.ip_address, '127.0.0.1');
    assert.deepEqual(tx.metadata, { raw: '{"paykit_payment":"pay_1"}' });
    assert.deepEqual(tx.splits, []);
    assert.deepEqual(tx.informations, []);
    assert.equal(tx.traceable, false);
    assert.deepEqual(tx.products, [{ name: 'Camiseta', price: 2700, quantity: 2 }]);
    assert.equal(tx.fee.net_amount + tx.fee.estimated_fee, 5400);
    assert.match(tx.buyer.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual({ ...tx.buyer, id: 'x' }, { id: 'x', name: 'Ana Souza', email: 'ana@example.com', phone: null, birth_date: null, document: { type: 'CPF', number: CPF }, address: null });
    assert.equal(tx.pix.end_to_end_id, null);
    assert.equal(tx.pix.receipt_url, null);
    const expires = Date.parse(tx.pix.expiration_date);
    assert.ok(expires >= before + 15 * 60_000 && expires <= Date.now() + 15 * 60_000);

    const code = parseBrCode(tx.pix.qr_code);
    assert.equal(code.crcValid, true);
    assert.equal(code.fields['54'], '54.00');
    assert.equal(code.fields['53'], '986');
    assert.equal(code.fields['01'], '12');
    assert.equal(code.merchantAccount['00'], 'br.gov.bcb.pix');
    assert.equal(code.merchantAccount['25'], `127.0.0.1:4243/pagou/pix/v2/${tx.id}`);

    const paid = await h.call(`/sandbox/transactions/${tx.id}/pay`, { method: 'POST', token: null });
    assert.equal(paid.status, 200);
    assert.equal(paid.body.data.status, 'paid');
    const hooks = h.hooksFor(tx.id);
    assert.equal(hooks.length, 1, 'the first delivery is done before the sandbox route answers');
    assert.equal(hooks[0]!.path, '/hooks/pix');
    assert.equal(hooks[0]!.body.event, 'transaction.updated');
    const hooked = hooks[0]!.body.data;
    assert.equal(hooked.status, 'paid');
    assert.equal(hooked.paid_amount, 5400);
    assert.ok(hooked.paid_at);
    assert.match(hooked.pix.end_to_end_id, /^E[0-9A-Za-z]{31}$/);
    assert.equal(hooked.pix.receipt_url, `${PUBLIC_URL}/sandbox/pix/receipts/${tx.id}`);
    assert.deepEqual(h.sim.transactions.get(tx.id)!.webhooks.map((w) => [w.status, w.transaction_status]), [[200, 'paid']]);

    const read = await h.call(`/v2/transactions/${tx.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.data, hooked);
    const receipt = await h.call(`/sandbox/pix/receipts/${tx.id}`, { token: null });
    assert.equal(receipt.status, 200);
    assert.match(receipt.body, /R\$\s54,00/);

    const again = await h.call(`/sandbox/transactions/${tx.id}/pay`, { method: 'POST', token: null });
    assert.equal(again.status, 409);
    assert.equal(h.hooksFor(tx.id).length, 1);
  });

  it('pays by the copy-and-paste code, as a bank app would, and refuses bad codes clearly', async () => {
    const tx = (await h.call('/v2/transactions', { body: h.pixBody({ amount: 1999 }) })).body.data;
    const code: string = tx.pix.qr_code;
    const pay = (qr_code: unknown) => h.call('/sandbox/pix/pay', { body: { qr_code }, token: null });

    const tampered = code.replace('5405' + '19.99', '5405' + '10.99');
    assert.notEqual(tampered, code);
    const crc = await pay(tampered);
    assert.equal(crc.status, 400);
    assert.equal(crc.body.error.code, 'invalid_qr_code');
    assert.match(crc.body.error.message, /CRC/);
    assert.equal((await pay('hello')).status, 400);
    assert.equal((await pay(undefined)).status, 400);
    const foreign = buildBrCode({ locationUrl: '127.0.0.1:4243/pagou/pix/v2/3c90c3cc-0d44-4b50-8888-8dd25736052a', amount: 1999, merchantName: 'X', merchantCity: 'Y' });
    const unknown = await pay(foreign);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'not_found');

    const paid = await pay(code);
    assert.equal(paid.status, 200);
    assert.equal(paid.body.data.id, tx.id);
    assert.equal(paid.body.data.status, 'paid');
    await eventually(() => h.hooksFor(tx.id).length === 1);
    assert.equal(h.hooksFor(tx.id)[0]!.body.data.status, 'paid');
    const twice = await pay(code);
    assert.equal(twice.status, 409);
    assert.match(twice.body.error.message, /already paid/);
  });

  it('has a page to paste and pay a code, with no script', async () => {
    const form = await h.call('/sandbox/pix', { token: null });
    assert.equal(form.status, 200);
    assert.match(form.body, /<textarea[^>]*name="qr_code"/);
    assert.match(form.body, new RegExp(`action="${PUBLIC_URL}/sandbox/pix/pay-form"`));
    assert.doesNotMatch(form.body, /<script/i);
    const tx = (await h.call('/v2/transactions', { body: h.pixBody({ amount: 250 }) })).body.data;
    const paid = await h.call('/sandbox/pix/pay-form', { form: { qr_code: tx.pix.qr_code }, token: null });
    assert.equal(paid.status, 200);
    assert.match(paid.body, /PIX paid/);
    assert.equal(h.sim.transactions.get(tx.id)!.data.status, 'paid');
    const bad = await h.call('/sandbox/pix/pay-form', { form: { qr_code: 'nope' }, token: null });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /not a PIX/);
  });

  it('treats external_ref as an idempotency key: the second POST answers 200 with the same transaction', async () => {
    const count = h.sim.transactions.size;
    const first = await h.call('/v2/transactions', { body: h.pixBody({ external_ref: 'pay_idem' }) });
    const second = await h.call('/v2/transactions', { body: h.pixBody({ external_ref: 'pay_idem', amount: 999 }) });
    assert.equal(first.status, 201);
    assert.equal(second.status, 200);
    assert.equal(second.body.data.id, first.body.data.id);
    assert.equal(second.body.data.amount, 5400);
    assert.notEqual(second.body.requestId, first.body.requestId);
    assert.equal(h.sim.transactions.size, count + 1);
    const other = await h.call('/v2/transactions', { body: h.pixBody({ external_ref: 'pay_other' }) });
    assert.equal(other.status, 201);
    assert.notEqual(other.body.data.id, first.body.data.id);
  });

  it('expires a PIX on the sandbox route, notifies, and then refuses to pay or expire it again', async () => {
    const tx = (await h.call('/v2/transactions', { body: h.pixBody() })).body.data;
    const expired = await h.call(`/sandbox/transactions/${tx.id}/expire`, { method: 'POST', token: null });
    assert.equal(expired.status, 200);
    assert.equal(expired.body.data.status, 'expired');
    assert.equal(h.hooksFor(tx.id).at(-1)!.body.data.status, 'expired');
    assert.equal((await h.call(`/sandbox/transactions/${tx.id}/expire`, { method: 'POST', token: null })).status, 409);
    const pay = await h.call(`/sandbox/transactions/${tx.id}/pay`, { method: 'POST', token: null });
    assert.equal(pay.status, 409);
    assert.match(pay.body.error.message, /expired/);
  });

  it('lists what the sandbox holds, with the webhook deliveries', async () => {
    const list = await h.call('/sandbox/transactions', { token: null });
    assert.equal(list.status, 200);
    assert.equal(list.body.length, h.sim.transactions.size);
    const paid = list.body.find((tx: any) => tx.status === 'paid');
    const one = await h.call(`/sandbox/transactions/${paid.id}`, { token: null });
    assert.equal(one.body.id, paid.id);
    assert.ok(one.body.webhooks.length >= 1);
    assert.equal(one.body.notify_url, `${h.receiver.url}/hooks/pix`);
    assert.equal((await h.call('/sandbox/transactions/nope', { token: null })).status, 404);
  });
});

describe('Pagou simulator: PIX expiry by timer', () => {
  const h = harness({ pixTtlMs: 120 });

  it('moves an unpaid PIX to expired at expiration_date and notifies', async () => {
    const tx = (await h.call('/v2/transactions', { body: h.pixBody() })).body.data;
    assert.ok(Date.parse(tx.pix.expiration_date) - Date.parse(tx.created_at) === 120);
    await eventually(() => h.hooksFor(tx.id).length === 1);
    assert.equal(h.hooksFor(tx.id)[0]!.body.data.status, 'expired');
    assert.equal((await h.call(`/v2/transactions/${tx.id}`)).body.data.status, 'expired');
  });
});

describe('Pagou simulator: a given clock', () => {
  let clock = new Date('2030-01-01T12:00:00.000Z');
  const h = harness({ now: () => clock });

  it('expires a PIX read after its expiration_date even before the timer runs', async () => {
    const tx = (await h.call('/v2/transactions', { body: h.pixBody() })).body.data;
    assert.equal(tx.created_at, '2030-01-01T12:00:00.000Z');
    assert.equal(tx.pix.expiration_date, '2030-01-01T12:15:00.000Z');
    clock = new Date('2030-01-01T12:15:00.001Z');
    const read = await h.call(`/v2/transactions/${tx.id}`);
    assert.equal(read.body.data.status, 'expired');
    assert.equal(read.body.data.updated_at, '2030-01-01T12:15:00.001Z');
    await eventually(() => h.hooksFor(tx.id).length === 1);
    assert.equal((await h.call(`/sandbox/transactions/${tx.id}/pay`, { method: 'POST', token: null })).status, 409);
  });
});

describe('Pagou simulator: cards', () => {
  const h = harness({ challengeTtlMs: 60_000 });

  it('tokenizes a card and keeps the number out of every answer and transaction', async () => {
    const year = new Date().getUTCFullYear() + 3;
    const response = await h.call('/v2/tokens', { body: { card: { number: '4111 1111 1111 1111', holder_name: 'Ana', exp_month: '07', exp_year: String(year).slice(2), cvv: '123' } } });
    assert.equal(response.status, 201);
    assert.equal(response.body.success, true);
    assert.match(response.body.data.id, /^pgct_/);
    assert.deepEqual({ ...response.body.data, id: 'x' }, { id: 'x', brand: 'visa', last4: '1111', exp_month: 7, exp_year: year });
    const elo = await h.call('/v2/tokens', { body: { card: { number: '6362970000457013', holder_name: 'Ana', exp_month: 1, exp_year: 2040, cvv: '1234' } } });
    assert.equal(elo.body.data.brand, 'elo');

    const created = await h.call('/v2/transactions', { body: { ...(await h.cardBody('4111111111111111')), token: response.body.data.id } });
    assert.equal(created.status, 201);
    const stored = JSON.stringify([...h.sim.transactions.values()]);
    for (const text of [JSON.stringify(created.body), stored]) {
      assert.doesNotMatch(text, /4111111111111111|"cvv"/);
    }
  });

  it('answers 400 with every bad card field, and 422 card_declined for a number of no card network', async () => {
    const bad = await h.call('/v2/tokens', { body: { card: { number: '4111111111111112', holder_name: ' ', exp_month: 1, exp_year: 2020, cvv: '12' } } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'validation_error');
    assert.deepEqual(bad.body.error.details.map((d: { field: string }) => d.field).sort(), ['card.cvv', 'card.exp_year', 'card.holder_name', 'card.number']);
    const none = await h.call('/v2/tokens', { body: {} });
    assert.deepEqual(none.body.error.details, [{ field: 'card', message: 'card is required.' }]);
    const notACard = await h.call('/v2/tokens', { body: { card: { number: '1000000000000008', holder_name: 'Ana', exp_month: 1, exp_year: 2040, cvv: '123' } } });
    assert.equal(notACard.status, 422);
    assert.equal(notACard.body.error.code, 'card_declined');
  });

  it('authorizes the approved test cards at once (authorized counts as captured)', async () => {
    for (const number of ['4111111111111111', '5555555555554444', '6362970000457013', '4242424242424242']) {
      const response = await h.call('/v2/transactions', { body: await h.cardBody(number) });
      assert.equal(response.status, 201);
      const tx = response.body.data;
      assert.equal(tx.status, 'authorized', number);
      assert.equal(tx.method, 'credit_card');
      assert.equal(tx.installments, 3);
      assert.equal(tx.paid_amount, 12990);
      assert.ok(tx.paid_at);
      assert.equal(tx.pix, null);
      assert.equal(tx.next_action, null);
      assert.equal(tx.ip_address, '203.0.113.7');
      assert.deepEqual(tx.metadata, {});
    }
  });

  it('refuses the declining test cards with a human reason', async () => {
    for (const [number, reason] of [['4000000000000002', 'Transação não autorizada'], ['4000000000009995', 'Saldo insuficiente']]) {
      const tx = (await h.call('/v2/transactions', { body: await h.cardBody(number!) })).body.data;
      assert.equal(tx.status, 'refused');
      assert.equal(tx.paid_at, null);
      assert.equal(tx.paid_amount, 0);
      assert.deepEqual(tx.informations, [{ key: 'refusal_reason', value: reason }]);
    }
  });

  it('runs a 3DS challenge: a framable, script-free page; Authenticate → authorized by webhook', async () => {
    const tx = (await h.call('/v2/transactions', { body: await h.cardBody('4000000000003220') })).body.data;
    assert.equal(tx.status, 'waiting_challenge');
    assert.equal(tx.paid_at, null);
    const action = tx.next_action;
    assert.equal(action.type, 'three_ds_challenge');
    assert.ok(action.challenge_session_id && action.client_secret);
    assert.ok(Date.parse(action.expires_at) - Date.parse(tx.created_at) === 60_000);
    const path = `/v2/three_ds/challenges/${action.challenge_session_id}`;

    const page = await h.call(`${path}?client_secret=${encodeURIComponent(action.client_secret)}`, { token: null });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    assert.equal(page.headers.get('x-frame-options'), null);
    assert.doesNotMatch(page.headers.get('content-security-policy') ?? '', /frame-ancestors/);
    assert.match(page.body, /R\$\s129,90/);
    assert.match(page.body, /123456/);
    assert.match(page.body, />Authenticate</);
    assert.match(page.body, />Fail</);
    assert.doesNotMatch(page.body, /<script|onclick|javascript:/i);

    assert.equal((await h.call(`${path}?client_secret=wrong`, { token: null })).status, 403);
    assert.equal((await h.call(path, { token: null })).status, 403);
    const forged = await h.call(path, { form: { client_secret: 'wrong', action: 'authenticate' }, token: null });
    assert.equal(forged.status, 403);
    assert.equal(h.sim.transactions.get(tx.id)!.data.status, 'waiting_challenge');

    const done = await h.call(path, { form: { client_secret: action.client_secret, action: 'authenticate' }, token: null });
    assert.equal(done.status, 200);
    assert.match(done.body, /Authentication complete\. You can return to the checkout\./);
    const hooks = h.hooksFor(tx.id);
    assert.equal(hooks.length, 1);
    assert.equal(hooks[0]!.path, '/hooks/card');
    assert.equal(hooks[0]!.body.data.status, 'authorized');
    assert.equal(hooks[0]!.body.data.next_action, null);
    assert.ok(hooks[0]!.body.data.paid_at);
    assert.equal((await h.call(`/v2/transactions/${tx.id}`)).body.data.status, 'authorized');

    const answered = await h.call(`${path}?client_secret=${encodeURIComponent(action.client_secret)}`, { token: null });
    assert.equal(answered.status, 409);
    assert.match(answered.body, /already answered/);
  });

  it('Fail on the 3DS page → refused ("Autenticação 3DS falhou") by webhook; the sandbox can expire a pending challenge', async () => {
    const tx = (await h.call('/v2/transactions', { body: await h.cardBody('4000000000003220') })).body.data;
    const path = `/v2/three_ds/challenges/${tx.next_action.challenge_session_id}`;
    const done = await h.call(path, { form: { client_secret: tx.next_action.client_secret, action: 'fail' }, token: null });
    assert.equal(done.status, 200);
    assert.match(done.body, /Authentication complete/);
    const hooked = h.hooksFor(tx.id)[0]!.body.data;
    assert.equal(hooked.status, 'refused');
    assert.deepEqual(hooked.informations, [{ key: 'refusal_reason', value: 'Autenticação 3DS falhou' }]);

    const other = (await h.call('/v2/transactions', { body: await h.cardBody('4000000000003220') })).body.data;
    const expired = await h.call(`/sandbox/transactions/${other.id}/expire`, { method: 'POST', token: null });
    assert.equal(expired.body.data.status, 'expired');
    assert.equal(expired.body.data.next_action, null);
    assert.equal(h.hooksFor(other.id)[0]!.body.data.status, 'expired');
    const page = await h.call(`/v2/three_ds/challenges/${other.next_action.challenge_session_id}?client_secret=${encodeURIComponent(other.next_action.client_secret)}`, { token: null });
    assert.equal(page.status, 410);
    assert.match(page.body, /expired/);
  });

  it('leaves a processing card for the sandbox to pay when settleAfterMs is 0', async () => {
    const tx = (await h.call('/v2/transactions', { body: await h.cardBody('4000000000000259') })).body.data;
    assert.equal(tx.status, 'processing');
    const paid = await h.call(`/sandbox/transactions/${tx.id}/pay`, { method: 'POST', token: null });
    assert.equal(paid.status, 200);
    assert.equal(paid.body.data.status, 'paid');
    assert.equal(h.hooksFor(tx.id)[0]!.body.data.status, 'paid');
    const authorized = (await h.call('/v2/transactions', { body: await h.cardBody('4111111111111111') })).body.data;
    assert.equal((await h.call(`/sandbox/transactions/${authorized.id}/pay`, { method: 'POST', token: null })).status, 409);
  });

  it('lists the README test cards; any other Luhn-valid number is authorized', async () => {
    const response = await h.call('/sandbox/test-cards', { token: null });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.map((card: { number: string }) => card.number), [
      '4111111111111111', '5555555555554444', '6362970000457013', '4000000000003220', '4000000000000002', '4000000000009995', '4000000000000259',
    ]);
    assert.equal(response.body.length, PAGOU_TEST_CARDS.length);
    assert.deepEqual(behaviourOf('4242424242424242'), { kind: 'authorized' });
  });
});

describe('Pagou simulator: timers and failing webhooks', () => {
  const h = harness({ settleAfterMs: 60, challengeTtlMs: 80 });

  it('pays a processing card by itself after settleAfterMs and notifies', async () => {
    const tx = (await h.call('/v2/transactions', { body: await h.cardBody('4000000000000259') })).body.data;
    assert.equal(tx.status, 'processing');
    await eventually(() => h.hooksFor(tx.id).length === 1);
    assert.equal(h.hooksFor(tx.id)[0]!.body.data.status, 'paid');
  });

  it('expires an unanswered challenge at expires_at', async () => {
    const tx = (await h.call('/v2/transactions', { body: await h.cardBody('4000000000003220') })).body.data;
    await eventually(() => h.hooksFor(tx.id).length === 1);
    const hooked = h.hooksFor(tx.id)[0]!.body.data;
    assert.equal(hooked.status, 'expired');
    assert.equal(hooked.next_action, null);
  });

  it('records a failed delivery (null or the status code) and never throws', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const tx = (await h.call('/v2/transactions', { body: h.pixBody({ notify_url: `http://127.0.0.1:${closedPort}/hook` }) })).body.data;
    const paid = await h.call(`/sandbox/transactions/${tx.id}/pay`, { method: 'POST', token: null });
    assert.equal(paid.status, 200);
    const webhooks = h.sim.transactions.get(tx.id)!.webhooks;
    assert.equal(webhooks[0]!.status, null);
    assert.equal(webhooks[0]!.transaction_status, 'paid');

    h.receiver.setStatus(503);
    const other = (await h.call('/v2/transactions', { body: h.pixBody() })).body.data;
    await h.call(`/sandbox/transactions/${other.id}/pay`, { method: 'POST', token: null });
    await eventually(() => h.sim.transactions.get(other.id)!.webhooks.length >= 2);
    assert.deepEqual(h.sim.transactions.get(other.id)!.webhooks.slice(0, 2).map((w) => w.status), [503, 503]);
    h.receiver.setStatus(200);
  });
});
