/**
 * `/v1/pagos/exports` (secret key): the Pagos export as the operator sees it: every delivery with
 * its state and last answer (a parked one says why), and a way to send parked ones again once the
 * cause is fixed (a wrong key, say).
 */
import { Hono } from 'hono';
import { exportSearchSchema } from '../../contract/api.ts';
import { requireSecretKey, type AuthEnv } from '../auth.ts';
import type { Deps } from '../payments/service.ts';
import { parseQuery } from '../validation.ts';
import { exportView, listExports, retryExports } from '../pagos/api.ts';
import { respondOnce } from './once.ts';

export function exportRoutes(deps: Deps) {
  const app = new Hono<AuthEnv>();
  app.use('*', requireSecretKey(deps.db));

  app.get('/', async (c) => c.json(await listExports(deps, c.var.auth.merchantId, parseQuery(c.req.query(), exportSearchSchema))));

  /** Every parked delivery of the merchant's, due again now. */
  app.post('/retry', (c) =>
    respondOnce(deps, c, async () => {
      const rows = await retryExports(deps, c.var.auth.merchantId);
      return { status: 200, body: { object: 'list', retried: rows.length, data: rows.map(exportView) } };
    }),
  );

  app.post('/:id/retry', (c) =>
    respondOnce(deps, c, async () => {
      const [row] = await retryExports(deps, c.var.auth.merchantId, c.req.param('id'));
      return { status: 200, body: exportView(row!) };
    }),
  );

  return app;
}
