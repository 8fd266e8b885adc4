/**
 * The Pepper gateway sandbox simulator on its own, through `app.request()`.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createPepperSimulator } from '../../server/simulators/pepper/app.ts';
import { abaChecksumOk, PEPPER_TEST_CARDS, PEPPER_TEST_ROUTING_NUMBERS, luhn, surchargeOf } from '../../server/simulators/pepper/cards.ts';

const API_KEY = 'api_sandbox_123';
const PUB_KEY = 'pub_sandbox_123';
const PUBLIC_URL = 'http://127.0.0.1:4243/pepper';
const MERCHANT = 'http://shop.example/return?order=42';

function harness() {
  let clock = new Date('2025-06-15T12:00:00Z');
  const sim = createPepperSimulator({ apiKey: API_KEY, publicKey: PUB_KEY, publicUrl: PUBLIC_URL, now: () => clock });
  after(() => sim.close());
  const call = async (method: string, path: string, body?: unknown, auth: string | null = API_KEY) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (auth !== null) headers.Authorization = auth;
    const res = await sim.app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  return {
    sim,
    call,
    advance: (ms: number) => (clock = new Date(clock.getTime() + ms)),
    setClock: (iso: string) => (clock = new Date(iso)),
  };
}

const billing = { first_name: 'John', last_name: 'Smith', address_line_1: '123 Some St', city: 'Wheaton', state: 'IL', postal_code: '60187', country: 'US' };

function cardSale(number: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'sale',
    amount: 1112,
    currency: 'USD',
    order_id: 'order1',
    payment_method: { card: { entry_type: 'keyed', number, expiration_date: '12/30', cvc: '999' } },
    billing_address: billing,
    ...extra,
  };
}

function achSale(routing: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'sale',
    amount: 5000,
    payment_method: { ach: { routing_number: routing, account_number: '999999', sec_code: 'web', account_type: 'checking' } },
    ...extra,
  };
}

describe('pepper sandbox: test data', () => {
  it('test cards are Luhn-valid and routing numbers pass the ABA checksum', () => {
    for (const card of PEPPER_TEST_CARDS) assert.ok(luhn(card.number), card.number);
    for (const r of PEPPER_TEST_ROUTING_NUMBERS) assert.ok(abaChecksumOk(r.routing_number), r.routing_number);
    assert.equal(abaChecksumOk('021000022'), false);
  });

  it('surcharge rule: 3.5% half up, 0 for debit BINs and CT/MA/ME', () => {
    assert.equal(surchargeOf(1000, '411111', 'IL'), 35);
    assert.equal(surchargeOf(999, '411111'), 35); // 34.965 → 35
    assert.equal(surchargeOf(10, '411111'), 0); // 0.35 → 0
    assert.equal(surchargeOf(1000, '4000056655665556', 'IL'), 0);
    assert.equal(surchargeOf(1000, '411111', 'ct'), 0);
  });
});

describe('pepper sandbox: auth', () => {
  const { call } = harness();
  const unauthorized = { status: 'failed', msg: 'unauthorized', data: null };

  it('401 without a key, with a wrong key and with a public key', async () => {
    for (const auth of [null, 'api_wrong', PUB_KEY, `Bearer ${PUB_KEY}`, 'pub_other']) {
      const res = await call('POST', '/api/transaction', cardSale('4111111111111111'), auth);
      assert.equal(res.status, 401, String(auth));
      assert.deepEqual(res.body, unauthorized);
    }
    const get = await call('GET', '/api/transaction/abc', undefined, PUB_KEY);
    assert.deepEqual([get.status, get.body], [401, unauthorized]);
    const fees = await call('POST', '/api/lookup/fees', { type: 'integrations', bin: '411111', payment_method: 'card', base_amount: 100 }, PUB_KEY);
    assert.deepEqual([fees.status, fees.body], [401, unauthorized]);
  });

  it('accepts the raw key and Bearer <key>', async () => {
    assert.equal((await call('POST', '/api/transaction', cardSale('4111111111111111'), API_KEY)).status, 200);
    assert.equal((await call('POST', '/api/transaction', cardSale('4111111111111111'), `Bearer ${API_KEY}`)).status, 200);
  });
});

describe('pepper sandbox: validation', () => {
  const { call } = harness();
  const rejects = async (body: unknown, pattern: RegExp) => {
    const res = await call('POST', '/api/transaction', body);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.status, 'failed');
    assert.equal(res.body.data, null);
    assert.match(res.body.msg, pattern);
  };

  it('order_id longer than 15 or not alphanumeric', async () => {
    await rejects(cardSale('4111111111111111', { order_id: 'a'.repeat(16) }), /order_id must be at most 15 alphanumeric characters/);
    await rejects(cardSale('4111111111111111', { po_number: 'po-1' }), /po_number must be at most 15 alphanumeric/);
  });

  it('bad ABA checksum, short account, tel without check number', async () => {
    await rejects(achSale('021000022'), /routing_number is not a valid ABA routing number/);
    const body = achSale('021000021');
    (body.payment_method.ach as any).account_number = '123';
    await rejects(body, /account_number must be 4 to 17 digits/);
    const tel = achSale('021000021');
    (tel.payment_method.ach as any).sec_code = 'tel';
    await rejects(tel, /check_number is required when sec_code is "tel"/);
  });

  it('exactly one payment method', async () => {
    const body = cardSale('4111111111111111');
    (body.payment_method as any).ach = achSale('021000021').payment_method.ach;
    await rejects(body, /payment_method must contain exactly one of: .*\(got card, ach\)/);
    await rejects({ ...cardSale('4111111111111111'), payment_method: {} }, /exactly one/);
  });

  it('card number, expiry, cvc, type, amount, email, APM fields', async () => {
    await rejects(cardSale('4111111111111112'), /card.number is not a valid card number/);
    await rejects(cardSale('4111 1111 1111 1111'), /digits only/);
    await rejects({ ...cardSale('4111111111111111'), payment_method: { card: { number: '4111111111111111', expiration_date: '05/25' } } }, /must not be in the past/);
    await rejects({ ...cardSale('4111111111111111'), payment_method: { card: { number: '4111111111111111', expiration_date: '1230' } } }, /MM\/YY/);
    await rejects({ ...cardSale('4111111111111111'), payment_method: { card: { number: '4111111111111111', expiration_date: '12/30', cvc: '12' } } }, /cvc must be 3 or 4 digits/);
    await rejects(cardSale('4111111111111111', { type: 'purchase' }), /type must be one of/);
    await rejects(cardSale('4111111111111111', { amount: 12.5 }), /amount must be a non-negative integer/);
    await rejects(cardSale('4111111111111111', { amount: 0 }), /amount must be greater than 0 for a sale/);
    await rejects(cardSale('4111111111111111', { email_address: 'nope' }), /email_address must be a valid email/);
    await rejects(cardSale('4111111111111111', { billing_address: { ...billing, first_name: 'x'.repeat(51) } }), /billing_address.first_name must be at most 50/);
    await rejects(cardSale('4111111111111111', { idempotency_key: 'abc' }), /idempotency_key must be a UUID/);
    await rejects({ type: 'sale', amount: 100, payment_method: { apm: { type: 'alipay', locale: 'en-US' } } }, /merchant_redirect_url/);
    await rejects({ type: 'sale', amount: 100, payment_method: { apm: { type: 'bitcoin', merchant_redirect_url: MERCHANT, locale: 'en-US' } } }, /apm.type must be one of/);
    await rejects({ type: 'sale', amount: 100, payment_method: { token: 'tok' } }, /token is not supported/);
  });
});

describe('pepper sandbox: card outcomes', () => {
  const { call, sim } = harness();

  it('approved sale: 100, pending_settlement, AVS Y / CVV M, masked card only', async () => {
    const res = await call('POST', '/api/transaction', cardSale('4111111111111111', { tax_amount: 100, shipping_amount: 100 }));
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'success');
    assert.equal(res.body.msg, 'success');
    const tx = res.body.data;
    assert.match(tx.id, /^[0-9a-v]{20}$/);
    assert.equal(tx.type, 'sale');
    assert.equal(tx.response_code, 100);
    assert.equal(tx.status, 'pending_settlement');
    assert.equal(tx.currency, 'usd');
    assert.equal(tx.amount_authorized, 1112);
    assert.equal(tx.amount_captured, 1112);
    assert.equal(tx.payment_method, 'card');
    assert.equal(tx.payment_type, 'card');
    const card = tx.response.card;
    assert.equal(card.card_type, 'visa');
    assert.equal(card.masked_card, '411111******1111');
    assert.equal(card.first_six, '411111');
    assert.equal(card.last_four, '1111');
    assert.equal(card.expiration_date, '12/30');
    assert.equal(card.status, 'approved');
    assert.equal(card.avs_response_code, 'Y');
    assert.equal(card.cvv_response_code, 'M');
    assert.match(card.auth_code, /^[A-Z0-9]{6}$/);
    const stored = JSON.stringify([...sim.transactions.values()]);
    assert.ok(!stored.includes('4111111111111111'), 'no full card number kept');
    assert.ok(!stored.includes('"999"'), 'no CVC kept');
    assert.ok(!JSON.stringify(res.body).includes('4111111111111111'));
  });

  it('Amex and Mastercard are typed; AVS N / CVV N card; no CVC → P; no postal code → AVS 0', async () => {
    assert.equal((await call('POST', '/api/transaction', cardSale('378282246310005'))).body.data.response.card.card_type, 'amex');
    assert.equal((await call('POST', '/api/transaction', cardSale('378282246310005'))).body.data.response.card.masked_card, '378282*****0005');
    assert.equal((await call('POST', '/api/transaction', cardSale('5555555555554444'))).body.data.response.card.card_type, 'mastercard');
    const nn = (await call('POST', '/api/transaction', cardSale('4000000000000036'))).body.data;
    assert.deepEqual([nn.response_code, nn.response.card.avs_response_code, nn.response.card.cvv_response_code], [100, 'N', 'N']);
    const noCvc = (await call('POST', '/api/transaction', { ...cardSale('4111111111111111'), payment_method: { card: { number: '4111111111111111', expiration_date: '12/30' } }, billing_address: undefined })).body.data;
    assert.deepEqual([noCvc.response.card.avs_response_code, noCvc.response.card.cvv_response_code], ['0', 'P']);
  });

  it('each response-code range, HTTP 200 with status declined', async () => {
    for (const [number, code, text] of [
      ['4000000000000002', 201, 'Insufficient funds'],
      ['4000000000000069', 223, 'Expired card'],
      ['4000000000000101', 300, 'Gateway decline: fraud rules'],
      ['4000000000000119', 400, 'Processor error'],
    ] as const) {
      const res = await call('POST', '/api/transaction', cardSale(number));
      assert.equal(res.status, 200);
      assert.equal(res.body.data.response_code, code);
      assert.equal(res.body.data.response_text, text);
      assert.equal(res.body.data.status, 'declined');
      assert.equal(res.body.data.amount_authorized, 0);
      assert.equal(res.body.data.response.card.status, 'declined');
    }
  });

  it('partial approval: 110 with half the amount when allowed, declined otherwise', async () => {
    const res = await call('POST', '/api/transaction', cardSale('4000000000000077', { amount: 1001, allow_partial_payment: true }));
    const tx = res.body.data;
    assert.equal(tx.response_code, 110);
    assert.equal(tx.amount, 1001);
    assert.equal(tx.amount_authorized, 500);
    assert.equal(tx.amount_captured, 500);
    assert.equal(tx.status, 'pending_settlement');
    const refused = (await call('POST', '/api/transaction', cardSale('4000000000000077'))).body.data;
    assert.equal(refused.response_code, 200);
    assert.equal(refused.status, 'declined');
  });

  it('authorize → authorized; verification → authorized with 0; credit → pending_settlement', async () => {
    const auth = (await call('POST', '/api/transaction', cardSale('4111111111111111', { type: 'authorize' }))).body.data;
    assert.deepEqual([auth.status, auth.amount_authorized, auth.amount_captured], ['authorized', 1112, 0]);
    const verification = (await call('POST', '/api/transaction', cardSale('4111111111111111', { type: 'verification', amount: 0 }))).body.data;
    assert.deepEqual([verification.status, verification.amount, verification.response_code], ['authorized', 0, 100]);
    const bad = await call('POST', '/api/transaction', cardSale('4111111111111111', { type: 'verification', amount: 5 }));
    assert.equal(bad.status, 400);
    const credit = (await call('POST', '/api/transaction', cardSale('4111111111111111', { type: 'credit' }))).body.data;
    assert.equal(credit.status, 'pending_settlement');
  });

  it('GET by id: an array of one and total_count 1; unknown id 404', async () => {
    const created = (await call('POST', '/api/transaction', cardSale('4111111111111111'))).body.data;
    const res = await call('GET', `/api/transaction/${created.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.total_count, 1);
    assert.equal(res.body.data.length, 1);
    assert.deepEqual(res.body.data[0], created);
    const missing = await call('GET', '/api/transaction/nope');
    assert.deepEqual([missing.status, missing.body.status, missing.body.data], [404, 'failed', null]);
  });
});

describe('pepper sandbox: ACH and APM', () => {
  const { call, sim } = harness();

  it('ACH approved (both test routing numbers) and declined', async () => {
    for (const routing of ['490000018', '021000021']) {
      const tx = (await call('POST', '/api/transaction', achSale(routing))).body.data;
      assert.equal(tx.response_code, 100);
      assert.equal(tx.status, 'pending_settlement');
      assert.equal(tx.payment_method, 'ach');
      assert.equal(tx.payment_type, 'echeck');
      assert.equal(tx.response.ach.masked_account_number, '**9999');
      assert.equal(tx.response.ach.routing_number, routing);
    }
    const declined = (await call('POST', '/api/transaction', achSale('111000025'))).body.data;
    assert.deepEqual([declined.response_code, declined.response_text, declined.status], [201, 'R01 Insufficient funds', 'declined']);
    assert.ok(!JSON.stringify([...sim.transactions.values()]).includes('999999'), 'no full account number kept');
    const authorize = await call('POST', '/api/transaction', achSale('021000021', { type: 'authorize' }));
    assert.equal(authorize.status, 400);
  });

  const apm = (type: string) => ({ type: 'sale', amount: 2500, description: 'Mug', payment_method: { apm: { type, merchant_redirect_url: MERCHANT, locale: 'en-US', mobile_view: false } } });
  const form = (action: string) => ({ method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `action=${action}` });

  it('APM: pending 99 with a redirect page; Pay settles and 303s back with the status', async () => {
    const tx = (await call('POST', '/api/transaction', apm('alipay'))).body.data;
    assert.deepEqual([tx.response_code, tx.status, tx.payment_type, tx.payment_method], [99, 'pending', 'apm', 'apm']);
    assert.equal(tx.response.apm.redirect_url, `${PUBLIC_URL}/apm/${tx.id}`);
    const page = await sim.app.request(`/apm/${tx.id}`);
    assert.equal(page.status, 200);
    const text = await page.text();
    assert.match(text, /Pay<\/button>/);
    assert.match(text, /Cancel<\/button>/);
    assert.ok(!/<script/i.test(text));
    // No form-action: the 303 back to the merchant may redirect on, and browsers check form-action on every hop.
    assert.doesNotMatch(page.headers.get('content-security-policy') ?? '', /form-action/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);

    const res = await sim.app.request(`/apm/${tx.id}`, form('pay'));
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.origin + location.pathname, 'http://shop.example/return');
    assert.equal(location.searchParams.get('order'), '42');
    assert.equal(location.searchParams.get('transaction_id'), tx.id);
    assert.equal(location.searchParams.get('status'), 'pending_settlement');
    const after = (await call('GET', `/api/transaction/${tx.id}`)).body.data[0];
    assert.deepEqual([after.status, after.response_code, after.amount_captured, after.response.apm.status], ['pending_settlement', 100, 2500, 'approved']);
    assert.equal((await sim.app.request(`/apm/${tx.id}`, form('pay'))).status, 409);
  });

  it('APM: Cancel declines with 200 "Canceled by the buyer"', async () => {
    const tx = (await call('POST', '/api/transaction', apm('paypal'))).body.data;
    const res = await sim.app.request(`/apm/${tx.id}`, form('cancel'));
    assert.equal(res.status, 303);
    assert.equal(new URL(res.headers.get('location')!).searchParams.get('status'), 'declined');
    const after = (await call('GET', `/api/transaction/${tx.id}`)).body.data[0];
    assert.deepEqual([after.status, after.response_code, after.response_text], ['declined', 200, 'Canceled by the buyer']);
    assert.equal((await sim.app.request('/apm/unknown')).status, 404);
  });
});

describe('pepper sandbox: idempotency', () => {
  const { call, sim, advance } = harness();

  it('the same key within 5 minutes answers the first transaction; after, a new one', async () => {
    const key = randomUUID();
    const first = (await call('POST', '/api/transaction', cardSale('4111111111111111', { idempotency_key: key }))).body.data;
    advance(4 * 60_000);
    const again = (await call('POST', '/api/transaction', cardSale('4111111111111111', { idempotency_key: key }))).body.data;
    assert.equal(again.id, first.id);
    assert.equal(sim.transactions.size, 1);
    advance(2 * 60_000);
    const later = (await call('POST', '/api/transaction', cardSale('4111111111111111', { idempotency_key: key }))).body.data;
    assert.notEqual(later.id, first.id);
    assert.equal(sim.transactions.size, 2);
  });
});

describe('pepper sandbox: capture, void, refund, settle', () => {
  const { call } = harness();
  const create = async (extra: Record<string, unknown> = {}) => (await call('POST', '/api/transaction', cardSale('4111111111111111', extra))).body.data;

  it('partial capture of an authorization; capture refused above the authorized amount or twice', async () => {
    const auth = await create({ type: 'authorize', amount: 2000 });
    const tooMuch = await call('POST', `/api/transaction/${auth.id}/capture`, { amount: 2001 });
    assert.equal(tooMuch.status, 400);
    assert.match(tooMuch.body.msg, /at most the authorized amount \(2000\)/);
    const res = await call('POST', `/api/transaction/${auth.id}/capture`, { amount: 1500 });
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.data.status, res.body.data.amount_captured, res.body.data.amount_authorized], ['pending_settlement', 1500, 2000]);
    const twice = await call('POST', `/api/transaction/${auth.id}/capture`, {});
    assert.equal(twice.status, 400);
    assert.match(twice.body.msg, /cannot be captured in status pending_settlement/);
    const sale = await create();
    assert.equal((await call('POST', `/api/transaction/${sale.id}/capture`, {})).status, 400);
    assert.equal((await call('POST', '/api/transaction/nope/capture', {})).status, 404);
  });

  it('void: authorized and pending_settlement → voided (data null); settled refused', async () => {
    const auth = await create({ type: 'authorize' });
    const voided = await call('POST', `/api/transaction/${auth.id}/void`);
    assert.deepEqual(voided.body, { status: 'success', msg: 'success', data: null });
    assert.equal((await call('GET', `/api/transaction/${auth.id}`)).body.data[0].status, 'voided');
    const sale = await create();
    assert.equal((await call('POST', `/api/transaction/${sale.id}/void`)).status, 200);
    assert.equal((await call('GET', `/api/transaction/${sale.id}`)).body.data[0].status, 'voided');
    const settled = await create();
    const settle = await call('POST', `/sandbox/transactions/${settled.id}/settle`);
    assert.equal(settle.body.data.status, 'settled');
    const refused = await call('POST', `/api/transaction/${settled.id}/void`);
    assert.equal(refused.status, 400);
    assert.match(refused.body.msg, /cannot be voided in status settled/);
  });

  it('refund only after settlement; partials add up; never beyond amount_settled', async () => {
    const sale = await create({ amount: 1000 });
    const early = await call('POST', `/api/transaction/${sale.id}/refund`, { amount: 100 });
    assert.equal(early.status, 400);
    assert.match(early.body.msg, /cannot be refunded in status pending_settlement/);

    const batch = await call('POST', '/sandbox/settle');
    assert.ok(batch.body.settled.includes(sale.id));
    const settled = (await call('GET', `/api/transaction/${sale.id}`)).body.data[0];
    assert.deepEqual([settled.status, settled.amount_settled], ['settled', 1000]);

    const first = await call('POST', `/api/transaction/${sale.id}/refund`, { amount: 400 });
    assert.equal(first.status, 200);
    assert.equal(first.body.data.type, 'refund');
    assert.notEqual(first.body.data.id, sale.id);
    assert.equal(first.body.data.referenced_transaction_id, sale.id);
    assert.equal(first.body.data.amount, 400);
    assert.equal(first.body.data.status, 'pending_settlement');
    const second = await call('POST', `/api/transaction/${sale.id}/refund`, { amount: 500 });
    assert.equal(second.status, 200);
    let original = (await call('GET', `/api/transaction/${sale.id}`)).body.data[0];
    assert.deepEqual([original.status, original.amount_refunded], ['settled', 900]);

    const tooMuch = await call('POST', `/api/transaction/${sale.id}/refund`, { amount: 101 });
    assert.equal(tooMuch.status, 400);
    assert.match(tooMuch.body.msg, /exceeds the amount left to refund \(100\)/);
    const rest = await call('POST', `/api/transaction/${sale.id}/refund`, {});
    assert.equal(rest.body.data.amount, 100);
    original = (await call('GET', `/api/transaction/${sale.id}`)).body.data[0];
    assert.deepEqual([original.status, original.amount_refunded], ['refunded', 1000]);
    assert.equal((await call('POST', `/api/transaction/${sale.id}/refund`, { amount: 1 })).status, 400);
  });
});

describe('pepper sandbox: search', () => {
  const { call, setClock } = harness();

  it('filters by field, operator and date range, with limit / offset / total_count', async () => {
    setClock('2025-06-01T10:00:00Z');
    const a = (await call('POST', '/api/transaction', cardSale('4111111111111111', { amount: 100, order_id: 'A1' }))).body.data;
    setClock('2025-06-02T10:00:00Z');
    const b = (await call('POST', '/api/transaction', cardSale('4000000000000002', { amount: 200, order_id: 'B2' }))).body.data;
    setClock('2025-06-03T10:00:00Z');
    const c = (await call('POST', '/api/transaction', cardSale('4111111111111111', { type: 'authorize', amount: 300, order_id: 'C3' }))).body.data;
    const d = (await call('POST', '/api/transaction', achSale('021000021', { amount: 400, order_id: 'D4' }))).body.data;
    const ids = (res: any) => res.body.data.map((t: any) => t.id);

    const all = await call('POST', '/api/transaction/search', {});
    assert.equal(all.body.total_count, 4);
    assert.deepEqual(ids(all), [d.id, c.id, b.id, a.id]); // newest first

    assert.deepEqual(ids(await call('POST', '/api/transaction/search', { transaction_id: { operator: '=', value: b.id } })), [b.id]);
    assert.deepEqual(ids(await call('POST', '/api/transaction/search', { status: { operator: '=', value: 'declined' } })), [b.id]);
    assert.deepEqual(ids(await call('POST', '/api/transaction/search', { type: { operator: '=', value: 'authorize' } })), [c.id]);
    assert.deepEqual(ids(await call('POST', '/api/transaction/search', { order_id: { operator: '!=', value: 'A1' } })), [d.id, c.id, b.id]);
    assert.deepEqual(ids(await call('POST', '/api/transaction/search', { amount: { operator: '>', value: 200 } })), [d.id, c.id]);
    assert.deepEqual(ids(await call('POST', '/api/transaction/search', { amount: { operator: '<', value: 200 } })), [a.id]);
    assert.deepEqual(ids(await call('POST', '/api/transaction/search', { payment_type: { operator: '=', value: 'echeck' } })), [d.id]);
    assert.deepEqual(
      ids(await call('POST', '/api/transaction/search', { created_at: { start_date: '2025-06-01T00:00:00Z', end_date: '2025-06-02T23:59:59Z' } })),
      [b.id, a.id],
    );
    assert.deepEqual(ids(await call('POST', '/api/transaction/search', { billing_address: { postal_code: { operator: '=', value: '60187' } }, payment_type: { operator: '=', value: 'card' } })).length, 3);

    const page = await call('POST', '/api/transaction/search', { limit: 2, offset: 1 });
    assert.equal(page.body.total_count, 4);
    assert.deepEqual(ids(page), [c.id, b.id]);
    assert.deepEqual(ids(await call('POST', '/api/transaction/search', { limit: 0 })), []);

    assert.equal((await call('POST', '/api/transaction/search', { limit: 101 })).status, 400);
    assert.equal((await call('POST', '/api/transaction/search', { amount: { operator: 'like', value: 1 } })).status, 400);
    assert.equal((await call('POST', '/api/transaction/search', { status: { operator: '<', value: 'x' } })).status, 400);
    assert.equal((await call('POST', '/api/transaction/search', { colour: { operator: '=', value: 'x' } })).status, 400);
  });
});

describe('pepper sandbox: fees and surcharged transactions', () => {
  const { call } = harness();
  const lookup = (bin: string, state?: string) =>
    call('POST', '/api/lookup/fees', { type: 'integrations', type_id: '', ...(state ? { state } : {}), bin, payment_method: 'card', base_amount: 1000 });

  it('credit card 3.5%, debit BIN 0, CT 0, in the doc’s shape', async () => {
    const credit = await lookup('517246700', 'IL');
    assert.deepEqual(credit.body, {
      status: 'success',
      msg: 'success',
      data: { service_fee: 0, payment_adjustment: { value: 0, type: '' }, requested_amount: 1035, discount_amount: null, surcharge: 35 },
    });
    assert.equal((await lookup('400056', 'IL')).body.data.surcharge, 0);
    assert.equal((await lookup('517246700', 'CT')).body.data.surcharge, 0);
    assert.equal((await lookup('517246700', 'ma')).body.data.requested_amount, 1000);
    const bad = await call('POST', '/api/lookup/fees', { type: 'integrations', bin: '123', payment_method: 'card', base_amount: 1000 });
    assert.equal(bad.status, 400);
    assert.match(bad.body.msg, /bin must be 6 to 19 digits/);
  });

  it('base_amount adds the surcharge; amount must agree when both are given', async () => {
    const credit = (await call('POST', '/api/transaction', cardSale('4111111111111111', { amount: undefined, base_amount: 1000 }))).body.data;
    assert.deepEqual([credit.amount, credit.base_amount, credit.surcharge_amount], [1035, 1000, 35]);
    const debit = (await call('POST', '/api/transaction', cardSale('4000056655665556', { amount: undefined, base_amount: 1000 }))).body.data;
    assert.deepEqual([debit.amount, debit.surcharge_amount], [1000, 0]);
    const ct = (await call('POST', '/api/transaction', cardSale('4111111111111111', { amount: undefined, base_amount: 1000, billing_address: { ...billing, state: 'CT' } }))).body.data;
    assert.equal(ct.amount, 1000);
    const flat = (await call('POST', '/api/transaction', cardSale('4111111111111111', { amount: undefined, base_amount: 1000, payment_adjustment: { type: 'flat', value: 199 } }))).body.data;
    assert.equal(flat.amount, 1199);
    const mismatch = await call('POST', '/api/transaction', cardSale('4111111111111111', { amount: 1000, base_amount: 1000 }));
    assert.equal(mismatch.status, 400);
    assert.match(mismatch.body.msg, /must equal base_amount plus the surcharge/);
  });
});

describe('pepper sandbox: customer vault', () => {
  const { call, sim } = harness();

  it('create, read, charge the saved card, add and delete cards', async () => {
    const created = await call('POST', '/api/vault/customer', {
      description: 'test description',
      default_payment: { card: { number: '4111111111111111', expiration_date: '1230' } },
      default_billing_address: { first_name: 'John', last_name: 'Smith', line_1: '123 Some St', city: 'Wheaton', state: 'IL', postal_code: '60187', country: 'US' },
    });
    assert.equal(created.status, 200);
    const customer = created.body.data;
    const record = customer.data.customer;
    assert.equal(record.payments.cards.length, 1);
    assert.equal(record.payments.cards[0].masked_number, '411111******1111');
    assert.equal(record.payments.cards[0].expiration_date, '2030-12-31T00:00:00Z');
    assert.equal(record.defaults.payment_method_type, 'card');
    assert.equal(record.defaults.payment_method_id, record.payments.cards[0].id);
    assert.equal(record.defaults.billing_address_id, record.addresses[0].id);
    assert.ok(!JSON.stringify([...sim.customers.values()]).includes('4111111111111111'));

    const read = await call('GET', `/api/vault/${customer.id}`);
    assert.deepEqual(read.body.data, customer);

    const charge = (await call('POST', '/api/transaction', { type: 'sale', amount: 700, payment_method: { customer: { id: customer.id } } })).body.data;
    assert.deepEqual([charge.response_code, charge.status, charge.payment_method, charge.payment_type, charge.customer_id], [100, 'pending_settlement', 'customer', 'card', customer.id]);
    assert.equal(charge.response.card.masked_card, '411111******1111');
    assert.equal(charge.response.card.cvv_response_code, 'P');
    assert.equal(charge.billing_address.postal_code, '60187');

    const added = await call('POST', `/api/vault/customer/${customer.id}/card`, { number: '4000000000000002', expiration_date: '11/29' });
    const cards = added.body.data.data.customer.payments.cards;
    assert.equal(cards.length, 2);
    const declinedCard = cards[1].id;
    const declined = (await call('POST', '/api/transaction', { type: 'sale', amount: 700, payment_method: { customer: { id: customer.id, payment_method_id: declinedCard } } })).body.data;
    assert.deepEqual([declined.response_code, declined.status], [201, 'declined']);

    const removed = await call('DELETE', `/api/vault/customer/${customer.id}/card/${declinedCard}`);
    assert.deepEqual(removed.body, { status: 'success', msg: 'success' });
    assert.equal((await call('GET', `/api/vault/${customer.id}`)).body.data.data.customer.payments.cards.length, 1);
    const gone = await call('POST', '/api/transaction', { type: 'sale', amount: 700, payment_method: { customer: { id: customer.id, payment_method_id: declinedCard } } });
    assert.equal(gone.status, 400);
    assert.match(gone.body.msg, /payment_method_id was not found/);
    assert.equal((await call('DELETE', `/api/vault/customer/${customer.id}/card/${declinedCard}`)).status, 404);
    assert.equal((await call('GET', '/api/vault/nobody')).status, 404);
    assert.equal((await call('POST', '/api/transaction', { type: 'sale', amount: 1, payment_method: { customer: { id: 'nobody' } } })).status, 400);
  });

  it('create_vault_record on an approved sale returns customer_id; not on a decline', async () => {
    const tx = (await call('POST', '/api/transaction', cardSale('5555555555554444', { create_vault_record: true }))).body.data;
    assert.match(tx.customer_id, /^[0-9a-v]{20}$/);
    const vaulted = (await call('GET', `/api/vault/${tx.customer_id}`)).body.data.data.customer;
    assert.equal(vaulted.payments.cards[0].masked_number, '555555******4444');
    assert.equal(vaulted.addresses[0].postal_code, '60187');
    const declined = (await call('POST', '/api/transaction', cardSale('4000000000000002', { create_vault_record: true }))).body.data;
    assert.equal(declined.customer_id, null);
  });

  it('custom ids and validation', async () => {
    const made = await call('POST', '/api/vault/customer', { id: 'cust42', default_payment: { card: { number: '4111111111111111', expiration_date: '12/30' } } });
    assert.equal(made.body.data.id, 'cust42');
    assert.equal((await call('POST', '/api/vault/customer', { id: 'cust42' })).status, 400);
    assert.equal((await call('POST', '/api/vault/customer', { id: 'bad-id!' })).status, 400);
    assert.equal((await call('POST', '/api/vault/customer', { default_payment: { card: { number: '4111111111111112', expiration_date: '12/30' } } })).status, 400);
  });
});

describe('pepper sandbox: sandbox routes', () => {
  const { call, sim } = harness();

  it('lists test cards and transactions without auth', async () => {
    const cards = await sim.app.request('/sandbox/test-cards');
    const list = (await cards.json()) as any;
    assert.ok(list.cards.some((card: any) => card.number === '4000000000000077'));
    assert.ok(list.routing_numbers.some((r: any) => r.routing_number === '111000025'));
    await call('POST', '/api/transaction', cardSale('4111111111111111'));
    const txs = (await (await sim.app.request('/sandbox/transactions')).json()) as any[];
    assert.equal(txs.length, 1);
  });
});
