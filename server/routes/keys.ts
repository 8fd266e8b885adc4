/** `/v1/publishable_keys` (secret key): which origins may embed the checkout with each key. */
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { forgetKey, requireSecretKey, type AuthEnv } from '../auth.ts';
import { notFound } from '../errors.ts';
import type { Deps } from '../payments/service.ts';
import { parseJsonBody } from '../validation.ts';
import { respondOnce } from './once.ts';

const originSchema = z.string().check(z.regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be an origin such as https://shop.example'));
const updateSchema = z.strictObject({ allowed_origins: z.array(originSchema).check(z.maxLength(50)) });

export function keyRoutes(deps: Deps) {
  const app = new Hono<AuthEnv>();
  app.use('*', requireSecretKey(deps.db));

  app.get('/', async (c) => {
    const rows = await deps.db.query<{ publishable_key: string; mode: string; allowed_origins: string[] }>(
      `SELECT publishable_key, mode, allowed_origins FROM api_keys WHERE merchant_id = $1 AND type = 'publishable' AND revoked_at IS NULL ORDER BY created_at`,
      [c.var.auth.merchantId],
    );
    return c.json({ object: 'list', data: rows.map((row) => ({ object: 'publishable_key', key: row.publishable_key, livemode: row.mode === 'live', allowed_origins: row.allowed_origins })) });
  });

  app.post('/:key', (c) => respondOnce(deps, c, async (raw) => {
    const input = parseJsonBody(raw, updateSchema);
    const rows = await deps.db.query<{ publishable_key: string; allowed_origins: string[] }>(
      `UPDATE api_keys SET allowed_origins = $3 WHERE publishable_key = $1 AND merchant_id = $2 AND revoked_at IS NULL
       RETURNING publishable_key, allowed_origins`,
      [c.req.param('key'), c.var.auth.merchantId, [...new Set(input.allowed_origins)]],
    );
    if (!rows[0]) throw notFound('publishable key', 'key');
    forgetKey(deps.db, rows[0].publishable_key);
    return { status: 200, body: { object: 'publishable_key', key: rows[0].publishable_key, allowed_origins: rows[0].allowed_origins } };
  }));
  return app;
}
