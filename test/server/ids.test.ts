/**
 * Ids (server/crypto.ts newId): the time they were made, then random characters, so that ids
 * made later sort later, in JavaScript and in the database's own collation (PGlite, and
 * PostgreSQL with DATABASE_URL), which is what puts a new row at the right-hand edge of an index.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { newId } from '../../server/crypto.ts';
import type { Db } from '../../server/storage/db.ts';
import { openTestDb } from './helpers.ts';

/** `count` ids of `prefix`, each made in a later millisecond than the one before. */
function idsOverTime(prefix: string, count: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const started = Date.now();
    while (Date.now() === started) {
      // wait for the next millisecond
    }
    ids.push(newId(prefix));
  }
  return ids;
}

/** The same ids in an order that is certainly not the one they were made in. */
function shuffled(ids: string[]): string[] {
  const copy = [...ids].reverse();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomBytes(1)[0]! % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('ids', () => {
  it('are the prefix, nine base-36 digits of time and random base62 characters', () => {
    const before = Date.now();
    const id = newId('pay');
    assert.match(id, /^pay_[0-9a-z]{9}[0-9A-Za-z]{15}$/);
    const made = parseInt(id.slice(4, 13), 36);
    assert.ok(made >= before && made <= Date.now(), `the time in ${id} is when it was made`);
    assert.match(newId('mer', 16), /^mer_[0-9a-z]{9}[0-9A-Za-z]{7}$/);
  });

  it('made in the same millisecond still differ', () => {
    const ids = Array.from({ length: 1000 }, () => newId('cs'));
    assert.equal(new Set(ids).size, ids.length);
  });

  it('made later sort later, by code unit and under a language\'s collation', () => {
    const ids = idsOverTime('pay', 40);
    assert.deepEqual([...shuffled(ids)].sort(), ids);
    assert.deepEqual([...shuffled(ids)].sort(new Intl.Collator('en-US').compare), ids);
  });

  describe('in the database', () => {
    let db: Db;
    before(async () => {
      db = await openTestDb();
      await db.query(`CREATE TABLE made (id text PRIMARY KEY)`);
    });
    after(() => db?.close());

    it('made later sort later in the database\'s collation, by its primary key index too', async () => {
      const ids = idsOverTime('cs', 40);
      await db.query(`INSERT INTO made (id) SELECT unnest($1::text[])`, [shuffled(ids)]);
      const sorted = await db.query<{ id: string }>(`SELECT id FROM made ORDER BY id`);
      assert.deepEqual(sorted.map((r) => r.id), ids);
      // Read through the index, as the index itself orders them.
      const indexed = await db.transaction(async (tx) => {
        await tx.query(`SET LOCAL enable_seqscan = off`);
        await tx.query(`SET LOCAL enable_sort = off`);
        return tx.query<{ id: string }>(`SELECT id FROM made WHERE id > '' ORDER BY id`);
      });
      assert.deepEqual(indexed.map((r) => r.id), ids);
    });
  });
});
