/**
 * Invoices: `/v1/invoices` for the merchant (secret key; every POST idempotent under
 * `Idempotency-Key`), and the hosted page `/invoices/:public_id` with the one public call it
 * makes, `POST /invoices/:public_id/checkout`, which opens a checkout session for what the buyer
 * pays now. The public id is the bearer credential of both.
 */
import { Hono } from 'hono';
import { invoiceCheckoutSchema, invoiceInputSchema, invoiceSearchSchema } from '../../contract/invoice.ts';
import { requireSecretKey, type AuthEnv } from '../auth.ts';
import { notFound } from '../errors.ts';
import {
  createInvoice,
  deleteInvoice,
  hostedPublishableKey,
  invoiceWithPayments,
  loadHostedInvoice,
  loadInvoice,
  openInvoiceCheckout,
  payableRange,
  searchInvoices,
  settleInvoicePayments,
  updateInvoice,
} from '../invoices/service.ts';
import { renderInvoiceNotFound, renderInvoicePage } from '../invoices/page.ts';
import { inFlightAmount } from '../invoices/ledger.ts';
import type { Deps } from '../payments/service.ts';
import { parseJsonBody, parseOptionalJsonBody, parseQuery, readRawBody } from '../validation.ts';
import { respondOnce } from './once.ts';

export function invoiceRoutes(deps: Deps) {
  const app = new Hono<AuthEnv>();
  app.use('*', requireSecretKey(deps.db));

  app.post('/', (c) =>
    respondOnce(deps, c, async (raw) => {
      const row = await createInvoice(deps, c.var.auth, parseJsonBody(raw, invoiceInputSchema));
      return { status: 201, body: await invoiceWithPayments(deps, row) };
    }),
  );

  app.get('/', async (c) => c.json(await searchInvoices(deps, c.var.auth.merchantId, parseQuery(c.req.query(), invoiceSearchSchema))));

  app.get('/:id', async (c) => c.json(await invoiceWithPayments(deps, await loadInvoice(deps.db, c.var.auth.merchantId, c.req.param('id')))));

  /** The whole invoice again, as the doc's update; only while nothing is paid. */
  app.post('/:id', (c) =>
    respondOnce(deps, c, async (raw) => {
      const row = await updateInvoice(deps, c.var.auth, c.req.param('id'), parseJsonBody(raw, invoiceInputSchema));
      return { status: 200, body: await invoiceWithPayments(deps, row) };
    }),
  );

  app.delete('/:id', async (c) => {
    const id = c.req.param('id');
    await deleteInvoice(deps, c.var.auth, id);
    return c.json({ id, object: 'invoice', deleted: true });
  });

  return app;
}

export function hostedInvoiceRoutes(deps: Deps) {
  const app = new Hono();

  app.get('/:publicId', async (c) => {
    const found = await loadHostedInvoice(deps.db, c.req.param('publicId'));
    if (found) await settleInvoicePayments(deps, found.id);
    const row = found && (await loadHostedInvoice(deps.db, found.public_id));
    if (!row) {
      const page = renderInvoiceNotFound(c.req.header('accept-language')?.split(',')[0]);
      return c.html(page.body, 404, page.headers);
    }
    const [invoice, publishableKey, merchant, pendingAmount] = await Promise.all([
      invoiceWithPayments(deps, row),
      hostedPublishableKey(deps.db, row),
      deps.db.query<{ name: string }>(`SELECT name FROM merchants WHERE id = $1`, [row.merchant_id]),
      inFlightAmount(deps.db, row.id),
    ]);
    const payable = publishableKey && Number(row.amount_due) > 0;
    const page = renderInvoicePage({
      invoice,
      merchantName: merchant[0]?.name ?? '',
      checkout: payable
        ? { publishableKey, checkoutPath: `/invoices/${row.public_id}/checkout`, ...payableRange(row) }
        : null,
      pendingAmount,
    });
    return c.html(page.body, 200, page.headers);
  });

  app.post('/:publicId/checkout', async (c) => {
    const row = await loadHostedInvoice(deps.db, c.req.param('publicId'));
    if (!row) throw notFound('invoice');
    const { amount } = parseOptionalJsonBody(await readRawBody(c), invoiceCheckoutSchema);
    c.header('Cache-Control', 'no-store');
    return c.json(await openInvoiceCheckout(deps, row, amount));
  });

  return app;
}
