/**
 * The outbox worker (merchant webhooks and the Pagos export) in a process of its own:
 *
 *   PAYKIT_WORKER=off node --import tsx server/dev.ts     # API only
 *   node --import tsx server/worker.ts                    # the worker, any number of them
 *
 * The API's event loop then only answers requests: a batch of export sends, and the JSON work
 * around them, no longer sits between a buyer's confirm and its answer (the soak showed it in
 * the confirm's p99). Rows are claimed with FOR UPDATE SKIP LOCKED, so workers and API
 * processes share one PostgreSQL safely. PostgreSQL only: an embedded PGlite folder can be
 * opened by one process at a time, and there `npm start` keeps the worker in the API process.
 *
 * Environment: DATABASE_URL, PAYKIT_SECRET (the API's: it unseals the webhook signing secrets)
 * and PAYKIT_PUBLIC_URL (the API's public origin, for links in webhook payloads), all required;
 * PAGOS_BASE_URL and PAGOS_API_KEY (required unless PAGOS_EXPORT=off), LOG_LEVEL.
 */
import { openDb } from './storage/db.ts';
import { createLogger, type Level } from './log.ts';
import { outboxHandlers } from './outbox/handlers.ts';
import { assertServerSecret } from './config.ts';
import { startOutboxWorker } from './outbox/worker.ts';

const env = process.env;
const log = createLogger({ level: (env.LOG_LEVEL as Level | undefined) ?? 'info' }).child({ process: 'worker' });

if (!env.DATABASE_URL) {
  log.error('server/worker.ts needs DATABASE_URL: the worker shares the API\'s PostgreSQL (with PGlite, npm start runs it in the API process)');
  process.exit(2);
}
if (!env.PAYKIT_SECRET || !env.PAYKIT_PUBLIC_URL) {
  log.error('server/worker.ts needs the API\'s PAYKIT_SECRET and PAYKIT_PUBLIC_URL (webhooks are signed with secrets sealed by the one and link to the other)');
  process.exit(2);
}
const exportOn = env.PAGOS_EXPORT !== 'off';
if (exportOn && (!env.PAGOS_BASE_URL || !env.PAGOS_API_KEY)) {
  log.error('server/worker.ts needs PAGOS_BASE_URL and PAGOS_API_KEY (or PAGOS_EXPORT=off)');
  process.exit(2);
}

const db = await openDb({ url: env.DATABASE_URL });
// As many queries at once as inside the API process: the database is still shared with the payments.
const handlers = outboxHandlers({
  serverSecret: assertServerSecret(env.PAYKIT_SECRET),
  publicUrl: env.PAYKIT_PUBLIC_URL,
  pagos: exportOn ? { baseUrl: env.PAGOS_BASE_URL!, apiKey: env.PAGOS_API_KEY! } : null,
});
const worker = startOutboxWorker({ db, log }, handlers, { dbConcurrency: 4 });
log.info('outbox worker running');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  // Finishes the sends under way and books them, so a restart neither loses nor repeats one.
  await worker.close();
  await db.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
