/**
 * The Pepper gateway through Paykit's own API, against the sandbox over real HTTP: card sales
 * and authorizations, capture / void / refund (settlement decides between void and refund), 50
 * simultaneous partial refunds, ACH with its mandate, an APM redirect through the return route,
 * surcharges computed by the server, and saved cards in the gateway's vault.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { card, useTestStack } from './helpers.ts';

const t = useTestStack();

const post = (path: string, body?: unknown, headers?: Record<string, string>) => t.api.post(path, body, headers);

const pepperSession = async (body: Record<string, unknown> = {}) => {
  const created = await t.api.createSession({ provider: 'pepper', ...body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body as { id: string; client_secret: string; amount: number };
};

const payCard = async (number: string, sessionBody: Record<string, unknown> = {}, method: Record<string, unknown> = {}) => {
  const session = await pepperSession(sessionBody);
  const confirmed = await t.api.confirm(session, { payment_method: { type: 'card', card: card(number), ...method } });
  return { session, ...confirmed };
};

/** The sandbox's own record of a transaction (sandbox route, no auth). */
const sandboxTransaction = async (id: string) => (await fetch(`${t.stack.sandboxUrl}/pepper/sandbox/transactions/${id}`)).json() as Promise<any>;
const settle = async (reference: string) => {
  const response = await fetch(`${t.stack.sandboxUrl}/pepper/sandbox/transactions/${reference}/settle`, { method: 'POST' });
  assert.equal(response.status, 200);
};

const ACH = { routing_number: '021000021', account_number: '000123456789', account_type: 'checking', holder_name: 'Ada Lovelace', mandate_accepted: true };

describe('Pepper sessions', () => {
  for (const [body, param] of [
    [{ payment_methods: ['card', 'ach'], capture_method: 'manual' }, 'capture_method'],
    [{ saved_cards: { require_cvc: true } }, 'customer_id'],
    [{ provider: 'pagou', currency: 'BRL', surcharge: {} }, 'surcharge'],
    [{ payment_methods: ['ach'], surcharge: {} }, 'surcharge'],
    [{ payment_methods: ['card'], ach_sec_code: 'web' }, 'ach_sec_code'],
    [{ payment_methods: ['ach'], ach_sec_code: 'tel' }, 'ach_sec_code'],
    [{ currency: 'EUR' }, 'currency'],
    [{ surcharge: { max_rate: 10_001 } }, 'surcharge.max_rate'],
  ] as const) {
    it(`refuses ${JSON.stringify(body)} naming ${param}`, async () => {
      const { status, body: error } = await t.api.createSession({ provider: 'pepper', ...body });
      assert.equal(status, 400, JSON.stringify(error));
      assert.equal(error.error.param, param, JSON.stringify(error));
    });
  }

  it('a session offering a bank account or a redirect method goes to Pepper by default, and shows the mandate', async () => {
    const { body: session } = await t.api.createSession({ payment_methods: ['card', 'ach', 'alipay'] });
    assert.equal(session.provider, 'pepper');
    const view = await t.api.json(await t.api.request(`/v1/checkout/sessions/${session.id}`, { headers: t.api.publicHeaders(session.client_secret) }));
    assert.deepEqual(view.body.payment_methods, ['card', 'ach', 'alipay']);
    assert.match(view.body.ach_mandate, /Paykit Demo Store/);
    assert.match(view.body.ach_mandate, /\$15\.00/);
    assert.match(view.body.ach_mandate, new RegExp(new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date())));
    assert.equal(view.body.saved_cards, null);
    assert.equal(view.body.surcharge, false);
  });
});

describe('Pepper cards', () => {
  it('a sale succeeds, with the AVS and CVV results for the merchant', async () => {
    const customer = { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', address: '12 Main St', city: 'Albany', state: 'NY', zip: '12207', country: 'US' };
    const { status, body } = await payCard('4111111111111111', { customer });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.status, 'succeeded');
    const { body: payment } = await t.api.payment(body.id);
    assert.equal(payment.provider, 'pepper');
    assert.match(payment.provider_reference, /^[0-9a-v]{20}$/);
    assert.equal(payment.checks.avs.code, 'Y');
    assert.ok(payment.checks.avs.description);
    assert.equal(payment.checks.cvv.code, 'M');
    const sandbox = await sandboxTransaction(payment.provider_reference);
    assert.equal(sandbox.type, 'sale');
    assert.equal(sandbox.amount, 1500);
  });

  it('declines are failures with a code; a partial approval is never taken', async () => {
    const declined = await payCard('4000000000000002');
    assert.equal(declined.body.status, 'failed');
    assert.equal(declined.body.error.code, 'card_declined');
    const partial = await payCard('4000000000000077');
    assert.equal(partial.body.status, 'failed', JSON.stringify(partial.body));
    const gateway = await payCard('4000000000000101');
    assert.equal(gateway.body.error.code, 'gateway_declined');
  });

  it('authorize, capture part, refund only after settlement, never more than captured', async () => {
    const { body } = await payCard('4111111111111111', { amount: 5000, capture_method: 'manual' });
    assert.equal(body.status, 'requires_capture');
    const captured = await post(`/v1/payments/${body.id}/capture`, { amount: 4000 });
    assert.equal(captured.status, 200, JSON.stringify(captured.body));
    assert.equal(captured.body.status, 'succeeded');
    assert.equal(captured.body.amount_captured, 4000);
    const early = await post(`/v1/payments/${body.id}/refunds`, { amount: 100 });
    assert.equal(early.status, 409, JSON.stringify(early.body));
    assert.equal(early.body.error.code, 'payment_not_settled');
    assert.equal((await t.api.payment(body.id)).body.amount_refunded, 0, 'a refused refund gives its amount back');

    await settle(captured.body.provider_reference);
    const part = await post(`/v1/payments/${body.id}/refunds`, { amount: 1500 });
    assert.equal(part.status, 201, JSON.stringify(part.body));
    assert.equal(part.body.status, 'succeeded');
    const rest = await post(`/v1/payments/${body.id}/refunds`, {});
    assert.equal(rest.body.amount, 2500);
    const more = await post(`/v1/payments/${body.id}/refunds`, { amount: 1 });
    assert.equal(more.status, 409);
    assert.equal(more.body.error.code, 'payment_fully_refunded');
    const sandbox = await sandboxTransaction(captured.body.provider_reference);
    assert.equal(sandbox.amount_refunded, 4000);
    const voided = await post(`/v1/payments/${body.id}/void`);
    assert.equal(voided.status, 409);
  });

  it('voids an authorization and an unsettled sale; a settled sale must be refunded instead', async () => {
    const auth = await payCard('4111111111111111', { capture_method: 'manual' });
    const voided = await post(`/v1/payments/${auth.body.id}/void`);
    assert.equal(voided.status, 200, JSON.stringify(voided.body));
    assert.equal(voided.body.status, 'canceled');
    assert.equal((await post(`/v1/payments/${auth.body.id}/capture`)).body.error.code, 'payment_not_capturable');

    const sale = await payCard('4111111111111111');
    assert.equal((await post(`/v1/payments/${sale.body.id}/void`)).body.status, 'canceled');

    const settled = await payCard('4111111111111111');
    const { body: payment } = await t.api.payment(settled.body.id);
    await settle(payment.provider_reference);
    const refused = await post(`/v1/payments/${settled.body.id}/void`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'payment_settled');
    assert.equal((await t.api.payment(settled.body.id)).body.status, 'succeeded');
  });

  it('capture and refunds are idempotent with Idempotency-Key: a replay moves no money twice', async () => {
    const { body } = await payCard('4111111111111111', { amount: 3000, capture_method: 'manual' });
    const key = { 'Idempotency-Key': `cap-${body.id}` };
    const first = await post(`/v1/payments/${body.id}/capture`, { amount: 2000 }, key);
    const again = await post(`/v1/payments/${body.id}/capture`, { amount: 2000 }, key);
    assert.equal(first.status, 200);
    assert.deepEqual(again.body, first.body, 'the replay answers the first capture');
    const other = await post(`/v1/payments/${body.id}/capture`, { amount: 1000 }, key);
    assert.equal(other.status, 422, 'the same key with another body');
    await settle(first.body.provider_reference);
    const refundKey = { 'Idempotency-Key': `ref-${body.id}` };
    const refund = await post(`/v1/payments/${body.id}/refunds`, { amount: 500 }, refundKey);
    const replay = await post(`/v1/payments/${body.id}/refunds`, { amount: 500 }, refundKey);
    assert.equal(refund.status, 201);
    assert.equal(replay.body.id, refund.body.id);
    assert.equal((await t.api.payment(body.id)).body.amount_refunded, 500);
    assert.equal((await sandboxTransaction(first.body.provider_reference)).amount_refunded, 500, 'one refund at the gateway');
  });

  it('50 simultaneous partial refunds never add up to more than was captured', async () => {
    const { body } = await payCard('4111111111111111', { amount: 5000 });
    const { body: payment } = await t.api.payment(body.id);
    await settle(payment.provider_reference);
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(`/v1/payments/${body.id}/refunds`, { amount: 150 })));
    const ok = answers.filter((answer) => answer.status === 201);
    assert.equal(ok.length, 33, answers.map((a) => a.status).join(','));
    assert.ok(answers.every((a) => a.status === 201 || a.status === 400 || a.status === 409), answers.map((a) => a.status).join(','));
    const after = (await t.api.payment(body.id)).body;
    assert.equal(after.amount_refunded, 33 * 150);
    const sandbox = await sandboxTransaction(payment.provider_reference);
    assert.equal(sandbox.amount_refunded, 33 * 150, 'the gateway refunded exactly what Paykit recorded');
    const list = await t.api.json(await t.api.request(`/v1/payments/${body.id}/refunds`, { headers: t.api.secretHeaders }));
    assert.equal(list.body.data.filter((r: any) => r.status === 'succeeded').length, 33);
  });
});

describe('Pepper ACH', () => {
  it('checks the routing number and the mandate before anything is written', async () => {
    const session = await pepperSession({ payment_methods: ['ach'] });
    const bad = await t.api.confirm(session, { payment_method: { type: 'ach', ach: { ...ACH, routing_number: '021000022' } } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.param, 'payment_method.ach.routing_number');
    const unaccepted = await t.api.confirm(session, { payment_method: { type: 'ach', ach: { ...ACH, mandate_accepted: false } } });
    assert.equal(unaccepted.status, 400);
    assert.equal(unaccepted.body.error.param, 'payment_method.ach.mandate_accepted');
    const card = await t.api.confirm(session, { payment_method: { type: 'alipay' } });
    assert.equal(card.body.error.param, 'payment_method.type');
    const { body } = await t.api.json(await t.api.request(`/v1/checkout/sessions/${session.id}`, { headers: t.api.secretHeaders }));
    assert.equal(body.payment, null);
  });

  it('debits the account with SEC code web and records the mandate the buyer accepted', async () => {
    const session = await pepperSession({ payment_methods: ['card', 'ach'] });
    const { status, body } = await t.api.confirm(session, { payment_method: { type: 'ach', ach: ACH } });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.status, 'succeeded');
    assert.equal(body.method, 'ach');
    const { body: payment } = await t.api.payment(body.id);
    assert.deepEqual(payment.bank_account, { routing_number: '021000021', last4: '6789', account_type: 'checking' });
    assert.equal(payment.mandate.sec_code, 'web');
    assert.match(payment.mandate.text, /\$15\.00/);
    assert.ok(Date.parse(payment.mandate.accepted_at) > Date.now() - 60_000);
    const sandbox = await sandboxTransaction(payment.provider_reference);
    assert.equal(sandbox.response.ach.sec_code, 'web');
    assert.equal(sandbox.response.ach.account_type, 'checking');
    const rows = await t.stack.db.query(`SELECT row_to_json(p)::text AS row FROM payments p WHERE id = $1`, [body.id]);
    assert.doesNotMatch(JSON.stringify(rows), /000123456789/, 'the account number is never stored');
  });

  it('a declined debit fails, and the session says which SEC code it wants', async () => {
    const session = await pepperSession({ payment_methods: ['ach'], ach_sec_code: 'ccd' });
    const { body } = await t.api.confirm(session, { payment_method: { type: 'ach', ach: { ...ACH, routing_number: '111000025' } } });
    assert.equal(body.status, 'failed');
    const { body: payment } = await t.api.payment(body.id);
    assert.equal((await sandboxTransaction(payment.provider_reference)).response.ach.sec_code, 'ccd');
  });
});

describe('Pepper redirect methods (APM)', () => {
  for (const [choice, status] of [['Pay', 'succeeded'], ['Cancel', 'failed']] as const) {
    it(`the buyer goes to the APM page, answers ${choice}, and comes back through the return route as ${status}`, async () => {
      const session = await pepperSession({ payment_methods: ['card', 'alipay'] });
      const { body } = await t.api.confirm(session, { payment_method: { type: 'alipay' } });
      assert.equal(body.status, 'requires_action', JSON.stringify(body));
      assert.equal(body.next_action.type, 'redirect');
      const page = await fetch(body.next_action.url);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, new RegExp(`>${choice}</button>`));
      const action = new URL(/<form method="post" action="([^"]+)"/.exec(html)![1]!, body.next_action.url);
      const answer = await fetch(action, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `action=${choice.toLowerCase()}`,
        redirect: 'manual',
      });
      assert.equal(answer.status, 303, await answer.text());
      const back = new URL(answer.headers.get('location')!);
      assert.equal(back.origin, new URL(t.stack.payUrl).origin, 'back through our return route');
      // The browser now follows to our return route, which asks the gateway and sends the buyer on.
      const returned = await t.stack.app.request(back.pathname + back.search, { redirect: 'manual' });
      assert.equal(returned.status, 303);
      const merchant = new URL(returned.headers.get('location')!);
      assert.equal(merchant.searchParams.get('paykit_status'), status);
      assert.equal((await t.api.payment(body.id)).body.status, status);
    });
  }
});

describe('Pepper surcharges', () => {
  const quote = (session: { id: string; client_secret: string }, body: unknown) =>
    Promise.resolve(
      t.api.request(`/v1/checkout/sessions/${session.id}/surcharge`, {
        method: 'POST',
        headers: t.api.publicHeaders(session.client_secret),
        body: JSON.stringify(body),
      }),
    ).then(t.api.json);

  it('quotes by BIN and state, capped at the session rate', async () => {
    const session = await pepperSession({ surcharge: {} });
    const credit = await quote(session, { bin: '411111' });
    assert.deepEqual(credit.body, { base_amount: 1500, surcharge: 45, total: 1545, currency: 'USD' }, 'sandbox 3.5% capped at 3.000%');
    assert.equal((await quote(session, { bin: '400005' })).body.surcharge, 0, 'debit cards are not surcharged');
    assert.equal((await quote(session, { bin: '411111', billing_state: 'CT' })).body.surcharge, 0, 'nor in Connecticut');
    const wide = await pepperSession({ surcharge: { max_rate: 5000 } });
    assert.equal((await quote(wide, { bin: '411111' })).body.surcharge, 53, '3.5% of 1500 = 52.5, half up');
    const bad = await quote(session, { bin: '41' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.param, 'bin');
    const none = await quote(await pepperSession(), { bin: '411111' });
    assert.equal(none.status, 409);
  });

  it('charges the total the server computed, and refuses a total the buyer was not shown', async () => {
    const session = await pepperSession({ surcharge: {} });
    const stale = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4111111111111111') }, expected_amount: 1500 });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'amount_changed');
    const { body: untouched } = await t.api.json(await t.api.request(`/v1/checkout/sessions/${session.id}`, { headers: t.api.secretHeaders }));
    assert.equal(untouched.payment, null, 'nothing was written');

    const { status, body } = await t.api.confirm(session, { payment_method: { type: 'card', card: card('4111111111111111') }, expected_amount: 1545 });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.amount, 1545);
    assert.equal(body.surcharge_amount, 45);
    const { body: payment } = await t.api.payment(body.id);
    const sandbox = await sandboxTransaction(payment.provider_reference);
    assert.equal(sandbox.amount, 1545);
    assert.equal(sandbox.base_amount, 1500);
    assert.equal(sandbox.surcharge_amount, 45);
  });
});

describe('Pepper saved cards', () => {
  const savedCards = (session: { id: string; client_secret: string }) =>
    Promise.resolve(t.api.request(`/v1/checkout/sessions/${session.id}/saved_cards`, { headers: t.api.publicHeaders(session.client_secret) })).then(t.api.json);
  const remove = (session: { id: string; client_secret: string }, id: string) =>
    Promise.resolve(t.api.request(`/v1/checkout/sessions/${session.id}/saved_cards/${id}`, { method: 'DELETE', headers: t.api.publicHeaders(session.client_secret) })).then(t.api.json);

  it('saves a card, offers it in the next session, pays with it, and removes it when allowed', async () => {
    const customer = `cus${Date.now().toString(36)}`;
    const first = await payCard('4111111111111111', { customer_id: customer }, { save: true });
    assert.equal(first.body.status, 'succeeded', JSON.stringify(first.body));
    assert.equal((await t.api.payment(first.body.id)).body.save_card, 'saved');
    await payCard('5555555555554444', { customer_id: customer }, { save: true });

    const second = await pepperSession({ customer_id: customer, saved_cards: { require_cvc: true, allow_removal: true } });
    const view = await t.api.json(await t.api.request(`/v1/checkout/sessions/${second.id}`, { headers: t.api.publicHeaders(second.client_secret) }));
    assert.deepEqual(view.body.saved_cards, { can_save: true, require_cvc: true, allow_removal: true });
    const { body: list } = await savedCards(second);
    assert.deepEqual(list.data.map((c: any) => [c.brand, c.last4]).sort(), [['mastercard', '4444'], ['visa', '1111']]);
    const visa = list.data.find((c: any) => c.last4 === '1111');
    assert.equal(visa.exp_year, new Date().getUTCFullYear() + 3);

    const noCvc = await t.api.confirm(second, { payment_method: { type: 'saved_card', saved_card: { id: visa.id } } });
    assert.equal(noCvc.status, 400);
    assert.equal(noCvc.body.error.param, 'payment_method.saved_card.cvc');
    const paid = await t.api.confirm(second, { payment_method: { type: 'saved_card', saved_card: { id: visa.id, cvc: '123' } } });
    assert.equal(paid.body.status, 'succeeded', JSON.stringify(paid.body));
    assert.deepEqual(paid.body.card, { brand: 'visa', last4: '1111' });
    const { body: payment } = await t.api.payment(paid.body.id);
    assert.deepEqual(payment.saved_card, { id: visa.id });
    assert.equal((await sandboxTransaction(payment.provider_reference)).payment_method, 'customer');

    // A saved card's surcharge is looked up by the server, which alone knows its BIN.
    const surcharged = await pepperSession({ customer_id: customer, surcharge: {} });
    const quoted = await Promise.resolve(
      t.api.request(`/v1/checkout/sessions/${surcharged.id}/surcharge`, {
        method: 'POST',
        headers: t.api.publicHeaders(surcharged.client_secret),
        body: JSON.stringify({ saved_card: visa.id }),
      }),
    ).then(t.api.json);
    assert.deepEqual(quoted.body, { base_amount: 1500, surcharge: 45, total: 1545, currency: 'USD' });
    const viaSaved = await t.api.confirm(surcharged, { payment_method: { type: 'saved_card', saved_card: { id: visa.id } }, expected_amount: 1545 });
    assert.equal(viaSaved.body.amount, 1545, JSON.stringify(viaSaved.body));

    const removed = await remove(second, visa.id);
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.deepEqual((await savedCards(second)).body.data.map((c: any) => c.last4), ['4444']);
    assert.equal((await remove(second, visa.id)).status, 400, 'no longer one of theirs');
  });

  it("only the session customer's own cards, and removal only when the merchant allows it", async () => {
    const owner = `own${Date.now().toString(36)}`;
    await payCard('4111111111111111', { customer_id: owner }, { save: true });
    const mine = await pepperSession({ customer_id: owner });
    const [saved] = (await savedCards(mine)).body.data;
    assert.ok(saved);
    assert.equal((await remove(mine, saved.id)).status, 403);

    const stranger = await pepperSession({ customer_id: `oth${Date.now().toString(36)}` });
    assert.deepEqual((await savedCards(stranger)).body.data, []);
    const stolen = await t.api.confirm(stranger, { payment_method: { type: 'saved_card', saved_card: { id: saved.id } } });
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body.error.param, 'payment_method.saved_card.id');

    const anonymous = await pepperSession();
    const save = await t.api.confirm(anonymous, { payment_method: { type: 'card', card: card('4111111111111111'), save: true } });
    assert.equal(save.status, 400);
    assert.equal(save.body.error.param, 'payment_method.save');
  });
});
