/**
 * One SQL dialect (PostgreSQL), two engines: PGlite embedded by default, a real PostgreSQL
 * server when DATABASE_URL is set. Everything above this module sees only `Db`.
 */
import { mkdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describedQueryClass } from './described-query.ts';

export interface Queryable {
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** `postgres://…` for a PostgreSQL server; absent for PGlite. */
  url?: string;
  /** PGlite data folder; absent for an in-memory database. */
  dataDir?: string;
  /** A schema to create and work in (tests use one per file on a shared server). */
  schema?: string;
  /** Connection pool size for PostgreSQL. */
  poolSize?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openDb(options: DbOptions = {}): Promise<Db> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new Error(`invalid schema name: ${options.schema}`);
  }
  const db = options.url ? await openPostgres(options) : await openPglite(options);
  await migrate(db);
  return db;
}

async function openPglite(options: DbOptions): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pg = new PGlite(options.dataDir);
  await pg.waitReady;
  if (options.schema) {
    await pg.exec(`CREATE SCHEMA IF NOT EXISTS ${options.schema}; SET search_path TO ${options.schema}`);
  }
  return {
    kind: 'pglite',
    async query(sql, params) {
      return (await pg.query(sql, params)).rows as never;
    },
    // PGlite has one connection; its transaction() queues other work until this one ends.
    transaction(fn) {
      return pg.transaction((tx) => fn({ query: async (sql, params) => (await tx.query(sql, params)).rows as never }));
    },
    close: () => pg.close(),
  };
}

async function openPostgres(options: DbOptions): Promise<Db> {
  const { default: pg } = await import('pg');
  // int8 (money in minor units, counts) as a JS number: Paykit amounts stay within safe integers.
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
  };
  if (options.schema) {
    const admin = new pg.Client({ connectionString: options.url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    await admin.end();
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // Connections stay open once made (pg's default closes one idle for 10 s). Under load a burst
    // then reopened them: a backend forked, its caches empty, every named statement parsed and
    // described again, all while a payment waited, and at the moment the server was busiest.
    idleTimeoutMillis: 0,
    types,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on the next checkout.
  });
  const prepared = preparedStatements();
  const DescribedQuery = describedQueryClass(pg);
  /** A named statement is described once per connection (described-query.ts); others as pg does. */
  type Runner = { query(query: object, callback: (error: Error | undefined, result: { rows: unknown[] }) => void): unknown };
  const run = <T>(on: Runner, sql: string, params?: unknown[]) =>
    new Promise<T[]>((resolve, reject) => {
      const config = prepared(sql, params);
      on.query(config.name ? new DescribedQuery(config) : config, (error, result) => (error ? reject(error) : resolve(result.rows as T[])));
    });
  return {
    kind: 'postgres',
    query: (sql, params) => run(pool as unknown as Runner, sql, params),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (sql, params) => run(client as unknown as Runner, sql, params) });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Starts a statement that is never prepared: PostgreSQL plans it for its values every time. For
 * statements whose best plan depends on an array's length or on how big a table has grown, where
 * a generic plan, made once for any values (and maybe while the table was empty), can scan the
 * table for ever: the outbox worker's batch bookings. It costs a plan per run, so keep it to
 * statements that run once per batch, not once per payment.
 */
export const PLAN_EACH_TIME = '/* plan each time */ ';

/**
 * A FROM item that makes the statement's transaction commit without waiting for its WAL to
 * reach the disk (`synchronous_commit = off` for that transaction only; the same in PGlite).
 * A crash of the database can then lose its last fraction of a second of these, never corrupt
 * anything. Only for bookkeeping that is safe to lose that way: the outbox worker's leases and
 * its Pagos export bookings (a lost booking sends the export again, and Pagos answers a repeat
 * with 409). Durable commits cost a disk flush each, and this machine's flush took about a
 * millisecond under load. Joined in (`FROM …, ASYNC_COMMIT`), it runs once when the statement
 * touches a row; one that touches none writes nothing to commit.
 */
export const ASYNC_COMMIT = `(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`;

/**
 * Statements sent as named prepared statements: each connection parses and plans a statement
 * once, then only binds and runs it. Under sustained load the parsing and planning of every
 * statement, not running it, was most of PostgreSQL's work (a payment's statements are few and
 * always the same).
 *
 * After five runs PostgreSQL may keep one generic plan for a statement, made for any values. A
 * statement two indexes could serve then needs care: made while `checkout_sessions` was small
 * (never analyzed), the plan for `id = $1 AND merchant_id = $2` took the (merchant_id,
 * created_at) index, and each lookup grew to a scan of the merchant's sessions (1.2 ms at 200
 * payments/s) until autovacuum analyzed the table and the plan was made again. The payment path
 * reads a merchant's row by its primary key alone and compares the merchant in code
 * (payments/service.ts). Planning every statement anew (`plan_cache_mode=force_custom_plan`)
 * avoids the question but nearly doubled PostgreSQL's CPU at 100 payments/s. Only the first `limit` distinct texts get a name, so SQL built with values
 * in its text cannot grow every connection's cache without bound; the rest go unnamed as before.
 * Migrations run before anything else, so no prepared plan outlives a change of its tables.
 */
export function preparedStatements(limit = 500): (sql: string, params?: unknown[]) => { name?: string; text: string; values?: unknown[] } {
  const names = new Map<string, string>();
  return (sql, params) => {
    let name = names.get(sql);
    // Statements without parameters (DDL in migrations, BEGIN) are run once or cost nothing to
    // plan; those marked PLAN_EACH_TIME are planned for their values at every run.
    if (name === undefined && params?.length && names.size < limit && !sql.startsWith(PLAN_EACH_TIME)) {
      name = `paykit_${names.size}`;
      names.set(sql, name);
    }
    return { ...(name ? { name } : {}), text: sql, values: params as unknown[] | undefined };
  };
}

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Applies every `migrations/NNN_name.sql` not yet recorded, in order, each in its own
 * transaction. An advisory lock keeps several instances starting at once from racing.
 */
export async function migrate(db: Db): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7411001)');
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await tx.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
      applied.push(file);
    }
  });
  return applied;
}

/** Splits a migration file on semicolons at the end of a line (our migrations keep to that). */
function splitStatements(sql: string): string[] {
  return sql
    .replace(/^\s*--.*$/gm, '')
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter(Boolean);
}
