/**
 * `npm run soak -- --history N`: the database a deployment has after months of payments, before
 * the load begins. A soak on empty tables measures a young database: every table crosses
 * autovacuum's thresholds (a fifth of the table changed) about once a minute as it grows from
 * nothing, and every index fits in a few pages. A deployment's tables are large and vacuumed long
 * ago: they cross those thresholds less often, and each vacuum or ANALYZE then reads more.
 *
 * The history copies one real payment, made through the API a moment before (its session,
 * payment, events and outbox rows, as Paykit wrote them), N times: ids that begin with their
 * time (server/crypto.ts newId) spread evenly over the `days` before now, their exports booked
 * delivered. Columns are copied by name from the template rows, so a column added by a later
 * migration is copied too. Then VACUUM ANALYZE and a CHECKPOINT, as a database that has run for
 * months has had.
 */
import type pg from 'pg';

/** Each table a card payment writes, the template's rows in it, and what changes in each copy. */
const TABLES: { table: string; where: string; set: string }[] = [
  {
    table: 'checkout_sessions',
    where: 'x.id = $1',
    set: `'id', 'cs_' || h.tail, 'created_at', h.at, 'updated_at', h.at, 'expires_at', h.at + interval '1 day'`,
  },
  {
    table: 'payments',
    where: 'x.session_id = $1',
    set: `'id', 'pay_' || h.tail, 'session_id', 'cs_' || h.tail, 'provider_reference', x.provider_reference || '-' || h.i, 'created_at', h.at, 'updated_at', h.at`,
  },
  {
    table: 'payment_events',
    where: 'x.payment_id IN (SELECT id FROM payments WHERE session_id = $1)',
    set: `'payment_id', 'pay_' || h.tail, 'created_at', h.at`,
  },
  {
    table: 'outbox',
    where: 'x.subject IN (SELECT id FROM payments WHERE session_id = $1)',
    set: `'subject', 'pay_' || h.tail, 'status', 'delivered', 'attempts', 0, 'locked_until', null, 'run_after', h.at, 'created_at', h.at, 'updated_at', h.at, 'delivered_at', h.at`,
  },
];

/** Nine base-36 digits of a time in milliseconds, as newId writes them. */
const BASE36 = `CREATE FUNCTION pg_temp.base36(t bigint) RETURNS text IMMUTABLE LANGUAGE sql AS $$
  SELECT string_agg(substr('0123456789abcdefghijklmnopqrstuvwxyz', ((t / (36::bigint ^ k)::bigint) % 36)::int + 1, 1), '' ORDER BY k DESC)
    FROM generate_series(0, 8) AS k
$$`;

export async function writeHistory(client: pg.Client, templateSessionId: string, count: number, days = 90): Promise<void> {
  await client.query('BEGIN');
  try {
    // Bookkeeping of a test database: nothing is lost that a crash would matter for.
    await client.query('SET LOCAL synchronous_commit = off');
    await client.query(BASE36);
    // Rows in time order, as they were written; the random part of each id from its number.
    await client.query(
      `CREATE TEMP TABLE history ON COMMIT DROP AS
         SELECT i, at, pg_temp.base36((extract(epoch FROM at) * 1000)::bigint) || substr(md5(i::text), 1, 15) AS tail
           FROM (SELECT i, now() - ($2::float8 * 86400 * ($1 - i + 1) / $1) * interval '1 second' AS at
                   FROM generate_series(1, $1::int) AS i) AS g`,
      [count, days],
    );
    for (const { table, where, set } of TABLES) {
      const { rows } = await client.query<{ name: string; generated: boolean }>(
        `SELECT column_name AS name, column_default LIKE 'nextval(%' AS generated FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
        [table],
      );
      // Serial ids come from their sequence, as Paykit's inserts take them.
      const columns = rows.filter((column) => !column.generated).map((column) => `"${column.name}"`);
      await client.query(
        `INSERT INTO ${table} (${columns.join(', ')})
           SELECT ${columns.map((column) => `(r).${column}`).join(', ')}
             FROM (SELECT jsonb_populate_record(NULL::${table}, to_jsonb(x) || jsonb_build_object(${set})) AS r
                     FROM history h, ${table} x WHERE ${where} ORDER BY h.i) AS copies`,
        [templateSessionId],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  for (const { table } of TABLES) await client.query(`VACUUM ANALYZE ${table}`);
  await client.query('CHECKPOINT');
}
