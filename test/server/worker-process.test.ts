/**
 * The outbox worker in a process of its own (server/worker.ts), beside an API started with
 * PAYKIT_WORKER=off: the API only queues, the worker process delivers the Pagos export, and a
 * SIGTERM lets it finish and stop cleanly. PostgreSQL only (two processes cannot share an
 * embedded PGlite): skipped without DATABASE_URL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { card, client, eventually, startTestStack } from './helpers.ts';
import type { Stack } from '../../server/stack.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const databaseUrl = process.env.DATABASE_URL;
const skip = databaseUrl ? false : 'needs DATABASE_URL: the worker process shares a PostgreSQL with the API (run with bash scripts/with-postgres.sh)';

let stack: Stack;
let worker: ChildProcess | undefined;
let output = '';

before(async () => {
  if (!databaseUrl) return;
  stack = await startTestStack({ env: { ...process.env, PAYKIT_WORKER: 'off' } });
});
after(async () => {
  if (worker && worker.exitCode === null) worker.kill('SIGKILL');
  await stack?.close();
});

const exportStatuses = async (paymentId: string) =>
  (await stack.db.query<{ status: string }>(`SELECT status FROM outbox WHERE subject = $1 AND topic LIKE 'pagos.%' ORDER BY topic`, [paymentId])).map((r) => r.status);

describe('server/worker.ts', () => {
  it('delivers what an API started with PAYKIT_WORKER=off only queued, and stops on SIGTERM', { skip }, async () => {
    assert.equal(stack.outbox, null, 'PAYKIT_WORKER=off: no worker in the API process');
    const api = client(stack);
    const session = (await api.createSession()).body;
    const payment = (await api.confirm(session, { payment_method: { type: 'card', card: card('4242424242424242') } })).body;
    assert.equal(payment.status, 'succeeded');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok((await exportStatuses(payment.id)).every((status) => status !== 'delivered'), 'nothing is sent without a worker');

    // The test stack works in a schema of its own: the worker gets it through the connection string.
    const url = new URL(databaseUrl!);
    const [{ schema }] = (await stack.db.query<{ schema: string }>(`SELECT current_schema() AS schema`)) as [{ schema: string }];
    url.searchParams.set('options', `-c search_path=${schema}`);
    worker = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/worker.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: url.toString(),
        PAYKIT_SECRET: stack.config.serverSecret,
        PAYKIT_PUBLIC_URL: stack.config.publicUrl,
        PAGOS_BASE_URL: stack.config.pagos!.baseUrl, PAGOS_API_KEY: stack.config.pagos!.apiKey },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (chunk) => (output += chunk));
    worker.stderr!.on('data', (chunk) => (output += chunk));

    await eventually(async () => {
      const statuses = await exportStatuses(payment.id);
      return statuses.length === 2 && statuses.every((status) => status === 'delivered');
    }, 15_000).catch((error) => {
      throw new Error(`${error.message}; worker output:\n${output}`);
    });
    assert.ok(stack.pagos.transactions.has(payment.provider_reference ?? (await api.payment(payment.id)).body.provider_reference));

    const exited = new Promise<number | null>((resolve) => worker!.once('exit', (code) => resolve(code)));
    worker.kill('SIGTERM');
    assert.equal(await exited, 0, output);
    assert.doesNotMatch(output, /"level":"error"/);
  });

  it('refuses to start without DATABASE_URL', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/worker.ts')], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout!.on('data', (chunk) => (text += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(text, /needs DATABASE_URL/);
  });
});
