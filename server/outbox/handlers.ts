/**
 * Every topic the outbox delivers, in one place, so the API process (server/stack.ts) and a
 * worker of its own (server/worker.ts) send exactly the same things: merchant webhooks always,
 * the Pagos export when it is configured.
 */
import type { Handler } from './worker.ts';
import type { Topic } from './queue.ts';
import { pagosHandlers, type PagosConfig } from '../pagos/export.ts';
import { webhookHandlers } from '../webhooks/deliver.ts';

export interface OutboxHandlerOptions {
  serverSecret: string;
  publicUrl: string;
  pagos: PagosConfig | null;
  /** How long a merchant's endpoint has to answer (10 s). */
  webhookTimeoutMs?: number;
  /** The clock the webhook signatures and rotation expiries read (tests move it). */
  now?: () => number;
}

export function outboxHandlers(options: OutboxHandlerOptions): Partial<Record<Topic, Handler>> {
  return {
    ...webhookHandlers({
      serverSecret: options.serverSecret,
      publicUrl: options.publicUrl,
      ...(options.webhookTimeoutMs ? { timeoutMs: options.webhookTimeoutMs } : {}),
      ...(options.now ? { now: options.now } : {}),
    }),
    ...(options.pagos ? pagosHandlers({ pagos: options.pagos }) : {}),
  };
}
