/**
 * PIX and Brazilian cards through the payment server and the Pagou sandbox, over real HTTP:
 * sessions with line items, installments and methods; PIX shown, paid by the sandbox payer,
 * expired and regenerated; cards with installments, declines and 3DS challenges; webhooks
 * believed only after the server has read the transaction back.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestStack, card, eventually } from './helpers.ts';
import { parseBrCode } from '../../server/simulators/pagou/brcode.ts';

const t = useTestStack();

const BRL = { amount: 12990, currency: 'BRL', description: 'Camiseta Paykit' };
const CPF = '529.982.247-25';
const PIX = { type: 'pix', pix: { name: 'Ana Souza', document: CPF } };

const sandbox = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${t.stack.sandboxUrl}/pagou${path}`, init);
  return { status: response.status, body: (await response.json().catch(() => null)) as any };
};
const transaction = async (id: string) => (await sandbox(`/sandbox/transactions/${id}`)).body;
const paymentCount = async (sessionId: string) =>
  Number((await t.stack.db.query<{ n: string }>('SELECT count(*) AS n FROM payments WHERE session_id = $1', [sessionId]))[0]!.n);
const sessionView = async (session: { id: string; client_secret: string }) =>
  (await t.api.request(`/v1/checkout/sessions/${session.id}`, { headers: t.api.publicHeaders(session.client_secret) })).json() as Promise<any>;

async function pixPayment(sessionBody: Record<string, unknown> = {}) {
  const session = (await t.api.createSession({ ...BRL, ...sessionBody })).body;
  const { status, body } = await t.api.confirm(session, { payment_method: PIX });
  assert.equal(status, 200, JSON.stringify(body));
  const reference = (await t.api.payment(body.id)).body.provider_reference as string;
  return { session, payment: body, reference };
}

describe('Brazilian checkout sessions', () => {
  it('a BRL session goes to Pagou and offers card and PIX; the buyer view says so', async () => {
    const { status, body } = await t.api.createSession({ ...BRL, max_installments: 6, collect_phone: true });
    assert.equal(status, 201);
    assert.equal(body.provider, 'pagou');
    assert.deepEqual(body.payment_methods, ['card', 'pix']);
    assert.equal(body.max_installments, 6);
    const view = await sessionView(body);
    assert.deepEqual(view.payment_methods, ['card', 'pix']);
    assert.equal(view.max_installments, 6);
    assert.equal(view.collect_phone, true);
  });

  for (const [name, extra, param] of [
    ['line items that do not add up to the amount', { line_items: [{ name: 'Camiseta', unit_amount: 100, quantity: 2 }] }, 'line_items'],
    ['a line item without a name', { line_items: [{ unit_amount: 12990, quantity: 1 }] }, 'line_items.0.name'],
    ['more than 12 installments', { max_installments: 13 }, 'max_installments'],
    ['installments on a provider without them', { currency: 'USD', provider: 'payagency', max_installments: 3 }, 'max_installments'],
    ['PIX in dollars', { currency: 'USD', payment_methods: ['pix'] }, 'currency'],
    ['PIX through PayAgency', { provider: 'payagency', payment_methods: ['pix'] }, 'payment_methods'],
    ['a repeated method', { payment_methods: ['pix', 'pix'] }, 'payment_methods'],
    ['an unknown method', { payment_methods: ['boleto'] }, 'payment_methods.0'],
    ['more than Pagou takes', { amount: 100_000_001 }, 'amount'],
  ] as const) {
    it(`refuses ${name} with a 400 naming ${param}`, async () => {
      const { status, body } = await t.api.createSession({ ...BRL, ...extra });
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(body.error.param, param, JSON.stringify(body));
    });
  }
});

describe('PIX', () => {
  it('shows a valid BR Code for the amount, sent with the documented request', async () => {
    const line_items = [
      { name: 'Camiseta', unit_amount: 5995, quantity: 2, sku: 'TEE', tangible: true },
      { name: 'Frete', unit_amount: 1000, quantity: 1 },
    ];
    const { payment, reference } = await pixPayment({ line_items, metadata: { cart: '7' } });
    assert.equal(payment.status, 'requires_action');
    assert.equal(payment.method, 'pix');
    assert.equal(payment.installments, null);
    assert.equal(payment.next_action.type, 'pix');
    assert.ok(Date.parse(payment.next_action.expires_at) > Date.now());
    const parsed = parseBrCode(payment.next_action.qr_code);
    assert.equal(parsed.crcValid, true);
    assert.equal(parsed.fields['54'], '129.90');
    assert.equal(parsed.fields['53'], '986');
    const tx = await transaction(reference);
    assert.equal(tx.external_ref, payment.id);
    assert.equal(tx.amount, 12990);
    assert.equal(tx.method, 'pix');
    assert.deepEqual(tx.buyer.document, { type: 'CPF', number: '52998224725' });
    assert.deepEqual(
      tx.products.map((p: any) => [p.name, p.price, p.quantity]),
      [['Camiseta', 5995, 2], ['Frete', 1000, 1]],
    );
  });

  it('a session without line items sends one product built from its description and amount', async () => {
    const { reference } = await pixPayment();
    const tx = await transaction(reference);
    assert.deepEqual(tx.products.map((p: any) => [p.name, p.price, p.quantity]), [['Camiseta Paykit', 12990, 1]]);
  });

  it('an invalid CPF or CNPJ is a 400 naming the document, and nothing is written', async () => {
    const session = (await t.api.createSession(BRL)).body;
    for (const document of ['529.982.247-24', '11.222.333/0001-80', '111.111.111-11']) {
      const { status, body } = await t.api.confirm(session, { payment_method: { type: 'pix', pix: { name: 'Ana', document } } });
      assert.equal(status, 400);
      assert.equal(body.error.param, 'payment_method.pix.document');
    }
    assert.equal(await paymentCount(session.id), 0);
  });

  it('a CNPJ is sent as a CNPJ; a phone is required when the session asks for one', async () => {
    const session = (await t.api.createSession({ ...BRL, collect_phone: true })).body;
    const missing = await t.api.confirm(session, { payment_method: { type: 'pix', pix: { name: 'Loja', document: '11.222.333/0001-81' } } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.param, 'payment_method.pix.phone');
    const { body } = await t.api.confirm(session, { payment_method: { type: 'pix', pix: { name: 'Loja', document: '11.222.333/0001-81', phone: '(11) 91234-5678' } } });
    const tx = await transaction((await t.api.payment(body.id)).body.provider_reference);
    assert.deepEqual(tx.buyer.document, { type: 'CNPJ', number: '11222333000181' });
    assert.equal(tx.buyer.phone, '11912345678');
  });

  it('paid by the sandbox payer: the webhook is confirmed with Pagou and the payment succeeds', async () => {
    const { session, payment, reference } = await pixPayment();
    const paid = await sandbox(`/sandbox/transactions/${reference}/pay`, { method: 'POST' });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    await eventually(async () => (await t.api.payment(payment.id)).body.status === 'succeeded');
    const view = await sessionView(session);
    assert.equal(view.status, 'complete');
    assert.equal(view.payment.status, 'succeeded');
    assert.ok((await transaction(reference)).pix.end_to_end_id);
    const merchant = (await t.api.payment(payment.id)).body;
    assert.equal(merchant.provider_status, 'paid');
  });

  it('refunded or charged back after success: the payment stays succeeded and the merchant sees the provider status', async () => {
    for (const [route, word] of [['refund', 'refunded'], ['chargeback', 'chargeback']] as const) {
      const { payment, reference } = await pixPayment();
      await sandbox(`/sandbox/transactions/${reference}/pay`, { method: 'POST' });
      await eventually(async () => (await t.api.payment(payment.id)).body.status === 'succeeded');
      const after = await sandbox(`/sandbox/transactions/${reference}/${route}`, { method: 'POST' });
      assert.equal(after.status, 200, JSON.stringify(after.body));
      const merchant = await eventually(async () => {
        const seen = (await t.api.payment(payment.id)).body;
        return seen.provider_status === word && seen;
      });
      assert.equal(merchant.status, 'succeeded');
    }
  });

  it('paid by its copy-and-paste code, as a bank app would', async () => {
    const { payment } = await pixPayment();
    const paid = await sandbox('/sandbox/pix/pay', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ qr_code: payment.next_action.qr_code }) });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    await eventually(async () => (await t.api.payment(payment.id)).body.status === 'succeeded');
  });

  it('a forged "paid" webhook changes nothing: the server asks Pagou, which says it is still waiting', async () => {
    const { payment, reference } = await pixPayment();
    const tx = await transaction(reference);
    const hook = new URL(tx.notify_url ?? (await t.stack.db.query('SELECT 1'), '')).pathname;
    const forged = { event: 'transaction.updated', data: { ...tx, status: 'paid', paid_at: new Date().toISOString() } };
    const response = await t.api.request(hook, { method: 'POST', body: JSON.stringify(forged), headers: { 'Content-Type': 'application/json' } });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as any).changed, false);
    assert.equal((await t.api.payment(payment.id)).body.status, 'requires_action');
    const other = await t.api.request(hook, { method: 'POST', body: JSON.stringify({ event: 'transaction.updated', data: { ...tx, id: 'another' } }) });
    assert.equal(other.status, 400);
  });

  it('expires, reopens the session, and a new code can be generated', async () => {
    const { session, payment, reference } = await pixPayment();
    const expired = await sandbox(`/sandbox/transactions/${reference}/expire`, { method: 'POST' });
    assert.equal(expired.status, 200, JSON.stringify(expired.body));
    await eventually(async () => (await t.api.payment(payment.id)).body.status === 'failed');
    const view = await sessionView(session);
    assert.equal(view.status, 'open');
    assert.equal(view.payment.error.code, 'payment_expired');
    const again = await t.api.confirm(session, { payment_method: PIX });
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'requires_action');
    assert.notEqual(again.body.next_action.qr_code, payment.next_action.qr_code);
    assert.equal(await paymentCount(session.id), 2);
  });

  it('a code past its deadline is read back from Pagou before a new attempt; still waiting means no second charge', async () => {
    const { session, payment } = await pixPayment();
    await t.stack.db.query(
      `UPDATE payments SET next_action = jsonb_set(next_action, '{expires_at}', to_jsonb('2000-01-01T00:00:00Z'::text)) WHERE id = $1`,
      [payment.id],
    );
    const again = await t.api.confirm(session, { payment_method: PIX });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'payment_in_progress');
    assert.equal(await paymentCount(session.id), 1);
  });

  it('while a PIX waits, the buyer cannot start a card payment on the same session', async () => {
    const { session } = await pixPayment();
    const { status, body } = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4111111111111111') } });
    assert.equal(status, 409);
    assert.equal(body.error.code, 'payment_in_progress');
  });

  it('a method the session does not offer is refused', async () => {
    const session = (await t.api.createSession({ ...BRL, payment_methods: ['card'] })).body;
    const { status, body } = await t.api.confirm(session, { payment_method: PIX });
    assert.equal(status, 400);
    assert.equal(body.error.param, 'payment_method.type');
  });
});

describe('Brazilian cards', () => {
  const payCard = async (number: string, installments?: number, sessionBody: Record<string, unknown> = {}) => {
    const session = (await t.api.createSession({ ...BRL, max_installments: 12, ...sessionBody })).body;
    const result = await t.api.confirm(session, { payment_method: { type: 'card', card: card(number), ...(installments ? { installments } : {}) } });
    return { session, ...result };
  };

  it('in installments: tokenized by the server, authorized, and the count reaches Pagou', async () => {
    const { status, body } = await payCard('4111111111111111', 3);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.status, 'succeeded');
    assert.equal(body.installments, 3);
    const merchant = (await t.api.payment(body.id)).body;
    assert.equal(merchant.provider, 'pagou');
    assert.equal(merchant.installments, 3);
    assert.deepEqual(merchant.card, { brand: 'visa', first6: '411111', last4: '1111', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3 });
    const tx = await transaction(merchant.provider_reference);
    assert.equal(tx.installments, 3);
    assert.equal(tx.method, 'credit_card');
    assert.doesNotMatch(JSON.stringify(tx), /4111111111111111/);
  });

  it('more installments than the session allows is a 400 naming the field, and nothing is charged', async () => {
    const { session, status, body } = await payCard('4111111111111111', 4, { max_installments: 3 });
    assert.equal(status, 400);
    assert.equal(body.error.param, 'payment_method.installments');
    assert.equal(await paymentCount(session.id), 0);
    const zero = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4111111111111111'), installments: 0 } });
    assert.equal(zero.body.error.param, 'payment_method.installments');
  });

  it('a refusal carries the bank reason and the buyer may retry', async () => {
    const { session, body } = await payCard('4000000000009995');
    assert.equal(body.status, 'failed');
    assert.equal(body.error.code, 'card_declined');
    assert.ok(body.error.message.length > 0);
    const retry = await t.api.confirm(session, { payment_method: { type: 'card', card: card('5555555555554444') } });
    assert.equal(retry.body.status, 'succeeded');
  });

  it('a 3DS challenge: the buyer gets the challenge page, the client secret is never stored in the clear, and authenticating succeeds', async () => {
    const { session, body } = await payCard('4000000000003220');
    assert.equal(body.status, 'requires_action', JSON.stringify(body));
    assert.equal(body.next_action.type, 'three_ds_challenge');
    const url = new URL(body.next_action.url);
    const secret = url.searchParams.get('client_secret')!;
    assert.ok(secret);
    const [row] = await t.stack.db.query<{ next_action: unknown }>('SELECT next_action FROM payments WHERE id = $1', [body.id]);
    assert.doesNotMatch(JSON.stringify(row), new RegExp(secret));
    const merchant = (await t.api.payment(body.id)).body;
    assert.deepEqual(Object.keys(merchant.next_action).sort(), ['expires_at', 'type']);
    // The buyer's view after a reload still carries the page to show.
    assert.equal((await sessionView(session)).payment.next_action.url, body.next_action.url);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    const form = new URLSearchParams({ client_secret: secret, action: 'authenticate' });
    await fetch(url.origin + url.pathname, { method: 'POST', body: form, redirect: 'manual' });
    await eventually(async () => (await t.api.payment(body.id)).body.status === 'succeeded');
  });

  it('a failed 3DS challenge fails the payment and the buyer may retry', async () => {
    const { session, body } = await payCard('4000000000003220');
    const url = new URL(body.next_action.url);
    const form = new URLSearchParams({ client_secret: url.searchParams.get('client_secret')!, action: 'fail' });
    await fetch(url.origin + url.pathname, { method: 'POST', body: form, redirect: 'manual' });
    const failed = await eventually(async () => {
      const payment = (await t.api.payment(body.id)).body;
      return payment.status === 'failed' && payment;
    });
    assert.equal(failed.error.code, 'authentication_failed');
    assert.equal((await sessionView(session)).status, 'open');
  });

  it('an expired challenge fails with payment_expired', async () => {
    const { body } = await payCard('4000000000003220');
    const reference = (await t.api.payment(body.id)).body.provider_reference;
    await sandbox(`/sandbox/transactions/${reference}/expire`, { method: 'POST' });
    const failed = await eventually(async () => {
      const payment = (await t.api.payment(body.id)).body;
      return payment.status === 'failed' && payment;
    });
    assert.equal(failed.error.code, 'payment_expired');
  });
});
