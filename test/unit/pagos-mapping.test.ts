/** A payment from each provider in Pagos's transaction model (server/pagos/mapping.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pagosTransaction } from '../../server/pagos/mapping.ts';
import type { PaymentRow, SessionRow } from '../../server/payments/rows.ts';

const at = new Date('2026-11-21T10:00:00Z');

function session(overrides: Partial<SessionRow> = {}): SessionRow {
  return {
    id: 'cs_1', merchant_id: 'mer_1', mode: 'test', amount: 2500, currency: 'USD', order_id: 'order-42', description: 'Paykit desk lamp',
    customer: { email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe', address: '12 Elm St', city: 'Albany', state: 'NY', zip: '12207', country: 'US' },
    return_url: 'https://shop.example/complete', metadata: {}, locale: null, provider: 'pepper', status: 'complete', line_items: null, max_installments: 1,
    payment_methods: ['card'], collect_phone: false, capture_method: 'automatic', customer_id: null, saved_cards: null, surcharge_max_rate: null,
    ach_sec_code: 'web', invoice_id: null, invoice_version: null, expires_at: at, created_at: at, updated_at: at,
    ...overrides,
  };
}

function payment(overrides: Partial<PaymentRow> = {}): PaymentRow {
  return {
    id: 'pay_1', session_id: 'cs_1', merchant_id: 'mer_1', mode: 'test', attempt: 1, amount: 2500, currency: 'USD', status: 'succeeded',
    provider: 'pepper', method: 'card', installments: 1, provider_reference: 'tx_pepper_1', provider_status: 'pending_settlement',
    capture_method: 'automatic', amount_captured: null, amount_refunded: 0, avs_result: null, cvv_result: null, surcharge_amount: 0,
    ach_routing_number: null, ach_last4: null, ach_account_type: null, mandate: null, saved_card_id: null, save_card: null,
    pending_operation: null, pending_operation_at: null, card_brand: 'visa', card_bin: '411111', card_last4: '1111', card_exp_month: 3,
    card_exp_year: 2029, error_code: null, error_message: null, error_fields: null, next_action: null, created_at: at, updated_at: at,
    ...overrides,
  } as PaymentRow;
}

describe('Pagos transaction model', () => {
  it('Pepper card: scheme, BIN, masked number, expiry, AVS and CVC checks, customer and billing', () => {
    const body = pagosTransaction(payment({ avs_result: 'Y', cvv_result: 'M' }), session({ customer_id: 'cus_9' }), { threeDsAttempted: false });
    assert.deepEqual(body, {
      object_id: 'tx_pepper_1',
      currency: 'USD',
      amount: 2500,
      description: 'Paykit desk lamp',
      disputed: false,
      refunded: false,
      payment_method_details: {
        instrument_type: 'card', scheme: 'visa', last4: '1111', bin: '411111', masked_number: '411111******1111',
        expiry_month: '03', expiry_year: '2029', expiration_date: '03/2029',
        checks_address_line1_check: 'pass', checks_address_post_code_check: 'pass', checks_cvc_check: 'pass',
      },
      customer_details: { object_id: 'cus_9', name: 'Jane Doe', email: 'jane@example.com', line1: '12 Elm St', city: 'Albany', state: 'NY', postal_code: '12207', country_code_2_letter: 'US' },
      billing_details: { name: 'Jane Doe', email: 'jane@example.com', line1: '12 Elm St', city: 'Albany', state: 'NY', postal_code: '12207', country_code_2_letter: 'US' },
    });
  });

  for (const [avs, line1, postal] of [['N', 'fail', 'fail'], ['Z', 'fail', 'pass'], ['A', 'pass', 'fail'], ['0', 'unavailable', 'unavailable'], ['u', 'unavailable', 'unavailable']] as const) {
    it(`AVS ${avs}: line 1 ${line1}, postal code ${postal}`, () => {
      const details = pagosTransaction(payment({ avs_result: avs, cvv_result: 'N' }), session(), { threeDsAttempted: false }).payment_method_details;
      assert.equal(details.checks_address_line1_check, line1);
      assert.equal(details.checks_address_post_code_check, postal);
      assert.equal(details.checks_cvc_check, 'fail');
    });
  }

  it('Pepper bank account (ACH): instrument, account type and last 4, refunded', () => {
    const body = pagosTransaction(
      payment({ method: 'ach', card_brand: null, card_bin: null, card_last4: null, card_exp_month: null, card_exp_year: null, installments: null, ach_last4: '6789', ach_account_type: 'checking', amount_refunded: 500 }),
      session(),
      { threeDsAttempted: false },
    );
    assert.deepEqual(body.payment_method_details, { instrument_type: 'bank_account', last4: '6789', account_type: 'checking' });
    assert.equal(body.refunded, true);
  });

  it('PayAgency card through 3DS: authenticated, or failed with the reason', () => {
    const passed = pagosTransaction(payment({ provider: 'payagency', provider_reference: 'PA-1', card_brand: 'mastercard' }), session({ provider: 'payagency' }), { threeDsAttempted: true });
    assert.equal(passed.object_id, 'PA-1');
    assert.equal(passed.payment_method_details.three_d_secure_result, 'authenticated');
    assert.equal(passed.payment_method_details.checks_cvc_check, undefined, 'PayAgency reports no checks: none are invented');
    const failed = pagosTransaction(payment({ provider: 'payagency', status: 'failed', error_code: 'authentication_failed' }), session(), { threeDsAttempted: true });
    assert.equal(failed.payment_method_details.three_d_secure_result, 'failed');
    assert.equal(failed.payment_method_details.three_d_secure_result_reason, 'authentication_failed');
  });

  it('Pagou: a card in installments in BRL, and PIX', () => {
    const card = pagosTransaction(payment({ provider: 'pagou', currency: 'BRL', amount: 12990, installments: 3 }), session({ currency: 'BRL', description: null }), { threeDsAttempted: false });
    assert.equal(card.currency, 'BRL');
    assert.equal(card.amount, 12990);
    assert.equal(card.description, 'Order order-42');
    assert.equal(card.payment_method_details.installments_plan_count, 3);
    const pix = pagosTransaction(
      payment({ provider: 'pagou', method: 'pix', card_brand: null, card_bin: null, card_last4: null, card_exp_month: null, card_exp_year: null, installments: null }),
      session(),
      { threeDsAttempted: false },
    );
    assert.deepEqual(pix.payment_method_details, { instrument_type: 'pix' });
  });

  it('a payment the provider never saw goes as Paykit\'s id, with no customer when the session has none', () => {
    const body = pagosTransaction(payment({ provider_reference: null, status: 'failed' }), session({ customer: null }), { threeDsAttempted: false });
    assert.equal(body.object_id, 'pay_1');
    assert.equal(body.customer_details, undefined);
    assert.equal(body.billing_details, undefined);
  });

  it('never carries more than the BIN and the last four of a card', () => {
    const text = JSON.stringify(pagosTransaction(payment(), session(), { threeDsAttempted: true }));
    assert.doesNotMatch(text, /4111111111111111|\b\d{13,19}\b/);
  });
});
