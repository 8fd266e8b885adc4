/**
 * `npm run soak`: sustained load, the README's figures. Open loop: payments arrive at a fixed
 * rate whatever the server's answers do (a slow server gets a queue, not fewer payments, so its
 * latency is not hidden), each one a session created with the secret key and confirmed with a
 * card, as a merchant backend and a buyer's frame would.
 *
 *   bash scripts/with-postgres.sh npm run soak                         # 200 payments/s for 10 minutes
 *   npm run soak -- --rate 50 --duration 20s                           # a short run
 *   npm run soak -- --provider pepper --worker inline
 *
 * Flags: --rate N (payments/s, 200), --duration 10m|20s|N seconds (10m), --warmup (10% of the
 * duration, at most 30 s; not counted; the rate ramps up over its first two thirds, --no-ramp
 * for the full rate from the start), --provider payagency|pepper (payagency),
 * --worker separate|inline|none (separate: the outbox worker, the Pagos export, runs in its own
 * process, server/worker.ts; inline: in the API process, as `npm start` does; none: no worker,
 * the outbox only fills, to see what the export costs the payments), --floor (bench/soak-floor.ts
 * in place of Paykit: the same round trips to PostgreSQL and the provider with no code of
 * Paykit's, and no worker: the floor under the figures on this machine), --instances N
 * (payment servers on one database, default 1: each payment goes to the next in turn; their CPU
 * is summed), --history N (N payments already in the database before the load, spread over the
 * 90 days before: bench/soak-history.ts), --slice 0.1ms|off (the payment servers' scheduler
 * slice, scripts/slice.ts; 0.1 ms unless off), --profile (each process of ours writes a V8 CPU
 * profile, .cpuprofile: the payment server next to the logs, the others in worker/, sandbox/,
 * pagos/ and server-N/: open one in Chrome's DevTools, or `node bench/profile-top.ts FILE` for the
 * functions that cost most).
 *
 * Processes: PostgreSQL (scripts/with-postgres.sh starts a throwaway one when DATABASE_URL is
 * unset: this script then runs itself under it, connected over its Unix socket, or TCP on
 * loopback with --tcp), the payment server (bench/soak-server.ts), the
 * provider simulators and the Pagos simulator (bench/soak-sandbox.ts, twice), the worker, and this
 * one, the load generator.
 * Everything writes into DATABASE_URL's database: give it a throwaway one.
 *
 * Paykit's overhead: the confirm's latency against the provider call made straight to the
 * simulator under the same load (one direct call for every tenth payment, PayAgency's: the
 * body `npm run bench` sends) and against the simulator's own handling time of Paykit's calls,
 * which the simulator process records. The report first names the machine (bench/machine.ts) and
 * the hypervisor's steal, since the same run takes very different CPU on machines of one kind.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { setPriority, tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
// The buyers' HTTP client (bench/soak-client.ts): JSON POSTs on keep-alive sockets, not fetch or
// node:http, whose CPU the generator would take from what it measures on the same two cores.
import { closeAll, postJson as post } from './soak-client.ts';
import { writeHistory } from './soak-history.ts';
import { parseSlice, setSlice } from '../scripts/slice.ts';
import { cpuSpeed, describeMachine } from './machine.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// --- flags ----------------------------------------------------------------------------------

function flag(name: string): string | undefined {
  const args = process.argv.slice(2);
  const index = args.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index < 0) return undefined;
  const arg = args[index]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[index + 1];
}

function seconds(value: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value);
  if (!match) throw new Error(`--${name}: ${value} is not a duration such as 20s, 10m or 600`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

const rate = Number(flag('rate') ?? 200);
const duration = seconds(flag('duration') ?? '10m', 'duration');
const warmup = flag('warmup') ? seconds(flag('warmup')!, 'warmup') : Math.min(30, duration * 0.1);
const provider = flag('provider') ?? 'payagency';
const floor = process.argv.includes('--floor');
// The floor has no outbox: nothing for a worker to do.
const workerMode = floor ? 'none' : (flag('worker') ?? 'separate');
const profile = process.argv.includes('--profile');
const instances = Number(flag('instances') ?? 1);
const history = Number(flag('history') ?? 0);
// The payment servers' scheduler slice (scripts/slice.ts), as the README advises for production.
const sliceFlag = flag('slice') ?? '0.1ms';
const sliceNs = sliceFlag === 'off' ? 0 : parseSlice(sliceFlag);
if (sliceNs === null) throw new Error('--slice: from 0.1ms to 100ms, or off');
const slice: number = sliceNs;
if (!(rate > 0) || !(duration > 0)) throw new Error('--rate and --duration must be positive');
if (provider !== 'payagency' && provider !== 'pepper') throw new Error('--provider: payagency or pepper');
if (floor && provider !== 'payagency') throw new Error("--floor calls PayAgency's simulator only: leave out --provider");
if (workerMode !== 'separate' && workerMode !== 'inline' && workerMode !== 'none') throw new Error('--worker: separate, inline or none');
if (!Number.isInteger(instances) || instances < 1 || instances > 8) throw new Error('--instances: 1 to 8 payment servers');
if (!Number.isInteger(history) || history < 0) throw new Error('--history: a number of payments, such as 1000000');
if (history && floor) throw new Error('--history copies a payment Paykit made: leave out --floor');

// No database given: a throwaway PostgreSQL of the project's own, with this script inside it.
if (!process.env.DATABASE_URL) {
  const child = spawn('bash', [path.join(ROOT, 'scripts/with-postgres.sh'), process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    cwd: ROOT,
    // The database on the same machine, reached as an application there would: its Unix socket.
    // Durable as in production: with-postgres.sh turns fsync and synchronous commits off for the
    // tests' speed, which would leave out of these figures the WAL flush every commit waits for.
    // With the README's recommended setting: WAL compression (full-page images after each
    // checkpoint otherwise made the WAL several times larger for a minute, and the confirms
    // queued behind its flushes for seconds).
    env: {
      ...process.env,
      ...(process.argv.includes('--tcp') ? {} : { PAYKIT_PG_SOCKET: '1' }),
      PAYKIT_PG_DURABLE: '1',
      PAYKIT_PG_OPTIONS: `-c wal_compression=lz4 ${process.env.PAYKIT_PG_OPTIONS ?? ''}`,
    },
  });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await soak(process.env.DATABASE_URL);
  closeAll();
  // Keep-alive sockets to the stopped servers would keep the process up.
  process.exit(0);
}

// --- processes ------------------------------------------------------------------------------

async function start<T>(script: string, env: NodeJS.ProcessEnv, logFile: string, execArgv: string[] = []): Promise<{ child: ChildProcess; message: T }> {
  const log = openSync(logFile, 'a');
  const child = fork(path.join(ROOT, script), [], { cwd: ROOT, env, execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', log, log, 'ipc'], detached: true });
  const message = await new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready; see ${logFile}`)));
  });
  child.removeAllListeners('exit');
  return { child, message };
}

/** Nice 10 for a background process: its own, and its session's (autogroup) where Linux has them. */
function lowerPriority(pid: number) {
  setPriority(pid, 10);
  try {
    writeFileSync(`/proc/${pid}/autogroup`, '10');
  } catch {
    // no autogroups here: the process's own nice is what counts
  }
}

/**
 * CPU seconds a process has used (user + system), from /proc; null where there is no /proc. With
 * `reaped`, the CPU of its children that have exited and been waited for is counted too.
 */
function cpuSeconds(pid: number | undefined, reaped = false): number | null {
  if (!pid) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12]) + (reaped ? Number(fields[13]) + Number(fields[14]) : 0)) / 100;
  } catch {
    return null;
  }
}

/**
 * CPU seconds of the PostgreSQL server listening on `port` and all its backends, from /proc: the
 * live ones, and those that have exited (a pool's connection closed when idle, an autovacuum
 * worker), whose CPU the postmaster collected when it reaped them. (Counting the live processes
 * alone at each end of the run lost every backend that exited in between: PostgreSQL's share at
 * 150 payments/s read 12-21% of a core where a system-wide profile saw about 44%.)
 */
function postgresCpuSeconds(port: string): number | null {
  try {
    const pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
    const postmaster = pids.find((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return args.some((arg) => arg.endsWith('postgres')) && args.includes('-p') && args[args.indexOf('-p') + 1] === port;
      } catch {
        return false;
      }
    });
    if (!postmaster) return null;
    let total = cpuSeconds(Number(postmaster), true) ?? 0;
    for (const pid of pids) {
      try {
        if (/^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] === postmaster) total += cpuSeconds(Number(pid)) ?? 0;
      } catch {
        // gone meanwhile
      }
    }
    return total;
  } catch {
    return null;
  }
}

/**
 * The whole machine's busy and total CPU time, and the time the hypervisor gave our virtual CPUs
 * to someone else (steal), from /proc/stat.
 */
function machineCpu(): { busy: number; total: number; steal: number } | null {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const numbers = values.map(Number);
    const total = numbers.reduce((a, b) => a + b, 0);
    return { busy: total - numbers[3]! - (numbers[4] ?? 0), total, steal: numbers[7] ?? 0 };
  } catch {
    return null;
  }
}

// --- the load -------------------------------------------------------------------------------

interface Sample {
  /** Seconds since the run began that the payment was due to start. */
  due: number;
  /** Seconds since the run began that it ended. */
  ended: number;
  createMs: number;
  confirmMs: number;
  /** From when it was due to its answer: includes any wait in the generator. */
  totalMs: number;
  error: string | null;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function soak(databaseUrl: string) {
  const speed = cpuSpeed();
  const logs = await mkdtemp(path.join(tmpdir(), 'paykit-soak-'));
  const credentials = {
    PAYAGENCY_SECRET_KEY: `sk_sandbox_${randomBytes(12).toString('hex')}`,
    PAGOU_TOKEN: `pagou_sandbox_${randomBytes(12).toString('hex')}`,
    PEPPER_API_KEY: `api_sandbox${randomBytes(12).toString('hex')}`,
    PAGOS_API_KEY: `pagos_sandbox_${randomBytes(12).toString('hex')}`,
  };
  const children: ChildProcess[] = [];
  const stopAll = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));

  try {
    const profiled = (dir: string) => (profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(logs, dir)}`] : []);
    const sandbox = await start<{ url: string }>('bench/soak-sandbox.ts', { ...process.env, ...credentials, SOAK_SANDBOX: 'providers' }, path.join(logs, 'sandbox.log'), profiled('sandbox'));
    children.push(sandbox.child);
    const pagos = await start<{ url: string }>('bench/soak-sandbox.ts', { ...process.env, ...credentials, SOAK_SANDBOX: 'pagos' }, path.join(logs, 'pagos.log'), profiled('pagos'));
    children.push(pagos.child);
    // Pagos is another company's service, on its own machines in production: here it shares the
    // two cores, so it takes what the payment path leaves, as the worker that feeds it does.
    if (pagos.child.pid) lowerPriority(pagos.child.pid);
    const sandboxUrl = sandbox.message.url;
    const serverEnv = {
      ...process.env,
      ...credentials,
      DATABASE_URL: databaseUrl,
      PAYKIT_SECRET: randomBytes(32).toString('base64url'),
      PAYAGENCY_BASE_URL: `${sandboxUrl}/payagency`,
      PAGOU_BASE_URL: `${sandboxUrl}/pagou`,
      PEPPER_BASE_URL: `${sandboxUrl}/pepper`,
      PAGOS_BASE_URL: `${pagos.message.url}/pagos`,
      PAYKIT_WORKER: workerMode === 'inline' ? 'on' : 'off',
      // Every payment comes from this one address, far over the per-IP limit a buyer's browser has.
      PAYKIT_RATE_LIMIT: 'off',
    };
    const server = await start<{ payUrl: string; demoUrl: string; keys: { secret: string; publishable: string; merchantId: string } }>(
      floor ? 'bench/soak-floor.ts' : 'bench/soak-server.ts',
      serverEnv,
      path.join(logs, 'server.log'),
      profiled('.'),
    );
    children.push(server.child);
    // More instances of the API on the same database and merchant, as behind a load balancer: the
    // generator sends each payment (its session and its confirm) to the next one in turn.
    const servers = [server];
    for (let i = 2; i <= instances; i += 1) {
      const merchant = { merchantId: server.message.keys.merchantId, publishableKey: server.message.keys.publishable, secretKey: server.message.keys.secret };
      const more = await start<typeof server.message>('bench/soak-server.ts', { ...serverEnv, SOAK_MERCHANT: JSON.stringify(merchant) }, path.join(logs, `server-${i}.log`), profiled(`server-${i}`));
      children.push(more.child);
      servers.push(more);
    }
    // Threads the servers start later inherit the slice from the thread that starts them.
    const sliced = slice ? setSlice(servers.map((s) => s.child.pid!), slice) : null;
    let worker: ChildProcess | undefined;
    if (workerMode === 'separate') {
      const log = openSync(path.join(logs, 'worker.log'), 'a');
      worker = fork(path.join(ROOT, 'server/worker.ts'), [], { cwd: ROOT, env: { ...serverEnv, PAYKIT_PUBLIC_URL: server.message.payUrl }, execArgv: ['--import', 'tsx', ...profiled('worker')], stdio: ['ignore', log, log, 'ipc'], detached: true });
      children.push(worker);
      // Background work yields to buyers when the CPU is short: the export catches up later, a
      // confirm cannot wait. (A deployment does the same with `nice` or its scheduler's weights.)
      if (worker.pid) lowerPriority(worker.pid);
    }
    const { payUrl, demoUrl, keys } = server.message;
    console.error(`soak: ${rate} payments/s for ${duration} s (${warmup} s warm-up), ${provider}, worker ${workerMode}, ${instances} payment server${instances > 1 ? 's' : ''}; logs in ${logs}`);

    const year = new Date().getUTCFullYear() + 3;
    const cardNumber = provider === 'pepper' ? '4111111111111111' : '4242424242424242';
    const card = { number: cardNumber, exp_month: 12, exp_year: year, cvc: '123', name: 'Ada Lovelace' };
    const sessionBody = JSON.stringify({
      amount: 1500,
      currency: 'USD',
      ...(provider === 'pepper' ? { provider: 'pepper' } : {}),
      return_url: `${demoUrl}/complete`,
      customer: { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' },
    });
    const confirmBody = JSON.stringify({ payment_method: { type: 'card', card } });
    const directBody = JSON.stringify({
      first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', currency: 'USD', amount: '15.00', ip_address: '127.0.0.1',
      response_url: `${payUrl}/return/x/y`, card_number: '4242424242424242', card_expiry_month: '12', card_expiry_year: String(year), card_cvv: '123',
    });

    const samples: Sample[] = [];
    const direct: { due: number; ms: number }[] = [];
    let inFlight = 0;
    let dropped = 0;
    const MAX_IN_FLIGHT = 10_000;
    let began = performance.now();
    const now = () => (performance.now() - began) / 1000;

    const payUrls = servers.map((s) => s.message.payUrl);
    /** One payment, timed into `samples`; its session's id when it succeeded. */
    const payment = async (due: number, payUrl: string): Promise<string | null> => {
      let createMs = NaN;
      let confirmMs = NaN;
      let error: string | null = null;
      let sessionId: string | null = null;
      try {
        let t = performance.now();
        const created = await post(`${payUrl}/v1/checkout/sessions`, { Authorization: `Bearer ${keys.secret}` }, sessionBody);
        const session = created.json as { id: string; client_secret: string };
        createMs = performance.now() - t;
        if (created.status !== 201) throw new Error(`create ${created.status}`);
        t = performance.now();
        const confirmed = await post(
          `${payUrl}/v1/checkout/sessions/${session.id}/confirm`,
          { Authorization: `Bearer ${keys.publishable}`, 'X-Client-Secret': session.client_secret, Origin: demoUrl },
          confirmBody,
        );
        const result = confirmed.json as { status?: string; error?: { code?: string } };
        confirmMs = performance.now() - t;
        if (confirmed.status !== 200) throw new Error(`confirm ${confirmed.status} ${result.error?.code ?? ''}`.trim());
        if (result.status !== 'succeeded') throw new Error(`confirm status ${result.status}`);
        sessionId = session.id;
      } catch (caught) {
        error = caught instanceof Error ? (caught.name === 'TimeoutError' ? 'timeout (30 s)' : caught.message) : String(caught);
      }
      const ended = now();
      samples.push({ due, ended, createMs, confirmMs, totalMs: (ended - due) * 1000, error });
      return sessionId;
    };

    const directCall = async (due: number) => {
      const t = performance.now();
      try {
        const response = await post(`${sandboxUrl}/payagency/v1/test/transaction`, { Authorization: `Bearer ${credentials.PAYAGENCY_SECRET_KEY}` }, directBody);
        if ((response.json as { status: number }).status !== 200) return;
        direct.push({ due, ms: performance.now() - t });
      } catch {
        // A failed direct call is not a Paykit error: it is left out of the simulator's figures.
      }
    };

    let cpuAtWarmup: { pids: (number | null)[]; machine: ReturnType<typeof machineCpu> } | null = null;
    const pgPort = new URL(databaseUrl).port || '5432';
    /** All the payment servers' CPU together. */
    const serverCpu = () => {
      let total = 0;
      for (const s of servers) {
        const used = cpuSeconds(s.child.pid);
        if (used === null) return null;
        total += used;
      }
      return total;
    };
    const pids = () => [serverCpu(), cpuSeconds(sandbox.child.pid), cpuSeconds(worker?.pid), cpuSeconds(process.pid), postgresCpuSeconds(pgPort), cpuSeconds(pagos.child.pid)];
    let resetDone = false;
    // PostgreSQL's WAL counters (pg_stat_wal) and checkpoints over the measured window: what each
    // payment costs the disk, and how much of that is full-page images after a checkpoint. And the
    // connections opened (pg_stat_database.sessions): each is a backend forked and caches refilled.
    const walClient = new pg.Client({ connectionString: databaseUrl });
    await walClient.connect();
    const walAt = async (): Promise<WalSnapshot | null> => {
      try {
        const { rows } = await walClient.query<WalSnapshot>(
          `SELECT w.wal_bytes::float8 AS bytes, w.wal_fpi::float8 AS fpi, b.checkpoints_timed + b.checkpoints_req AS checkpoints, b.buffers_checkpoint::float8 AS written, d.sessions::float8 AS sessions
             FROM pg_stat_wal w, pg_stat_bgwriter b, pg_stat_database d WHERE d.datname = current_database()`,
        );
        return rows[0] ?? null;
      } catch {
        return null; // PostgreSQL before 14 has no pg_stat_wal
      }
    };
    let walAtWarmup: Promise<WalSnapshot | null> = Promise.resolve(null);

    if (history) {
      // One real payment through the API, then the months before it: copies of it (bench/soak-history.ts).
      const t = performance.now();
      const template = await payment(0, payUrls[0]!);
      if (!template) throw new Error(`--history: the template payment failed (${samples.at(-1)?.error})`);
      samples.length = 0; // not one of the run's
      await writeHistory(walClient, template, history);
      console.error(`soak: ${history} payments of history written, vacuumed and checkpointed in ${((performance.now() - t) / 1000).toFixed(0)} s`);
      began = performance.now();
    }

    // The arrival clock: every millisecond or so, start every payment that is due by now. The
    // rate ramps up linearly over the first two thirds of the warm-up (unless --no-ramp), as
    // traffic reaches a server that has just started: at full rate from the first second, the
    // backlog a cold process builds (V8 not yet optimized, empty caches, tables never analyzed)
    // spilled into the measured window. The last third of the warm-up runs at the full rate.
    const ramp = process.argv.includes('--no-ramp') ? 0 : (warmup * 2) / 3;
    const arrivals = (t: number) => (t < ramp ? (rate * t * t) / (2 * ramp) : rate * (t - ramp / 2));
    const dueAt = (k: number) => (k < (rate * ramp) / 2 ? Math.sqrt((2 * ramp * k) / rate) : k / rate + ramp / 2);
    const total = Math.round(arrivals(duration));
    let launched = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const elapsed = now();
        if (!resetDone && elapsed >= warmup) {
          resetDone = true;
          cpuAtWarmup = { pids: pids(), machine: machineCpu() };
          walAtWarmup = walAt();
          for (const url of [sandboxUrl, pagos.message.url]) void fetch(`${url}/soak/reset`, { method: 'POST' });
          for (const s of servers) s.child.send('reset');
        }
        const due = Math.min(total, Math.floor(arrivals(elapsed)) + 1);
        while (launched < due) {
          const at = dueAt(launched);
          if (inFlight >= MAX_IN_FLIGHT) {
            dropped += 1;
          } else {
            inFlight += 1;
            void payment(at, payUrls[launched % payUrls.length]!).finally(() => (inFlight -= 1));
            if (provider === 'payagency' && launched % 10 === 0) void directCall(at);
          }
          launched += 1;
        }
        if (launched < total) setTimeout(tick, 1);
        else resolve();
      };
      tick();
    });
    const cpuAtEnd = { pids: pids(), machine: machineCpu() };
    const [walFrom, walTo] = [await walAtWarmup, await walAt()];
    await walClient.end();
    const wal = walFrom && walTo ? { bytes: walTo.bytes - walFrom.bytes, fpi: walTo.fpi - walFrom.fpi, checkpoints: walTo.checkpoints - walFrom.checkpoints, written: walTo.written - walFrom.written, sessions: walTo.sessions - walFrom.sessions } : null;
    const handled = (await (await fetch(`${sandboxUrl}/soak/stats`)).json()) as { handling: number[]; exports: number };
    handled.exports = ((await (await fetch(`${pagos.message.url}/soak/stats`)).json()) as { exports: number }).exports;
    // The worst instance's event-loop delay.
    const delays = await Promise.all(
      servers.map(
        (s) =>
          new Promise<{ p50: number; p99: number; max: number }>((resolve) => {
            s.child.once('message', (m) => resolve((m as { loopDelay: { p50: number; p99: number; max: number } }).loopDelay));
            s.child.send('loop-delay');
          }),
      ),
    );
    const loopDelay = { p50: Math.max(...delays.map((d) => d.p50)), p99: Math.max(...delays.map((d) => d.p99)), max: Math.max(...delays.map((d) => d.max)) };
    // Let the payments in flight finish (their latency counts), then the export catch up a little.
    const drainUntil = Date.now() + 35_000;
    while (inFlight > 0 && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const outbox = floor ? [] : (await client.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM outbox GROUP BY status ORDER BY status`)).rows;
    await client.end();

    // Payments still unanswered after the drain count as errors (their samples never came).
    report({ samples, direct, handling: handled.handling, exports: handled.exports, dropped: dropped + inFlight, cpuAtWarmup, cpuAtEnd, outbox, logs, loopDelay, wal, sliced, speed });
  } finally {
    await stopAll();
  }
}

interface WalSnapshot {
  bytes: number;
  fpi: number;
  checkpoints: number;
  written: number;
  sessions: number;
}

// --- the report -----------------------------------------------------------------------------

function report(run: {
  samples: Sample[];
  direct: { due: number; ms: number }[];
  handling: number[];
  exports: number;
  dropped: number;
  cpuAtWarmup: { pids: (number | null)[]; machine: ReturnType<typeof machineCpu> } | null;
  cpuAtEnd: { pids: (number | null)[]; machine: ReturnType<typeof machineCpu> };
  outbox: { status: string; n: number }[];
  logs: string;
  loopDelay: { p50: number; p99: number; max: number };
  wal: WalSnapshot | null;
  sliced: { threads: number; took: number } | null;
  speed: ReturnType<typeof cpuSpeed>;
}) {
  const measured = run.samples.filter((s) => s.due >= warmup);
  const window = duration - warmup;
  const ok = measured.filter((s) => s.error === null);
  const errors = measured.filter((s) => s.error !== null);
  const achieved = ok.filter((s) => s.ended <= duration).length / window;
  const sorted = (values: number[]) => values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const confirm = sorted(ok.map((s) => s.confirmMs));
  const create = sorted(ok.map((s) => s.createMs));
  const totalMs = sorted(ok.map((s) => s.totalMs));
  const direct = sorted(run.direct.filter((d) => d.due >= warmup).map((d) => d.ms));
  const handling = sorted(run.handling);
  const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '—');
  const row = (name: string, values: number[]) => `| ${name} | ${ms(percentile(values, 50))} | ${ms(percentile(values, 95))} | ${ms(percentile(values, 99))} |`;
  const overhead = (name: string, base: number[]) =>
    base.length ? `| ${name} | ${[50, 95, 99].map((p) => ms(percentile(confirm, p) - percentile(base, p))).join(' | ')} |` : null;

  const kinds = new Map<string, number>();
  for (const s of errors) kinds.set(s.error!, (kinds.get(s.error!) ?? 0) + 1);
  const cpu = (index: number) => {
    const before = run.cpuAtWarmup?.pids[index];
    const after = run.cpuAtEnd.pids[index];
    return before == null || after == null ? '—' : `${Math.round(((after - before) / window) * 100)}%`;
  };
  const [from, to] = [run.cpuAtWarmup?.machine, run.cpuAtEnd.machine];
  const share = (part: 'busy' | 'steal') => (from && to ? `${Math.round(((to[part] - from[part]) / (to.total - from.total)) * 100)}%` : '—');
  const [machine, stolen] = [share('busy'), share('steal')];

  const lines = [
    `\n## Sustained load${floor ? ', the floor (bench/soak-floor.ts, not Paykit)' : ''} (PostgreSQL over ${/[?&]host=\//.test(process.env.DATABASE_URL ?? '') ? 'its Unix socket' : 'TCP'}, ${provider}, worker ${workerMode}${instances > 1 ? `, ${instances} payment servers` : ''}${history ? `, ${history} payments of history` : ''}; ${rate} payments/s offered for ${window} s after ${warmup} s warm-up)\n`,
    '| figure | value |',
    '| --- | --- |',
    `| payments offered (open loop) | ${measured.length + run.dropped} (${rate}/s) |`,
    `| payments/s achieved (succeeded within the window) | ${achieved.toFixed(1)} |`,
    `| errors | ${errors.length + run.dropped} (${(((errors.length + run.dropped) / Math.max(1, measured.length + run.dropped)) * 100).toFixed(2)}%)${[...kinds].map(([k, n]) => `; ${k}: ${n}`).join('')}${run.dropped ? `; not sent (generator limit) or unanswered 35 s after the end: ${run.dropped}` : ''} |`,
    `| Pagos exports received by the sandbox during the window | ${run.exports} |`,
    `| outbox rows at the end (by state) | ${run.outbox.map((r) => `${r.status} ${r.n}`).join(', ') || 'none'} |`,
    `| machine: CPU; cores; one thread's 100,000 JSON round trips before the load (best of 5); Linux | ${describeMachine(run.speed)} |`,
    `| CPU (% of one core) server / PostgreSQL / provider simulators / worker / Pagos simulator / load generator; whole machine (all cores, other work included) | ${cpu(0)} / ${cpu(4)} / ${cpu(1)} / ${cpu(2)} / ${cpu(5)} / ${cpu(3)}; ${machine} busy (of which stolen by the hypervisor: ${stolen}) |`,
    `| PostgreSQL's WAL during the window: per payment; full-page images; checkpoints (buffers they wrote) | ${run.wal ? `${(run.wal.bytes / 1024 / Math.max(1, measured.length)).toFixed(1)} KiB; ${run.wal.fpi} (${((run.wal.fpi / Math.max(1, measured.length))).toFixed(2)} per payment); ${run.wal.checkpoints} (${run.wal.written})` : '—'} |`,
    `| connections opened to PostgreSQL during the window (every process) | ${run.wal ? run.wal.sessions : '—'} |`,
    `| payment server's event-loop delay p50 / p99 / max | ${ms(run.loopDelay.p50)} / ${ms(run.loopDelay.p99)} / ${ms(run.loopDelay.max)} |`,
    `| payment servers' scheduler slice (--slice) | ${run.sliced ? `${slice / 1e6} ms: ${run.sliced.took} of their ${run.sliced.threads} threads took it${run.sliced.took ? '' : ' (Linux before 6.12, or no perl: the default)'}` : "the kernel's default"} |`,
    '',
    '| latency | p50 | p95 | p99 |',
    '| --- | --- | --- | --- |',
    row('create session (secret key)', create),
    row('confirm (card, through Paykit to the simulator)', confirm),
    row('payment: due → confirm answered (includes any queueing)', totalMs),
    ...(direct.length ? [row('simulator called directly (1 in 10 payments)', direct)] : []),
    row("simulator's own handling of Paykit's charge calls", handling),
    ...[overhead('overhead: confirm − direct call', direct), overhead("overhead: confirm − simulator's handling", handling)].filter((l): l is string => l !== null),
    '',
    `(logs: ${run.logs})`,
  ];
  console.log(lines.join('\n'));
}
