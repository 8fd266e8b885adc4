/**
 * The floor under the soak's figures (`npm run soak -- --floor`): a payment server with
 * Paykit's round trips and nothing else, in place of bench/soak-server.ts. Node's `http` server,
 * pg's pool on the same DATABASE_URL with the same settings, and per payment the statements and
 * calls Paykit makes, each committed on its own as Paykit's are:
 *
 * - create session: one INSERT;
 * - confirm: read the session, insert the payment, the provider's charge call (PayAgency's
 *   simulator, the same request Paykit's adapter sends, with a `webhook_url` back here), then
 *   one UPDATE with the outcome;
 * - the provider's webhook a second later: one read.
 *
 * No validation, no card checks, no logs, no idempotency, no state machine, no export, no
 * outbox worker with work to do. What Paykit's confirm costs over this floor, under the same load
 * on the same machine, is the cost of its code; what this floor costs over the direct call is the
 * cost of the round trips themselves, which no code on top of them can remove.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { answerLoopDelay } from './loop-delay.ts';

const db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10, idleTimeoutMillis: 0 });
await db.query(`CREATE TABLE IF NOT EXISTS floor_sessions (
  id text PRIMARY KEY, amount bigint NOT NULL, currency text NOT NULL, email text NOT NULL,
  client_secret text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
await db.query(`CREATE TABLE IF NOT EXISTS floor_payments (
  id text PRIMARY KEY, session_id text NOT NULL REFERENCES floor_sessions(id), status text NOT NULL,
  provider_reference text, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`);

const agent = new http.Agent({ keepAlive: true });
const providerBase = new URL(process.env.PAYAGENCY_BASE_URL!);
const providerKey = process.env.PAYAGENCY_SECRET_KEY!;
const id = (prefix: string) => `${prefix}_${Date.now().toString(36)}${randomBytes(9).toString('base64url')}`;

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

function charge(body: Record<string, string>): Promise<{ status: number; transaction?: { transaction_id?: string } }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      new URL(`${providerBase.pathname}/v1/test/transaction`, providerBase),
      { method: 'POST', agent, headers: { Authorization: `Bearer ${providerKey}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) } },
      (response) => {
        void readBody(response).then((answer) => resolve(JSON.parse(answer)), reject);
      },
    );
    request.on('error', reject);
    request.end(text);
  });
}

let url = '';
const server = http.createServer((request, response) => {
  void (async () => {
    const body = await readBody(request);
    const path = request.url ?? '';
    if (path === '/v1/checkout/sessions') {
      const input = JSON.parse(body) as { amount: number; currency: string; customer: { email: string } };
      const session = { id: id('cs'), clientSecret: randomBytes(18).toString('base64url') };
      await db.query({ name: 'floor-session', text: `INSERT INTO floor_sessions (id, amount, currency, email, client_secret) VALUES ($1, $2, $3, $4, $5)`, values: [session.id, input.amount, input.currency, input.customer.email, session.clientSecret] });
      return send(response, 201, { id: session.id, client_secret: `${session.id}_secret_${session.clientSecret}` });
    }
    const confirm = /^\/v1\/checkout\/sessions\/([^/]+)\/confirm$/.exec(path);
    if (confirm) {
      const input = JSON.parse(body) as { payment_method: { card: { number: string; exp_month: number; exp_year: number; cvc: string; name: string } } };
      const { rows: [session] } = await db.query({ name: 'floor-load', text: `SELECT * FROM floor_sessions WHERE id = $1`, values: [confirm[1]] });
      if (!session || request.headers['x-client-secret'] !== `${session.id}_secret_${session.client_secret}`) return send(response, 404, { error: { code: 'resource_missing' } });
      const paymentId = id('pay');
      await db.query({ name: 'floor-insert', text: `INSERT INTO floor_payments (id, session_id, status) VALUES ($1, $2, 'processing')`, values: [paymentId, session.id] });
      const { card } = input.payment_method;
      const [first, ...last] = card.name.split(' ');
      const answer = await charge({
        order_id: paymentId, first_name: first!, last_name: last.join(' '), email: session.email, ip_address: '127.0.0.1',
        amount: (Number(session.amount) / 100).toFixed(2), currency: session.currency, card_number: card.number,
        card_expiry_month: String(card.exp_month).padStart(2, '0'), card_expiry_year: String(card.exp_year), card_cvv: card.cvc,
        response_url: `${url}/return/${paymentId}`, webhook_url: `${url}/webhooks/${paymentId}`,
      });
      const status = answer.status === 200 ? 'succeeded' : 'failed';
      await db.query({ name: 'floor-outcome', text: `UPDATE floor_payments SET status = $2, provider_reference = $3, updated_at = now() WHERE id = $1`, values: [paymentId, status, answer.transaction?.transaction_id ?? null] });
      return send(response, 200, { id: paymentId, status });
    }
    const webhook = /^\/webhooks\/([^/]+)$/.exec(path);
    if (webhook) {
      await db.query({ name: 'floor-webhook', text: `SELECT status FROM floor_payments WHERE id = $1`, values: [webhook[1]] });
      return send(response, 200, { received: true });
    }
    send(response, 404, { error: { code: 'not_found' } });
  })().catch((error: unknown) => {
    if (!response.headersSent) send(response, 500, { error: { code: 'floor_error', message: String(error) } });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  url = `http://127.0.0.1:${address.port}`;
  process.send!({ payUrl: url, demoUrl: url, keys: { secret: 'sk_floor', publishable: 'pk_floor', merchantId: 'floor' }, worker: false });
});
answerLoopDelay();
process.on('SIGTERM', () => {
  server.close();
  void db.end().then(() => process.exit(0));
});
