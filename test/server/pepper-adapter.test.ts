/**
 * The Pepper adapter against the Pepper sandbox served over real HTTP: every test card and
 * routing number, authorize / capture / void / refund with settlement, APM redirects paid and
 * canceled on the sandbox page, idempotent retries, surcharges and the fee lookup, the
 * customer vault, a public key, partial approvals voided at once, and no secret in anything
 * the adapter returns or throws.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAdaptorServer } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createPepperSimulator } from '../../server/simulators/pepper/app.ts';
import { createPepperAdapter, PARTIAL_APPROVAL_MESSAGE } from '../../server/providers/pepper/adapter.ts';
import { GENERIC_FAILURE, type ChargeMethod, type ChargeRequest, type ProviderAdapter } from '../../server/providers/types.ts';

const API_KEY = 'api_sandbox_adapter_7f3k';
const PUB_KEY = 'pub_sandbox_adapter_7f3k';
const RETURN_URL = 'http://shop.example/return?payment=42';
const CVC = '739';
const ACCOUNT = '123456789012';
const CARDS_USED = new Set<string>();

type Sim = ReturnType<typeof createPepperSimulator>;

/** The simulator on a real port; its public URL is that port's. */
async function startSandbox(): Promise<{ url: string; sim: Sim; close(): Promise<void> }> {
  let handler: (request: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  const server = createAdaptorServer({ fetch: (request: Request) => handler(request) }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sim = createPepperSimulator({ apiKey: API_KEY, publicKey: PUB_KEY, publicUrl: url });
  handler = (request) => sim.app.fetch(request);
  return {
    url,
    sim,
    async close() {
      sim.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let pepper: ProviderAdapter;
/** Everything the adapter returned or threw, checked for secrets at the end. */
const seen: unknown[] = [];

before(async () => {
  sandbox = await startSandbox();
  pepper = createPepperAdapter({ baseUrl: sandbox.url, apiKey: API_KEY });
});
after(async () => {
  await sandbox.close();
});

const card = (number: string, exp_year = 2031): ChargeMethod => {
  CARDS_USED.add(number);
  return { type: 'card', card: { number: number.replace(/(\d{4})(?=\d)/g, '$1 '), exp_month: 11, exp_year, cvc: CVC, name: 'Ana Smith' }, installments: 1 };
};
const ach = (routing: string): ChargeMethod => ({
  type: 'ach',
  ach: { routing_number: routing, account_number: ACCOUNT, account_type: 'checking', holder_name: 'Mary Ann Jones', mandate_accepted: true },
  secCode: 'web',
});

function request(overrides: Partial<ChargeRequest> = {}): ChargeRequest {
  return {
    paymentId: `pay_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    sessionId: 'cs_test',
    amount: 1112,
    currency: 'USD',
    orderId: 'order-42',
    description: 'Paykit mug',
    method: card('4111111111111111'),
    customer: { email: 'ana@example.com', name: 'Ana Smith', firstName: 'Ana', lastName: 'Smith', state: 'IL', zip: '60187', address: '123 Some St', city: 'Wheaton', phone: '+1 (555) 555-0100' },
    lineItems: null,
    metadata: {},
    captureMethod: 'automatic',
    surcharge: 0,
    buyerIp: '203.0.113.9',
    returnUrl: RETURN_URL,
    webhookUrl: 'http://pay.example/hooks/pepper/tok',
    ...overrides,
  };
}

async function charge(overrides: Partial<ChargeRequest> = {}, adapter = pepper) {
  const outcome = await adapter.charge(request(overrides));
  seen.push(outcome);
  return outcome;
}
const tx = (id: string) => structuredClone(sandbox.sim.transactions.get(id)!.data);
const settle = async (id: string) => assert.equal((await fetch(`${sandbox.url}/sandbox/transactions/${id}/settle`, { method: 'POST' })).status, 200);
const track = <T>(value: T): T => (seen.push(value), value);

describe('pepper adapter: test cards', () => {
  for (const [number, brand] of [['4111111111111111', 'visa'], ['5555555555554444', 'mastercard'], ['378282246310005', 'amex']] as const) {
    it(`${brand} ${number}: succeeded, AVS Y / CVV M, amount approved`, async () => {
      const outcome = await charge({ method: card(number) });
      assert.equal(outcome.status, 'succeeded');
      assert.equal(outcome.providerStatus, 'pending_settlement');
      assert.deepEqual(outcome.checks, { avs: 'Y', cvv: 'M' });
      assert.equal(outcome.amountApproved, 1112);
      assert.equal(outcome.error, undefined);
      const sent = tx(outcome.providerReference!);
      assert.equal(sent.type, 'sale');
      assert.equal(sent.response.card!.card_type, brand);
      assert.equal(sent.amount, 1112);
      assert.equal(sent.surcharge_amount, 0);
    });
  }

  it('4000000000000036: approved with AVS N and CVV N, surfaced as checks', async () => {
    const outcome = await charge({ method: card('4000000000000036') });
    assert.equal(outcome.status, 'succeeded');
    assert.deepEqual(outcome.checks, { avs: 'N', cvv: 'N' });
  });

  it('no postal code: AVS 0 (not available)', async () => {
    const outcome = await charge({ customer: { email: 'ana@example.com', name: 'Ana Smith', firstName: 'Ana', lastName: 'Smith' } });
    assert.equal(outcome.status, 'succeeded');
    assert.deepEqual(outcome.checks, { avs: '0', cvv: 'M' });
  });

  for (const [number, code, message] of [
    ['4000000000000002', 'card_declined', 'Insufficient funds'],
    ['4000000000000069', 'card_declined', 'Expired card'],
    ['4000000000000101', 'gateway_declined', 'This payment was declined. Please use another payment method.'],
    ['4000000000000119', 'processor_error', GENERIC_FAILURE],
  ] as const) {
    it(`${number}: failed ${code}`, async () => {
      const outcome = await charge({ method: card(number) });
      assert.equal(outcome.status, 'failed');
      assert.equal(outcome.providerStatus, 'declined');
      assert.deepEqual(outcome.error, { code, message });
      assert.ok(outcome.providerReference, 'a declined transaction still has its id');
      assert.equal(outcome.amountApproved, undefined);
    });
  }

  it('the partial card without allow_partial_payment: declined 200, never a partial', async () => {
    const outcome = await charge({ method: card('4000000000000077') });
    assert.equal(outcome.status, 'failed');
    assert.deepEqual(outcome.error, { code: 'card_declined', message: 'Declined: partial approval not allowed' });
    assert.equal(tx(outcome.providerReference!).amount_authorized, 0);
  });

  it('sends the request as the doc names it: references, description, buyer IP, email and billing address', async () => {
    const paymentId = 'pay_AbCdEfGhIjKlMnOpQrStUvWx';
    const outcome = await charge({ paymentId, orderId: 'order-42' });
    const sent = tx(outcome.providerReference!);
    assert.equal(sent.order_id, 'order42');
    assert.match(sent.po_number, /^payAbCd[0-9a-f]{8}$/);
    assert.equal(sent.description, `Paykit mug (order order-42 payment ${paymentId})`);
    assert.equal(sent.ip_address, '203.0.113.9');
    assert.equal(sent.email_address, 'ana@example.com');
    assert.equal(sent.currency, 'usd');
    assert.deepEqual(
      { ...sent.billing_address },
      { first_name: 'Ana', last_name: 'Smith', company: '', address_line_1: '123 Some St', address_line_2: '', city: 'Wheaton', state: 'IL', postal_code: '60187', country: '', phone: '15555550100', fax: '', email: 'ana@example.com' },
    );
    assert.equal(sent.response.card!.cvv_response_code, 'M', 'the CVC was sent');
    assert.equal(sent.response.card!.expiration_date, '11/31');
  });

  it('an IPv6 buyer is sent as is; a malformed address is left out', async () => {
    const v6 = await charge({ buyerIp: '2001:db8::1' });
    assert.equal(tx(v6.providerReference!).ip_address, '2001:db8::1');
    const bad = await charge({ buyerIp: 'not-an-ip' });
    assert.equal(bad.status, 'succeeded');
    assert.equal(tx(bad.providerReference!).ip_address, '');
  });

  it('a long order id: a 15-character digest as order_id, the full id in the description', async () => {
    const orderId = 'ORDER-2025-06-15-0000001234-web';
    const first = await charge({ orderId });
    const second = await charge({ orderId });
    const sent = tx(first.providerReference!);
    assert.equal(first.status, 'succeeded');
    assert.match(sent.order_id, /^ORDER20[0-9a-f]{8}$/);
    assert.equal(tx(second.providerReference!).order_id, sent.order_id, 'deterministic');
    assert.ok(sent.description.includes(orderId));
  });
});

describe('pepper adapter: gateway answers it cannot take', () => {
  it('a past expiry (400 payment_method.card.expiration_date): invalid_payment_details naming the expiry', async () => {
    const outcome = await charge({ method: card('4111111111111111', 2020) });
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.code, 'invalid_payment_details');
    assert.deepEqual(outcome.error?.fields, { 'payment_method.card.exp_year': 'The expiry date is not valid or has passed.' });
  });

  it('a routing number failing the checksum: the ACH field is named', async () => {
    const outcome = await charge({ method: ach('021000022') });
    assert.equal(outcome.error?.code, 'invalid_payment_details');
    assert.deepEqual(Object.keys(outcome.error?.fields ?? {}), ['payment_method.ach.routing_number']);
  });

  it('a vault customer the gateway does not know: the saved card is named', async () => {
    const outcome = await charge({ method: { type: 'saved_card', customer: 'nobody123', cardId: 'nocard' } });
    assert.equal(outcome.error?.code, 'invalid_payment_details');
    assert.deepEqual(Object.keys(outcome.error?.fields ?? {}), ['payment_method.saved_card.id']);
  });

  it('a 400 naming no field we know: provider_rejected', async () => {
    const send: typeof fetch = async () => Response.json({ status: 'failed', msg: 'processor_id is required', data: null }, { status: 400 });
    const outcome = await charge({}, createPepperAdapter({ baseUrl: sandbox.url, apiKey: API_KEY, fetch: send }));
    assert.deepEqual(outcome, { status: 'failed', providerStatus: 'http_400', error: { code: 'provider_rejected', message: GENERIC_FAILURE } });
  });

  it('a public key: failed, configuration error, generic message; the other calls throw without the key', async () => {
    const adapter = createPepperAdapter({ baseUrl: sandbox.url, apiKey: PUB_KEY });
    const outcome = await charge({}, adapter);
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.configurationError, true);
    assert.deepEqual(outcome.error, { code: 'provider_authentication_failed', message: GENERIC_FAILURE });
    for (const attempt of [() => adapter.feeLookup!({ bin: '411111', baseAmount: 1000 }), () => adapter.vault!.list('someone'), () => adapter.retrieve!('abc')]) {
      await assert.rejects(attempt(), (error: Error) => (track(error.message), !error.message.includes(PUB_KEY)));
    }
    const capture = track(await adapter.capture!('abc', 100));
    assert.equal(capture.outcome, 'refused');
  });

  it('5xx or an unreadable 200: processing (the idempotency key makes a retry safe)', async () => {
    for (const reply of [new Response('upstream', { status: 502 }), new Response('<html>', { status: 200 })]) {
      const adapter = createPepperAdapter({ baseUrl: sandbox.url, apiKey: API_KEY, fetch: async () => reply });
      const outcome = await charge({}, adapter);
      assert.equal(outcome.status, 'processing');
    }
  });

  it('a gateway that cannot be reached: failed provider_unavailable; capture refused, nothing sent', async () => {
    const closed = await startSandbox();
    await closed.close();
    const adapter = createPepperAdapter({ baseUrl: closed.url, apiKey: API_KEY });
    const outcome = await charge({}, adapter);
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.code, 'provider_unavailable');
    const capture = track(await adapter.capture!('abc', 100));
    assert.equal(capture.outcome, 'refused');
  });

  it('a timeout: processing (sent, outcome unknown)', async () => {
    const slow: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const outcome = await charge({}, createPepperAdapter({ baseUrl: sandbox.url, apiKey: API_KEY, timeoutMs: 20, fetch: slow }));
    assert.equal(outcome.status, 'processing');
  });

  it('refuses to send what the gateway cannot take: another currency, PIX, a surcharge not below the amount', async () => {
    assert.equal((await charge({ currency: 'BRL' })).error?.code, 'currency_not_supported');
    assert.equal((await charge({ method: { type: 'pix' } })).error?.code, 'payment_method_not_supported');
    assert.equal((await charge({ amount: 100, surcharge: 100 })).error?.code, 'invalid_surcharge');
    assert.equal((await charge({ amount: 100_000_000 })).error?.code, 'amount_too_large');
  });

  it('retrieve: an unknown transaction is null', async () => {
    assert.equal(await pepper.retrieve!('b7kgflt1tlv51er0fts0'), null);
  });
});

describe('pepper adapter: authorize, capture, void, refund', () => {
  it('authorize → capture in full; retrieve says requires_capture, then succeeded', async () => {
    const outcome = await charge({ captureMethod: 'manual' });
    assert.equal(outcome.status, 'requires_capture');
    assert.equal(outcome.providerStatus, 'authorized');
    assert.equal(tx(outcome.providerReference!).type, 'authorize');
    const before = track(await pepper.retrieve!(outcome.providerReference!));
    assert.equal(before?.status, 'requires_capture');
    assert.equal(before?.amount, 1112);
    assert.equal(before?.currency, 'USD');
    assert.deepEqual(track(await pepper.capture!(outcome.providerReference!, 1112)), { outcome: 'done', amount: 1112 });
    assert.equal((await pepper.retrieve!(outcome.providerReference!))?.status, 'succeeded');
  });

  it('partial capture: done for that amount; a second capture is refused already_captured', async () => {
    const { providerReference } = await charge({ captureMethod: 'manual' });
    assert.deepEqual(track(await pepper.capture!(providerReference!, 500)), { outcome: 'done', amount: 500 });
    const again = track(await pepper.capture!(providerReference!, 100));
    assert.equal(again.outcome, 'refused');
    assert.equal(again.outcome === 'refused' && again.code, 'already_captured');
    assert.match(again.outcome === 'refused' ? again.message : '', /cannot be captured in status pending_settlement/);
  });

  it('capturing more than authorized is refused invalid_amount', async () => {
    const { providerReference } = await charge({ captureMethod: 'manual' });
    const result = track(await pepper.capture!(providerReference!, 5000));
    assert.deepEqual(result.outcome === 'refused' && [result.code, result.settled, result.notSettled], ['invalid_amount', undefined, undefined]);
  });

  it('void of an authorization: done; retrieve says canceled', async () => {
    const { providerReference } = await charge({ captureMethod: 'manual' });
    assert.deepEqual(track(await pepper.void!(providerReference!)), { outcome: 'done' });
    assert.equal(tx(providerReference!).status, 'voided');
    assert.equal((await pepper.retrieve!(providerReference!))?.status, 'canceled');
  });

  it('void of an unsettled sale: done; voiding again is refused already_voided', async () => {
    const { providerReference } = await charge();
    assert.deepEqual(await pepper.void!(providerReference!), { outcome: 'done' });
    const again = track(await pepper.void!(providerReference!));
    assert.equal(again.outcome === 'refused' && again.code, 'already_voided');
  });

  it('void of a settled sale: refused with settled: true', async () => {
    const { providerReference } = await charge();
    await settle(providerReference!);
    const result = track(await pepper.void!(providerReference!));
    assert.equal(result.outcome, 'refused');
    assert.deepEqual(result.outcome === 'refused' && [result.code, result.settled], ['already_settled', true]);
  });

  it('refund before settlement: refused with notSettled: true (void instead)', async () => {
    const { providerReference } = await charge();
    const result = track(await pepper.refund!(providerReference!, 500));
    assert.deepEqual(result.outcome === 'refused' && [result.code, result.notSettled], ['not_settled', true]);
  });

  it('refund after settlement: part, then the rest, then one too many refused', async () => {
    const { providerReference } = await charge();
    await settle(providerReference!);
    const first = track(await pepper.refund!(providerReference!, 300));
    assert.equal(first.outcome, 'done');
    const firstId = first.outcome === 'done' ? first.providerReference! : '';
    assert.ok(firstId && firstId !== providerReference);
    assert.deepEqual([tx(firstId).type, tx(firstId).amount, tx(firstId).referenced_transaction_id], ['refund', 300, providerReference]);
    const rest = track(await pepper.refund!(providerReference!, 812));
    assert.equal(rest.outcome, 'done');
    assert.equal(rest.outcome === 'done' && rest.amount, 812);
    assert.equal(tx(providerReference!).status, 'refunded');
    const more = track(await pepper.refund!(providerReference!, 1));
    assert.equal(more.outcome, 'refused');
    assert.equal(more.outcome === 'refused' && more.code, 'already_refunded');
    // A fully refunded payment was still paid: refunds are their own records.
    assert.equal((await pepper.retrieve!(providerReference!))?.status, 'succeeded');
  });

  it('a refund over what is left is refused invalid_amount with the gateway message', async () => {
    const { providerReference } = await charge();
    await settle(providerReference!);
    const result = track(await pepper.refund!(providerReference!, 2000));
    assert.equal(result.outcome === 'refused' && result.code, 'invalid_amount');
    assert.match(result.outcome === 'refused' ? result.message : '', /exceeds the amount left to refund/);
  });

  it('an unknown transaction: refused transaction_not_found; a 500 is in doubt, a 503 refused before processing', async () => {
    assert.equal(((await pepper.capture!('nope', 100)) as { code?: string }).code, 'transaction_not_found');
    const failing = createPepperAdapter({ baseUrl: sandbox.url, apiKey: API_KEY, fetch: async () => new Response('', { status: 500 }) });
    assert.deepEqual(await failing.refund!('abc', 100), { outcome: 'in_doubt', detail: 'http_500' });
    assert.deepEqual(await failing.capture!('abc', 100), { outcome: 'in_doubt', detail: 'http_500' });
    const unavailable = createPepperAdapter({ baseUrl: sandbox.url, apiKey: API_KEY, fetch: async () => new Response('', { status: 503 }) });
    for (const movement of [await unavailable.refund!('abc', 100), await unavailable.capture!('abc', 100), await unavailable.void!('abc')]) {
      assert.deepEqual([movement.outcome, (movement as { code?: string }).code], ['refused', 'provider_unavailable']);
    }
  });
});

describe('pepper adapter: ACH', () => {
  it('490000018: succeeded as a sale, even for a manual-capture session; holder name in the billing address', async () => {
    const outcome = await charge({ method: ach('490000018'), captureMethod: 'manual' });
    assert.equal(outcome.status, 'succeeded');
    assert.equal(outcome.checks, undefined);
    const sent = tx(outcome.providerReference!);
    assert.deepEqual([sent.type, sent.payment_type, sent.response.ach!.sec_code, sent.response.ach!.account_type], ['sale', 'echeck', 'web', 'checking']);
    assert.deepEqual([sent.billing_address?.first_name, sent.billing_address?.last_name], ['Mary Ann', 'Jones']);
    assert.equal(sent.response.ach!.masked_account_number, '********9012');
  });

  it('111000025: failed bank_account_declined with the return reason', async () => {
    const outcome = await charge({ method: ach('111000025') });
    assert.equal(outcome.status, 'failed');
    assert.deepEqual(outcome.error, { code: 'bank_account_declined', message: 'R01 Insufficient funds' });
  });
});

describe('pepper adapter: APM redirects', () => {
  const answer = async (url: string, action: 'pay' | 'cancel') => {
    const response = await fetch(url, { method: 'POST', body: new URLSearchParams({ action }), redirect: 'manual' });
    assert.equal(response.status, 303);
    return new URL(response.headers.get('location')!);
  };

  it('alipay: requires_action → the sandbox page → Pay → retrieve says succeeded', async () => {
    const outcome = await charge({ method: { type: 'apm', apm: 'alipay' }, captureMethod: 'manual' });
    assert.equal(outcome.status, 'requires_action');
    assert.equal(outcome.providerStatus, 'pending');
    const url = outcome.nextAction?.type === 'redirect' ? outcome.nextAction.url : '';
    assert.equal(url, `${sandbox.url}/apm/${outcome.providerReference}`);
    assert.equal(tx(outcome.providerReference!).type, 'sale');
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Pay<\/button>/);
    const back = await answer(url, 'pay');
    assert.equal(back.origin + back.pathname, 'http://shop.example/return');
    assert.equal(back.searchParams.get('payment'), '42');
    assert.equal(back.searchParams.get('transaction_id'), outcome.providerReference);
    const paid = track(await pepper.retrieve!(outcome.providerReference!));
    assert.equal(paid?.status, 'succeeded');
    assert.equal(paid?.amount, 1112);
    assert.equal(paid?.amountApproved, 1112);
  });

  it('paypal canceled on the page: retrieve says failed payment_canceled', async () => {
    const outcome = await charge({ method: { type: 'apm', apm: 'paypal' } });
    await answer(outcome.nextAction?.type === 'redirect' ? outcome.nextAction.url : '', 'cancel');
    const canceled = track(await pepper.retrieve!(outcome.providerReference!));
    assert.equal(canceled?.status, 'failed');
    assert.deepEqual(canceled?.error, { code: 'payment_canceled', message: 'The payment was canceled.' });
  });

  it('wechatpay voided before the buyer answers: canceled', async () => {
    const outcome = await charge({ method: { type: 'apm', apm: 'wechatpay' } });
    assert.equal(outcome.status, 'requires_action');
    assert.deepEqual(await pepper.void!(outcome.providerReference!), { outcome: 'done' });
    assert.equal((await pepper.retrieve!(outcome.providerReference!))?.status, 'canceled');
  });
});

describe('pepper adapter: idempotency', () => {
  it('the same payment charged twice: the same transaction, no second one', async () => {
    const paymentId = `pay_${randomUUID().slice(0, 8)}`;
    const count = sandbox.sim.transactions.size;
    const first = await charge({ paymentId });
    const second = await charge({ paymentId, amount: 9999 });
    assert.equal(first.status, 'succeeded');
    assert.equal(second.providerReference, first.providerReference);
    assert.equal(second.amountApproved, 1112);
    assert.equal(sandbox.sim.transactions.size, count + 1);
    const other = await charge();
    assert.notEqual(other.providerReference, first.providerReference);
  });

  it('a retried authorization that was captured since answers as it is now: succeeded', async () => {
    const paymentId = `pay_${randomUUID().slice(0, 8)}`;
    const first = await charge({ paymentId, captureMethod: 'manual' });
    await pepper.capture!(first.providerReference!, 1112);
    const again = await charge({ paymentId, captureMethod: 'manual' });
    assert.equal(again.providerReference, first.providerReference);
    assert.equal(again.status, 'succeeded');
  });
});

describe('pepper adapter: surcharges', () => {
  it('a surcharge is charged as base_amount plus a flat adjustment: the total is exactly ours', async () => {
    const outcome = await charge({ amount: 1030, surcharge: 30 });
    assert.equal(outcome.status, 'succeeded');
    const sent = tx(outcome.providerReference!);
    assert.deepEqual([sent.amount, sent.base_amount, sent.surcharge_amount, sent.amount_captured], [1030, 1000, 30, 1030]);
  });

  it('no surcharge: no base_amount, so the gateway adds none of its own', async () => {
    const outcome = await charge({ amount: 1000 });
    const sent = tx(outcome.providerReference!);
    assert.deepEqual([sent.amount, sent.base_amount, sent.surcharge_amount], [1000, null, 0]);
  });

  it('fee lookup: 3.5% on a credit BIN; 0 on the debit BIN 400005 and in CT', async () => {
    assert.deepEqual(await pepper.feeLookup!({ bin: '411111', baseAmount: 1000, state: 'IL' }), { surcharge: 35 });
    assert.deepEqual(await pepper.feeLookup!({ bin: '41111111', baseAmount: 999 }), { surcharge: 35 });
    assert.deepEqual(await pepper.feeLookup!({ bin: '400005', baseAmount: 1000, state: 'IL' }), { surcharge: 0 });
    assert.deepEqual(await pepper.feeLookup!({ bin: '411111', baseAmount: 1000, state: 'ct' }), { surcharge: 0 });
  });

  it('fee lookup throws when the gateway cannot answer', async () => {
    await assert.rejects(pepper.feeLookup!({ bin: '12', baseAmount: 1000 }), /fee lookup failed \(HTTP 400\)/);
    const down = createPepperAdapter({ baseUrl: sandbox.url, apiKey: API_KEY, fetch: async () => new Response('', { status: 500 }) });
    await assert.rejects(down.feeLookup!({ bin: '411111', baseAmount: 1000 }), /HTTP 500/);
  });
});

describe('pepper adapter: the customer vault', () => {
  it('save with a new vault customer, save a second card into it, list, charge a saved card, remove', async () => {
    const first = await charge({ method: card('5555555555554444'), saveCard: { customer: null } });
    assert.equal(first.status, 'succeeded');
    const customer = first.vaultCustomer!;
    assert.ok(customer, 'the new vault customer comes back');
    assert.equal(tx(first.providerReference!).customer_id, customer);

    const second = await charge({ method: card('4111111111111111'), saveCard: { customer } });
    assert.equal(second.vaultCustomer, customer);
    const cards = track(await pepper.vault!.list(customer))!;
    assert.deepEqual(
      cards.map(({ brand, last4, exp_month, exp_year }) => ({ brand, last4, exp_month, exp_year })),
      [
        { brand: 'mastercard', last4: '4444', exp_month: 11, exp_year: 2031 },
        { brand: 'visa', last4: '1111', exp_month: 11, exp_year: 2031 },
      ],
    );

    // The same card saved again is not added twice.
    const third = await charge({ method: card('4111111111111111'), saveCard: { customer } });
    assert.equal(third.vaultCustomer, customer);
    assert.equal((await pepper.vault!.list(customer))!.length, 2);

    const visa = cards.find((saved) => saved.last4 === '1111')!;
    const paid = await charge({ method: { type: 'saved_card', customer, cardId: visa.id }, captureMethod: 'manual' });
    assert.equal(paid.status, 'requires_capture');
    assert.deepEqual(paid.card, { brand: 'visa', last4: '1111' });
    assert.deepEqual(paid.checks, { avs: 'Y', cvv: 'P' });
    const sent = tx(paid.providerReference!);
    assert.deepEqual([sent.payment_method, sent.customer_id, sent.type], ['customer', customer, 'authorize']);

    assert.equal(await pepper.vault!.remove(customer, visa.id), true);
    assert.equal(await pepper.vault!.remove(customer, visa.id), false);
    assert.deepEqual((await pepper.vault!.list(customer))!.map((saved) => saved.last4), ['4444']);
  });

  it('a declined card is not saved; saving into an unknown customer never fails the payment', async () => {
    const declined = await charge({ method: card('4000000000000002'), saveCard: { customer: null } });
    assert.equal(declined.status, 'failed');
    assert.equal(declined.vaultCustomer, undefined);
    const approved = await charge({ saveCard: { customer: 'gone123' } });
    assert.equal(approved.status, 'succeeded');
    assert.equal(approved.vaultCustomer, undefined);
  });

  it('a saved card declined by its test outcome fails card_declined, with its brand and last 4', async () => {
    CARDS_USED.add('4000000000000002');
    const made = await fetch(`${sandbox.url}/api/vault/customer`, {
      method: 'POST',
      headers: { Authorization: API_KEY, 'Content-Type': 'application/json' },
      body: JSON.stringify({ default_payment: { card: { number: '4000000000000002', expiration_date: '1131' } } }),
    });
    const customer = ((await made.json()) as { data: { id: string } }).data.id;
    const [saved] = (await pepper.vault!.list(customer))!;
    const outcome = await charge({ method: { type: 'saved_card', customer, cardId: saved!.id } });
    assert.equal(outcome.status, 'failed');
    assert.deepEqual(outcome.error, { code: 'card_declined', message: 'Insufficient funds' });
    assert.deepEqual(outcome.card, { brand: 'visa', last4: '0002' });
  });

  it('an unknown customer lists as null; removing from it is false', async () => {
    assert.equal(await pepper.vault!.list('nobody123'), null);
    assert.equal(await pepper.vault!.remove('nobody123', 'card'), false);
  });
});

describe('pepper adapter: partial approvals', () => {
  /** fetch that slips allow_partial_payment into transaction creates (the adapter never sends it). */
  const allowingPartials = (options: { failVoid?: boolean } = {}): typeof fetch => async (input, init) => {
    const url = String(input);
    if (url.endsWith('/api/transaction') && init?.method === 'POST') {
      const body = JSON.parse(String(init.body)) as Record<string, unknown>;
      assert.equal(body.allow_partial_payment, undefined, 'the adapter never asks for partials');
      return fetch(input, { ...init, body: JSON.stringify({ ...body, allow_partial_payment: true }) });
    }
    if (options.failVoid && url.endsWith('/void')) return new Response('', { status: 502 });
    return fetch(input, init);
  };

  it('a partial approval is voided at once and fails, with the amount approved', async () => {
    const adapter = createPepperAdapter({ baseUrl: sandbox.url, apiKey: API_KEY, fetch: allowingPartials() });
    const customers = sandbox.sim.customers.size;
    for (const captureMethod of ['automatic', 'manual'] as const) {
      const outcome = await charge({ method: card('4000000000000077'), captureMethod, saveCard: { customer: null } }, adapter);
      assert.equal(outcome.status, 'failed', captureMethod);
      assert.deepEqual(outcome.error, { code: 'partial_approval_declined', message: PARTIAL_APPROVAL_MESSAGE });
      assert.equal(outcome.amountApproved, 556);
      assert.equal(outcome.vaultCustomer, undefined);
      assert.equal(tx(outcome.providerReference!).status, 'voided');
      assert.equal(tx(outcome.providerReference!).response_code, 110);
      const read = await pepper.retrieve!(outcome.providerReference!);
      assert.equal(read?.status, 'failed');
      assert.equal(read?.error?.code, 'partial_approval_declined');
    }
    assert.equal(sandbox.sim.customers.size, customers, 'the vault record the partial made is removed');
  });

  it('when the void fails: processing (never a success), and retrieve keeps it so', async () => {
    const adapter = createPepperAdapter({ baseUrl: sandbox.url, apiKey: API_KEY, fetch: allowingPartials({ failVoid: true }) });
    const outcome = await charge({ method: card('4000000000000077') }, adapter);
    assert.equal(outcome.status, 'processing');
    assert.equal(outcome.providerStatus, 'partial_approval_void_failed');
    assert.equal(outcome.amountApproved, 556);
    assert.equal(tx(outcome.providerReference!).status, 'pending_settlement');
    assert.equal((await pepper.retrieve!(outcome.providerReference!))?.status, 'processing');
    assert.deepEqual(await pepper.void!(outcome.providerReference!), { outcome: 'done' });
    assert.equal((await pepper.retrieve!(outcome.providerReference!))?.status, 'failed');
  });
});

describe('pepper adapter: secrets', () => {
  it('no card number, CVC, account number or API key in anything returned or thrown', () => {
    assert.ok(seen.length > 40, `collected ${seen.length}`);
    const text = JSON.stringify(seen);
    for (const secret of [...CARDS_USED, CVC, ACCOUNT, API_KEY, PUB_KEY]) {
      // Whole tokens only: a short CVC may occur by chance inside a random gateway id.
      assert.ok(!new RegExp(`(^|[^0-9a-z])${secret}([^0-9a-z]|$)`, 'i').test(text), `leaked ${secret.slice(0, 4)}…`);
    }
  });

  it('bad configuration is thrown at construction, without the key', () => {
    assert.throws(() => createPepperAdapter({ baseUrl: sandbox.url, apiKey: 'api_bad\nkey' }), (error: Error) => !error.message.includes('api_bad'));
    assert.throws(() => createPepperAdapter({ baseUrl: 'ftp://x', apiKey: API_KEY }), /baseUrl/);
  });
});
