/**
 * The soak's payment server, in a process of its own (bench/soak.ts forks it): the same
 * `startStack` as `npm start`, on DATABASE_URL, with every provider pointed at the soak's
 * simulator process by the usual environment variables. Its logs go to stdout (the soak writes
 * them to a file, as a deployment would). Tells the soak its URL and keys over the IPC channel,
 * and on request how late its event loop ran (bench/loop-delay.ts: the outbox worker's work in
 * this process shows up there).
 */
import { startStack } from '../server/stack.ts';
import type { MerchantKeys } from '../server/merchants.ts';
import { answerLoopDelay } from './loop-delay.ts';

// A second instance (--instances) serves the first one's merchant, with its keys.
const merchant = process.env.SOAK_MERCHANT ? (JSON.parse(process.env.SOAK_MERCHANT) as MerchantKeys) : undefined;
const stack = await startStack({ databaseUrl: process.env.DATABASE_URL!, ...(merchant ? { merchant } : {}) });
answerLoopDelay();
process.send!({ payUrl: stack.payUrl, demoUrl: stack.demoUrl, keys: stack.keys, worker: stack.outbox !== null });
process.on('SIGTERM', async () => {
  await stack.close();
  process.exit(0);
});
