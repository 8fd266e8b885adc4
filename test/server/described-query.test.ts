/**
 * Named statements on PostgreSQL are described once per connection (server/storage/described-query.ts):
 * the rows of later runs must come back exactly as the first run's did, and a schema change that
 * alters a statement's columns must fail loudly, never parse rows with a stale description.
 * Needs DATABASE_URL (PGlite has no pg driver underneath); the CI runs it on PostgreSQL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openDb, type Db } from '../../server/storage/db.ts';
import { testSchema } from './helpers.ts';

const databaseUrl = process.env.DATABASE_URL;
const skip = databaseUrl ? false : 'needs DATABASE_URL (run with bash scripts/with-postgres.sh)';

describe('statements described once per connection', { skip }, () => {
  let db: Db;
  before(async () => {
    // One connection, so every run after the first uses the kept description.
    db = await openDb({ url: databaseUrl!, schema: testSchema(), poolSize: 1 });
    await db.query(`CREATE TABLE described (id text PRIMARY KEY, amount bigint, at timestamptz, data jsonb, tags text[], note text)`);
  });
  after(() => db?.close());

  it('parses every run\'s rows as the first run did: names, int8, timestamps, jsonb, arrays, nulls', async () => {
    const insert = `INSERT INTO described (id, amount, at, data, tags, note) VALUES ($1, $2, $3, $4::jsonb, $5, $6) RETURNING *`;
    const at = new Date('2026-01-02T03:04:05.678Z');
    const rows = [];
    // Counts the Describe messages pg sends (the one part of the driver watched, not replaced).
    const connection = pg.Connection.prototype as unknown as { describe(this: unknown, ...args: unknown[]): void };
    const describe = connection.describe;
    let described = 0;
    connection.describe = function (...args) {
      described += 1;
      return describe.apply(this, args);
    };
    try {
      for (let i = 0; i < 5; i++) rows.push((await db.query(insert, [`d${i}`, 1500 + i, at, JSON.stringify({ i }), ['a', `b${i}`], i % 2 ? null : 'x']))[0]);
    } finally {
      connection.describe = describe;
    }
    assert.equal(described, 1, 'only the first run asks PostgreSQL to describe the result');
    rows.forEach((row, i) => assert.deepEqual(row, { id: `d${i}`, amount: 1500 + i, at, data: { i }, tags: ['a', `b${i}`], note: i % 2 ? null : 'x' }));
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await db.query(`SELECT id, amount FROM described WHERE amount >= $1 ORDER BY id`, [1503]), [{ id: 'd3', amount: 1503 }, { id: 'd4', amount: 1504 }]);
    }
  });

  it('runs statements without result columns, and ones that fail, and goes on', async () => {
    for (let i = 0; i < 3; i++) assert.deepEqual(await db.query(`UPDATE described SET note = $2 WHERE id = $1`, ['d0', `n${i}`]), []);
    for (let i = 0; i < 3; i++) {
      await assert.rejects(db.query(`INSERT INTO described (id) VALUES ($1) RETURNING id`, ['d0']), /duplicate key/);
      assert.deepEqual(await db.query(`INSERT INTO described (id) VALUES ($1) RETURNING id`, [`e${i}`]), [{ id: `e${i}` }]);
    }
    assert.deepEqual(await db.query(`SELECT note FROM described WHERE id = $1`, ['d0']), [{ note: 'n2' }]);
    await db.transaction(async (tx) => {
      assert.deepEqual(await tx.query(`SELECT id, amount FROM described WHERE amount >= $1 ORDER BY id`, [1504]), [{ id: 'd4', amount: 1504 }]);
    });
  });

  it('refuses a statement whose columns a schema change altered, instead of answering in the old shape', async () => {
    const read = `SELECT * FROM described WHERE id = $1`;
    for (let i = 0; i < 2; i++) assert.equal((await db.query<{ amount: number }>(read, ['d1']))[0]!.amount, 1501);
    await db.query(`ALTER TABLE described ALTER COLUMN amount TYPE text`);
    await assert.rejects(db.query(read, ['d1']), /cached plan must not change result type/);
  });
});
