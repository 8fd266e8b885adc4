/**
 * The Pagos sandbox simulator on its own: both APIs through `app.request()`, and the faults that
 * need a real socket (timeout, drop) through a loopback server, mounted at /pagos as the stack does.
 */
import { after, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import {
  createPagosSimulator,
  DroppedConnection,
  enrichmentApplies,
  MISSING_IDENTIFIER_MESSAGE,
  type PagosSimulatorOptions,
  type StoredEnrichment,
  type StoredTransaction,
} from '../../server/simulators/pagos/app.ts';

const KEY = 'pagos_test_key';
const READ_ONLY = 'pagos_read_only_key';
const DAY = 24 * 3600_000;
const T0 = Date.parse('2025-03-01T12:00:00.000Z');

/** The data ingestion doc's Model example, field for field; only `currency` is made a real code. */
const DOC_MODEL = {
  object_id: 'string',
  currency: 'USD',
  amount: 0,
  description: 'string',
  disputed: true,
  refunded: true,
  mapped_object: 'string',
  braintree: {
    braintree_status: 'string',
    network_response_code: 'string',
    network_response_text: 'string',
    channel: 'string',
    is_network_tokenized: true,
    order_id: 'string',
    processed_with_network_token: 'string',
    processor_authorization_code: 'string',
    processor_response_type: 'string',
    processor_response_code: 'string',
    processor_response_text: 'string',
    processor_settlement_response_code: 'string',
    processor_settlement_response_text: 'string',
    additional_processor_response: 'string',
    sca_exemption_requested: 'string',
    network_transaction_id: 'string',
    acquire_reference_number: 'string',
    recurring: 'string',
    payment_intent: 'string',
  },
  stripe: {
    stripe_status: 'string',
    outcome_network_status: 'string',
    outcome_reason: 'string',
    outcome_risk_level: 'string',
    outcome_risk_score: 0,
    outcome_rule: 'string',
    outcome_seller_message: 'string',
    outcome_type: 'string',
  },
  pagos: { pagos_transaction_response_code_id: 0, pagos_transaction_intent_code_id: 0 },
  payment_method_details: {
    instrument_type: 'string',
    object_id: 'string',
    fingerprint: 'string',
    scheme: 'string',
    name: 'string',
    expiry_month: 'st',
    expiry_year: 'stri',
    expiration_date: 'string',
    last4: 'stri',
    masked_number: 'string',
    product_id: 'string',
    bin: 'string',
    type: 'string',
    category: 'string',
    issuer_bank: 'string',
    issuer_country: 'string',
    checks_address_line1_check: 'string',
    checks_address_post_code_check: 'string',
    checks_cvc_check: 'string',
    checks_error_response_code: 'string',
    installments_plan_count: 0,
    installments_plan_interval: 'string',
    installments_plan_type: 'string',
    three_d_secure_authentication_flow: 'string',
    three_d_secure_result: 'string',
    three_d_secure_result_reason: 'string',
    three_d_secure_version: 'string',
    three_d_secure_info_cavv: 'string',
    three_d_secure_info_ds_transaction_id: 'string',
    three_d_secure_info_eci_flag: 'string',
    three_d_secure_info_enrolled: 'string',
    three_d_secure_info_liability_shift_possible: true,
    three_d_secure_info_liability_shifted: true,
    three_d_secure_info_status: 'string',
    three_d_secure_three_d_secure_version: 'string',
    three_d_secure_info_xid: 'string',
    payroll: 'string',
    healthcare: 'string',
    durbin_regulated: 'string',
    verification: 'string',
    account_type: 'string',
  },
  customer_details: {
    object_id: 'string',
    line1: 'string',
    line2: 'string',
    city: 'string',
    state: 'string',
    postal_code: 'string',
    country_code_2_letter: 'st',
    country_code_3_letter: 'str',
    country: 'string',
    name: 'string',
    email: 'string',
    company: 'string',
    phone: 'string',
    website: 'string',
  },
  billing_details: {
    object_id: 'string',
    line1: 'string',
    line2: 'string',
    city: 'string',
    state: 'string',
    postal_code: 'string',
    country_code_2_letter: 'st',
    country_code_3_letter: 'str',
    country: 'string',
    name: 'string',
    email: 'string',
    company: 'string',
    phone: 'string',
  },
  shipping_details: {
    object_id: 'string',
    line1: 'string',
    line2: 'string',
    city: 'string',
    state: 'string',
    postal_code: 'string',
    country_code_2_letter: 'st',
    country_code_3_letter: 'str',
    country: 'string',
    name: 'string',
    email: 'string',
    company: 'string',
    phone: 'string',
    carrier: 'string',
  },
};

const tx = (overrides: Record<string, unknown> = {}) => ({
  object_id: 'psp_tx_1',
  currency: 'EUR',
  amount: 1050,
  description: 'Order 1001',
  disputed: false,
  refunded: false,
  payment_method_details: { instrument_type: 'card', scheme: 'visa', last4: '4242', expiry_month: '09', expiry_year: '2030' },
  ...overrides,
});

/** A simulator on a clock the test moves, with helpers for both APIs. */
function harness(options: Partial<PagosSimulatorOptions> = {}) {
  let clock = T0;
  const sim = createPagosSimulator({ apiKey: KEY, readOnlyKey: READ_ONLY, now: () => new Date(clock), ...options });
  after(() => sim.close());
  const read = async (response: Response) => {
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  };
  const ingest = async (body: unknown, init: { key?: string | null; type?: string; raw?: boolean } = {}) => {
    const headers: Record<string, string> = { 'content-type': init.type ?? 'application/json' };
    if (init.key !== null) headers['x-api-key'] = init.key ?? KEY;
    return read(await sim.app.request('/transactions', { method: 'POST', headers, body: init.raw ? String(body) : JSON.stringify(body) }));
  };
  const enrich = async (body: unknown, init: { authorization?: string | null; type?: string } = {}) => {
    const headers: Record<string, string> = { 'content-type': init.type ?? 'application/json' };
    if (init.authorization !== null) headers.authorization = init.authorization ?? `Bearer ${KEY}`;
    return read(await sim.app.request('/v1/transactions/enrichment', { method: 'POST', headers, body: JSON.stringify(body) }));
  };
  const get = async (path: string) => read(await sim.app.request(path));
  const post = async (path: string, body: unknown) =>
    read(await sim.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  return {
    sim,
    ingest,
    enrich,
    get,
    post,
    setClock: (ms: number) => (clock = ms),
    advance: (ms: number) => (clock += ms),
  };
}

describe('Pagos simulator: authentication', () => {
  const h = harness();

  it('POST /transactions: 401 without or with a wrong x-api-key, 403 with the read-only key; nothing stored', async () => {
    for (const key of [null, 'wrong', `Bearer ${KEY}`]) {
      const response = await h.ingest(tx(), { key });
      assert.equal(response.status, 401, `key ${key}`);
      assert.deepEqual(response.body, { statusCode: 401, message: 'Unauthorized' });
    }
    const readOnly = await h.ingest(tx(), { key: READ_ONLY });
    assert.equal(readOnly.status, 403);
    assert.deepEqual(readOnly.body, { statusCode: 403, message: 'Forbidden' });
    assert.equal(h.sim.transactions.size, 0);
  });

  it('POST /v1/transactions/enrichment: the doc’s 401 body without or with a wrong Bearer key, 403 read-only; nothing stored', async () => {
    const body = { transaction_id: 'psp_tx_1', metadata: { a: 1 } };
    for (const authorization of [null, 'Bearer wrong', KEY, `Basic ${KEY}`]) {
      const response = await h.enrich(body, { authorization });
      assert.equal(response.status, 401, `authorization ${authorization}`);
      assert.deepEqual(response.body, { message: 'Unauthorized', statusCode: 401 });
    }
    const readOnly = await h.enrich(body, { authorization: `Bearer ${READ_ONLY}` });
    assert.equal(readOnly.status, 403);
    assert.equal(h.sim.enrichments.length, 0);
  });

  it('checks auth before the body: a bad body without a key is a 401, not a 400', async () => {
    assert.equal((await h.ingest({ nonsense: true }, { key: null })).status, 401);
    assert.equal((await h.enrich({}, { authorization: null })).status, 401);
  });

  it('refuses a read-only key equal to the write key at construction', () => {
    assert.throws(() => createPagosSimulator({ apiKey: KEY, readOnlyKey: KEY }), /readOnlyKey/);
    assert.throws(() => createPagosSimulator({ apiKey: '' }), /apiKey/);
  });
});

describe('Pagos simulator: POST /transactions validation', () => {
  const h = harness();
  beforeEach(() => h.post('/sandbox/reset', {}));

  it('accepts the doc’s Model example with every field (a real currency code in place of "str")', async () => {
    const response = await h.ingest(DOC_MODEL);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(response.body, { object_id: 'string', status: 'accepted' });
    assert.deepEqual(h.sim.transactions.get('string')?.body, DOC_MODEL);
  });

  it('requires object_id, currency and amount, naming each', async () => {
    const response = await h.ingest({ description: 'x' });
    assert.equal(response.status, 400);
    assert.equal(response.body.statusCode, 400);
    for (const field of ['object_id', 'currency', 'amount']) assert.match(response.body.message, new RegExp(`\\b${field} is required`));
  });

  it('wants amount as a non-negative integer of minor units', async () => {
    for (const amount of [10.5, -1, '1050', null]) {
      const response = await h.ingest(tx({ amount }));
      assert.equal(response.status, 400, `amount ${amount}`);
      assert.match(response.body.message, /^Validation error: amount must be/);
    }
    assert.equal((await h.ingest(tx({ amount: 0 }))).status, 200);
  });

  it('wants currency as three capital letters', async () => {
    for (const currency of ['eur', 'EURO', 'E1R', 978]) {
      const response = await h.ingest(tx({ currency }));
      assert.equal(response.status, 400, `currency ${currency}`);
      assert.match(response.body.message, /currency/);
    }
  });

  it('limits object_id to 1–255 characters', async () => {
    assert.equal((await h.ingest(tx({ object_id: 'a'.repeat(255) }))).status, 200);
    const long = await h.ingest(tx({ object_id: 'a'.repeat(256) }));
    assert.equal(long.status, 400);
    assert.match(long.body.message, /object_id must be at most 255 characters/);
    const empty = await h.ingest(tx({ object_id: '' }));
    assert.equal(empty.status, 400);
    assert.match(empty.body.message, /object_id must not be empty/);
  });

  it('checks the type of nested fields, naming them by their dotted path', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ disputed: 'no' }, 'disputed must be a boolean'],
      [{ description: 5 }, 'description must be a string'],
      [{ stripe: { outcome_risk_score: '12' } }, 'stripe.outcome_risk_score must be an integer'],
      [{ pagos: { pagos_transaction_response_code_id: 1.5 } }, 'pagos.pagos_transaction_response_code_id must be an integer'],
      [{ braintree: { is_network_tokenized: 'true' } }, 'braintree.is_network_tokenized must be a boolean'],
      [{ payment_method_details: { installments_plan_count: '3' } }, 'payment_method_details.installments_plan_count must be an integer'],
      [{ payment_method_details: { three_d_secure_info_liability_shifted: 1 } }, 'payment_method_details.three_d_secure_info_liability_shifted must be a boolean'],
      [{ payment_method_details: { last4: '42424' } }, 'payment_method_details.last4 must be at most 4 characters'],
      [{ customer_details: { email: ['a@b.c'] } }, 'customer_details.email must be a string'],
      [{ billing_details: { country_code_2_letter: 'FRA' } }, 'billing_details.country_code_2_letter must be at most 2 characters'],
      [{ shipping_details: 'home' }, 'shipping_details must be an object'],
      [{ braintree: null }, 'braintree must be an object'],
      [{ refunded: null }, 'refunded must be a boolean'],
    ];
    for (const [overrides, message] of cases) {
      const response = await h.ingest(tx(overrides));
      assert.equal(response.status, 400, JSON.stringify(overrides));
      assert.ok(response.body.message.includes(message), `${JSON.stringify(overrides)} → ${response.body.message}`);
    }
    assert.equal(h.sim.transactions.size, 0);
  });

  it('refuses unknown fields, top-level and nested, naming them', async () => {
    const top = await h.ingest(tx({ order_id: '1001' }));
    assert.equal(top.status, 400);
    assert.match(top.body.message, /unknown field order_id/);
    const nested = await h.ingest(tx({ billing_details: { zip: '75001' }, shipping_details: { website: 'x' } }));
    assert.equal(nested.status, 400);
    assert.match(nested.body.message, /unknown field billing_details\.zip/);
    // website is a field of customer_details only.
    assert.match(nested.body.message, /unknown field shipping_details\.website/);
  });

  it('wants an application/json body holding a JSON object', async () => {
    const text = await h.ingest(tx(), { type: 'text/plain' });
    assert.equal(text.status, 400);
    assert.match(text.body.message, /application\/json/);
    assert.equal((await h.ingest(tx(), { type: 'application/json; charset=utf-8' })).status, 200);
    const broken = await h.ingest('{"object_id": ', { raw: true });
    assert.equal(broken.status, 400);
    assert.match(broken.body.message, /not valid JSON/);
    const list = await h.ingest([tx()]);
    assert.equal(list.status, 400);
    assert.match(list.body.message, /JSON object/);
  });

  it('answers 405 with Allow: POST for another method, and 404 for an unknown path', async () => {
    const getTx = await h.get('/transactions');
    assert.equal(getTx.status, 405);
    assert.equal(getTx.headers.get('allow'), 'POST');
    assert.deepEqual(getTx.body, { statusCode: 405, message: 'Method Not Allowed' });
    assert.equal((await h.get('/v1/transactions/enrichment')).status, 405);
    const unknown = await h.post('/transaction', tx());
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { statusCode: 404, message: 'Not Found' });
    assert.equal((await h.post('/transactions/enrichment', {})).status, 404);
  });
});

describe('Pagos simulator: accepting and repeated deliveries', () => {
  const h = harness();

  it('answers 200 for a new object_id, 409 for the same content again (key order aside), 200 for a change', async () => {
    const first = await h.ingest(tx());
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, { object_id: 'psp_tx_1', status: 'accepted' });
    const createdAt = new Date(T0).toISOString();

    h.advance(60_000);
    const reordered = Object.fromEntries(Object.entries(tx()).reverse());
    const again = await h.ingest(reordered);
    assert.equal(again.status, 409);
    assert.equal(again.body.statusCode, 409);
    assert.match(again.body.message, /psp_tx_1/);

    let stored = h.sim.transactions.get('psp_tx_1')!;
    assert.equal(stored.accepted_count, 1);
    assert.equal(stored.duplicate_count, 1);
    assert.equal(stored.updated_at, createdAt);

    h.advance(60_000);
    const refunded = await h.ingest(tx({ refunded: true }));
    assert.equal(refunded.status, 200);
    stored = h.sim.transactions.get('psp_tx_1')!;
    assert.equal(stored.accepted_count, 2);
    assert.equal(stored.body.refunded, true);
    assert.equal(stored.received_at, createdAt, 'created time stays the first acceptance');
    assert.equal(stored.updated_at, new Date(T0 + 120_000).toISOString());

    // Compared with the latest only: going back to the first content is a change again.
    assert.equal((await h.ingest(tx())).status, 200);
    assert.equal((await h.ingest(tx())).status, 409);
    assert.equal(h.sim.transactions.get('psp_tx_1')!.accepted_count, 3);
  });

  it('keeps transactions apart by object_id', async () => {
    assert.equal((await h.ingest(tx({ object_id: 'psp_tx_2' }))).status, 200);
    assert.equal(h.sim.transactions.get('psp_tx_2')?.accepted_count, 1);
  });

  it('shows them on /sandbox/transactions with their counts', async () => {
    const list = await h.get('/sandbox/transactions');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.map((t: StoredTransaction) => [t.object_id, t.accepted_count, t.duplicate_count]),
      [
        ['psp_tx_1', 3, 2],
        ['psp_tx_2', 1, 0],
      ],
    );
    assert.equal((await h.get('/sandbox/transactions/nope')).status, 404);
  });
});

describe('Pagos simulator: enrichment requests', () => {
  const h = harness();
  beforeEach(() => h.post('/sandbox/reset', {}));

  it('answers 201 and stores the record with its received time', async () => {
    const response = await h.enrich({ transaction_id: 'psp_tx_1', order_id: '1001', metadata: { retryAttempt: 1, nested: { a: [1, 2] } } });
    assert.equal(response.status, 201);
    assert.equal(response.body.status, 'queued');
    assert.match(response.body.id, /^enr_/);
    assert.deepEqual(h.sim.enrichments, [
      {
        id: response.body.id,
        transaction_id: 'psp_tx_1',
        order_id: '1001',
        metadata: { retryAttempt: 1, nested: { a: [1, 2] } },
        received_at: new Date(T0).toISOString(),
      },
    ]);
  });

  it('answers the doc’s exact 400 when no identifier is given (absent or empty)', async () => {
    for (const body of [{ metadata: { a: 1 } }, { transaction_id: '', metadata: {} }, { transaction_id: '', order_id: '' }, {}]) {
      const response = await h.enrich(body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.deepEqual(response.body, {
        statusCode: 400,
        message: 'Validation error: Identifier should we populated with at least one strategy: transaction_id or order_id',
      });
    }
    assert.equal(MISSING_IDENTIFIER_MESSAGE, 'Validation error: Identifier should we populated with at least one strategy: transaction_id or order_id');
    assert.equal(h.sim.enrichments.length, 0);
  });

  it('limits transaction_id and order_id to 255 characters', async () => {
    for (const key of ['transaction_id', 'order_id']) {
      assert.equal((await h.enrich({ [key]: 'x'.repeat(255), metadata: {} })).status, 201, key);
      const response = await h.enrich({ [key]: 'x'.repeat(256), metadata: {} });
      assert.equal(response.status, 400, key);
      assert.match(response.body.message, new RegExp(`${key} must be at most 255 characters`));
    }
    assert.equal(h.sim.enrichments.length, 2);
  });

  it('wants metadata as an object, identifiers as strings, and no other field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ transaction_id: 'a', metadata: ['x'] }, /metadata must be an object/],
      [{ transaction_id: 'a', metadata: 'x' }, /metadata must be an object/],
      [{ transaction_id: 'a', metadata: null }, /metadata must be an object/],
      [{ transaction_id: 'a' }, /metadata is required/],
      [{ transaction_id: 42, metadata: {} }, /transaction_id must be a string/],
      [{ order_id: 'a', metadata: {}, object_id: 'b' }, /unknown field object_id/],
    ];
    for (const [body, message] of cases) {
      const response = await h.enrich(body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(response.body.message, message);
    }
    assert.equal((await h.enrich({ transaction_id: 'a', metadata: {} }, { type: 'text/plain' })).status, 400);
    assert.equal(h.sim.enrichments.length, 0);
  });
});

describe('Pagos simulator: which transactions an enrichment applies to', () => {
  const h = harness();
  beforeEach(async () => {
    await h.post('/sandbox/reset', {});
    h.setClock(T0);
  });
  const applied = async (objectId: string) => {
    const response = await h.get(`/sandbox/transactions/${encodeURIComponent(objectId)}`);
    assert.equal(response.status, 200);
    return response.body.applied_metadata as Record<string, unknown>;
  };

  it('matches transaction_id against object_id, and merges records in order (a later key wins)', async () => {
    await h.ingest(tx({ object_id: 'A' }));
    await h.ingest(tx({ object_id: 'B' }));
    await h.enrich({ transaction_id: 'A', metadata: { retryAttempt: 1, channel: 'web' } });
    await h.enrich({ transaction_id: 'A', metadata: { retryAttempt: 2 } });
    assert.deepEqual(await applied('A'), { retryAttempt: 2, channel: 'web' });
    assert.deepEqual(await applied('B'), {});
  });

  it('matches order_id against braintree.order_id, on every transaction of the order; transaction_id wins when both are given', async () => {
    await h.ingest(tx({ object_id: 'A1', braintree: { order_id: 'O-1' } }));
    await h.ingest(tx({ object_id: 'A2', braintree: { order_id: 'O-1' } }));
    await h.ingest(tx({ object_id: 'B', braintree: { order_id: 'O-2' } }));
    await h.enrich({ order_id: 'O-1', metadata: { cohort: 'spring' } });
    await h.enrich({ transaction_id: 'A2', order_id: 'O-2', metadata: { retryAttempt: 2 } });
    assert.deepEqual(await applied('A1'), { cohort: 'spring' });
    assert.deepEqual(await applied('A2'), { cohort: 'spring', retryAttempt: 2 });
    assert.deepEqual(await applied('B'), {}, 'the order_id beside a transaction_id is not used');
    const enrichments = await h.get('/sandbox/enrichments');
    assert.deepEqual(
      enrichments.body.map((e: { applied_to: string[] }) => e.applied_to),
      [['A1', 'A2'], ['A2']],
    );
  });

  it('enriches transactions that arrive up to 7 days after the record, not later', async () => {
    await h.enrich({ transaction_id: 'early', metadata: { k: 1 } });
    await h.enrich({ transaction_id: 'edge', metadata: { k: 2 } });
    await h.enrich({ transaction_id: 'late', metadata: { k: 3 } });
    h.advance(6 * DAY);
    await h.ingest(tx({ object_id: 'early' }));
    h.setClock(T0 + 7 * DAY);
    await h.ingest(tx({ object_id: 'edge' }));
    h.setClock(T0 + 7 * DAY + 1);
    await h.ingest(tx({ object_id: 'late' }));
    assert.deepEqual(await applied('early'), { k: 1 });
    assert.deepEqual(await applied('edge'), { k: 2 });
    assert.deepEqual(await applied('late'), {});

    const records = (await h.get('/sandbox/enrichments')).body;
    assert.equal(records[0].active, false, 'the window is over');
    assert.equal(records[0].active_until, new Date(T0 + 7 * DAY).toISOString());
  });

  it('enriches only transactions created within the 45 days before the record', async () => {
    await h.ingest(tx({ object_id: 'old' }));
    h.setClock(T0 + 1);
    await h.ingest(tx({ object_id: 'recent' }));
    h.setClock(T0 + 45 * DAY + 1);
    await h.enrich({ transaction_id: 'old', metadata: { k: 'old' } });
    await h.enrich({ transaction_id: 'recent', metadata: { k: 'recent' } });
    assert.deepEqual(await applied('old'), {});
    assert.deepEqual(await applied('recent'), { k: 'recent' });
  });

  it('keeps the creation time of the first delivery: an update does not make an old transaction eligible', async () => {
    await h.ingest(tx({ object_id: 'A' }));
    h.advance(50 * DAY);
    assert.equal((await h.ingest(tx({ object_id: 'A', refunded: true }))).status, 200);
    await h.enrich({ transaction_id: 'A', metadata: { k: 1 } });
    assert.deepEqual(await applied('A'), {});
  });

  it('enrichmentApplies takes both windows, ends included', () => {
    const record = (at: number): StoredEnrichment => ({ id: 'e', transaction_id: 'A', order_id: null, metadata: {}, received_at: new Date(at).toISOString() });
    const stored = (at: number, objectId = 'A'): StoredTransaction => ({
      object_id: objectId,
      body: { object_id: objectId, currency: 'EUR', amount: 1 },
      received_at: new Date(at).toISOString(),
      updated_at: new Date(at).toISOString(),
      accepted_count: 1,
      duplicate_count: 0,
    });
    assert.equal(enrichmentApplies(record(T0), stored(T0 - 45 * DAY)), true);
    assert.equal(enrichmentApplies(record(T0), stored(T0 - 45 * DAY - 1)), false);
    assert.equal(enrichmentApplies(record(T0), stored(T0 + 7 * DAY)), true);
    assert.equal(enrichmentApplies(record(T0), stored(T0 + 7 * DAY + 1)), false);
    assert.equal(enrichmentApplies(record(T0), stored(T0, 'B')), false);
  });
});

describe('Pagos simulator: faults through app.request()', () => {
  const h = harness();
  beforeEach(async () => {
    await h.post('/sandbox/reset', {});
    h.setClock(T0);
  });

  it('503 for the next `count` requests on both APIs, then back to normal; the log shows it', async () => {
    const set = await h.post('/sandbox/faults', { mode: '503', count: 2 });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body, { mode: '503', remaining: 2, until: null });

    const one = await h.ingest(tx());
    assert.equal(one.status, 503);
    assert.deepEqual(one.body, { statusCode: 503, message: 'Service Unavailable' });
    assert.equal((await h.enrich({ transaction_id: 'psp_tx_1', metadata: {} })).status, 503);
    assert.equal(h.sim.transactions.size, 0);
    assert.equal(h.sim.enrichments.length, 0);
    assert.equal((await h.ingest(tx())).status, 200);
    assert.equal((await h.enrich({ transaction_id: 'psp_tx_1', metadata: {} })).status, 201);

    const log = await h.get('/sandbox/received');
    assert.deepEqual(
      log.body.map((r: { path: string; status: number; fault: string | null }) => [r.path, r.status, r.fault]),
      [
        ['/transactions', 503, '503'],
        ['/v1/transactions/enrichment', 503, '503'],
        ['/transactions', 200, null],
        ['/v1/transactions/enrichment', 201, null],
      ],
      'the /sandbox hooks are not logged',
    );
    assert.equal(log.body[2].body.object_id, 'psp_tx_1');
  });

  it('500 for `for_ms` milliseconds of the simulator’s clock', async () => {
    h.sim.faults.set('500', { forMs: 1000 });
    assert.equal((await h.ingest(tx())).status, 500);
    h.advance(999);
    assert.equal((await h.ingest(tx())).status, 500);
    h.advance(1);
    assert.equal((await h.ingest(tx())).status, 200);
  });

  it('lasts until mode "none" when neither count nor for_ms is given', async () => {
    h.sim.faults.set('503');
    for (let i = 0; i < 3; i++) assert.equal((await h.ingest(tx())).status, 503);
    assert.equal((await h.post('/sandbox/faults', { mode: 'none' })).status, 200);
    assert.equal((await h.ingest(tx())).status, 200);
  });

  it('drop without a socket: stores the transaction, then the caller sees a failure', async () => {
    h.sim.faults.set('drop', { count: 1 });
    await assert.rejects(async () => h.sim.app.request('/transactions', { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: JSON.stringify(tx()) }), DroppedConnection);
    assert.equal(h.sim.transactions.get('psp_tx_1')?.accepted_count, 1);
    assert.equal((await h.ingest(tx())).status, 409, 'the retry finds it already delivered');
    assert.deepEqual(
      h.sim.received.map((r) => [r.status, r.fault]),
      [
        [200, 'drop'],
        [409, null],
      ],
    );
  });

  it('timeout holds the request until close()', async () => {
    const sim = createPagosSimulator({ apiKey: KEY });
    sim.faults.set('timeout');
    let settled = false;
    const pending = Promise.resolve(sim.app.request('/transactions', { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: JSON.stringify(tx()) })).then((response) => {
      settled = true;
      return response;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(settled, false, 'still held');
    sim.close();
    assert.equal((await pending).status, 503);
    assert.equal(sim.transactions.size, 0);
    assert.deepEqual(
      sim.received.map((r) => [r.status, r.fault]),
      [[null, 'timeout']],
    );
  });

  it('refuses a bad faults body', async () => {
    for (const body of [{ mode: 'slow' }, { mode: '503', count: 0 }, { mode: '503', for_ms: -5 }, { mode: '503', extra: 1 }, []]) {
      const response = await h.post('/sandbox/faults', body);
      assert.equal(response.status, 400, JSON.stringify(body));
    }
    assert.equal((await h.ingest(tx())).status, 200, 'no fault was set');
  });
});

describe('Pagos simulator: faults on a real socket, mounted at /pagos', () => {
  const sim = createPagosSimulator({ apiKey: KEY });
  const root = new Hono();
  root.route('/pagos', sim.app);
  let server: Server;
  let base = '';
  const ready = new Promise<void>((resolve) => {
    server = serve({ fetch: root.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      base = `http://127.0.0.1:${info.port}/pagos`;
      resolve();
    }) as Server;
  });
  after(async () => {
    sim.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(async () => {
    await ready;
    sim.faults.set('none');
    (await fetch(`${base}/sandbox/reset`, { method: 'POST' })).body?.cancel();
  });
  const send = (body: unknown, signal?: AbortSignal) =>
    fetch(`${base}/transactions`, { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });

  it('timeout: the client gives up, nothing is stored, and the next request is answered', async () => {
    sim.faults.set('timeout', { count: 1 });
    const started = Date.now();
    await assert.rejects(send(tx(), AbortSignal.timeout(200)), (error: Error) => error.name === 'TimeoutError');
    assert.ok(Date.now() - started >= 190, 'held until the client gave up');
    assert.equal(sim.transactions.size, 0);
    const next = await send(tx());
    assert.equal(next.status, 200);
    assert.deepEqual(await next.json(), { object_id: 'psp_tx_1', status: 'accepted' });
    assert.deepEqual(
      sim.received.map((r) => [r.path, r.status, r.fault]),
      [
        ['/pagos/transactions', null, 'timeout'],
        ['/pagos/transactions', 200, null],
      ],
    );
  });

  it('drop: the transaction is stored but the connection is cut, so a retry gets 409', async () => {
    sim.faults.set('drop', { count: 1 });
    await assert.rejects(send(tx()), TypeError);
    assert.equal(sim.transactions.get('psp_tx_1')?.accepted_count, 1);
    const retry = await send(tx());
    assert.equal(retry.status, 409);
    assert.equal((await retry.json()).statusCode, 409);
  });
});

describe('Pagos simulator: reset', () => {
  const h = harness();

  it('clears transactions, enrichments, the log and faults', async () => {
    await h.ingest(tx());
    await h.enrich({ transaction_id: 'psp_tx_1', metadata: { a: 1 } });
    h.sim.faults.set('503');
    const reset = await h.post('/sandbox/reset', {});
    assert.equal(reset.status, 200);
    assert.equal(h.sim.transactions.size, 0);
    assert.equal(h.sim.enrichments.length, 0);
    assert.equal(h.sim.received.length, 0);
    assert.deepEqual((await h.get('/sandbox/faults')).body, { mode: 'none', remaining: null, until: null });
    assert.deepEqual((await h.get('/sandbox/transactions')).body, []);
    assert.deepEqual((await h.get('/sandbox/enrichments')).body, []);
    assert.deepEqual((await h.get('/sandbox/received')).body, []);
    assert.equal((await h.ingest(tx())).status, 200, 'the same content is new again');
  });
});
