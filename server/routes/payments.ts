/** `/v1/payments` (secret key): the normalized payment. */
import { Hono } from 'hono';
import { requireSecretKey, type AuthEnv } from '../auth.ts';
import { notFound } from '../errors.ts';
import { loadPayment, type Deps } from '../payments/service.ts';
import { merchantPayment } from '../payments/rows.ts';

export function paymentRoutes(deps: Deps) {
  const app = new Hono<AuthEnv>();
  app.get('/:id', requireSecretKey(deps.db), async (c) => {
    const payment = await loadPayment(deps.db, c.req.param('id'), c.var.auth.merchantId);
    if (!payment) throw notFound('payment', 'id');
    return c.json(merchantPayment(payment));
  });
  return app;
}
