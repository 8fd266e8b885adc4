/**
 * The Pepper adapter's pure parts: the idempotency key, order_id / po_number, the description,
 * the billing address cuts, the transaction body, 400 messages → fields, the transaction
 * mapping table, refusal codes and vault cards.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildPepperTransaction,
  cut,
  mapPepperTransaction,
  pepperBillingAddress,
  pepperDescription,
  pepperExpiry,
  pepperFieldErrors,
  pepperIdempotencyKey,
  pepperReference,
  pepperSavedCard,
  pepperType,
  refusalOf,
  safeText,
  type PepperTransaction,
} from '../../server/providers/pepper/adapter.ts';
import type { ChargeRequest } from '../../server/providers/types.ts';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function request(overrides: Partial<ChargeRequest> = {}): ChargeRequest {
  return {
    paymentId: 'pay_AbCdEfGhIjKlMnOpQrStUvWx',
    sessionId: 'cs_1',
    amount: 1112,
    currency: 'USD',
    orderId: 'order-42',
    description: null,
    method: { type: 'card', card: { number: '4111 1111 1111 1111', exp_month: 3, exp_year: 2031, cvc: '123', name: 'Ana Smith' }, installments: 1 },
    customer: { email: 'ana@example.com', name: 'Ana Smith', firstName: 'Ana', lastName: 'Smith' },
    lineItems: null,
    metadata: {},
    captureMethod: 'automatic',
    surcharge: 0,
    buyerIp: undefined,
    returnUrl: 'https://pay.example/return/x',
    webhookUrl: 'https://pay.example/hooks/pepper/x',
    ...overrides,
  };
}

describe('pepperIdempotencyKey', () => {
  test('a UUID (v5 layout), the same for the same payment, different for another', () => {
    const key = pepperIdempotencyKey('pay_1');
    assert.match(key, UUID_V5);
    assert.equal(pepperIdempotencyKey('pay_1'), key);
    assert.notEqual(pepperIdempotencyKey('pay_2'), key);
    assert.equal(new Set(Array.from({ length: 500 }, (_, i) => pepperIdempotencyKey(`pay_${i}`))).size, 500);
  });
});

describe('pepperReference (order_id / po_number)', () => {
  test('alphanumerics that fit are kept as they are', () => {
    assert.equal(pepperReference('order-42'), 'order42');
    assert.equal(pepperReference('ABCDEFGHIJKLMNO'), 'ABCDEFGHIJKLMNO');
  });

  test('longer ids: 15 characters, alphanumeric, deterministic, distinct', () => {
    const long = pepperReference('ABCDEFGHIJKLMNOP');
    assert.match(long, /^ABCDEFG[0-9a-f]{8}$/);
    assert.equal(pepperReference('ABCDEFGHIJKLMNOP'), long);
    assert.notEqual(pepperReference('ABCDEFGHIJKLMNOQ'), long);
    const pay = pepperReference('pay_AbCdEfGhIjKlMnOpQrStUvWx');
    assert.match(pay, /^payAbCd[0-9a-f]{8}$/);
  });

  test('an id with no alphanumerics still gets a reference; an empty one none', () => {
    assert.match(pepperReference('---'), /^[0-9a-f]{15}$/);
    assert.equal(pepperReference(''), '');
  });
});

describe('cut and safeText', () => {
  test('cut trims, replaces control characters and never splits a character', () => {
    assert.equal(cut('  Ana  ', 50), 'Ana');
    assert.equal(cut('a\nb', 50), 'a b');
    assert.equal(cut('ab😀', 3), 'ab');
    assert.equal(cut('x'.repeat(60), 50).length, 50);
    assert.equal(cut(undefined, 5), '');
  });

  test('safeText passes short plain text, not long digit runs or markup', () => {
    assert.equal(safeText('R01 Insufficient funds'), 'R01 Insufficient funds');
    assert.equal(safeText('Declined: partial approval not allowed'), 'Declined: partial approval not allowed');
    assert.equal(safeText('card 4111111111111111 declined'), undefined);
    assert.equal(safeText('<b>no</b>'), undefined);
    assert.equal(safeText('x'.repeat(101)), undefined);
    assert.equal(safeText(42), undefined);
  });
});

describe('pepperDescription', () => {
  test('the merchant text, then the full order and payment ids, within 255', () => {
    assert.equal(pepperDescription({ description: null, orderId: 'o-1', paymentId: 'pay_1' }), 'order o-1 payment pay_1');
    assert.equal(pepperDescription({ description: 'Mug', orderId: 'o-1', paymentId: 'pay_1' }), 'Mug (order o-1 payment pay_1)');
    const orderId = 'O'.repeat(64);
    const long = pepperDescription({ description: 'd'.repeat(300), orderId, paymentId: 'pay_AbCdEfGhIjKlMnOpQrStUvWx' });
    assert.ok(long.length <= 255);
    assert.ok(long.endsWith(`(order ${orderId} payment pay_AbCdEfGhIjKlMnOpQrStUvWx)`), 'the ids are never cut');
  });
});

describe('pepperBillingAddress', () => {
  test('names cut to 50, line 1 to 100, city to 50; phone digits; state upper-cased', () => {
    const address = pepperBillingAddress(
      request({
        customer: {
          email: 'ana@example.com',
          name: 'x',
          firstName: 'A'.repeat(60),
          lastName: 'B'.repeat(51),
          address: 'L'.repeat(120),
          city: 'C'.repeat(70),
          state: 'il',
          zip: '60187-1234',
          country: 'us',
          phone: '+1 (555) 555-0100',
        },
      }),
    );
    assert.deepEqual(address, {
      first_name: 'A'.repeat(50),
      last_name: 'B'.repeat(50),
      address_line_1: 'L'.repeat(100),
      city: 'C'.repeat(50),
      state: 'IL',
      postal_code: '60187-1234',
      country: 'US',
      email: 'ana@example.com',
      phone: '15555550100',
    });
  });

  test('what the gateway would refuse is left out, not cut: long postal codes and phones, bad states and countries', () => {
    const address = pepperBillingAddress(
      request({ customer: { email: 'not-an-email', name: 'x', firstName: 'Ana', lastName: '', state: 'Illinois', zip: '12345678901', country: 'USA', phone: '+55 11 98765 4321 99' } }),
    );
    assert.deepEqual(address, { first_name: 'Ana' });
  });

  test('the billing state chosen in the form wins over the customer record', () => {
    const card = { number: '4111111111111111', exp_month: 3, exp_year: 2031, cvc: '123', name: 'Ana Smith' };
    const method = { type: 'card' as const, card, installments: 1, billingState: 'CT' };
    assert.equal(pepperBillingAddress(request({ method, customer: { ...request().customer, state: 'IL' } }))?.state, 'CT');
    const saved = { type: 'saved_card' as const, customer: 'c1', cardId: 'k1', billingState: 'ma' };
    assert.equal(pepperBillingAddress(request({ method: saved }))?.state, 'MA');
  });

  test('ACH: the account holder name, split at the last space', () => {
    const method = {
      type: 'ach' as const,
      ach: { routing_number: '490000018', account_number: '999999', account_type: 'savings' as const, holder_name: ' Mary  Ann Jones ', mandate_accepted: true as const },
      secCode: 'ppd' as const,
    };
    assert.deepEqual(pepperBillingAddress(request({ method })), { first_name: 'Mary Ann', last_name: 'Jones', email: 'ana@example.com' });
  });

  test('nothing to send: undefined', () => {
    assert.equal(pepperBillingAddress(request({ customer: { email: '', name: '', firstName: '', lastName: '' } })), undefined);
  });
});

describe('buildPepperTransaction', () => {
  test('a card sale: keyed card, MM/YY, references, idempotency key, no partials', () => {
    const body = buildPepperTransaction(request({ buyerIp: '::1' }));
    assert.deepEqual(body, {
      idempotency_key: pepperIdempotencyKey('pay_AbCdEfGhIjKlMnOpQrStUvWx'),
      type: 'sale',
      amount: 1112,
      currency: 'USD',
      description: 'order order-42 payment pay_AbCdEfGhIjKlMnOpQrStUvWx',
      order_id: 'order42',
      po_number: pepperReference('pay_AbCdEfGhIjKlMnOpQrStUvWx'),
      ip_address: '::1',
      email_address: 'ana@example.com',
      payment_method: { card: { entry_type: 'keyed', number: '4111111111111111', expiration_date: '03/31', cvc: '123' } },
      billing_address: { first_name: 'Ana', last_name: 'Smith', email: 'ana@example.com' },
    });
    assert.equal('allow_partial_payment' in body, false);
  });

  test('a surcharge: base_amount and a flat adjustment that add up to the amount', () => {
    const body = buildPepperTransaction(request({ amount: 1030, surcharge: 30 }));
    assert.deepEqual([body.amount, body.base_amount, body.payment_adjustment], [1030, 1000, { type: 'flat', value: 30 }]);
  });

  test('manual capture: authorize for cards and saved cards; ACH and APMs are always a sale', () => {
    assert.equal(pepperType(request({ captureMethod: 'manual' })), 'authorize');
    assert.equal(pepperType(request({ captureMethod: 'manual', method: { type: 'saved_card', customer: 'c', cardId: 'k' } })), 'authorize');
    assert.equal(pepperType(request({ captureMethod: 'manual', method: { type: 'apm', apm: 'paypal' } })), 'sale');
  });

  test('saved card, APM and ACH payment methods as the doc names them', () => {
    assert.deepEqual(buildPepperTransaction(request({ method: { type: 'saved_card', customer: 'c1', cardId: 'k1' } })).payment_method, {
      customer: { id: 'c1', payment_method_id: 'k1', payment_method_type: 'card' },
    });
    assert.deepEqual(buildPepperTransaction(request({ method: { type: 'apm', apm: 'alipay' } })).payment_method, {
      apm: { type: 'alipay', merchant_redirect_url: 'https://pay.example/return/x', locale: 'en-US', mobile_view: false },
    });
    const ach = { routing_number: '490000018', account_number: '999999', account_type: 'checking' as const, holder_name: 'Jo Doe', mandate_accepted: true as const };
    assert.deepEqual(buildPepperTransaction(request({ method: { type: 'ach', ach, secCode: 'web' } })).payment_method, {
      ach: { routing_number: '490000018', account_number: '999999', sec_code: 'web', account_type: 'checking' },
    });
  });

  test('save card: create_vault_record only for a new vault customer and a keyed card', () => {
    assert.equal(buildPepperTransaction(request({ saveCard: { customer: null } })).create_vault_record, true);
    assert.equal(buildPepperTransaction(request({ saveCard: { customer: 'c1' } })).create_vault_record, undefined);
    assert.equal(buildPepperTransaction(request({ saveCard: { customer: null }, method: { type: 'apm', apm: 'paypal' } })).create_vault_record, undefined);
  });

  test('pepperExpiry pads month and year', () => {
    assert.equal(pepperExpiry(1, 2030), '01/30');
    assert.equal(pepperExpiry(12, 2105), '12/05');
  });
});

describe('pepperFieldErrors', () => {
  test('gateway field names in a 400 msg → confirm fields, with our own messages', () => {
    assert.deepEqual(pepperFieldErrors('payment_method.ach.routing_number is not a valid ABA routing number (checksum); payment_method.ach.account_number must be 4 to 17 digits', 'ach'), {
      'payment_method.ach.routing_number': 'The routing number is not valid.',
      'payment_method.ach.account_number': 'The account number is not valid.',
    });
    assert.deepEqual(pepperFieldErrors('payment_method.card.number is not a valid card number', 'card'), { 'payment_method.card.number': 'The card number is not valid.' });
    assert.deepEqual(Object.keys(pepperFieldErrors('billing_address.first_name must be at most 50 characters', 'ach')), ['payment_method.ach.holder_name']);
    assert.deepEqual(Object.keys(pepperFieldErrors('billing_address.last_name must be at most 50 characters', 'card')), ['payment_method.card.name']);
  });

  test('unknown fields and non-strings: none', () => {
    assert.deepEqual(pepperFieldErrors('processor_id is required', 'card'), {});
    assert.deepEqual(pepperFieldErrors(null, 'card'), {});
  });
});

describe('mapPepperTransaction', () => {
  const base: PepperTransaction = { id: 't1', type: 'sale', status: 'pending_settlement', amount: 1000, amount_authorized: 1000, response_code: 100, payment_type: 'card' };

  test('approvals by status; a captured authorization is succeeded', () => {
    assert.equal(mapPepperTransaction(base).status, 'succeeded');
    assert.equal(mapPepperTransaction({ ...base, type: 'authorize', status: 'authorized' }).status, 'requires_capture');
    assert.equal(mapPepperTransaction({ ...base, type: 'authorize', status: 'settled' }).status, 'succeeded');
    assert.equal(mapPepperTransaction({ ...base, status: 'refunded' }).status, 'succeeded');
    assert.equal(mapPepperTransaction({ ...base, status: 'voided' }).status, 'canceled');
  });

  test('codes and statuses that disagree, or are unknown: processing', () => {
    assert.equal(mapPepperTransaction({ ...base, status: 'declined' }).status, 'processing');
    assert.equal(mapPepperTransaction({ ...base, response_code: 201 }).status, 'processing');
    assert.equal(mapPepperTransaction({ ...base, response_code: 0, status: 'unknown' }).status, 'processing');
    assert.equal(mapPepperTransaction({ ...base, type: 'refund' }).status, 'processing');
    assert.equal(mapPepperTransaction({ ...base, status: 'pending', response_code: 99, response: { apm: { redirect_url: 'javascript:alert(1)' } } }).status, 'processing');
  });

  test('a partial approval is never a success; voided, it is failed', () => {
    const partial = { ...base, response_code: 110, amount_authorized: 500 };
    assert.equal(mapPepperTransaction(partial).status, 'processing');
    assert.equal(mapPepperTransaction(partial).amountApproved, 500);
    assert.equal(mapPepperTransaction({ ...base, amount_authorized: 999 }).status, 'processing');
    assert.equal(mapPepperTransaction({ ...partial, status: 'voided' }).error?.code, 'partial_approval_declined');
  });

  test('declines by method; unsafe texts replaced', () => {
    const declined = { ...base, status: 'declined', amount_authorized: 0 };
    assert.deepEqual(mapPepperTransaction({ ...declined, response_code: 201, response_text: 'Insufficient funds' }).error, { code: 'card_declined', message: 'Insufficient funds' });
    assert.deepEqual(mapPepperTransaction({ ...declined, response_code: 205, response_text: '<script>' }).error, { code: 'card_declined', message: 'Your card was declined.' });
    assert.equal(mapPepperTransaction({ ...declined, response_code: 201, payment_type: 'echeck' }).error?.code, 'bank_account_declined');
    assert.equal(mapPepperTransaction({ ...declined, response_code: 300 }).error?.code, 'gateway_declined');
    assert.equal(mapPepperTransaction({ ...declined, response_code: 400 }).error?.code, 'processor_error');
    assert.equal(mapPepperTransaction({ ...declined, response_code: 200, payment_type: 'apm', response: { apm: { status: 'canceled' } } }).error?.code, 'payment_canceled');
  });

  test('AVS and CVV: known codes only', () => {
    assert.deepEqual(mapPepperTransaction({ ...base, response: { card: { avs_response_code: 'y', cvv_response_code: 'M' } } }).checks, { avs: 'Y', cvv: 'M' });
    assert.equal(mapPepperTransaction({ ...base, response: { card: { avs_response_code: '??', cvv_response_code: '' } } }).checks, undefined);
  });
});

describe('refusalOf', () => {
  test('by the status the transaction is in', () => {
    assert.deepEqual(refusalOf('void', 'settled'), { code: 'already_settled', settled: true });
    assert.deepEqual(refusalOf('refund', 'pending_settlement'), { code: 'not_settled', notSettled: true });
    assert.deepEqual(refusalOf('refund', 'authorized'), { code: 'not_settled', notSettled: true });
    assert.deepEqual(refusalOf('capture', 'pending_settlement'), { code: 'already_captured' });
    assert.deepEqual(refusalOf('capture', undefined), { code: 'capture_refused' });
    assert.deepEqual(refusalOf('refund', 'voided'), { code: 'already_voided' });
  });
});

describe('pepperSavedCard', () => {
  test('a vault card as a SavedCard with its BIN (for the surcharge); malformed ones are null', () => {
    assert.deepEqual(pepperSavedCard({ id: 'k1', card_type: 'visa', masked_number: '411111******1111', expiration_date: '2027-12-31T00:00:00Z' }), {
      id: 'k1',
      brand: 'visa',
      last4: '1111',
      exp_month: 12,
      exp_year: 2027,
      bin: '411111',
    });
    assert.equal(pepperSavedCard({ id: 'k1', card_type: 'unknown', masked_number: '1234', expiration_date: '2027-01-31' })?.brand, null);
    assert.equal(pepperSavedCard({ id: 'k1', masked_number: '411111******1111', expiration_date: '12/27' }), null);
    assert.equal(pepperSavedCard('k1'), null);
  });
});
