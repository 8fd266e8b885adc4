/**
 * ASYNC_COMMIT (server/storage/db.ts): a statement that joins it commits its own transaction
 * without waiting for the disk, and only its own; the next statement on the same connection
 * commits durably again. Runs on PGlite, and on PostgreSQL with DATABASE_URL (one connection, so
 * the statements after it are seen on the very connection it ran on).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ASYNC_COMMIT, type Db } from '../../server/storage/db.ts';
import { openTestDb } from './helpers.ts';

describe('ASYNC_COMMIT', () => {
  let db: Db;
  before(async () => {
    db = await openTestDb();
    await db.query(`CREATE TABLE counted (id int PRIMARY KEY, n int NOT NULL)`);
    await db.query(`INSERT INTO counted VALUES (1, 0)`);
    // Durable, as production runs (the tests' throwaway PostgreSQL turns it off server-wide).
    await db.query(`SET synchronous_commit = on`);
  });
  after(() => db?.close());

  const setting = async (q: Db | Parameters<Parameters<Db['transaction']>[0]>[0]) =>
    (await q.query<{ synchronous_commit: string }>(`SHOW synchronous_commit`))[0]!.synchronous_commit;

  it('turns synchronous commit off for its statement\'s transaction, and for no other', async () => {
    assert.equal(await setting(db), 'on', 'the connection commits durably to begin with');
    await db.transaction(async (tx) => {
      const rows = await tx.query<{ n: number }>(`UPDATE counted SET n = n + 1 FROM ${ASYNC_COMMIT} WHERE id = $1 RETURNING n`, [1]);
      assert.deepEqual(rows, [{ n: 1 }], 'the statement does its work');
      assert.equal(await setting(tx), 'off', 'within its transaction');
    });
    // Alone (its own implicit transaction), then the next statement on the connection.
    assert.deepEqual(await db.query(`UPDATE counted SET n = n + 1 FROM ${ASYNC_COMMIT} WHERE id = $1 RETURNING n`, [1]), [{ n: 2 }]);
    assert.equal(await setting(db), 'on', 'the next transaction commits durably again');
    assert.deepEqual(await db.query(`SELECT n FROM counted WHERE id = 1`), [{ n: 2 }]);
  });
});
