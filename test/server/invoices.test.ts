/**
 * Invoices through Paykit's own API and the hosted page's public call, paid through the Pepper
 * sandbox over real HTTP: validation, the state rules (pending → partially_paid → paid, overdue,
 * no change once paid), the ledger under concurrency, search, and the hosted page's answers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { card, INVOICE_ADDRESS as ADDRESS, invoiceBody, useTestStack } from './helpers.ts';
import { createMerchant } from '../../server/merchants.ts';

const t = useTestStack();

const ACH = { routing_number: '021000021', account_number: '000123456789', account_type: 'checking', holder_name: 'Grace Hopper', mandate_accepted: true };
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  t.api.json(await t.api.request(path, { method, headers: { ...t.api.secretHeaders, ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));

const create = async (fields: Record<string, unknown> = {}) => {
  const created = await send('POST', '/v1/invoices', invoiceBody(fields));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
};

/** The hosted page's call: opens a checkout for `amount` (or all that is due). */
const checkout = async (publicId: string, body: unknown = {}) =>
  t.api.json(await t.api.request(`/invoices/${publicId}/checkout`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }));

const payCard = async (session: { session_id: string; client_secret: string }, number = '4111111111111111') =>
  t.api.confirm({ id: session.session_id, client_secret: session.client_secret }, { payment_method: { type: 'card', card: card(number) } });

const payAch = async (session: { session_id: string; client_secret: string }) =>
  t.api.confirm({ id: session.session_id, client_secret: session.client_secret }, { payment_method: { type: 'ach', ach: ACH } });

describe('invoices: the merchant API', () => {
  it('creates an invoice with its totals computed, a public id and a hosted URL', async () => {
    const invoice = await create({
      items: [
        { name: 'Design', description: 'Two days', unit_price: 60_000, quantity: 2, discount_amount: 5000, tax_rate: '8.875' },
        { name: 'Hosting', unit_price: 2500, quantity: 1, tax_amount: 200 },
      ],
      shipping: 0,
      adjustment: -1000,
      message: 'Thank you for your business!',
    });
    assert.match(invoice.id, /^inv_[A-Za-z0-9]{24}$/);
    assert.match(invoice.public_id, /^pinv_[A-Za-z0-9]{32}$/);
    assert.equal(invoice.hosted_url, `${t.stack.payUrl}/invoices/${invoice.public_id}`);
    // 115 000 × 8.875% = 10 206.25 → 10 206; 2 500 + 200.
    assert.deepEqual(invoice.items.map((item: any) => [item.tax_amount, item.amount]), [[10_206, 125_206], [200, 2700]]);
    assert.equal(invoice.subtotal, 117_500);
    assert.equal(invoice.tax, 10_406);
    assert.equal(invoice.total, 126_906);
    assert.equal(invoice.amount_paid, 0);
    assert.equal(invoice.amount_due, 126_906);
    assert.equal(invoice.status, 'pending');
    assert.equal(invoice.provider, 'pepper');
    assert.deepEqual(invoice.payments, []);
    const read = await send('GET', `/v1/invoices/${invoice.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, invoice);
  });

  for (const [fields, param] of [
    [{ bill_to: undefined }, 'bill_to'],
    [{ bill_to: { ...ADDRESS, country: 'usa' } }, 'bill_to.country'],
    [{ date_due: 'tomorrow' }, 'date_due'],
    [{ items: [] }, 'items'],
    [{ items: [{ name: 'A', unit_price: 100, quantity: 0 }] }, 'items.0.quantity'],
    [{ items: [{ name: 'A', unit_price: 100, quantity: 1, tax_rate: '8.8751' }] }, 'items.0.tax_rate'],
    [{ items: [{ name: 'A', unit_price: 100, quantity: 1, tax_rate: '101' }] }, 'items.0.tax_rate'],
    [{ items: [{ name: 'A', unit_price: 10.5, quantity: 1 }] }, 'items.0.unit_price'],
    [{ items: [{ name: 'A', unit_price: 100, quantity: 1, discount_amount: 101 }] }, 'items.0.discount_amount'],
    [{ payment_methods: ['pix'] }, 'payment_methods.0'],
    [{ currency: 'EUR' }, 'currency'],
    [{ company_logo_url: 'javascript:alert(1)' }, 'company_logo_url'],
    [{ invoice_number: 'INV 1' }, 'invoice_number'],
    [{ provider: 'payagency' }, 'payment_methods'],
    [{ minimum_payment: 100 }, 'minimum_payment'],
    [{ adjustment: -20_000 }, 'adjustment'],
    [{ unknown: true }, 'unknown'],
    [{ date_due: '0000-01-01T00:00:00Z' }, 'date_due'],
    [{ date_due: '0001-01-01T00:00:00+01:00' }, 'date_due'],
    [{ message: 'Thanks\u0000' }, 'message'],
    [{ items: [{ name: 'A\ud800', unit_price: 100, quantity: 1 }] }, 'items.0.name'],
    [{ company_logo_url: 'http://a,b.example/logo.png' }, 'company_logo_url'],
    [{ company_logo_url: 'http://x;sandbox/logo.png' }, 'company_logo_url'],
    [{ adjustment: -9000, items: [{ name: 'Paid', unit_price: 5000, quantity: 1, status: 'paid' }, { name: 'Due', unit_price: 5000, quantity: 1 }] }, 'adjustment'],
  ] as const) {
    it(`refuses ${JSON.stringify(fields)} naming ${param}, and writes nothing`, async () => {
      const before = await t.stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM invoices`);
      const { status, body } = await send('POST', '/v1/invoices', invoiceBody(fields as Record<string, unknown>));
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(body.error.param, param, JSON.stringify(body));
      const after = await t.stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM invoices`);
      assert.equal(after[0]!.n, before[0]!.n);
    });
  }

  it('needs the secret key; another merchant sees none of it', async () => {
    const invoice = await create();
    const anonymous = await t.api.request(`/v1/invoices/${invoice.id}`);
    assert.equal(anonymous.status, 401);
    const withPublishable = await t.api.request(`/v1/invoices/${invoice.id}`, { headers: { Authorization: `Bearer ${t.stack.keys.publishable}` } });
    assert.equal(withPublishable.status, 403, 'the wrong kind of key');
    const other = await createMerchant(t.stack.db, { name: 'Other shop' });
    const theirs = await t.api.json(await t.api.request(`/v1/invoices/${invoice.id}`, { headers: { Authorization: `Bearer ${other.secretKey}` } }));
    assert.equal(theirs.status, 404);
    const list = await t.api.json(await t.api.request(`/v1/invoices?invoice_number=${invoice.invoice_number}`, { headers: { Authorization: `Bearer ${other.secretKey}` } }));
    assert.deepEqual(list.body.data, []);
  });

  it('keeps invoice numbers unique among live invoices (409), and free again once deleted', async () => {
    const first = await create();
    const again = await send('POST', '/v1/invoices', invoiceBody({ invoice_number: first.invoice_number }));
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(again.body.error.code, 'invoice_number_taken');
    assert.equal(again.body.error.param, 'invoice_number');
    assert.equal((await send('DELETE', `/v1/invoices/${first.id}`)).status, 200);
    assert.equal((await send('POST', '/v1/invoices', invoiceBody({ invoice_number: first.invoice_number }))).status, 201);
  });

  it('replays a create under the same Idempotency-Key', async () => {
    const key = `inv-${Date.now()}`;
    const body = invoiceBody();
    const first = await send('POST', '/v1/invoices', body, { 'Idempotency-Key': key });
    const second = await send('POST', '/v1/invoices', body, { 'Idempotency-Key': key });
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(second.body.id, first.body.id);
  });

  it('updates an unpaid invoice (new version), and an open checkout of the old version can no longer pay', async () => {
    const invoice = await create();
    const session = (await checkout(invoice.public_id)).body;
    const updated = await send('POST', `/v1/invoices/${invoice.id}`, invoiceBody({ invoice_number: invoice.invoice_number, items: [{ name: 'Consulting', unit_price: 5000, quantity: 3 }] }));
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.total, 15_000);
    assert.equal(updated.body.public_id, invoice.public_id);
    const stale = await payCard(session);
    assert.equal(stale.status, 409, JSON.stringify(stale.body));
    assert.equal(stale.body.error.code, 'invoice_changed');
    const payments = await send('GET', `/v1/payments?invoice=${invoice.id}`);
    assert.deepEqual(payments.body.data, [], 'nothing was charged');
    const fresh = (await checkout(invoice.public_id)).body;
    assert.equal(fresh.amount, 15_000);
    assert.notEqual(fresh.session_id, session.session_id);
  });

  it('deletes an unpaid invoice: gone from the API, the search and the hosted page', async () => {
    const invoice = await create();
    const deleted = await send('DELETE', `/v1/invoices/${invoice.id}`);
    assert.deepEqual(deleted.body, { id: invoice.id, object: 'invoice', deleted: true });
    assert.equal((await send('GET', `/v1/invoices/${invoice.id}`)).status, 404);
    assert.equal((await send('DELETE', `/v1/invoices/${invoice.id}`)).status, 404);
    assert.deepEqual((await send('GET', `/v1/invoices?id=${invoice.id}`)).body.data, []);
    const page = await t.api.request(`/invoices/${invoice.public_id}`);
    assert.equal(page.status, 404);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal((await checkout(invoice.public_id)).status, 404);
  });
});

describe('invoices: paying, in part and in full', () => {
  it('moves pending → partially_paid → paid through a card and a bank payment, and cannot be paid again', async () => {
    const invoice = await create({ allow_partial_payment: true, minimum_payment: 1000 });
    assert.equal(invoice.minimum_payment, 1000);

    for (const [amount, why] of [[999, 'below the minimum'], [10_001, 'above what is due'], [0, 'zero']] as const) {
      const refused = await checkout(invoice.public_id, { amount });
      assert.equal(refused.status, 400, `${why}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.error.param, 'amount');
    }

    const part = (await checkout(invoice.public_id, { amount: 4000 })).body;
    assert.equal(part.amount, 4000);
    assert.equal(part.publishable_key, t.stack.keys.publishable);
    const reused = (await checkout(invoice.public_id, { amount: 4000 })).body;
    assert.equal(reused.session_id, part.session_id, 'a reload reuses the open checkout');
    const paid = await payCard(part);
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.status, 'succeeded');

    let read = (await send('GET', `/v1/invoices/${invoice.id}`)).body;
    assert.equal(read.status, 'partially_paid');
    assert.equal(read.amount_paid, 4000);
    assert.equal(read.amount_due, 6000);
    assert.equal(read.paid_at, null);
    assert.deepEqual(read.payments.map((p: any) => [p.amount, p.status, p.method, p.card?.last4]), [[4000, 'succeeded', 'card', '1111']]);

    // The payment carries the invoice number as its order id: each finds the other.
    const payment = (await t.api.payment(paid.body.id)).body;
    assert.equal(payment.order_id, invoice.invoice_number);
    assert.equal(payment.invoice, invoice.id);
    const byOrder = (await send('GET', `/v1/payments?order_id=${invoice.invoice_number}`)).body;
    assert.deepEqual(byOrder.data.map((p: any) => p.id), [paid.body.id]);
    const transaction = t.stack.pepper.transactions.get(payment.provider_reference);
    assert.ok(transaction, 'the gateway has the transaction');

    const stillOpen = await checkout(invoice.public_id, { amount: 7000 });
    assert.equal(stillOpen.status, 400, 'only what is still due can be paid');
    const rest = (await checkout(invoice.public_id)).body;
    assert.equal(rest.amount, 6000, 'by default, everything still due');
    const bank = await payAch(rest);
    assert.equal(bank.body.status, 'succeeded', JSON.stringify(bank.body));

    read = (await send('GET', `/v1/invoices/${invoice.id}`)).body;
    assert.equal(read.status, 'paid');
    assert.equal(read.amount_paid, 10_000);
    assert.equal(read.amount_due, 0);
    assert.ok(read.paid_at);
    assert.ok(read.items.every((item: any) => item.status === 'pending'), 'items keep the merchant’s status (paid = settled outside Paykit)');
    assert.deepEqual(read.payments.map((p: any) => [p.amount, p.method, p.bank_account?.last4 ?? p.card?.last4]), [[4000, 'card', '1111'], [6000, 'ach', '6789']]);

    const again = await checkout(invoice.public_id);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'invoice_paid');
    for (const [method, path] of [['POST', `/v1/invoices/${invoice.id}`], ['DELETE', `/v1/invoices/${invoice.id}`]] as const) {
      const refused = await send(method, path, method === 'POST' ? invoiceBody({ invoice_number: invoice.invoice_number }) : undefined);
      assert.equal(refused.status, 409, `${method}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.error.code, 'invoice_has_payments');
    }
  });

  it('pays in full only when partial payment is not allowed; a declined card leaves it pending', async () => {
    const invoice = await create();
    const refused = await checkout(invoice.public_id, { amount: 4000 });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.param, 'amount');
    const session = (await checkout(invoice.public_id)).body;
    assert.equal(session.amount, 10_000);
    const declined = await payCard(session, '4000000000000002');
    assert.equal(declined.body.status, 'failed');
    assert.equal((await send('GET', `/v1/invoices/${invoice.id}`)).body.status, 'pending');
    const retried = await payCard(session);
    assert.equal(retried.body.status, 'succeeded');
    const read = (await send('GET', `/v1/invoices/${invoice.id}`)).body;
    assert.equal(read.status, 'paid');
    assert.deepEqual(read.payments.map((p: any) => p.status), ['failed', 'succeeded']);
  });

  it('a voided payment is taken off the invoice again', async () => {
    const invoice = await create({ payment_methods: ['card'], provider: 'pepper' });
    const session = (await checkout(invoice.public_id)).body;
    const paid = await payCard(session);
    assert.equal((await send('GET', `/v1/invoices/${invoice.id}`)).body.status, 'paid');
    const voided = await send('POST', `/v1/payments/${paid.body.id}/void`);
    assert.equal(voided.status, 200, JSON.stringify(voided.body));
    const read = (await send('GET', `/v1/invoices/${invoice.id}`)).body;
    assert.equal(read.status, 'pending');
    assert.equal(read.amount_paid, 0);
    assert.equal(read.paid_at, null);
  });

  it('never takes more than is due: 10 buyers paying at once, one wins', async () => {
    const invoice = await create({ allow_partial_payment: true });
    const sessions = await Promise.all(Array.from({ length: 10 }, (_, i) => checkout(invoice.public_id, { amount: 6000 + i })));
    const results = await Promise.all(sessions.map(({ body }) => payCard(body)));
    const succeeded = results.filter((result) => result.body.status === 'succeeded');
    assert.equal(succeeded.length, 1, JSON.stringify(results.map((r) => [r.status, r.body.status ?? r.body.error?.code])));
    for (const result of results.filter((r) => r.status !== 200)) {
      assert.equal(result.status, 409);
      assert.match(result.body.error.code, /^invoice_amount_unavailable$/);
    }
    const read = (await send('GET', `/v1/invoices/${invoice.id}`)).body;
    assert.equal(read.amount_paid, succeeded[0]!.body.amount);
    assert.equal(read.status, 'partially_paid');
    assert.equal(read.payments.length, 1, 'no other payment reached the provider');
  });

  it('a payment waiting for the buyer (3DS) holds its amount for 30 minutes, and the page asks to wait', async () => {
    const invoice = await create({ payment_methods: ['card'], provider: 'payagency', allow_partial_payment: true });
    const first = (await checkout(invoice.public_id, { amount: 6000 })).body;
    const challenged = await payCard(first, '4000000000003220');
    assert.equal(challenged.body.status, 'requires_action', JSON.stringify(challenged.body));

    let page = await (await t.api.request(`/invoices/${invoice.public_id}`)).text();
    assert.match(page, /A payment of \$60\.00 is being processed/);
    assert.doesNotMatch(page, /id="pay"/, 'no form while a payment is on its way');
    const second = (await checkout(invoice.public_id, { amount: 5000 })).body;
    const refused = await payCard(second);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'invoice_amount_unavailable');
    assert.equal(refused.body.error.message, 'Only $40.00 of this invoice can be paid now; reload the invoice.');
    assert.equal(refused.body.error.param, undefined);

    // An abandoned challenge stops holding the invoice after 30 minutes.
    await t.stack.db.query(`UPDATE payments SET updated_at = now() - interval '31 minutes' WHERE id = $1`, [challenged.body.id]);
    page = await (await t.api.request(`/invoices/${invoice.public_id}`)).text();
    assert.match(page, /id="pay"/);
    const paid = await payCard(second);
    assert.equal(paid.body.status, 'succeeded', JSON.stringify(paid.body));
  });

  it('asks the gateway about a payment left processing: booked when it went through, released when it did not', async () => {
    /** A sale the gateway made whose answer never reached Paykit (say, a timeout): the payment stays processing. */
    const lostAnswer = async (publicId: string, number: string) => {
      const session = (await checkout(publicId)).body;
      const { baseUrl, apiKey } = t.stack.config.providers.pepper;
      const sale = await fetch(`${baseUrl}/api/transaction`, {
        method: 'POST',
        headers: { Authorization: apiKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'sale', amount: session.amount, currency: 'USD', payment_method: { card: { entry_type: 'keyed', number, expiration_date: '12/30', cvc: '999' } } }),
      });
      const reference = ((await sale.json()) as any).data.id as string;
      const id = `pay_lost${Math.random().toString(36).slice(2, 12)}`;
      await t.stack.db.query(
        `INSERT INTO payments (id, session_id, merchant_id, mode, attempt, amount, currency, status, provider, method, provider_reference, capture_method, updated_at)
         VALUES ($1, $2, $3, 'test', 1, $4, 'USD', 'processing', 'pepper', 'card', $5, 'automatic', now() - interval '2 minutes')`,
        [id, session.session_id, t.stack.keys.merchantId, session.amount, reference],
      );
      await t.stack.db.query(`UPDATE checkout_sessions SET status = 'processing' WHERE id = $1`, [session.session_id]);
      return id;
    };

    const charged = await create({ payment_methods: ['card'], provider: 'pepper' });
    const chargedPayment = await lostAnswer(charged.public_id, '4111111111111111');
    const page = await (await t.api.request(`/invoices/${charged.public_id}`)).text();
    assert.match(page, /badge-paid/, 'the page asked the gateway, and the invoice is paid');
    assert.equal((await t.api.payment(chargedPayment)).body.status, 'succeeded');
    const read = (await send('GET', `/v1/invoices/${charged.id}`)).body;
    assert.equal(read.amount_paid, 10_000);
    assert.equal(read.amount_overpaid, 0);

    const declined = await create({ payment_methods: ['card'], provider: 'pepper' });
    const declinedPayment = await lostAnswer(declined.public_id, '4000000000000002');
    // Deleting asks first too: the declined payment no longer holds the invoice.
    assert.equal((await send('DELETE', `/v1/invoices/${declined.id}`)).status, 200);
    assert.equal((await t.api.payment(declinedPayment)).body.status, 'failed');
  });

  it('counts items marked paid as already paid', async () => {
    const invoice = await create({
      allow_partial_payment: true,
      items: [
        { name: 'Deposit', unit_price: 3000, quantity: 1, status: 'paid' },
        { name: 'Balance', unit_price: 7000, quantity: 1 },
      ],
    });
    assert.equal(invoice.status, 'partially_paid');
    assert.equal(invoice.amount_paid, 3000);
    assert.equal(invoice.amount_due, 7000);
    const session = (await checkout(invoice.public_id)).body;
    assert.equal(session.amount, 7000);
  });
});

describe('invoices: overdue and search', () => {
  it('is overdue after date_due while something is due, and not once paid', async () => {
    const late = await create({ date_due: inDays(-1), customer_id: 'cus_overdue' });
    assert.equal(late.status, 'overdue');
    const partly = await create({ date_due: inDays(-2), customer_id: 'cus_overdue', allow_partial_payment: true });
    await payCard((await checkout(partly.public_id, { amount: 2000 })).body);
    assert.equal((await send('GET', `/v1/invoices/${partly.id}`)).body.status, 'overdue');
    const paidLate = await create({ date_due: inDays(-3), customer_id: 'cus_overdue' });
    await payCard((await checkout(paidLate.public_id)).body);
    assert.equal((await send('GET', `/v1/invoices/${paidLate.id}`)).body.status, 'paid');

    const overdue = (await send('GET', '/v1/invoices?customer_id=cus_overdue&status=overdue')).body;
    assert.deepEqual(overdue.data.map((i: any) => i.id).sort(), [late.id, partly.id].sort());
    const pending = (await send('GET', '/v1/invoices?customer_id=cus_overdue&status=pending')).body;
    assert.deepEqual(pending.data, [], 'an overdue invoice is not listed as pending');
    const paid = (await send('GET', '/v1/invoices?customer_id=cus_overdue&status=paid')).body;
    assert.deepEqual(paid.data.map((i: any) => i.id), [paidLate.id]);
  });

  it('searches by number, customer, amount due and due date, newest first, with limit and offset', async () => {
    const customer = `cus_search_${Date.now()}`;
    const a = await create({ customer_id: customer, customer_number: 'C-1', date_due: '2031-01-15T00:00:00Z', items: [{ name: 'A', unit_price: 1000, quantity: 1 }] });
    const b = await create({ customer_id: customer, date_due: '2031-02-15T00:00:00Z', items: [{ name: 'B', unit_price: 2000, quantity: 1 }] });
    const c = await create({ customer_id: customer, date_due: '2031-03-15T00:00:00Z', items: [{ name: 'C', unit_price: 3000, quantity: 1 }] });
    const ids = async (query: string) => (await send('GET', `/v1/invoices?customer_id=${customer}&${query}`)).body.data.map((i: any) => i.id);
    assert.deepEqual(await ids(''), [c.id, b.id, a.id]);
    assert.deepEqual(await ids(`invoice_number=${b.invoice_number}`), [b.id]);
    assert.deepEqual(await ids('customer_number=C-1'), [a.id]);
    assert.deepEqual(await ids('amount_due=2000'), [b.id]);
    assert.deepEqual(await ids('amount_due_gt=1000'), [c.id, b.id]);
    assert.deepEqual(await ids('amount_due_lt=3000'), [b.id, a.id]);
    assert.deepEqual(await ids('date_due_start=2031-02-01T00:00:00Z&date_due_end=2031-03-31T00:00:00Z'), [c.id, b.id]);
    const first = (await send('GET', `/v1/invoices?customer_id=${customer}&limit=2`)).body;
    assert.equal(first.has_more, true);
    assert.deepEqual(first.data.map((i: any) => i.id), [c.id, b.id]);
    const second = (await send('GET', `/v1/invoices?customer_id=${customer}&limit=2&offset=2`)).body;
    assert.equal(second.has_more, false);
    assert.deepEqual(second.data.map((i: any) => i.id), [a.id]);
    for (const [query, param] of [['customer_number=%00', 'customer_number'], ['date_due_end=0000-01-01T00:00:00Z', 'date_due_end'], ['limit=0', 'limit'], ['status=late', 'status'], ['amount_due=-1', 'amount_due'], ['date_due_start=yesterday', 'date_due_start'], ['id=pay_1', 'id']]) {
      const bad = await send('GET', `/v1/invoices?${query}`);
      assert.equal(bad.status, 400, query);
      assert.equal(bad.body.error.param, param, query);
    }
  });
});

describe('the hosted invoice page', () => {
  it('serves the invoice as a page with a strict policy, and a 404 page for an unknown id', async () => {
    const invoice = await create({ message: 'Thanks!' });
    const page = await t.api.request(`/invoices/${invoice.public_id}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    const text = await page.text();
    assert.ok(text.includes(invoice.invoice_number));
    assert.ok(text.includes(t.stack.keys.publishable), 'the page mounts the checkout with the merchant’s publishable key');
    assert.ok(!text.includes(t.stack.keys.secret));

    for (const id of ['pinv_00000000000000000000000000000000', 'nope', '../v1/invoices']) {
      const missing = await t.api.request(`/invoices/${encodeURIComponent(id)}`);
      assert.equal(missing.status, 404, id);
      assert.match(missing.headers.get('content-type') ?? '', /text\/html/);
      assert.doesNotMatch(await missing.text(), /"error"|at .*\.ts:/, 'a page, not JSON or a stack trace');
    }
  });

  it('opens a checkout only by public id, never by the invoice id', async () => {
    const invoice = await create();
    const byId = await checkout(invoice.id);
    assert.equal(byId.status, 404);
    assert.equal(byId.body.error.code, 'resource_missing');
    const bad = await t.api.json(await t.api.request(`/invoices/${invoice.public_id}/checkout`, { method: 'POST', body: '{"amount":"all"}' }));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.param, 'amount');
  });

  it('keeps the public id out of the logs', async () => {
    const invoice = await create();
    await t.api.request(`/invoices/${invoice.public_id}`);
    assert.ok(!t.stack.log.lines!.join('\n').includes(invoice.public_id));
  });
});
