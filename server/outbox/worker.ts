/**
 * Works through the outbox: claims due rows (FOR UPDATE SKIP LOCKED, so any number of workers in
 * any number of server instances share the work without sending a row twice at once), hands each
 * to its topic's handler and books the result. The payment path never waits for any of it.
 *
 * - A claim is a lease (`leaseMs`): a worker that dies mid-send leaves rows that another worker
 *   takes over when the lease runs out. The lease is longer than any handler's own time limit.
 * - A result is booked only for the version that was sent: a change during the send leaves the
 *   row due, so the newer content goes too.
 * - Retries back off exponentially (base × 2^attempts, capped, with ±20% jitter) and stop after
 *   `giveUpMs` of failing: the row is parked with the reason, like a refusal.
 * - `close()` stops claiming and waits for the sends under way, so a graceful restart neither
 *   loses nor repeats anything.
 */
import { createHash } from 'node:crypto';
import { ASYNC_COMMIT, PLAN_EACH_TIME, type Db, type Queryable } from '../storage/db.ts';
import type { Logger } from '../log.ts';
import type { OutboxRow, Topic } from './queue.ts';

/** What a handler made of one row. */
export type HandlerResult =
  /**
   * It arrived (or had already: Pagos's 409). `digest`: of the body sent, so the same content is
   * not sent again. `wake`: topics of the same subject that were waiting for this one (due now).
   */
  | { kind: 'delivered'; status?: number; digest?: string; wake?: readonly Topic[]; along?: readonly Along[] }
  /** A failure worth retrying (network, 5xx, a timeout); `afterMs` overrides the backoff (Retry-After). */
  | { kind: 'retry'; status?: number | null; error: string; afterMs?: number }
  /** A refusal that retrying cannot fix; kept for the operator with the reason. */
  | { kind: 'park'; status?: number | null; error: string }
  /** Nothing to send until the subject changes again (or another topic's delivery wakes it). */
  | { kind: 'wait'; reason: string };

/**
 * A row of the same subject that a delivery sent in the same pass (the Pagos transaction takes its
 * enrichment along): booked delivered with it, if it is still `waiting` at `version` (the version
 * the handler read). A change since then left it at another version: it is woken (`wake`) and goes
 * as usual, with the new content. Only for `bookTogether` topics.
 */
export interface Along {
  topic: Topic;
  version: number;
  status?: number;
  digest?: string;
}

/**
 * Handles one row; `db` is the worker's (its queries are rationed, see `dbConcurrency`).
 *
 * - `prefetch`: called once per claimed batch with the batch's rows of this topic, before any of
 *   them is handled, so a handler can read what all of them need in one query instead of one
 *   each. (A failed prefetch is logged; the handlers then read for themselves.)
 * - `bookTogether`: its deliveries are booked in one statement at the end of the batch, not each
 *   as it finishes. Only for topics where a repeat is harmless: a worker killed between the send
 *   and the booking sends the batch's rows again once their lease runs out (the Pagos export,
 *   where Pagos answers a repeat 409; never the merchant's webhooks, which are booked at once).
 */
export type Handler = ((row: OutboxRow, db: Queryable) => Promise<HandlerResult>) & {
  prefetch?: (rows: readonly OutboxRow[], db: Queryable) => Promise<void>;
  bookTogether?: boolean;
  /**
   * Housekeeping the topic needs whether or not anything is due (webhooks: deleting old events):
   * run by every worker before a pass, at most once per `SWEEP_EVERY_MS` of its clock. How many
   * rows it removed.
   */
  sweep?: (db: Queryable) => Promise<number>;
};

const SWEEP_EVERY_MS = 10 * 60_000;

export interface WorkerOptions {
  /** How long to sleep when nothing is due. */
  pollMs: number;
  /** Rows claimed (and sent concurrently) at a time. */
  batch: number;
  /**
   * After a batch short of full (the backlog is done), how long to let new rows gather before the
   * next claim (at most `pollMs`). Under load rows arrive all the time: claiming them as they come
   * cost a claim, a read and a booking for every two or three rows; gathered, one of each serves
   * a batch. Rows wait that much longer to go.
   */
  gatherMs: number;
  leaseMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Retrying stops (the row is parked) once it has been failing this long. */
  giveUpMs: number;
  /**
   * How many of the worker's queries may run at once. Its sends overlap freely (they mostly wait
   * on the network), but its queries queue behind each other, never in front of a payment's: on
   * PGlite, one connection serves everything, and a batch of worker queries there would make a
   * buyer's confirm wait (`npm run bench` showed p99 going from 16 to 100 ms with 16 at once).
   */
  dbConcurrency: number;
  /**
   * The worker's clock in ms (tests: simulated time, so an hour-long outage or the 3-day give-up
   * is run through without waiting). Unset, the database's `now()` decides what is due, which keeps
   * many instances with skewed clocks in step.
   */
  now?: () => number;
}

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  pollMs: 500,
  batch: 32,
  gatherMs: 100,
  leaseMs: 60_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 3600_000,
  giveUpMs: 3 * 24 * 3600_000,
  dbConcurrency: 1,
};

/** `db`, with at most `limit` of its queries running at once (the rest wait their turn, in order). */
export function rationed(db: Queryable, limit: number): Queryable {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async query(sql, params) {
      if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      else running += 1;
      try {
        return await db.query(sql, params);
      } finally {
        const next = waiting.shift();
        if (next) next();
        else running -= 1;
      }
    },
  };
}

export interface OutboxWorker {
  /** Looks for due rows now instead of at the next poll. */
  kick(): void;
  /** Resolves when nothing is due or under way (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** The delay before retry number `attempts` (1 for the first retry). */
export function backoffMs(attempts: number, options: Pick<WorkerOptions, 'backoffBaseMs' | 'backoffMaxMs'>, random = Math.random): number {
  const exact = Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** Math.min(attempts - 1, 40));
  return Math.round(exact * (0.8 + 0.4 * random()));
}

/** A stable digest of a JSON body (key order ignored), to tell whether content changed. */
export function digestOf(body: unknown): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]))
        : value;
  return createHash('sha256').update(JSON.stringify(canonical(body))).digest('base64url');
}

export function startOutboxWorker(deps: { db: Db; log: Logger }, handlers: Partial<Record<Topic, Handler>>, options: Partial<WorkerOptions> = {}): OutboxWorker {
  const settings = { ...DEFAULT_WORKER_OPTIONS, ...options };
  const db = rationed(deps.db, settings.dbConcurrency);
  const topics = Object.keys(handlers) as Topic[];
  const log = deps.log.child({ part: 'outbox' });
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let idleWaiters: (() => void)[] = [];

  /** The clock as a query parameter: null means the database's `now()` (see `WorkerOptions.now`). */
  const clock = () => (settings.now ? new Date(settings.now()) : null);
  const NOW = (param: number) => `COALESCE($${param}::timestamptz, now())`;

  // The lease commits asynchronously (ASYNC_COMMIT): if the database crashes and loses it, the
  // worker's connection is gone too, so its booking fails and the row stays due, as when the
  // worker itself dies; a durable lease would only keep the row from the others for its length.
  async function claim(): Promise<OutboxRow[]> {
    return db.query<OutboxRow>(
      `UPDATE outbox o SET locked_until = ${NOW(4)} + make_interval(secs => $3::double precision / 1000)
         FROM (SELECT id FROM outbox
                WHERE status = 'pending' AND run_after <= ${NOW(4)} AND (locked_until IS NULL OR locked_until < ${NOW(4)}) AND topic = ANY($1::text[])
                ORDER BY run_after, id LIMIT $2 FOR UPDATE SKIP LOCKED) due, ${ASYNC_COMMIT}
        WHERE o.id = due.id
        RETURNING o.*`,
      [topics, settings.batch, settings.leaseMs, clock()],
    );
  }

  async function book(row: OutboxRow, result: HandlerResult): Promise<void> {
    // Every booking is for the version that was sent; if it moved on, only the lease is let go.
    const sql = (set: string) =>
      `UPDATE outbox SET ${set}, locked_until = NULL, updated_at = now() WHERE id = $1 AND version = $2 RETURNING id`;
    let booked: unknown[];
    switch (result.kind) {
      case 'delivered':
        booked = await db.query(
          sql(`status = 'delivered', delivered_at = ${NOW(5)}, attempts = 0, failing_since = NULL, last_status = $3, last_error = NULL, sent_digest = COALESCE($4, sent_digest)`),
          [row.id, row.version, result.status ?? null, result.digest ?? null, clock()],
        );
        if (booked.length && result.wake?.length) {
          // A new version, so a handler deciding to wait on this very delivery cannot book that.
          // (Its own statement, run only when there is something to wake: folded into the booking
          // as a CTE, PostgreSQL kept a generic plan for it, made while the outbox was empty, that
          // scanned the whole table on every delivery.)
          await db.query(
            `UPDATE outbox SET status = 'pending', version = version + 1, run_after = now(), updated_at = now()
              WHERE topic = ANY($1::text[]) AND subject = $2 AND status IN ('waiting', 'pending')`,
            [result.wake, row.subject],
          );
        }
        break;
      case 'retry': {
        const failingFor = row.failing_since ? (settings.now?.() ?? Date.now()) - new Date(row.failing_since).getTime() : 0;
        if (failingFor >= settings.giveUpMs) {
          const error = `gave up after ${row.attempts + 1} attempts over ${Math.round(failingFor / 60_000)} minutes; last: ${result.error}`;
          return book(row, { kind: 'park', status: result.status ?? null, error });
        }
        const delay = result.afterMs ?? backoffMs(row.attempts + 1, settings);
        booked = await db.query(
          sql(`attempts = attempts + 1, run_after = ${NOW(6)} + make_interval(secs => $3::double precision / 1000),
               failing_since = COALESCE(failing_since, ${NOW(6)}), last_status = $4, last_error = $5`),
          [row.id, row.version, delay, result.status ?? null, result.error.slice(0, 500), clock()],
        );
        break;
      }
      case 'park':
        booked = await db.query(
          sql(`status = 'parked', attempts = attempts + 1, last_status = $3, last_error = $4`),
          [row.id, row.version, result.status ?? null, result.error.slice(0, 500)],
        );
        if (booked.length) log.warn('outbox work parked: it needs the operator', { topic: row.topic, subject: row.subject, status: result.status ?? null, reason: result.error });
        break;
      case 'wait':
        booked = await db.query(sql(`status = 'waiting', last_error = $3`), [row.id, row.version, result.reason]);
        break;
    }
    if (!booked.length) await db.query(`UPDATE outbox SET locked_until = NULL WHERE id = $1`, [row.id]);
  }

  /**
   * Books many deliveries, and wakes what waited on them, in one statement: the export's two
   * rows per payment would otherwise cost a booking each. A row whose version moved
   * on during its send is only let go, as in `book`. Only `bookTogether` topics come here, whose
   * repeat is harmless, so these commit asynchronously (ASYNC_COMMIT): a booking lost in a crash
   * of the database is a repeat.
   */
  async function bookDelivered(done: { row: OutboxRow; result: Extract<HandlerResult, { kind: 'delivered' }> }[]): Promise<void> {
    if (done.length === 0) return;
    // Booked and woken in one statement, so a crash can never keep the one and lose the other
    // (an enrichment left waiting for a transaction already delivered). Planned for its arrays
    // each time: prepared, PostgreSQL kept a generic plan made while the outbox was small, which
    // scanned it whole, 2 to 3 ms a booking within a minute of load. Rows sent along (`Along`)
    // are booked only with the row they went with, at the version their handler read; the rest of
    // what a delivery wakes is woken. A row woken is never one booked here, nor one booked along
    // (a statement may not change a row twice).
    const along = done.flatMap((d) => (d.result.along ?? []).map((a) => ({ ...a, with: d.row.id })));
    const booked = await db.query<{ id: OutboxRow['id'] }>(
      `${PLAN_EACH_TIME}WITH booked AS (
         UPDATE outbox o SET status = 'delivered', delivered_at = ${NOW(5)}, attempts = 0, failing_since = NULL, last_status = b.status,
                last_error = NULL, sent_digest = COALESCE(b.digest, o.sent_digest), locked_until = NULL, updated_at = now()
           FROM unnest($1::bigint[], $2::integer[], $3::integer[], $4::text[], $6::text[]) AS b(id, version, status, digest, wake), ${ASYNC_COMMIT}
          WHERE o.id = b.id AND o.version = b.version
          RETURNING o.id, o.subject, b.wake
       ), along AS (
         UPDATE outbox a SET status = 'delivered', delivered_at = ${NOW(5)}, attempts = 0, failing_since = NULL, last_status = x.status,
                last_error = NULL, sent_digest = COALESCE(x.digest, a.sent_digest), updated_at = now()
           FROM unnest($7::bigint[], $8::text[], $9::integer[], $10::integer[], $11::text[]) AS x(with_id, topic, version, status, digest)
           JOIN booked ON booked.id = x.with_id
          WHERE a.topic = x.topic AND a.subject = booked.subject AND a.version = x.version AND a.status = 'waiting'
          RETURNING a.id
       ), woken AS (
         UPDATE outbox w SET status = 'pending', version = w.version + 1, run_after = now(), updated_at = now()
           FROM booked
          WHERE booked.wake IS NOT NULL AND w.topic = ANY(string_to_array(booked.wake, ',')) AND w.subject = booked.subject
            AND w.status IN ('waiting', 'pending') AND w.id NOT IN (SELECT id FROM booked) AND w.id NOT IN (SELECT id FROM along)
       )
       SELECT id FROM booked`,
      [
        done.map((d) => d.row.id),
        done.map((d) => d.row.version),
        done.map((d) => d.result.status ?? null),
        done.map((d) => d.result.digest ?? null),
        clock(),
        done.map((d) => (d.result.wake?.length ? d.result.wake.join(',') : null)),
        along.map((a) => a.with),
        along.map((a) => a.topic),
        along.map((a) => a.version),
        along.map((a) => a.status ?? null),
        along.map((a) => a.digest ?? null),
      ],
    );
    const ids = new Set(booked.map((b) => String(b.id)));
    const unbooked = done.filter((d) => !ids.has(String(d.row.id))).map((d) => d.row.id);
    if (unbooked.length) await db.query(`${PLAN_EACH_TIME}UPDATE outbox SET locked_until = NULL FROM ${ASYNC_COMMIT} WHERE id = ANY($1::bigint[])`, [unbooked]);
  }

  /** Runs a row's handler; books its result unless it is a delivery to book with its batch (returned). */
  async function handle(row: OutboxRow): Promise<{ row: OutboxRow; result: Extract<HandlerResult, { kind: 'delivered' }> } | null> {
    const handler = handlers[row.topic]!;
    let result: HandlerResult;
    try {
      result = await handler(row, db);
    } catch (error) {
      log.error('outbox handler failed', { topic: row.topic, subject: row.subject, error });
      result = { kind: 'retry', status: null, error: `internal error: ${String(error)}` };
    }
    if (result.kind === 'retry') log.info('outbox delivery failed; will retry', { topic: row.topic, subject: row.subject, status: result.status ?? null, error: result.error });
    if (result.kind === 'delivered' && handler.bookTogether) return { row, result };
    await book(row, result);
    return null;
  }

  /** Lets each topic's handler read what its rows in the batch need, together. */
  async function prefetch(rows: readonly OutboxRow[]): Promise<void> {
    for (const topic of new Set(rows.map((row) => row.topic))) {
      const handler = handlers[topic]!;
      if (!handler.prefetch) continue;
      try {
        await handler.prefetch(rows.filter((row) => row.topic === topic), db);
      } catch (error) {
        log.warn('outbox prefetch failed; each row reads for itself', { topic, error: String(error) });
      }
    }
  }

  const nextSweep = new Map<Topic, number>();
  /** Each topic's housekeeping, when its turn has come (a failure is logged and tried at the next turn). */
  async function sweep(): Promise<void> {
    const at = settings.now?.() ?? Date.now();
    for (const topic of topics) {
      const handler = handlers[topic]!;
      if (!handler.sweep || (nextSweep.get(topic) ?? 0) > at) continue;
      nextSweep.set(topic, at + SWEEP_EVERY_MS);
      try {
        const removed = await handler.sweep(db);
        if (removed) log.info('outbox sweep removed old rows', { topic, removed });
      } catch (error) {
        log.warn('outbox sweep failed; tried again at its next turn', { topic, error: String(error) });
      }
    }
  }

  /** Claims and handles batches until nothing is due. */
  async function drain(): Promise<void> {
    await sweep();
    do {
      again = false;
      for (;;) {
        if (closed) return;
        const rows = await claim();
        if (rows.length === 0) break;
        await prefetch(rows);
        // One row at a time starts, each after the event loop has had a turn, so the worker's
        // CPU never comes in one burst in front of a buyer's request; the sends still overlap.
        const handled: Promise<Awaited<ReturnType<typeof handle>>>[] = [];
        for (const row of rows) {
          handled.push(handle(row));
          await new Promise((resolve) => setImmediate(resolve));
        }
        const together = (await Promise.all(handled)).filter((done) => done !== null);
        await bookDelivered(together);
        if (rows.length < settings.batch) await gather();
      }
    } while (again && !closed);
  }

  let endGather: (() => void) | null = null;
  /** Waits `gatherMs` (at most `pollMs`), or until `close()`. */
  function gather(): Promise<void> {
    const ms = Math.min(settings.gatherMs, settings.pollMs);
    if (ms <= 0 || closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        endGather = null;
        resolve();
      }
      endGather = done;
    });
  }

  function schedule(delay: number): void {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, delay);
    timer.unref?.();
  }

  function run(): void {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((error: unknown) => log.error('outbox worker pass failed', { error }))
      .finally(() => {
        running = null;
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
        schedule(settings.pollMs);
      });
  }

  schedule(0);
  return {
    kick() {
      if (running) again = true;
      else schedule(0);
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        this.kick();
      });
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      endGather?.();
      await running;
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    },
  };
}
