/**
 * The outbox worker on the real database (PGlite, or PostgreSQL with DATABASE_URL), with handlers
 * of the test's own: a change during a send is sent again, several workers never handle a row
 * twice, a delivery wakes the rows waiting for it or takes them along.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, useTestStack } from './helpers.ts';
import { enqueue, type OutboxRow, type Topic } from '../../server/outbox/queue.ts';
import { startOutboxWorker, type Handler, type HandlerResult } from '../../server/outbox/worker.ts';

const t = useTestStack({ outbox: false });
const FAST = { pollMs: 10, backoffBaseMs: 10, backoffMaxMs: 50 };
let counter = 0;
const subject = () => `pay_outboxtest${(counter += 1)}`;
const rowOf = async (topic: Topic, id: string) =>
  (await t.stack.db.query<OutboxRow>(`SELECT * FROM outbox WHERE topic = $1 AND subject = $2`, [topic, id]))[0]!;
const worker = (handlers: Partial<Record<Topic, Handler>>) => startOutboxWorker({ db: t.stack.db, log: t.stack.log }, handlers, FAST);

describe('outbox worker', () => {
  it('a change while its row is being sent: the send is not booked, and the new version goes too', async () => {
    const id = subject();
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const sent: number[] = [];
    const running = worker({
      'pagos.transaction': async (row) => {
        if (row.subject !== id) return { kind: 'delivered' };
        sent.push(row.version);
        if (sent.length === 1) await blocked;
        return { kind: 'delivered', status: 200 };
      },
    });
    try {
      await enqueue(t.stack.db, ['pagos.transaction'], id, t.stack.keys.merchantId);
      await eventually(async () => sent.length === 1);
      await enqueue(t.stack.db, ['pagos.transaction'], id, t.stack.keys.merchantId);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(sent, [1], 'no second send while the first holds the lease');
      release();
      await eventually(async () => (await rowOf('pagos.transaction', id)).status === 'delivered' && sent.length === 2);
      assert.deepEqual(sent, [1, 2]);
      assert.equal((await rowOf('pagos.transaction', id)).version, 2);
    } finally {
      await running.close();
    }
  });

  it('three workers share 60 rows: each handled exactly once', async () => {
    const ids = Array.from({ length: 60 }, subject);
    const seen = new Map<string, number>();
    const handler: Handler = async (row) => {
      if (!ids.includes(row.subject)) return { kind: 'delivered' };
      seen.set(row.subject, (seen.get(row.subject) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 2));
      return { kind: 'delivered', status: 200 };
    };
    for (const id of ids) await enqueue(t.stack.db, ['pagos.transaction'], id, t.stack.keys.merchantId);
    const workers = [worker({ 'pagos.transaction': handler }), worker({ 'pagos.transaction': handler }), worker({ 'pagos.transaction': handler })];
    try {
      await eventually(async () => seen.size === 60, 10_000);
      await Promise.all(workers.map((w) => w.idle()));
      assert.deepEqual([...new Set(seen.values())], [1]);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  });

  it('a row waiting on another is woken by its delivery, even when it decided to wait during that delivery', async () => {
    const id = subject();
    let transactionDone = false;
    const order: string[] = [];
    const running = worker({
      'pagos.transaction': async (row): Promise<HandlerResult> => {
        if (row.subject !== id) return { kind: 'delivered' };
        await new Promise((resolve) => setTimeout(resolve, 30));
        transactionDone = true;
        order.push('transaction');
        return { kind: 'delivered', status: 200, wake: ['pagos.enrichment'] };
      },
      'pagos.enrichment': async (row): Promise<HandlerResult> => {
        if (row.subject !== id) return { kind: 'delivered' };
        if (!transactionDone) {
          // Decides to wait while the transaction is still on its way, and books it late.
          await new Promise((resolve) => setTimeout(resolve, 60));
          return { kind: 'wait', reason: 'waiting for its transaction' };
        }
        order.push('enrichment');
        return { kind: 'delivered', status: 201 };
      },
    });
    try {
      await enqueue(t.stack.db, ['pagos.transaction', 'pagos.enrichment'], id, t.stack.keys.merchantId);
      await eventually(async () => (await rowOf('pagos.enrichment', id)).status === 'delivered', 5000);
      assert.deepEqual(order, ['transaction', 'enrichment']);
    } finally {
      await running.close();
    }
  });

  it('batched topics: one prefetch for the batch, deliveries booked together, a change during the batch sent again, waiting rows woken', async () => {
    const ids = Array.from({ length: 5 }, subject);
    const [changed, waker] = [ids[1]!, ids[3]!];
    const prefetched: string[][] = [];
    const sent: string[] = [];
    const transaction: Handler = async (row) => {
      if (!ids.includes(row.subject)) return { kind: 'delivered' };
      sent.push(`${row.subject}@${row.version}`);
      // Changed while its batch is sent: this booking must not hold, the new version goes too.
      if (row.subject === changed && row.version === 1) await enqueue(t.stack.db, ['pagos.transaction'], changed, t.stack.keys.merchantId);
      return { kind: 'delivered', status: 200, digest: `d-${row.version}`, ...(row.subject === waker ? { wake: ['pagos.enrichment'] as const } : {}) };
    };
    transaction.prefetch = async (rows) => {
      const ours = rows.map((row) => row.subject).filter((id) => ids.includes(id));
      if (ours.length) prefetched.push(ours);
    };
    transaction.bookTogether = true;
    const enriched: string[] = [];
    const enrichment: Handler = async (row) => {
      if (row.subject === waker) enriched.push(row.subject);
      return { kind: 'delivered', status: 201 };
    };
    for (const id of ids) await enqueue(t.stack.db, id === waker ? ['pagos.transaction', 'pagos.enrichment'] : ['pagos.transaction'], id, t.stack.keys.merchantId);
    assert.equal((await rowOf('pagos.enrichment', waker)).status, 'waiting');
    const running = worker({ 'pagos.transaction': transaction, 'pagos.enrichment': enrichment });
    try {
      await eventually(async () => enriched.length === 1 && (await rowOf('pagos.transaction', changed)).version === 2 && (await rowOf('pagos.transaction', changed)).status === 'delivered');
      await running.idle();
      assert.deepEqual(prefetched[0], ids, 'the first batch read all five rows at once');
      assert.deepEqual(sent.sort(), [...ids.map((id) => `${id}@1`), `${changed}@2`].sort());
      for (const id of ids) {
        const row = await rowOf('pagos.transaction', id);
        assert.equal(row.status, 'delivered', id);
        assert.equal(row.locked_until, null, `${id}: its lease let go`);
        assert.equal(row.last_status, 200);
        assert.equal(row.sent_digest, `d-${row.version}`);
      }
      assert.equal((await rowOf('pagos.enrichment', waker)).status, 'delivered');
    } finally {
      await running.close();
    }
  });

  it('a row taken along is booked with the delivery it went with; one changed since its handler read it is woken and goes again', async () => {
    const [kept, changed] = [subject(), subject()];
    const enriched: string[] = [];
    const transaction: Handler = async (row) => {
      if (row.subject !== kept && row.subject !== changed) return { kind: 'delivered' };
      const { version } = await rowOf('pagos.enrichment', row.subject);
      // A change that leaves the enrichment waiting, made after its version was read.
      if (row.subject === changed) await t.stack.db.query(`UPDATE outbox SET version = version + 1 WHERE topic = 'pagos.enrichment' AND subject = $1`, [changed]);
      return { kind: 'delivered', status: 200, wake: ['pagos.enrichment'], along: [{ topic: 'pagos.enrichment', version, status: 201, digest: `along-${version}` }] };
    };
    transaction.bookTogether = true;
    const enrichment: Handler = async (row) => {
      enriched.push(`${row.subject}@${row.version}`);
      return { kind: 'delivered', status: 202 };
    };
    enrichment.bookTogether = true;
    for (const id of [kept, changed]) await enqueue(t.stack.db, ['pagos.transaction', 'pagos.enrichment'], id, t.stack.keys.merchantId);
    const running = worker({ 'pagos.transaction': transaction, 'pagos.enrichment': enrichment });
    try {
      await eventually(async () => (await rowOf('pagos.enrichment', changed)).status === 'delivered');
      await running.idle();
      const along = await rowOf('pagos.enrichment', kept);
      assert.deepEqual([along.status, along.version, along.last_status, along.sent_digest, along.locked_until], ['delivered', 1, 201, 'along-1', null]);
      // The changed one: version 2 by the change, 3 by the wake; sent by its own handler.
      assert.deepEqual(enriched, [`${changed}@3`]);
      const woken = await rowOf('pagos.enrichment', changed);
      assert.deepEqual([woken.status, woken.version, woken.last_status], ['delivered', 3, 202]);
    } finally {
      await running.close();
    }
  });

  it('a handler that throws is retried, with the error kept for the operator', async () => {
    const id = subject();
    let calls = 0;
    const running = worker({
      'pagos.transaction': async (row) => {
        if (row.subject !== id) return { kind: 'delivered' };
        calls += 1;
        if (calls === 1) throw new Error('boom');
        return { kind: 'delivered', status: 200 };
      },
    });
    try {
      await enqueue(t.stack.db, ['pagos.transaction'], id, t.stack.keys.merchantId);
      await eventually(async () => (await rowOf('pagos.transaction', id)).status === 'delivered');
      assert.equal(calls, 2);
      assert.ok(t.stack.log.lines!.some((line) => line.includes('outbox handler failed') && line.includes('boom')));
    } finally {
      await running.close();
    }
  });
});
