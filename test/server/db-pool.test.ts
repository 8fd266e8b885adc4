/**
 * The PostgreSQL pool (server/storage/db.ts) keeps its connections once made: a connection idle
 * for a while is still the same backend afterwards (pg's default closed it after 10 s, and the
 * next burst of payments forked a new one). PostgreSQL only (DATABASE_URL); PGlite has no pool.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDb, type Db } from '../../server/storage/db.ts';
import { testSchema } from './helpers.ts';

const url = process.env.DATABASE_URL;

describe('the PostgreSQL pool', { skip: url ? false : 'PostgreSQL only: set DATABASE_URL' }, () => {
  let db: Db;
  before(async () => {
    db = await openDb({ url: url!, poolSize: 3, schema: testSchema() });
  });
  after(() => db?.close());

  /** Three statements at once, so three connections: the backends that ran them. */
  const backends = async () => {
    const rows = await Promise.all(
      [0, 1, 2].map(() => db.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid, pg_sleep(0.1)`)),
    );
    return new Set(rows.map(([row]) => row!.pid));
  };

  it('keeps idle connections open: the same backends after 11 s idle', async () => {
    const first = await backends();
    assert.equal(first.size, 3, 'three statements at once ran on three connections');
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    assert.deepEqual(await backends(), first);
  });
});
