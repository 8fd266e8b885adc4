/** Answers a mutating request under its Idempotency-Key (server/idempotency.ts): replayed or run once. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AuthEnv } from '../auth.ts';
import { idempotent, type StoredResponse } from '../idempotency.ts';
import type { Deps } from '../payments/service.ts';
import { readRawBody } from '../validation.ts';

export async function respondOnce(
  deps: Pick<Deps, 'db' | 'config'>,
  c: Context<AuthEnv>,
  handler: (raw: string) => Promise<StoredResponse>,
  transform?: Parameters<typeof idempotent>[4],
) {
  const raw = await readRawBody(c);
  const request = { merchantId: c.var.auth.merchantId, key: c.req.header('idempotency-key'), method: c.req.method, path: c.req.path, rawBody: raw };
  const result = await idempotent(deps.db, deps.config.serverSecret, request, () => handler(raw), transform);
  if (result.replayed) c.header('Idempotent-Replayed', 'true');
  return c.json(result.body as object, result.status as ContentfulStatusCode);
}
