/**
 * kill -9 in the middle of a burst of payments, then a restart on the same database.
 *
 * The payment server runs as a child process (fixtures/crash-child.ts); the three provider
 * simulators run here, in the test process, and the database is PostgreSQL (DATABASE_URL) or a
 * PGlite data folder — so providers and data outlive the server. The simulators answer slowly
 * (and a fifth of the time lose their answer after processing), the burst is fired, and the
 * server is killed with SIGKILL while charges are in flight. A second server starts on the same
 * database, its reconciler runs, and the test then checks Paykit against the simulators' own
 * records:
 *
 * - every transaction a provider made belongs to a payment Paykit has, in the provider's state:
 *   Pepper's and Pagou's asked by the reconciler, PayAgency's (no status API) settled by the
 *   final-status webhook PayAgency keeps retrying while the server is dead;
 * - no payment has two transactions at its provider;
 * - every confirm answered 2xx before the kill has its payment, and none of Pepper's or Pagou's
 *   payments is still `processing`; a payment the provider never got is failed, so the buyer
 *   can pay again — except at PayAgency, which cannot be asked and sends no webhook for what it
 *   never got: those stay `processing` (logged for a person), and only those; no session is
 *   paid twice.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { createPayAgencySimulator } from '../../server/simulators/payagency/app.ts';
import { createPagouSimulator } from '../../server/simulators/pagou/app.ts';
import { createPepperSimulator } from '../../server/simulators/pepper/app.ts';
import { card } from './helpers.ts';
import { APPROVED, CREATE, DECLINED, SESSION, SIMS, type Sim } from './fixtures/sims.ts';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'crash-child.ts');
const ORIGIN = 'http://shop.crash.test';
const PER_PROVIDER = 15;
/** How slowly the simulators answer a create; the gap between two confirms of the burst. */
const DELAY_MS = 500;
const GAP_MS = 40;
/** The server is killed once this many confirms have been answered (whatever the machine's speed). */
const KILL_AFTER_ANSWERS = 5;


const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

interface Child {
  process: ChildProcess;
  payUrl: string;
  secret: string;
  publishable: string;
  stderr: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kill -9 in the middle of a burst of payments', () => {
  const keys = {
    payagency: `sk_sandbox_${randomBytes(12).toString('hex')}`,
    pagou: `pagou_sandbox_${randomBytes(12).toString('hex')}`,
    pepper: `api_sandbox${randomBytes(12).toString('hex')}`,
  };
  let sandbox: Server;
  let sims: { payagency: ReturnType<typeof createPayAgencySimulator>; pagou: ReturnType<typeof createPagouSimulator>; pepper: ReturnType<typeof createPepperSimulator> };
  let dataDir: string;
  let childEnv: NodeJS.ProcessEnv;
  const children: ChildProcess[] = [];

  before(async () => {
    // The simulators, on a port of their own in this process: they live through the kill.
    let handler: (request: Request, env: unknown) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
    sandbox = createAdaptorServer({ fetch: (request, env) => handler(request, env) }) as Server;
    await new Promise<void>((resolve) => sandbox.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(sandbox.address() as AddressInfo).port}`;
    sims = {
      // Webhooks retried every second at most, for minutes: they reach the server once it is back.
      payagency: createPayAgencySimulator({
        secretKey: keys.payagency,
        publicUrl: `${url}/payagency`,
        settleAfterMs: 0,
        webhookRetry: { firstMs: 200, maxMs: 1000, attempts: 600 },
      }),
      pagou: createPagouSimulator({ token: keys.pagou, publicUrl: `${url}/pagou`, settleAfterMs: 0 }),
      pepper: createPepperSimulator({ apiKey: keys.pepper, publicKey: `pub_sandbox${randomBytes(12).toString('hex')}`, publicUrl: `${url}/pepper` }),
    };
    const app = new Hono();
    for (const sim of SIMS) app.route(`/${sim}`, sims[sim].app);
    handler = app.fetch;

    dataDir = await mkdtemp(path.join(tmpdir(), 'paykit-crash-'));
    childEnv = {
      ...process.env,
      CRASH_PORT: String(await freePort()),
      CRASH_DATA_DIR: dataDir,
      CRASH_SCHEMA: `t_${randomBytes(6).toString('hex')}`,
      PAYAGENCY_BASE_URL: `${url}/payagency`,
      PAYAGENCY_SECRET_KEY: keys.payagency,
      PAGOU_BASE_URL: `${url}/pagou`,
      PAGOU_TOKEN: keys.pagou,
      PEPPER_BASE_URL: `${url}/pepper`,
      PEPPER_API_KEY: keys.pepper,
      PAYKIT_ALLOWED_ORIGINS: ORIGIN,
      PAGOS_EXPORT: 'off',
    };
  });

  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const sim of SIMS) sims?.[sim].close();
    await new Promise<void>((resolve) => {
      sandbox?.close(() => resolve());
      sandbox?.closeAllConnections?.();
    });
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** Starts the payment server as a child; resolves once it prints its URL and keys. */
  async function startChild(extra: NodeJS.ProcessEnv = {}): Promise<Child> {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { env: { ...childEnv, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const stderr: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', resolve);
      child.once('exit', (code, signal) => reject(new Error(`the payment server exited (${code ?? signal}) before listening:\n${stderr.join('')}`)));
    });
    return { process: child, ...(JSON.parse(line) as { payUrl: string; secret: string; publishable: string }), stderr };
  }

  const kill9 = (child: Child) =>
    new Promise<void>((resolve) => {
      child.process.once('exit', () => resolve());
      child.process.kill('SIGKILL');
    });

  /** The payment id a simulator's transaction was made for (what each provider keeps of it). */
  function paymentOf(sim: Sim, tx: unknown): string | undefined {
    const text =
      sim === 'pepper'
        ? String((tx as { data: { description?: string } }).data.description ?? '')
        : sim === 'pagou'
          ? String((tx as { data: { external_ref?: string } }).data.external_ref ?? '')
          : String((tx as { request: { webhook_url?: string } }).request.webhook_url ?? '');
    return /pay_[A-Za-z0-9]+/.exec(text)?.[0];
  }

  /** The provider's own verdict on a transaction, in Paykit's words. */
  function truthOf(sim: Sim, tx: any): string {
    if (sim === 'pepper') return tx.data.status === 'declined' ? 'failed' : ['pending_settlement', 'settled'].includes(tx.data.status) ? 'succeeded' : `? ${tx.data.status}`;
    if (sim === 'pagou') return tx.data.status === 'refused' ? 'failed' : ['authorized', 'paid'].includes(tx.data.status) ? 'succeeded' : `? ${tx.data.status}`;
    return tx.word === 'failed' ? 'failed' : tx.word === 'success' ? 'succeeded' : `? ${tx.word}`;
  }

  it('every payment a provider processed ends in its true state, none twice, none lost', async (t) => {
    const first = await startChild({ CRASH_RECONCILE: 'off' });
    const secretHeaders = { Authorization: `Bearer ${first.secret}`, 'Content-Type': 'application/json' };

    // The sessions first (the merchant's part), then the buyers' confirms as a burst.
    // Interleaved, so every provider has charges in flight when the server dies; one in five declined.
    const plan = Array.from({ length: PER_PROVIDER * SIMS.length }, (_, i) => {
      const sim = SIMS[i % SIMS.length]!;
      return { sim, number: Math.floor(i / SIMS.length) % 5 === 4 ? DECLINED : APPROVED[sim] };
    });
    const sessions = await Promise.all(
      plan.map(async ({ sim }, i) => {
        const response = await fetch(`${first.payUrl}/v1/checkout/sessions`, {
          method: 'POST',
          headers: secretHeaders,
          body: JSON.stringify({ ...SESSION[sim], order_id: `crash-${i}`, return_url: `${ORIGIN}/done`, customer: { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' } }),
        });
        assert.equal(response.status, 201, await response.clone().text());
        return (await response.json()) as { id: string; client_secret: string };
      }),
    );

    for (const sim of SIMS) {
      // A fifth of the creates lose their answer after processing; the others answer slowly.
      sims[sim].faults.set([
        { kind: 'drop', method: 'POST', path: CREATE[sim], rate: 0.2, ms: DELAY_MS },
        { kind: 'delay', method: 'POST', path: CREATE[sim], ms: DELAY_MS },
      ]);
    }

    const answered = new Map<string, { session: string; status: string }>();
    let noAnswer = 0;
    const burst = plan.map(async ({ number }, i) => {
      await sleep(i * GAP_MS);
      const session = sessions[i]!;
      try {
        const response = await fetch(`${first.payUrl}/v1/checkout/sessions/${session.id}/confirm`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${first.publishable}`, 'X-Client-Secret': session.client_secret, 'Content-Type': 'application/json', Origin: ORIGIN },
          body: JSON.stringify({ payment_method: { type: 'card', card: card(number) } }),
        });
        const body = (await response.json()) as { id: string; status: string };
        if (response.ok) answered.set(body.id, { session: session.id, status: body.status });
      } catch {
        noAnswer++;
      }
    });
    const killBy = Date.now() + 30_000;
    while (answered.size < KILL_AFTER_ANSWERS && Date.now() < killBy) await sleep(10);
    await kill9(first);
    await Promise.all(burst);
    // Let the simulators finish what they were doing when the server died.
    await sleep(DELAY_MS + 500);
    for (const sim of SIMS) sims[sim].faults.clear();
    const transactionsAtKill = SIMS.reduce((sum, sim) => sum + sims[sim].transactions.size, 0);
    assert.ok(noAnswer > 0, 'the kill came mid-burst: some confirms got no answer');
    assert.ok(answered.size > 0, 'and some were answered before it');

    // The restart, on the same database, with its reconciler.
    const second = await startChild();
    const headers = { Authorization: `Bearer ${second.secret}` };
    const listPayments = async () => {
      const all: any[] = [];
      let after = '';
      for (;;) {
        const page = (await (await fetch(`${second.payUrl}/v1/payments?limit=100${after}`, { headers })).json()) as { data: any[]; has_more: boolean };
        all.push(...page.data);
        if (!page.has_more) return all;
        after = `&starting_after=${page.data.at(-1).id}`;
      }
    };
    const askable = (payment: { provider: string }) => payment.provider !== 'payagency';
    /** The payments a provider holds a transaction for. */
    const atAProvider = new Set(SIMS.flatMap((sim) => [...sims[sim].transactions.values()].map((tx) => paymentOf(sim, tx))));
    // Until nothing a provider processed, and nothing at a provider that can be asked, is left processing.
    const unsettled = (p: { id: string; status: string; provider: string }) => p.status === 'processing' && (askable(p) || atAProvider.has(p.id));
    const deadline = Date.now() + 60_000;
    let payments = await listPayments();
    while (payments.some(unsettled) && Date.now() < deadline) {
      await sleep(300);
      payments = await listPayments();
    }
    const byId = new Map(payments.map((p) => [p.id, p]));

    // No payment lost: every confirm answered 2xx before the kill has its payment.
    // and an outcome the buyer was shown is still the outcome.
    for (const [id, { status }] of answered) {
      assert.ok(byId.has(id), `payment ${id} was answered 2xx but is gone`);
      if (status !== 'processing') assert.equal(byId.get(id).status, status, `payment ${id} was answered ${status}`);
    }

    // Every provider transaction belongs to a payment, in the provider's state, and only one per payment.
    const perPayment = new Map<string, number>();
    for (const sim of SIMS) {
      for (const tx of sims[sim].transactions.values()) {
        const id = paymentOf(sim, tx);
        assert.ok(id, `a ${sim} transaction without a payment id`);
        perPayment.set(id, (perPayment.get(id) ?? 0) + 1);
        const payment = byId.get(id);
        assert.ok(payment, `${sim} processed ${id}, which Paykit does not have`);
        assert.equal(payment.provider, sim);
        assert.equal(payment.status, truthOf(sim, tx), `${id} at ${sim}`);
        assert.equal(payment.provider_reference, sim === 'payagency' ? (tx as any).transaction_id : (tx as any).data.id);
      }
    }
    for (const [id, count] of perPayment) assert.equal(count, 1, `${id} has ${count} transactions at its provider`);

    // Nothing left in doubt where the provider can be asked; what it never got is failed.
    const stuck = payments.filter((p) => p.status === 'processing' && askable(p));
    assert.deepEqual(stuck.map((p) => p.id), [], 'payments still processing at a provider that can be asked');
    const neverSent = payments.filter((p) => !perPayment.has(p.id));
    for (const payment of neverSent) {
      if (askable(payment)) assert.deepEqual([payment.status, payment.error?.code], ['failed', 'provider_unavailable'], payment.id);
      // PayAgency cannot be asked, and sends no webhook for what it never got: left processing for a person.
      else assert.equal(payment.status, 'processing', payment.id);
    }
    const leftProcessing = payments.filter((p) => p.status === 'processing');
    assert.ok(leftProcessing.every((p) => p.provider === 'payagency' && !perPayment.has(p.id)), 'only payments PayAgency never got may stay processing');
    // No session paid twice.
    const paidSessions = payments.filter((p) => p.status === 'succeeded').map((p) => p.session_id);
    assert.equal(new Set(paidSessions).size, paidSessions.length);

    const count = (status: string) => payments.filter((p) => p.status === status).length;
    t.diagnostic(
      `burst ${plan.length} confirms (${PER_PROVIDER} per provider); answered before the kill ${answered.size} ` +
        `(${[...answered.values()].filter((a) => a.status === 'processing').length} of them processing); no answer ${noAnswer}; ` +
        `payments in Paykit ${payments.length}; provider transactions ${transactionsAtKill}, of which ${[...perPayment.keys()].filter((id) => !answered.has(id)).length} ` +
        `for confirms the kill cut off; never reached a provider ${neverSent.length}; after the restart: ` +
        `succeeded ${count('succeeded')}, failed ${count('failed')}, processing ${count('processing')} (PayAgency payments it never got); ` +
        `PayAgency webhooks that found the server dead: ${[...sims.payagency.transactions.values()].filter((tx) => tx.webhooks.some((hook) => hook.status === null)).length}`,
    );
    await kill9(second);
  });
});
