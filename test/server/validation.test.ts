import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestStack, card, CUSTOMER } from './helpers.ts';

const t = useTestStack();

const count = async (table: string) => Number(((await t.stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0])!.n);
const base = { amount: 1500, currency: 'USD', return_url: 'https://shop.example/done', customer: CUSTOMER };

describe('session creation rejects bad input with a 400 naming the field, and writes nothing', () => {
  const cases: [string, unknown, string, string][] = [
    ['missing amount', { ...base, amount: undefined }, 'amount', 'parameter_missing'],
    ['amount as a string', { ...base, amount: '15.00' }, 'amount', 'parameter_invalid'],
    ['a fractional amount', { ...base, amount: 15.5 }, 'amount', 'parameter_invalid'],
    ['a zero amount', { ...base, amount: 0 }, 'amount', 'parameter_invalid'],
    ['a negative amount', { ...base, amount: -100 }, 'amount', 'parameter_invalid'],
    ['an amount beyond the provider limit', { ...base, amount: 100_000_000 }, 'amount', 'amount_too_large'],
    ['an unknown currency', { ...base, currency: 'XYZ' }, 'currency', 'parameter_invalid'],
    ['a currency of the wrong shape', { ...base, currency: 'dollars' }, 'currency', 'parameter_invalid'],
    ['a currency of the wrong type', { ...base, currency: 840 }, 'currency', 'parameter_invalid'],
    ['a missing return_url', { ...base, return_url: undefined }, 'return_url', 'parameter_missing'],
    ['a relative return_url', { ...base, return_url: '/done' }, 'return_url', 'parameter_invalid'],
    ['a javascript: return_url', { ...base, return_url: 'javascript:alert(1)' }, 'return_url', 'parameter_invalid'],
    ['a bad customer email', { ...base, customer: { email: 'nope' } }, 'customer.email', 'parameter_invalid'],
    ['an unknown parameter', { ...base, amount_override: 1 }, 'amount_override', 'parameter_unknown'],
    ['metadata that is not strings', { ...base, metadata: { plan: 3 } }, 'metadata.plan', 'parameter_invalid'],
    ['an unknown provider', { ...base, provider: 'acme' }, 'provider', 'parameter_invalid'],
  ];
  for (const [name, body, param, code] of cases) {
    it(name, async () => {
      const before = await count('checkout_sessions');
      const response = await t.api.request('/v1/checkout/sessions', { method: 'POST', headers: t.api.secretHeaders, body: JSON.stringify(body) });
      const { error } = (await response.json()) as any;
      assert.equal(response.status, 400);
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.param, param);
      assert.equal(error.code, code);
      assert.match(error.message, new RegExp(param.replace('.', '\\.')));
      assert.equal(await count('checkout_sessions'), before);
    });
  }

  for (const [name, raw] of [['malformed JSON', '{"amount": 15'], ['an empty body', ''], ['a JSON array', '[1,2]'], ['JSON null', 'null']] as const) {
    it(`answers ${name} with invalid_json`, async () => {
      const response = await t.api.request('/v1/checkout/sessions', { method: 'POST', headers: t.api.secretHeaders, body: raw });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as any).error.code, 'invalid_json');
    });
  }

  it('refuses a body over the size limit with 413', async () => {
    const response = await t.api.request('/v1/checkout/sessions', { method: 'POST', headers: t.api.secretHeaders, body: JSON.stringify({ ...base, description: 'x'.repeat(70_000) }) });
    assert.equal(response.status, 413);
  });

  it('accepts a lower-case currency and keeps amounts as integers of the minor unit', async () => {
    const { status, body } = await t.api.createSession({ currency: 'jpy', amount: 1500 });
    assert.equal(status, 201);
    assert.equal(body.currency, 'JPY');
    assert.equal(body.amount, 1500);
    assert.match(body.client_secret, /^cs_\w+_secret_/);
  });

  it('publishes an OpenAPI document generated from the same schemas that validate requests', async () => {
    const response = await t.api.request('/openapi.json');
    const doc = (await response.json()) as any;
    assert.equal(doc.openapi, '3.1.0');
    const create = doc.components.schemas.CreateSession;
    assert.deepEqual(create.required.sort(), ['amount', 'currency', 'return_url']);
    assert.equal(create.properties.amount.type, 'integer');
    assert.equal(create.additionalProperties, false);
    assert.ok(doc.paths['/v1/checkout/sessions/{id}/confirm'].post);
  });

  it('answers an unknown route with the error shape', async () => {
    const response = await t.api.request('/v1/nothing');
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as any).error.code, 'route_not_found');
  });
});

describe('confirmation rejects bad card input before any provider call', () => {
  const cases: [string, unknown, string][] = [
    ['a card number failing Luhn', card('4242424242424241'), 'payment_method.card.number'],
    ['letters in the card number', card('4242abcd42424242'), 'payment_method.card.number'],
    ['an expired card', card('4242424242424242', { exp_year: 2020 }), 'payment_method.card.exp_year'],
    ['month 13', card('4242424242424242', { exp_month: 13 }), 'payment_method.card.exp_month'],
    ['a 3-digit CVC on an Amex', { ...card('378282246310005'), cvc: '123' }, 'payment_method.card.cvc'],
    ['a missing name', { ...card('4242424242424242'), name: undefined }, 'payment_method.card.name'],
  ];
  for (const [name, cardBody, param] of cases) {
    it(name, async () => {
      const { body: session } = await t.api.createSession();
      const before = t.stack.payagency.transactions.size;
      const { status, body } = await t.api.confirm(session, { payment_method: { type: 'card', card: cardBody } });
      assert.equal(status, 400);
      assert.equal(body.error.param, param);
      assert.equal(t.stack.payagency.transactions.size, before, 'nothing reached the provider');
      assert.equal((await t.stack.db.query('SELECT id FROM payments WHERE session_id = $1', [session.id])).length, 0);
    });
  }

  it('asks for an email when the session has none', async () => {
    const { body: session } = await t.api.createSession({ customer: undefined });
    const missing = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4242424242424242') } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.param, 'email');
    const ok = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4242424242424242') }, email: 'buyer@example.com' });
    assert.equal(ok.body.status, 'succeeded');
  });

  it('never lets the browser set the amount', async () => {
    const { body: session } = await t.api.createSession({ amount: 2599 });
    const { status, body } = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4242424242424242') }, amount: 1 });
    assert.equal(status, 400);
    assert.equal(body.error.param, 'amount');
    const paid = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4242424242424242') } });
    assert.equal(paid.body.amount, 2599);
    const [tx] = [...t.stack.payagency.transactions.values()].slice(-1);
    assert.equal(tx!.request.amount, '25.99');
  });
});
