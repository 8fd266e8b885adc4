import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPagouTransaction, mapPagouTransaction, pagouProducts } from '../../server/providers/pagou/adapter.ts';
import { mapPagouStatus, PAGOU_STATUSES } from '../../server/providers/pagou/status.ts';
import type { ChargeRequest } from '../../server/providers/types.ts';

const request = (overrides: Partial<ChargeRequest> = {}): ChargeRequest => ({
  paymentId: 'pay_1',
  sessionId: 'cs_1',
  amount: 12990,
  currency: 'BRL',
  orderId: 'order-1',
  description: 'Camiseta',
  method: { type: 'pix' },
  customer: { email: 'ana@example.com', name: 'Ana Souza', firstName: 'Ana', lastName: 'Souza', document: { type: 'CPF', number: '52998224725' } },
  lineItems: null,
  metadata: { cart: '42' },
  captureMethod: 'automatic',
  surcharge: 0,
  buyerIp: '203.0.113.7',
  returnUrl: 'https://pay.example/return/pay_1/t',
  webhookUrl: 'https://pay.example/hooks/pagou/pay_1/t',
  ...overrides,
});

describe('Pagou statuses', () => {
  it('maps the whole inferred life cycle through one table', () => {
    assert.equal(mapPagouStatus('waiting_payment').status, 'requires_action');
    assert.equal(mapPagouStatus('authorized').status, 'succeeded');
    assert.equal(mapPagouStatus('paid').status, 'succeeded');
    assert.deepEqual(mapPagouStatus('refused'), { status: 'failed', code: 'card_declined' });
    assert.deepEqual(mapPagouStatus('expired'), { status: 'failed', code: 'payment_expired' });
    assert.equal(mapPagouStatus('refunded').status, 'succeeded');
    assert.equal(mapPagouStatus('chargeback').status, 'succeeded');
    assert.equal(mapPagouStatus('canceled').status, 'canceled');
    assert.ok(Object.keys(PAGOU_STATUSES).length >= 10);
  });

  it('treats anything unknown as processing, never as an outcome', () => {
    for (const word of ['', 'settled?', 'PAID', 'toString', '__proto__', 42, null, undefined]) {
      assert.equal(mapPagouStatus(word).status, 'processing', String(word));
    }
  });
});

describe('Pagou transaction body', () => {
  it('sends amount in cents, the buyer with document, external_ref = payment id and the notify_url', () => {
    const body = buildPagouTransaction(request());
    assert.equal(body.amount, 12990);
    assert.equal(body.method, 'pix');
    assert.equal(body.currency, 'BRL');
    assert.equal(body.external_ref, 'pay_1');
    assert.equal(body.notify_url, 'https://pay.example/hooks/pagou/pay_1/t');
    assert.deepEqual(body.buyer, { name: 'Ana Souza', email: 'ana@example.com', document: { type: 'CPF', number: '52998224725' } });
    assert.equal(body.ip_address, '203.0.113.7');
    assert.equal(body.installments, undefined);
    assert.deepEqual(JSON.parse(body.metadata as string), { paykit_payment: 'pay_1', paykit_session: 'cs_1', cart: '42' });
  });

  it('leaves ip_address out for an IPv6 buyer (the documented pattern is IPv4) and unwraps mapped IPv4', () => {
    assert.equal('ip_address' in buildPagouTransaction(request({ buyerIp: '2001:db8::7' })), false);
    assert.equal('ip_address' in buildPagouTransaction(request({ buyerIp: undefined })), false);
    assert.equal(buildPagouTransaction(request({ buyerIp: '::ffff:198.51.100.2' })).ip_address, '198.51.100.2');
  });

  it('sends the card token and installments for credit_card', () => {
    const card = { number: '4111111111111111', exp_month: 1, exp_year: 2031, cvc: '123', name: 'Ana Souza' };
    const body = buildPagouTransaction(request({ method: { type: 'card', card, installments: 3 } }), 'pgct_abc');
    assert.equal(body.method, 'credit_card');
    assert.equal(body.token, 'pgct_abc');
    assert.equal(body.installments, 3);
    assert.doesNotMatch(JSON.stringify(body), /4111111111111111|"123"/);
  });

  it('builds products from line items, or one product from the description and amount', () => {
    assert.deepEqual(pagouProducts(request()), [{ name: 'Camiseta', price: 12990, quantity: 1, tangible: false }]);
    assert.deepEqual(pagouProducts(request({ description: null })), [{ name: 'Order order-1', price: 12990, quantity: 1, tangible: false }]);
    assert.deepEqual(
      pagouProducts(request({ lineItems: [{ name: 'Camiseta', unit_amount: 5995, quantity: 2, sku: 'TEE', tangible: true }] })),
      [{ name: 'Camiseta', price: 5995, quantity: 2, tangible: true, sku: 'TEE' }],
    );
  });
});

describe('Pagou answers', () => {
  const base = 'https://sandbox.example/pagou';

  it('a waiting PIX asks the buyer to pay its code', () => {
    const outcome = mapPagouTransaction(
      { id: 't1', status: 'waiting_payment', method: 'pix', pix: { qr_code: '000201…', expiration_date: '2030-01-01T00:00:00Z' } },
      base,
    );
    assert.equal(outcome.status, 'requires_action');
    assert.deepEqual(outcome.nextAction, { type: 'pix', qr_code: '000201…', expires_at: '2030-01-01T00:00:00Z' });
    assert.equal(outcome.providerReference, 't1');
  });

  it('a challenge becomes a challenge page URL carrying the client secret', () => {
    const outcome = mapPagouTransaction(
      {
        id: 't2',
        status: 'waiting_challenge',
        method: 'credit_card',
        next_action: { type: 'three_ds_challenge', challenge_session_id: 'ch 1', client_secret: 's/1', expires_at: '2030-01-01T00:00:00Z' },
      },
      base,
    );
    assert.deepEqual(outcome.nextAction, {
      type: 'three_ds_challenge',
      url: 'https://sandbox.example/pagou/v2/three_ds/challenges/ch%201?client_secret=s%2F1',
      expires_at: '2030-01-01T00:00:00Z',
    });
  });

  it('waiting without anything the buyer can act on is processing', () => {
    assert.equal(mapPagouTransaction({ id: 't3', status: 'waiting_payment', method: 'pix' }, base).status, 'processing');
  });

  it('a refusal carries the reason; an expiry says what expired', () => {
    const refused = mapPagouTransaction(
      { id: 't4', status: 'refused', method: 'credit_card', informations: [{ key: 'refusal_reason', value: 'Saldo insuficiente' }] },
      base,
    );
    assert.deepEqual(refused.error, { code: 'card_declined', message: 'Saldo insuficiente' });
    const expired = mapPagouTransaction({ id: 't5', status: 'expired', method: 'pix' }, base);
    assert.equal(expired.error?.code, 'payment_expired');
    assert.match(expired.error!.message, /PIX/);
  });
});
