/**
 * The proof of Idempotency-Key under load: 100 concurrent identical confirms, spread over
 * two payment-server instances that share one PostgreSQL schema, one server secret, one merchant
 * and one set of provider simulators, make exactly one provider transaction and one payment, and
 * every one of the 100 answers is consistent. Real HTTP to both instances.
 *
 * Two instances need a database server they can share: on PGlite (no DATABASE_URL) the same
 * burst runs against one instance and the two-instance case is skipped; the CI runs this file on
 * PostgreSQL too (`bash scripts/with-postgres.sh node --import tsx --test test/server/idempotency-instances.test.ts`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startStack, type Stack } from '../../server/stack.ts';
import { CUSTOMER, card } from './helpers.ts';

const BURST = 100;
const databaseUrl = process.env.DATABASE_URL;
const schema = `t_${randomBytes(6).toString('hex')}`;

let first: Stack;
let second: Stack | undefined;

before(async () => {
  first = await startStack({ quiet: true, settleAfterMs: 0, outbox: false, ...(databaseUrl ? { databaseUrl, schema } : {}) });
  if (!databaseUrl) return;
  const providers = first.config.providers;
  // The second instance: the same schema, secret and merchant, and adapters pointed at the first
  // instance's simulators, so the simulators' records are the one truth about provider calls.
  second = await startStack({
    quiet: true,
    settleAfterMs: 0,
    outbox: false,
    databaseUrl,
    schema,
    merchant: { merchantId: first.keys.merchantId, publishableKey: first.keys.publishable, secretKey: first.keys.secret },
    env: {
      ...process.env,
      PAYKIT_SECRET: first.config.serverSecret,
      PAYAGENCY_BASE_URL: providers.payagency.baseUrl,
      PAYAGENCY_SECRET_KEY: providers.payagency.secretKey,
      PAGOU_BASE_URL: providers.pagou.baseUrl,
      PAGOU_TOKEN: providers.pagou.token,
      PEPPER_BASE_URL: providers.pepper.baseUrl,
      PEPPER_API_KEY: providers.pepper.apiKey,
      PAGOS_EXPORT: 'off',
    },
  });
});

after(async () => {
  await second?.close();
  await first?.close();
});

interface Answer {
  status: number;
  replayed: boolean;
  body: any;
}

async function createSession(): Promise<{ id: string; client_secret: string }> {
  const response = await fetch(`${first.payUrl}/v1/checkout/sessions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${first.keys.secret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ amount: 1500, currency: 'USD', return_url: `${first.demoUrl}/complete`, customer: CUSTOMER }),
  });
  assert.equal(response.status, 201);
  return (await response.json()) as { id: string; client_secret: string };
}

/** One confirm by real HTTP to the instance at `payUrl`, as the buyer's frame sends it. */
async function confirm(payUrl: string, session: { id: string; client_secret: string }, body: string, key?: string): Promise<Answer> {
  const response = await fetch(`${payUrl}/v1/checkout/sessions/${session.id}/confirm`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${first.keys.publishable}`,
      'X-Client-Secret': session.client_secret,
      'Content-Type': 'application/json',
      Origin: first.demoUrl,
      ...(key ? { 'Idempotency-Key': key } : {}),
    },
    body,
  });
  return { status: response.status, replayed: response.headers.get('idempotent-replayed') === 'true', body: await response.json() };
}

const paymentRows = async (sessionId: string) =>
  (await first.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE session_id = $1`, [sessionId]))[0]!.n;

/** How many confirms of `sessionId` each instance answered, from its access log. */
const confirmsServed = (sessionId: string) =>
  [first, second].filter((s): s is Stack => Boolean(s)).map((s) => s.log.lines!.filter((line) => line.includes(`/v1/checkout/sessions/${sessionId}/confirm`)).length);

const confirmBody = JSON.stringify({ payment_method: { type: 'card', card: card('4242424242424242') } });

/**
 * 100 identical confirms with one key at `urls` (round robin), all in flight together. Every
 * answer must be one of exactly two things: the payment (the first answer, or its replay marked
 * `Idempotent-Replayed: true`, byte for byte the same body), or a 409 `idempotency_key_in_use`
 * for a request that arrived while the first was still running.
 */
async function burstWithKey(urls: string[]) {
  const session = await createSession();
  const transactionsBefore = first.payagency.transactions.size;
  const key = `confirm-${randomBytes(8).toString('hex')}`;
  const answers = await Promise.all(Array.from({ length: BURST }, (_, i) => confirm(urls[i % urls.length]!, session, confirmBody, key)));
  assert.deepEqual(confirmsServed(session.id).slice(0, urls.length), urls.map(() => BURST / urls.length), 'the burst was spread over the instances');

  assert.equal(first.payagency.transactions.size - transactionsBefore, 1, 'exactly one provider transaction');
  assert.equal(await paymentRows(session.id), 1, 'exactly one payment row');

  const ok = answers.filter((a) => a.status === 200);
  const busy = answers.filter((a) => a.status !== 200);
  assert.equal(ok.length + busy.length, BURST);
  assert.equal(ok.filter((a) => !a.replayed).length, 1, 'one request ran; every other 200 is a replay');
  assert.equal(ok[0]!.body.status, 'succeeded');
  for (const answer of ok) assert.deepEqual(answer.body, ok[0]!.body, 'every 2xx carries the same payment');
  for (const answer of busy) {
    assert.equal(answer.status, 409, `unexpected answer ${answer.status} ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.error.code, 'idempotency_key_in_use');
  }

  // A client told 409 retries with the same key and now gets the first answer, from any instance.
  for (const url of urls) {
    const retried = await confirm(url, session, confirmBody, key);
    assert.equal(retried.status, 200);
    assert.equal(retried.replayed, true);
    assert.deepEqual(retried.body, ok[0]!.body);
  }
  // The same key with another body is refused, and still nothing new reaches the provider.
  const other = await confirm(urls.at(-1)!, session, JSON.stringify({ payment_method: { type: 'card', card: card('5555555555554444') } }), key);
  assert.equal(other.status, 422);
  assert.equal(other.body.error.code, 'idempotency_key_reused');
  assert.equal(first.payagency.transactions.size - transactionsBefore, 1);
  return { ok: ok.length, busy: busy.length };
}

/**
 * 100 confirms of one session without a key: the session row lock (SELECT … FOR UPDATE in the
 * shared database) lets one through; the others see the payment in progress or the session paid.
 */
async function burstWithoutKey(urls: string[]) {
  const session = await createSession();
  const transactionsBefore = first.payagency.transactions.size;
  const answers = await Promise.all(Array.from({ length: BURST }, (_, i) => confirm(urls[i % urls.length]!, session, confirmBody)));
  assert.deepEqual(confirmsServed(session.id).slice(0, urls.length), urls.map(() => BURST / urls.length), 'the burst was spread over the instances');

  assert.equal(first.payagency.transactions.size - transactionsBefore, 1, 'exactly one provider transaction');
  assert.equal(await paymentRows(session.id), 1, 'exactly one payment row');
  const ok = answers.filter((a) => a.status === 200);
  assert.equal(ok.length, 1);
  assert.equal(ok[0]!.body.status, 'succeeded');
  for (const answer of answers.filter((a) => a.status !== 200)) {
    assert.equal(answer.status, 409, `unexpected answer ${answer.status} ${JSON.stringify(answer.body)}`);
    assert.match(answer.body.error.code, /^(payment_in_progress|session_complete)$/);
  }
}

describe('Idempotency-Key under a burst of identical confirms', () => {
  it('one instance: 100 concurrent confirms with one key, one charge, 100 consistent answers', async () => {
    await burstWithKey([first.payUrl]);
  });

  it('one instance: 100 concurrent confirms without a key, one charge', async () => {
    await burstWithoutKey([first.payUrl]);
  });

  it(
    'two instances on one PostgreSQL: 100 concurrent confirms with one key, one charge, 100 consistent answers',
    { skip: databaseUrl ? false : 'needs DATABASE_URL: two instances cannot share an embedded PGlite (run with bash scripts/with-postgres.sh)' },
    async () => {
      const split = await burstWithKey([first.payUrl, second!.payUrl]);
      // Both instances answered; the split between run/replay and 409 depends on timing only.
      assert.equal(split.ok + split.busy, BURST);
    },
  );

  it(
    'two instances on one PostgreSQL: 100 concurrent confirms without a key, one charge',
    { skip: databaseUrl ? false : 'needs DATABASE_URL: two instances cannot share an embedded PGlite (run with bash scripts/with-postgres.sh)' },
    async () => {
      await burstWithoutKey([first.payUrl, second!.payUrl]);
    },
  );
});

describe('Idempotency-Key on every mutating POST of the API', () => {
  const secret = () => ({ Authorization: `Bearer ${first.keys.secret}`, 'Content-Type': 'application/json' });
  const post = async (path: string, headers: Record<string, string>, body?: unknown) => {
    const response = await fetch(`${first.payUrl}${path}`, { method: 'POST', headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, replayed: response.headers.get('idempotent-replayed') === 'true', body: (await response.json()) as any };
  };

  // The routes that had no Idempotency-Key before: each replays its first answer under the same
  // key and refuses an invalid key, like sessions, confirms, captures, refunds and invoices.
  const cases: { name: string; request: () => Promise<[string, Record<string, string>, unknown]> }[] = [
    {
      name: 'POST /v1/publishable_keys/:key',
      request: async () => [`/v1/publishable_keys/${first.keys.publishable}`, secret(), { allowed_origins: [first.demoUrl, 'https://shop.example'] }],
    },
    { name: 'POST /v1/pagos/exports/retry', request: async () => ['/v1/pagos/exports/retry', secret(), undefined] },
    {
      name: 'POST /v1/checkout/sessions/:id/abandon',
      request: async () => {
        const session = await createSession();
        return [
          `/v1/checkout/sessions/${session.id}/abandon`,
          { Authorization: `Bearer ${first.keys.publishable}`, 'X-Client-Secret': session.client_secret, 'Content-Type': 'application/json', Origin: first.demoUrl },
          { step: 'payment_details' },
        ];
      },
    },
  ];
  for (const { name, request } of cases) {
    it(`${name}: replays under the same key, refuses an over-long one`, async () => {
      const [path, headers, body] = await request();
      const key = `k-${randomBytes(8).toString('hex')}`;
      const once = await post(path, { ...headers, 'Idempotency-Key': key }, body);
      const again = await post(path, { ...headers, 'Idempotency-Key': key }, body);
      assert.ok(once.status >= 200 && once.status < 300, `${once.status} ${JSON.stringify(once.body)}`);
      assert.equal(once.replayed, false);
      assert.equal(again.status, once.status);
      assert.equal(again.replayed, true);
      assert.deepEqual(again.body, once.body);
      const invalid = await post(path, { ...headers, 'Idempotency-Key': 'k'.repeat(256) }, body);
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body.error.param, 'Idempotency-Key');
    });
  }
});

describe('Idempotency-Key expiry', () => {
  it('keys older than 24 hours are swept away; younger ones stay', async () => {
    const { purgeExpiredIdempotencyKeys } = await import('../../server/idempotency.ts');
    const merchant = first.keys.merchantId;
    const insert = (key: string, hoursAgo: number) =>
      first.db.query(
        `INSERT INTO idempotency_keys (merchant_id, key, request_method, request_path, request_hash, state, response_status, response_body, created_at)
         VALUES ($1, $2, 'POST', '/v1/checkout/sessions', 'h', 'done', 201, '{}'::jsonb, now() - make_interval(hours => $3))`,
        [merchant, key, hoursAgo],
      );
    await insert('sweep-old-1', 25);
    await insert('sweep-old-2', 48);
    await insert('sweep-young', 23);
    assert.ok((await purgeExpiredIdempotencyKeys(first.db)) >= 2);
    const left = await first.db.query<{ key: string }>(`SELECT key FROM idempotency_keys WHERE key LIKE 'sweep-%' ORDER BY key`);
    assert.deepEqual(left.map((r) => r.key), ['sweep-young']);
  });
});
