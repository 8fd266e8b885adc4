import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestStack, card } from './helpers.ts';

const t = useTestStack();

const sessionsCount = async () => ((await t.stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM checkout_sessions'))[0]!).n;

describe('Idempotency-Key', () => {
  it('replays session creation: same answer, client secret included, one session', async () => {
    const before = await sessionsCount();
    const first = await t.api.createSession({ order_id: 'order-1' }, { 'Idempotency-Key': 'create-1' });
    const second = await t.api.createSession({ order_id: 'order-1' }, { 'Idempotency-Key': 'create-1' });
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(await sessionsCount(), before + 1);
    const stored = await t.stack.db.query<{ response_body: unknown }>(`SELECT response_body FROM idempotency_keys WHERE key = 'create-1'`);
    assert.doesNotMatch(JSON.stringify(stored), /_secret_/, 'the client secret is not stored with the replay');
  });

  it('refuses the same key with a different body (422)', async () => {
    await t.api.createSession({ amount: 1000 }, { 'Idempotency-Key': 'create-2' });
    const other = await t.api.createSession({ amount: 2000 }, { 'Idempotency-Key': 'create-2' });
    assert.equal(other.status, 422);
    assert.equal(other.body.error.code, 'idempotency_key_reused');
  });

  it('refuses an over-long key', async () => {
    const response = await t.api.createSession({}, { 'Idempotency-Key': 'k'.repeat(256) });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.param, 'Idempotency-Key');
  });

  it('a retried confirm returns the first answer and never charges twice at the provider', async () => {
    const { body: session } = await t.api.createSession();
    const before = t.stack.payagency.transactions.size;
    const body = { payment_method: { type: 'card', card: card('4242424242424242') } };
    const first = await t.api.confirm(session, body, { 'Idempotency-Key': 'confirm-1' });
    const second = await t.api.confirm(session, body, { 'Idempotency-Key': 'confirm-1' });
    assert.equal(first.body.status, 'succeeded');
    assert.deepEqual(second.body, first.body);
    assert.equal(t.stack.payagency.transactions.size, before + 1);
  });

  it('concurrent confirms with one key: one provider transaction, every answer consistent', async () => {
    const { body: session } = await t.api.createSession();
    const before = t.stack.payagency.transactions.size;
    const body = { payment_method: { type: 'card', card: card('4242424242424242') } };
    const answers = await Promise.all(Array.from({ length: 8 }, () => t.api.confirm(session, body, { 'Idempotency-Key': 'confirm-burst' })));
    assert.equal(t.stack.payagency.transactions.size, before + 1);
    for (const answer of answers) {
      if (answer.status === 200) assert.equal(answer.body.status, 'succeeded');
      else assert.equal(answer.body.error.code, 'idempotency_key_in_use');
    }
    assert.ok(answers.some((a) => a.status === 200));
  });

  it('concurrent confirms without a key still make only one charge', async () => {
    const { body: session } = await t.api.createSession();
    const before = t.stack.payagency.transactions.size;
    const body = { payment_method: { type: 'card', card: card('4242424242424242') } };
    const answers = await Promise.all(Array.from({ length: 6 }, () => t.api.confirm(session, body)));
    assert.equal(t.stack.payagency.transactions.size, before + 1);
    assert.equal(answers.filter((a) => a.status === 200).length, 1);
    for (const answer of answers.filter((a) => a.status !== 200)) {
      assert.equal(answer.status, 409);
      assert.match(answer.body.error.code, /payment_in_progress|session_complete/);
    }
  });
});

describe('no card data, key or client secret at rest or in logs', () => {
  it('leaves no PAN, CVC, secret key or client secret in any table or log line', async () => {
    const { session } = await t.api.pay('4000000000009995');
    await t.api.pay('4242424242424242');
    await t.api.pay('4000000000000127');
    // Pagou: a card in installments, a 3DS challenge (whose provider client secret must be sealed) and a PIX.
    const brl = { amount: 12990, currency: 'BRL', max_installments: 3 };
    await t.api.pay('4111111111111111', brl);
    const challenge = await t.api.pay('4000000000003220', brl);
    const challengeSecret = new URL(challenge.body.next_action.url).searchParams.get('client_secret')!;
    const pixSession = (await t.api.createSession(brl)).body;
    await t.api.confirm(pixSession, { payment_method: { type: 'pix', pix: { name: 'Ana Souza', document: '529.982.247-25' } } });
    // Pepper: a card saved to the vault, a surcharged card, a bank account debit.
    const pepper = { provider: 'pepper', customer_id: 'dump-test', surcharge: {} };
    const saving = (await t.api.createSession(pepper)).body;
    await t.api.confirm(saving, { payment_method: { type: 'card', card: card('5555555555554444'), save: true } });
    const ach = (await t.api.createSession({ provider: 'pepper', payment_methods: ['ach'] })).body;
    await t.api.confirm(ach, {
      payment_method: { type: 'ach', ach: { routing_number: '021000021', account_number: '000987654321', account_type: 'savings', holder_name: 'Ada Lovelace', mandate_accepted: true } },
    });
    const tables = await t.stack.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    assert.ok(tables.length >= 6);
    let dump = '';
    for (const { table_name } of tables) dump += JSON.stringify(await t.stack.db.query(`SELECT * FROM ${table_name}`));
    const logs = t.stack.log.lines!.join('\n');
    for (const [where, text] of [['database', dump], ['logs', logs]] as const) {
      const secrets = ['4242424242424242', '4000000000009995', '4000000000000127', '4111111111111111', '4000000000003220', '5555555555554444', '000987654321'];
      for (const secret of [...secrets, t.stack.keys.secret, t.stack.config.providers.pepper.apiKey, session.client_secret, saving.client_secret, challengeSecret]) {
        assert.ok(!text.includes(secret), `${where} must not contain ${secret.slice(0, 8)}…`);
      }
      assert.doesNotMatch(text, /"cvc"\s*:\s*"\d+"|card_cvv"\s*:\s*"\d/, `${where} must not contain a CVC`);
    }
    assert.match(dump, /"card_last4":"4242"/, 'the last four digits are kept');
    assert.match(dump, /"ach_last4":"4321"/, "and a bank account's");
    assert.doesNotMatch(logs, /\/hooks\/(payagency|pagou)\/pay_\w+\/[A-Za-z0-9]{20,}/, 'webhook tokens are redacted from logs');
  });
});
