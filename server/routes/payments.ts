/**
 * `/v1/payments` (secret key): the normalized payment, search, and the merchant's money
 * movements — capture, void, refunds — and the labels it has in Pagos (enrichment), each
 * idempotent with `Idempotency-Key`.
 */
import { Hono } from 'hono';
import { captureSchema, enrichmentSchema, paymentSearchSchema, refundSchema, voidSchema } from '../../contract/api.ts';
import { requireSecretKey, type AuthEnv } from '../auth.ts';
import { notFound } from '../errors.ts';
import { capturePayment, listRefunds, refundPayment, refundView, voidPayment } from '../payments/money.ts';
import { searchPayments } from '../payments/search.ts';
import { loadPayment, type Deps } from '../payments/service.ts';
import { merchantPayment } from '../payments/rows.ts';
import { parseJsonBody, parseOptionalJsonBody, parseQuery } from '../validation.ts';
import { respondOnce } from './once.ts';
import { enrichPayment } from '../pagos/api.ts';

const PAYMENT_ID = /^pay_[A-Za-z0-9]{1,64}$/;

export function paymentRoutes(deps: Deps) {
  const app = new Hono<AuthEnv>();
  app.use('*', requireSecretKey(deps.db));
  const idOf = (id: string) => {
    if (!PAYMENT_ID.test(id)) throw notFound('payment', 'id');
    return id;
  };

  app.get('/', async (c) => {
    const query = parseQuery(c.req.query(), paymentSearchSchema);
    return c.json(await searchPayments(deps.db, c.var.auth.merchantId, query));
  });

  app.get('/:id', async (c) => {
    const payment = await loadPayment(deps.db, idOf(c.req.param('id')), c.var.auth.merchantId);
    if (!payment) throw notFound('payment', 'id');
    const [session] = await deps.db.query<{ order_id: string | null; invoice_id: string | null }>(
      `SELECT order_id, invoice_id FROM checkout_sessions WHERE id = $1`,
      [payment.session_id],
    );
    return c.json({ ...merchantPayment(payment), order_id: session?.order_id ?? null, invoice: session?.invoice_id ?? null });
  });

  app.post('/:id/capture', async (c) => {
    const id = idOf(c.req.param('id'));
    return respondOnce(deps, c, async (raw) => {
      const { amount } = parseOptionalJsonBody(raw, captureSchema);
      return { status: 200, body: merchantPayment(await capturePayment(deps, c.var.auth, id, amount)) };
    });
  });

  app.post('/:id/void', async (c) => {
    const id = idOf(c.req.param('id'));
    return respondOnce(deps, c, async (raw) => {
      parseOptionalJsonBody(raw, voidSchema);
      return { status: 200, body: merchantPayment(await voidPayment(deps, c.var.auth, id)) };
    });
  });

  app.post('/:id/refunds', async (c) => {
    const id = idOf(c.req.param('id'));
    return respondOnce(deps, c, async (raw) => {
      const input = parseOptionalJsonBody(raw, refundSchema);
      return { status: 201, body: refundView(await refundPayment(deps, c.var.auth, id, input)) };
    });
  });

  app.post('/:id/enrichment', async (c) => {
    const id = idOf(c.req.param('id'));
    return respondOnce(deps, c, async (raw) => ({ status: 200, body: await enrichPayment(deps, c.var.auth, id, parseJsonBody(raw, enrichmentSchema)) }));
  });

  app.get('/:id/refunds', async (c) => {
    const refunds = await listRefunds(deps, c.var.auth, idOf(c.req.param('id')));
    return c.json({ object: 'list', data: refunds.map(refundView) });
  });

  return app;
}
