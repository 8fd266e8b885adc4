/**
 * Invoices: created, changed and deleted by the merchant while nothing is paid, shown on a hosted
 * page under an unguessable public id, and paid through ordinary checkout sessions that point
 * back at them (their `order_id` is the invoice number). What a payment adds to an invoice is
 * booked by the state machine (ledger.ts), never here.
 */
import type { CreateSessionInput, Customer } from '../../contract/api.ts';
import type { Invoice, InvoiceAddress, InvoiceInput, InvoiceItem, InvoicePayment, InvoiceSearch, InvoiceStatus } from '../../contract/invoice.ts';
import { INVOICE_PAYMENT_METHODS } from '../../contract/invoice.ts';
import type { MerchantAuth } from '../auth.ts';
import { clientSecretFor, newId, randomToken } from '../crypto.ts';
import { ApiError, conflict, invalidRequest, notFound } from '../errors.ts';
import { createSession, defaultProvider, refreshFromProvider, type Deps } from '../payments/service.ts';
import type { PaymentRow, SessionRow } from '../payments/rows.ts';
import type { Queryable } from '../storage/db.ts';
import { IN_FLIGHT_SQL } from './ledger.ts';
import { computeInvoice } from './math.ts';

export interface InvoiceRow {
  id: string;
  merchant_id: string;
  mode: 'test' | 'live';
  public_id: string;
  version: number;
  currency: string;
  locale: string;
  provider: string;
  invoice_number: string | null;
  customer_number: string | null;
  customer_id: string | null;
  company_name: string | null;
  company_logo_url: string | null;
  payable_to: InvoiceAddress;
  bill_to: InvoiceAddress;
  date_due: Date;
  items: InvoiceItem[];
  tax_percent: string | null;
  subtotal: number;
  tax: number;
  shipping: number;
  adjustment: number;
  total: number;
  paid_outside: number;
  amount_paid: number;
  amount_due: number;
  status: 'pending' | 'partially_paid' | 'paid';
  allow_partial_payment: boolean;
  minimum_payment: number | null;
  payment_methods: ('card' | 'ach')[];
  message: string | null;
  metadata: Record<string, string>;
  paid_at: Date | null;
  deleted_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

interface InvoicePaymentRow {
  id: string;
  status: string;
  amount: number;
  surcharge_amount: number;
  method: string;
  card_brand: string | null;
  card_last4: string | null;
  ach_last4: string | null;
  created_at: Date;
}

const INVOICE_ID = /^inv_[A-Za-z0-9]{1,64}$/;
const PUBLIC_ID = /^pinv_[A-Za-z0-9]{32}$/;

/** The provider an invoice's payments go to, checked against its currency, methods and total. */
function routeInvoice(deps: Deps, input: InvoiceInput, total: number) {
  const requested = input.payment_methods;
  const provider = input.provider ?? defaultProvider({ currency: input.currency, ...(requested ? { payment_methods: requested } : {}) });
  const adapter = deps.adapters[provider];
  if (!adapter) throw invalidRequest('provider_not_configured', `provider ${provider} is not configured on this server.`, 'provider');
  const offered = adapter.methods(input.currency).filter((method): method is 'card' | 'ach' => (INVOICE_PAYMENT_METHODS as readonly string[]).includes(method));
  if (offered.length === 0) throw invalidRequest('currency_not_supported', `currency ${input.currency} cannot be paid by card or bank account through ${provider}.`, 'currency');
  const methods = requested ?? offered;
  const unsupported = methods.find((method) => !offered.includes(method));
  if (unsupported) {
    throw invalidRequest('payment_method_not_supported', `payment_methods: ${provider} does not offer ${unsupported} for ${input.currency}.`, 'payment_methods');
  }
  const max = adapter.maxAmount(input.currency);
  if (total > max) throw invalidRequest('amount_too_large', `The invoice total must be at most ${max} (minor units of ${input.currency}) for ${provider}.`, 'items');
  return { provider, methods };
}

/** The columns an invoice's input sets (create and update alike). */
function columnsOf(deps: Deps, input: InvoiceInput) {
  const totals = computeInvoice(input);
  const { provider, methods } = routeInvoice(deps, input, totals.total);
  return {
    currency: input.currency,
    locale: input.locale ?? 'en',
    provider,
    invoice_number: input.invoice_number ?? null,
    customer_number: input.customer_number ?? null,
    customer_id: input.customer_id ?? null,
    company_name: input.company_name ?? null,
    company_logo_url: input.company_logo_url ?? null,
    payable_to: JSON.stringify(input.payable_to),
    bill_to: JSON.stringify(input.bill_to),
    date_due: input.date_due,
    items: JSON.stringify(totals.items),
    tax_percent: input.tax_percent ?? null,
    subtotal: totals.subtotal,
    tax: totals.tax,
    shipping: totals.shipping,
    adjustment: totals.adjustment,
    total: totals.total,
    paid_outside: totals.paid_outside,
    allow_partial_payment: input.allow_partial_payment ?? false,
    minimum_payment: totals.minimum_payment,
    payment_methods: methods,
    message: input.message ?? null,
    metadata: JSON.stringify(input.metadata ?? {}),
  };
}

type Columns = ReturnType<typeof columnsOf>;
const COLUMN_NAMES = [
  'currency', 'locale', 'provider', 'invoice_number', 'customer_number', 'customer_id', 'company_name', 'company_logo_url',
  'payable_to', 'bill_to', 'date_due', 'items', 'tax_percent', 'subtotal', 'tax', 'shipping', 'adjustment', 'total',
  'paid_outside', 'allow_partial_payment', 'minimum_payment', 'payment_methods', 'message', 'metadata',
] as const satisfies readonly (keyof Columns)[];
const CASTS: Partial<Record<keyof Columns, string>> = {
  payable_to: '::jsonb', bill_to: '::jsonb', items: '::jsonb', metadata: '::jsonb', date_due: '::timestamptz', payment_methods: '::text[]',
};

/** A second live invoice with the same number is a 409, not a 500. */
function numberTaken(error: unknown, input: InvoiceInput): never {
  if ((error as { code?: string }).code === '23505' && String((error as Error).message).includes('invoices_number')) {
    throw new ApiError(409, 'invalid_request_error', 'invoice_number_taken', `Another invoice already has invoice_number ${input.invoice_number}.`, 'invoice_number');
  }
  throw error;
}

export async function createInvoice(deps: Deps, auth: MerchantAuth, input: InvoiceInput): Promise<InvoiceRow> {
  const columns = columnsOf(deps, input);
  const values = COLUMN_NAMES.map((name) => columns[name]);
  const placeholders = COLUMN_NAMES.map((name, i) => `$${i + 5}${CASTS[name] ?? ''}`);
  try {
    const [row] = await deps.db.query<InvoiceRow>(
      `INSERT INTO invoices (id, merchant_id, mode, public_id, ${COLUMN_NAMES.join(', ')})
       VALUES ($1, $2, $3, $4, ${placeholders.join(', ')}) RETURNING *`,
      [newId('inv'), auth.merchantId, auth.mode, `pinv_${randomToken(32)}`, ...values],
    );
    return row!;
  } catch (error) {
    return numberTaken(error, input);
  }
}

export async function loadInvoice(db: Queryable, merchantId: string, id: string, lock = false): Promise<InvoiceRow> {
  if (!INVOICE_ID.test(id)) throw notFound('invoice', 'id');
  const [row] = await db.query<InvoiceRow>(
    `SELECT * FROM invoices WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL ${lock ? 'FOR UPDATE' : ''}`,
    [id, merchantId],
  );
  if (!row) throw notFound('invoice', 'id');
  return row;
}

/** An invoice may change or go only while no payment has taken, or may still take, money for it. */
async function checkUnpaid(tx: Queryable, invoice: InvoiceRow, action: 'updated' | 'deleted'): Promise<void> {
  const [held] = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM payments p JOIN checkout_sessions s ON s.id = p.session_id
      WHERE s.invoice_id = $1 AND (p.status = 'succeeded' OR ${IN_FLIGHT_SQL})`,
    [invoice.id],
  );
  if (Number(invoice.amount_paid) > 0 || (held?.n ?? 0) > 0) {
    throw conflict('invoice_has_payments', `This invoice has a payment, so it can no longer be ${action}. Issue a new invoice (or refund) instead.`);
  }
}

/**
 * Asks the providers about the invoice's payments that have been on their way for a while (a
 * processing answer for over a minute, a buyer step for over ten), so a payment that did go
 * through is booked before its hold on the invoice lapses, and one that failed frees it.
 * Providers without a status API (PayAgency) are left to their webhooks.
 */
export async function settleInvoicePayments(deps: Deps, invoiceId: string): Promise<void> {
  const stale = await deps.db.query<PaymentRow>(
    `SELECT p.* FROM payments p JOIN checkout_sessions s ON s.id = p.session_id
      WHERE s.invoice_id = $1 AND p.provider_reference IS NOT NULL
        AND ((p.status = 'processing' AND p.updated_at < now() - interval '1 minute')
          OR (p.status = 'requires_action' AND p.updated_at < now() - interval '10 minutes'))`,
    [invoiceId],
  );
  for (const payment of stale) await refreshFromProvider(deps, payment);
}

export async function updateInvoice(deps: Deps, auth: MerchantAuth, id: string, input: InvoiceInput): Promise<InvoiceRow> {
  const columns = columnsOf(deps, input);
  await settleInvoicePayments(deps, (await loadInvoice(deps.db, auth.merchantId, id)).id);
  try {
    return await deps.db.transaction(async (tx) => {
      const invoice = await loadInvoice(tx, auth.merchantId, id, true);
      await checkUnpaid(tx, invoice, 'updated');
      const sets = COLUMN_NAMES.map((name, i) => `${name} = $${i + 2}${CASTS[name] ?? ''}`);
      const [row] = await tx.query<InvoiceRow>(
        `UPDATE invoices SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1 RETURNING *`,
        [invoice.id, ...COLUMN_NAMES.map((name) => columns[name])],
      );
      return row!;
    });
  } catch (error) {
    return numberTaken(error, input);
  }
}

export async function deleteInvoice(deps: Deps, auth: MerchantAuth, id: string): Promise<void> {
  await settleInvoicePayments(deps, (await loadInvoice(deps.db, auth.merchantId, id)).id);
  await deps.db.transaction(async (tx) => {
    const invoice = await loadInvoice(tx, auth.merchantId, id, true);
    await checkUnpaid(tx, invoice, 'deleted');
    // Kept (sessions point at it), but gone from the API, the search and the hosted page.
    await tx.query(`UPDATE invoices SET deleted_at = now(), updated_at = now() WHERE id = $1`, [invoice.id]);
  });
}

/** The payments made for invoices, oldest first (every attempt, whatever its status). */
export async function invoicePayments(db: Queryable, invoiceIds: string[]): Promise<Map<string, InvoicePaymentRow[]>> {
  const byInvoice = new Map<string, InvoicePaymentRow[]>(invoiceIds.map((id) => [id, []]));
  if (invoiceIds.length === 0) return byInvoice;
  const rows = await db.query<InvoicePaymentRow & { invoice_id: string }>(
    `SELECT s.invoice_id, p.id, p.status, p.amount, p.surcharge_amount, p.method, p.card_brand, p.card_last4, p.ach_last4, p.created_at
       FROM payments p JOIN checkout_sessions s ON s.id = p.session_id
      WHERE s.invoice_id = ANY($1::text[]) ORDER BY p.created_at, p.id`,
    [invoiceIds],
  );
  for (const row of rows) byInvoice.get(row.invoice_id)?.push(row);
  return byInvoice;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/** `overdue` once the due date has passed while something is still due. */
export function invoiceStatus(row: Pick<InvoiceRow, 'status' | 'date_due'>, now = new Date()): InvoiceStatus {
  return row.status !== 'paid' && new Date(row.date_due).getTime() < now.getTime() ? 'overdue' : row.status;
}

export function hostedUrl(publicUrl: string, publicId: string): string {
  return `${publicUrl}/invoices/${publicId}`;
}

export function invoiceView(row: InvoiceRow, payments: InvoicePaymentRow[], publicUrl: string, now = new Date()): Invoice {
  return {
    id: row.id,
    object: 'invoice',
    mode: row.mode,
    status: invoiceStatus(row, now),
    public_id: row.public_id,
    hosted_url: hostedUrl(publicUrl, row.public_id),
    currency: row.currency,
    locale: row.locale,
    provider: row.provider,
    company_name: row.company_name,
    company_logo_url: row.company_logo_url,
    invoice_number: row.invoice_number,
    customer_number: row.customer_number,
    customer_id: row.customer_id,
    payable_to: row.payable_to,
    bill_to: row.bill_to,
    date_due: iso(row.date_due),
    // An item's status stays the merchant's: `paid` means settled outside Paykit.
    items: row.items,
    tax_percent: row.tax_percent,
    subtotal: Number(row.subtotal),
    tax: Number(row.tax),
    shipping: Number(row.shipping),
    adjustment: Number(row.adjustment),
    total: Number(row.total),
    amount_paid: Number(row.paid_outside) + Number(row.amount_paid),
    amount_due: Number(row.amount_due),
    amount_overpaid: Math.max(Number(row.paid_outside) + Number(row.amount_paid) - Number(row.total), 0),
    allow_partial_payment: row.allow_partial_payment,
    minimum_payment: row.minimum_payment === null ? null : Number(row.minimum_payment),
    payment_methods: row.payment_methods,
    message: row.message,
    metadata: row.metadata,
    payments: payments.map(
      (payment): InvoicePayment => ({
        id: payment.id,
        status: payment.status,
        amount: Number(payment.amount) - Number(payment.surcharge_amount),
        method: payment.method,
        card: payment.card_last4 ? { brand: payment.card_brand, last4: payment.card_last4 } : null,
        bank_account: payment.ach_last4 ? { last4: payment.ach_last4 } : null,
        created_at: iso(payment.created_at),
      }),
    ),
    paid_at: row.paid_at ? iso(row.paid_at) : null,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export async function invoiceWithPayments(deps: Deps, row: InvoiceRow): Promise<Invoice> {
  const payments = await invoicePayments(deps.db, [row.id]);
  return invoiceView(row, payments.get(row.id) ?? [], deps.config.publicUrl);
}

/** `GET /v1/invoices`: newest first, `limit` (default 20) from `offset`, as the doc's search. */
export async function searchInvoices(deps: Deps, merchantId: string, query: InvoiceSearch) {
  const where = ['merchant_id = $1', 'deleted_at IS NULL'];
  const params: unknown[] = [merchantId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (query.id) add('id = ?', query.id);
  if (query.invoice_number) add('invoice_number = ?', query.invoice_number);
  if (query.customer_id) add('customer_id = ?', query.customer_id);
  if (query.customer_number) add('customer_number = ?', query.customer_number);
  if (query.amount_due !== undefined) add('amount_due = ?', query.amount_due);
  if (query.amount_due_gt !== undefined) add('amount_due > ?', query.amount_due_gt);
  if (query.amount_due_lt !== undefined) add('amount_due < ?', query.amount_due_lt);
  if (query.date_due_start) add('date_due >= ?::timestamptz', query.date_due_start);
  if (query.date_due_end) add('date_due <= ?::timestamptz', query.date_due_end);
  if (query.status === 'overdue') where.push(`status <> 'paid' AND date_due < now()`);
  else if (query.status === 'paid') where.push(`status = 'paid'`);
  else if (query.status) add(`status = ? AND date_due >= now()`, query.status);
  const limit = query.limit ?? 20;
  const offset = query.offset ?? 0;
  params.push(limit + 1, offset);
  const rows = await deps.db.query<InvoiceRow>(
    `SELECT * FROM invoices WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  const page = rows.slice(0, limit);
  const payments = await invoicePayments(deps.db, page.map((row) => row.id));
  return {
    object: 'list',
    data: page.map((row) => invoiceView(row, payments.get(row.id) ?? [], deps.config.publicUrl)),
    has_more: rows.length > limit,
  };
}

/** The hosted page's invoice (a deleted one is gone). */
export async function loadHostedInvoice(db: Queryable, publicId: string): Promise<InvoiceRow | null> {
  if (!PUBLIC_ID.test(publicId)) return null;
  const [row] = await db.query<InvoiceRow>(`SELECT * FROM invoices WHERE public_id = $1 AND deleted_at IS NULL`, [publicId]);
  return row ?? null;
}

/** The least and most a buyer may pay now (both the amount due without partial payment). */
export function payableRange(row: InvoiceRow): { minimum: number; maximum: number } {
  const due = Number(row.amount_due);
  if (!row.allow_partial_payment) return { minimum: due, maximum: due };
  return { minimum: Math.min(Number(row.minimum_payment ?? due), due), maximum: due };
}

/** The merchant's publishable key the hosted page mounts the checkout with (null: none active). */
export async function hostedPublishableKey(db: Queryable, row: InvoiceRow): Promise<string | null> {
  const [key] = await db.query<{ publishable_key: string }>(
    `SELECT publishable_key FROM api_keys WHERE merchant_id = $1 AND mode = $2 AND type = 'publishable' AND revoked_at IS NULL
      ORDER BY created_at LIMIT 1`,
    [row.merchant_id, row.mode],
  );
  return key?.publishable_key ?? null;
}

/** The session customer from the invoice's bill-to address. */
function customerOf(billTo: InvoiceAddress): Customer {
  const address = [billTo.address_line_1, billTo.address_line_2].filter(Boolean).join(', ').slice(0, 200);
  return {
    ...(billTo.email ? { email: billTo.email } : {}),
    ...(billTo.first_name ? { first_name: billTo.first_name } : {}),
    ...(billTo.last_name ? { last_name: billTo.last_name } : {}),
    ...(billTo.phone ? { phone: billTo.phone } : {}),
    address,
    city: billTo.city,
    state: billTo.state,
    zip: billTo.postal_code,
    country: billTo.country,
  };
}

/**
 * Opens (or reuses) a checkout session for `amount` of the invoice: the amount due unless the
 * invoice allows partial payment. A session still open for the same amount and version is
 * reused, so reloading the page does not pile up sessions. The confirm checks the invoice
 * again under its lock (ledger.ts): this is only the first word.
 */
export async function openInvoiceCheckout(deps: Deps, row: InvoiceRow, requested: number | undefined) {
  if (row.status === 'paid') throw conflict('invoice_paid', 'This invoice has already been paid.');
  const { minimum, maximum } = payableRange(row);
  if (requested !== undefined && !row.allow_partial_payment && requested !== maximum) {
    throw invalidRequest('parameter_invalid', `amount must be the amount due (${maximum}): this invoice is paid in full.`, 'amount');
  }
  const amount = requested ?? maximum;
  if (amount < minimum || amount > maximum) {
    throw invalidRequest('parameter_invalid', `amount must be between ${minimum} and ${maximum} (minor units of ${row.currency}).`, 'amount');
  }
  const publishableKey = await hostedPublishableKey(deps.db, row);
  if (!publishableKey) throw new ApiError(503, 'api_error', 'invoice_not_payable', 'This invoice cannot be paid online right now.');
  const [open] = await deps.db.query<SessionRow>(
    `SELECT * FROM checkout_sessions
      WHERE invoice_id = $1 AND invoice_version = $2 AND amount = $3 AND status = 'open' AND expires_at > now() + interval '10 minutes'
      ORDER BY created_at DESC LIMIT 1`,
    [row.id, row.version, amount],
  );
  const label = row.invoice_number ?? row.id;
  const input: CreateSessionInput = {
    amount,
    currency: row.currency,
    order_id: label,
    description: `Invoice ${label}`.slice(0, 500),
    customer: customerOf(row.bill_to),
    return_url: hostedUrl(deps.config.publicUrl, row.public_id),
    metadata: { ...row.metadata, invoice_id: row.id },
    locale: row.locale,
    provider: row.provider as CreateSessionInput['provider'],
    payment_methods: row.payment_methods,
  };
  const auth: MerchantAuth = { merchantId: row.merchant_id, mode: row.mode, keyType: 'secret', keyId: 'invoice', allowedOrigins: [] };
  const session = open ?? (await createSession(deps, auth, input, { invoiceId: row.id, invoiceVersion: row.version }));
  return {
    session_id: session.id,
    client_secret: clientSecretFor(session.id, deps.config.serverSecret),
    publishable_key: publishableKey,
    amount: Number(session.amount),
    currency: session.currency,
    locale: row.locale,
  };
}
