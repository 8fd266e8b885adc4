/**
 * `npm run bench`: the figures quoted in the README.
 *
 * 1. Bundle size: raw and gzip (level 9) bytes of widget.js (the merchant page's script) and of
 *    the frame's script with everything it loads for the card path.
 * 2. Server overhead: the latency of creating a session and confirming it with a card through
 *    Paykit (HTTP, auth, validation, database, provider call), against the same provider call
 *    made straight to the simulator. Sequential requests on loopback after a warm-up; p50/p99.
 *    Runs on the embedded database, or on PostgreSQL when DATABASE_URL is set: for the README,
 *    a durable one as in production (`PAYKIT_PG_DURABLE=1 PAYKIT_PG_OPTIONS="-c wal_compression=lz4"
 *    bash scripts/with-postgres.sh npm run bench`; without PAYKIT_PG_DURABLE its commits are not
 *    flushed to disk, which flatters every figure).
 */
import { readdir, readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { startStack } from '../server/stack.ts';
import { cpuSpeed, describeMachine } from './machine.ts';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300);
const WARMUP = 50;

async function bundleSizes() {
  const dir = path.resolve('dist/widget');
  const measure = async (files: string[]) => {
    let raw = 0;
    let gzip = 0;
    for (const file of files) {
      const bytes = await readFile(path.join(dir, file));
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    return { raw, gzip };
  };
  const chunks = await readdir(path.join(dir, 'chunks')).catch(() => [] as string[]);
  const frameJs = await readFile(path.join(dir, 'frame.js'), 'utf8');
  // Only the chunks the frame imports statically count for the card path.
  const staticChunks = chunks.filter((chunk) => new RegExp(`^import[^;]*chunks/${chunk.replace('.', '\\.')}`, 'm').test(frameJs) || frameJs.includes(`from"./chunks/${chunk}"`));
  return {
    host: await measure(['widget.js']),
    frame: await measure(['frame.js', ...staticChunks.map((c) => `chunks/${c}`)]),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * `pagos`: with the Pagos export on (the default), its worker sends every payment to the Pagos
 * sandbox, which runs in this same process, while the payments are timed: the export's cost on
 * the payment path, sandbox included. Off: the payment path alone.
 */
async function latency(pagos: boolean) {
  const stack = await startStack({
    quiet: true,
    logLevel: 'warn',
    // The rate limits are off: every payment comes from this one address, faster than any buyer.
    env: { ...process.env, PAGOS_EXPORT: pagos ? 'on' : 'off', PAYKIT_RATE_LIMIT: 'off' },
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL, schema: `bench_${Date.now()}` } : {}),
  });
  const year = new Date().getUTCFullYear() + 3;
  const card = { number: '4242424242424242', exp_month: 12, exp_year: year, cvc: '123', name: 'Ada Lovelace' };
  const direct = async () => {
    const response = await fetch(`${stack.config.providers.payagency.baseUrl}/v1/test/transaction`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${stack.config.providers.payagency.secretKey}` },
      body: JSON.stringify({
        first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', currency: 'USD', amount: '15.00', ip_address: '127.0.0.1',
        response_url: `${stack.payUrl}/return/x/y`, card_number: card.number, card_expiry_month: '12', card_expiry_year: String(year), card_cvv: '123',
      }),
    });
    if (((await response.json()) as { status: number }).status !== 200) throw new Error('direct call failed');
  };
  const viaPaykit = async () => {
    const created = await fetch(`${stack.payUrl}/v1/checkout/sessions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.keys.secret}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ amount: 1500, currency: 'USD', return_url: `${stack.demoUrl}/complete`, customer: { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' } }),
    });
    const session = (await created.json()) as { id: string; client_secret: string };
    const confirmed = await fetch(`${stack.payUrl}/v1/checkout/sessions/${session.id}/confirm`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.keys.publishable}`, 'X-Client-Secret': session.client_secret, 'Content-Type': 'application/json', Origin: stack.demoUrl },
      body: JSON.stringify({ payment_method: { type: 'card', card } }),
    });
    if (((await confirmed.json()) as { status: string }).status !== 'succeeded') throw new Error('payment failed');
  };
  const run = async (fn: () => Promise<void>) => {
    for (let i = 0; i < WARMUP; i++) await fn();
    const times: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const started = performance.now();
      await fn();
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b);
  };
  try {
    const directTimes = await run(direct);
    const paykitTimes = await run(viaPaykit);
    return { database: stack.db.kind, directTimes, paykitTimes };
  } finally {
    await stack.close();
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(2)} ms`;

// Before anything else runs: which machine, and how fast, the latency figures below come from.
const machine = describeMachine(cpuSpeed());
const sizes = await bundleSizes();
console.log('\n## Bundle size (gzip -9)\n');
console.log('| script | raw | gzip | budget |');
console.log('| --- | --- | --- | --- |');
console.log(`| widget.js (merchant page) | ${kb(sizes.host.raw)} | ${kb(sizes.host.gzip)} | 8 KB |`);
console.log(`| frame (card path) | ${kb(sizes.frame.raw)} | ${kb(sizes.frame.gzip)} | 30 KB |`);

console.log(`\nMachine (CPU; cores; one thread's 100,000 JSON round trips, best of 5; Linux): ${machine}`);

for (const pagos of [true, false]) {
  const { database, directTimes, paykitTimes } = await latency(pagos);
  console.log(`\n## Server overhead (${database}, Pagos export ${pagos ? 'on' : 'off'}, ${ITERATIONS} sequential payments after ${WARMUP} warm-up)\n`);
  console.log('| path | p50 | p99 |');
  console.log('| --- | --- | --- |');
  console.log(`| simulator called directly (1 request) | ${ms(percentile(directTimes, 50))} | ${ms(percentile(directTimes, 99))} |`);
  console.log(`| Paykit: create session + confirm (2 requests) | ${ms(percentile(paykitTimes, 50))} | ${ms(percentile(paykitTimes, 99))} |`);
  console.log(`| overhead added by Paykit | ${ms(percentile(paykitTimes, 50) - percentile(directTimes, 50))} | ${ms(percentile(paykitTimes, 99) - percentile(directTimes, 99))} |`);
}
