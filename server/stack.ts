/**
 * Starts the whole product on one machine: the database (embedded PGlite, or PostgreSQL when
 * a URL is given), the sandbox provider simulators, the payment server and the demo shop, each
 * on its own port so the demo really is a different origin. `npm start` and the end-to-end
 * tests both use this.
 */
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDb, type Db } from './storage/db.ts';
import { createApp } from './app.ts';
import { createLogger, memoryLogger, type Level, type Logger } from './log.ts';
import { assertServerSecret, type ServerConfig } from './config.ts';
import { createPayAgencyAdapter } from './providers/payagency/adapter.ts';
import { createPayAgencySimulator } from './simulators/payagency/app.ts';
import { createPagouAdapter } from './providers/pagou/adapter.ts';
import { createPagouSimulator } from './simulators/pagou/app.ts';
import { createPepperAdapter } from './providers/pepper/adapter.ts';
import { createPepperSimulator } from './simulators/pepper/app.ts';
import { createPagosSimulator } from './simulators/pagos/app.ts';
import type { PagosConfig } from './pagos/export.ts';
import { outboxHandlers } from './outbox/handlers.ts';
import { startOutboxWorker, type OutboxWorker, type WorkerOptions } from './outbox/worker.ts';
import { ensureDevMerchant, createMerchant, type MerchantKeys } from './merchants.ts';
import { createDemoApp } from '../demo/app.ts';
import { abuseLimitsFrom, type AbuseLimits } from './abuse/limits.ts';
import { startReconciler, type Reconciler, type ReconcileOptions } from './payments/reconcile.ts';
import { parseCardRouting } from './payments/failover.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface StackOptions {
  payPort?: number;
  sandboxPort?: number;
  demoPort?: number;
  /** postgres://… ; PGlite when absent. */
  databaseUrl?: string;
  /** PGlite data folder and local secrets; in-memory database when absent. */
  dataDir?: string;
  /** A schema of its own on a shared PostgreSQL server (tests). */
  schema?: string;
  /** Keep logs in memory instead of printing them. */
  quiet?: boolean;
  logLevel?: Level;
  /** How long the sandboxes wait before settling pending payments by webhook. */
  settleAfterMs?: number;
  /** How long a Pagou sandbox PIX code lives (15 minutes). */
  pixTtlMs?: number;
  /** How long a Pagou sandbox 3DS challenge waits for the buyer (10 minutes). */
  challengeTtlMs?: number;
  /** The outbox worker's timings (tests shorten them); `false`: no worker (the outbox only fills). */
  outbox?: Partial<WorkerOptions> | false;
  /** The reconciler of payments in doubt (server/payments/reconcile.ts); `false`: none. */
  reconcile?: Partial<ReconcileOptions> | false;
  /** How long one provider request may take before it is in doubt (30 s). */
  providerTimeoutMs?: number;
  /** How long one Pagos request may take before it is retried (10 s). */
  pagosTimeoutMs?: number;
  /** How long a merchant's webhook endpoint has to answer before the delivery is retried (10 s). */
  webhookTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /**
   * An existing merchant's keys, used instead of creating one: a second instance on the same
   * database (with the same PAYKIT_SECRET) serves the same merchant.
   */
  merchant?: MerchantKeys;
  /** Rate limits and the session lock, over the environment's (tests lower them). */
  limits?: Partial<AbuseLimits>;
}

export interface Stack {
  payUrl: string;
  sandboxUrl: string;
  demoUrl: string;
  keys: { publishable: string; secret: string; merchantId: string };
  db: Db;
  log: Logger & { lines?: string[] };
  payagency: ReturnType<typeof createPayAgencySimulator>;
  pagou: ReturnType<typeof createPagouSimulator>;
  pepper: ReturnType<typeof createPepperSimulator>;
  pagos: ReturnType<typeof createPagosSimulator>;
  config: ServerConfig;
  /** The background worker (merchant webhooks, the Pagos export); null when the stack was started without one. */
  outbox: OutboxWorker | null;
  /** The reconciler of payments in doubt; null when the stack was started without one. */
  reconciler: Reconciler | null;
  /** The payment server's Hono app, for tests that call `app.request()`. */
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

interface Listening {
  url: string;
  server: Server;
  use(fetch: (request: Request, env: unknown) => Response | Promise<Response>): void;
}

/** Listens first (so a port of 0 gets a real one) and takes its handler afterwards. */
async function listen(port: number, host: string, publicHost: string): Promise<Listening> {
  let handler: (request: Request, env: unknown) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  const server = createAdaptorServer({ fetch: (request, env) => handler(request, env) }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return { url: `http://${publicHost}:${actual}`, server, use: (fetch) => (handler = fetch) };
}

async function serverSecretFrom(env: NodeJS.ProcessEnv, dataDir: string | undefined): Promise<string> {
  if (env.PAYKIT_SECRET) return assertServerSecret(env.PAYKIT_SECRET);
  if (!dataDir) return randomBytes(32).toString('base64url');
  const file = path.join(dataDir, 'server-secret');
  try {
    return assertServerSecret((await readFile(file, 'utf8')).trim());
  } catch {
    const secret = randomBytes(32).toString('base64url');
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, secret, { mode: 0o600 });
    return secret;
  }
}

/** Pagos: the sandbox unless PAGOS_BASE_URL names a real one (with its PAGOS_API_KEY); PAGOS_EXPORT=off turns it off. */
function pagosConfig(env: NodeJS.ProcessEnv, sandboxUrl: string, sandboxKey: string, timeoutMs?: number): PagosConfig | null {
  if (env.PAGOS_EXPORT === 'off') return null;
  if (env.PAGOS_BASE_URL && !env.PAGOS_API_KEY) throw new Error('PAGOS_BASE_URL is set without PAGOS_API_KEY');
  return { baseUrl: env.PAGOS_BASE_URL ?? sandboxUrl, apiKey: sandboxKey, ...(timeoutMs ? { timeoutMs } : {}) };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const env = options.env ?? process.env;
  const level = options.logLevel ?? ((env.LOG_LEVEL as Level | undefined) ?? 'info');
  const log = options.quiet ? memoryLogger(level) : createLogger({ level });
  const host = '127.0.0.1';
  const [pay, sandbox, demo] = await Promise.all([
    listen(options.payPort ?? 0, host, '127.0.0.1'),
    listen(options.sandboxPort ?? 0, host, '127.0.0.1'),
    listen(options.demoPort ?? 0, host, 'localhost'),
  ]);
  const db = await openDb({
    ...(options.databaseUrl ? { url: options.databaseUrl } : {}),
    ...(options.dataDir && !options.databaseUrl ? { dataDir: path.join(options.dataDir, 'db') } : {}),
    ...(options.schema ? { schema: options.schema } : {}),
  });

  const payagencyKey = env.PAYAGENCY_SECRET_KEY ?? `sk_sandbox_${randomBytes(12).toString('hex')}`;
  const payagency = createPayAgencySimulator({
    secretKey: payagencyKey,
    publicUrl: `${sandbox.url}/payagency`,
    settleAfterMs: options.settleAfterMs ?? 2000,
  });
  const pagouToken = env.PAGOU_TOKEN ?? `pagou_sandbox_${randomBytes(12).toString('hex')}`;
  const pagou = createPagouSimulator({
    token: pagouToken,
    publicUrl: `${sandbox.url}/pagou`,
    settleAfterMs: options.settleAfterMs ?? 2000,
    ...(options.pixTtlMs ? { pixTtlMs: options.pixTtlMs } : {}),
    ...(options.challengeTtlMs ? { challengeTtlMs: options.challengeTtlMs } : {}),
    merchantName: 'Paykit Demo Store',
    merchantCity: 'Sao Paulo',
  });
  const pepperKey = env.PEPPER_API_KEY ?? `api_sandbox${randomBytes(12).toString('hex')}`;
  const pepper = createPepperSimulator({ apiKey: pepperKey, publicKey: `pub_sandbox${randomBytes(12).toString('hex')}`, publicUrl: `${sandbox.url}/pepper` });
  const sandboxApp = new Hono();
  sandboxApp.route('/payagency', payagency.app);
  sandboxApp.route('/pagou', pagou.app);
  sandboxApp.route('/pepper', pepper.app);
  const pagosKey = env.PAGOS_API_KEY ?? `pagos_sandbox_${randomBytes(12).toString('hex')}`;
  const pagos = createPagosSimulator({ apiKey: pagosKey });
  sandboxApp.route('/pagos', pagos.app);
  sandbox.use(sandboxApp.fetch);

  const config: ServerConfig = {
    publicUrl: env.PAYKIT_PUBLIC_URL ?? pay.url,
    serverSecret: await serverSecretFrom(env, options.dataDir),
    trustProxy: env.PAYKIT_TRUST_PROXY === '1',
    sessionTtlMs: 24 * 3600_000,
    returnWaitMs: 3000,
    assetsDir: path.join(ROOT, 'dist', 'widget'),
    ipv4Fallback: env.PAYKIT_IPV4_FALLBACK ?? '0.0.0.0',
    logLevel: level,
    pagos: pagosConfig(env, `${sandbox.url}/pagos`, pagosKey, options.pagosTimeoutMs),
    limits: abuseLimitsFrom(env, options.limits),
    cardRouting: parseCardRouting(env.PAYKIT_CARD_ROUTING, ['payagency', 'pagou', 'pepper']),
    providers: {
      payagency: {
        baseUrl: env.PAYAGENCY_BASE_URL ?? `${sandbox.url}/payagency`,
        secretKey: payagencyKey,
        mode: env.PAYAGENCY_MODE === 'live' ? 'live' : 'test',
      },
      pagou: {
        baseUrl: env.PAGOU_BASE_URL ?? `${sandbox.url}/pagou`,
        token: pagouToken,
      },
      pepper: {
        baseUrl: env.PEPPER_BASE_URL ?? `${sandbox.url}/pepper`,
        apiKey: pepperKey,
      },
    },
  };
  const timeoutMs = options.providerTimeoutMs ?? 30_000;
  const adapters = {
    payagency: createPayAgencyAdapter({ ...config.providers.payagency, ipv4Fallback: config.ipv4Fallback, timeoutMs }),
    pagou: createPagouAdapter({ ...config.providers.pagou, timeoutMs }),
    pepper: createPepperAdapter({ ...config.providers.pepper, timeoutMs }),
  };
  const app = createApp({ db, config, log, adapters });
  const reconciler = options.reconcile === false ? null : startReconciler({ db, config, log, adapters }, { ...options.reconcile, requestTimeoutMs: timeoutMs });
  pay.use(app.fetch);
  // Merchant webhooks always run; the Pagos export when it is configured.
  const handlers = outboxHandlers({
    serverSecret: config.serverSecret,
    publicUrl: config.publicUrl,
    pagos: config.pagos,
    ...(options.webhookTimeoutMs ? { webhookTimeoutMs: options.webhookTimeoutMs } : {}),
    ...(options.outbox && options.outbox.now ? { now: options.outbox.now } : {}),
  });
  const outbox =
    // PAYKIT_WORKER=off: this process only answers requests; `server/worker.ts` runs the outbox elsewhere.
    options.outbox === false || env.PAYKIT_WORKER === 'off'
      ? null
      : startOutboxWorker({ db, log }, handlers, {
          // One connection on PGlite, shared with the payments; a pool on PostgreSQL.
          dbConcurrency: db.kind === 'pglite' ? 1 : 4,
          ...options.outbox,
        });

  const allowedOrigins = [
    demo.url,
    demo.url.replace('localhost', '127.0.0.1'),
    ...(env.PAYKIT_ALLOWED_ORIGINS ? env.PAYKIT_ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean) : []),
  ];
  const keys: MerchantKeys = options.merchant
    ? options.merchant
    : options.dataDir
    ? await ensureDevMerchant(db, options.dataDir, allowedOrigins)
    : await createMerchant(db, { name: 'Paykit Demo Store', allowedOrigins });

  demo.use(
    createDemoApp({ payUrl: config.publicUrl, secretKey: keys.secretKey, publishableKey: keys.publishableKey, sandboxUrl: sandbox.url }).fetch,
  );

  return {
    payUrl: config.publicUrl,
    sandboxUrl: sandbox.url,
    demoUrl: demo.url,
    keys: { publishable: keys.publishableKey, secret: keys.secretKey, merchantId: keys.merchantId },
    db,
    log,
    payagency,
    pagou,
    pepper,
    pagos,
    config,
    outbox,
    reconciler,
    app,
    async close() {
      // The worker first: it finishes the sends under way (and books them) while the rest is up.
      await outbox?.close();
      await reconciler?.close();
      payagency.close();
      pagou.close();
      pepper.close();
      pagos.close();
      await Promise.all(
        [pay, sandbox, demo].map(
          ({ server }) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections?.();
            }),
        ),
      );
      await db.close();
    },
  };
}
