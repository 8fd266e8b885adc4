/**
 * Recording merchant webhook events, always inside the transaction of the change they tell about
 * (the state machine's `transition`, a refund, an invoice payment): an event exists if and only if
 * its change committed, and its deliveries are outbox rows committed with it, so a crash can
 * neither lose one nor announce a change that rolled back.
 *
 * An event is recorded only when at least one enabled endpoint of the merchant (in the payment's
 * mode) wants its type; a merchant without webhooks pays one indexed lookup per change and nothing
 * else. Its `data.object` is a snapshot of the object as the API showed it at that moment (the
 * merchant's views never hold a card number, a CVV or a secret), so every retry sends the same bytes.
 */
import type { WebhookEventType } from '../../contract/webhooks.ts';
import type { PaymentStatus } from '../../contract/api.ts';
import { newId } from '../crypto.ts';
import type { Queryable } from '../storage/db.ts';
import { merchantPayment, type PaymentRow } from '../payments/rows.ts';

export const WEBHOOK_TOPIC = 'merchant.webhook';

export interface WebhookEventRow {
  id: string;
  merchant_id: string;
  mode: 'test' | 'live';
  type: WebhookEventType;
  object_id: string;
  data: Record<string, unknown>;
  created_at: Date;
}

/** What a payment's move from `from` to `to` tells the merchant. */
export function paymentEventTypes(from: PaymentStatus, to: PaymentStatus): WebhookEventType[] {
  switch (to) {
    // A capture is the authorization's success: both, the capture first.
    case 'succeeded':
      return from === 'requires_capture' ? ['payment.captured', 'payment.succeeded'] : ['payment.succeeded'];
    case 'failed':
      return ['payment.failed'];
    case 'requires_action':
      return ['payment.requires_action'];
    case 'canceled':
      return ['payment.canceled'];
    default:
      return [];
  }
}

/** The enabled endpoints of the object's merchant and mode that want any of `types`. */
type Subscribed = { id: string; enabled_events: string[] }[];

async function record(
  tx: Queryable,
  owner: { merchant_id: string; mode: 'test' | 'live' },
  objectId: string,
  types: readonly WebhookEventType[],
  endpoints: Subscribed,
  data: Record<string, unknown>,
): Promise<void> {
  for (const type of types) {
    const targets = endpoints.filter((e) => e.enabled_events.includes(type) || e.enabled_events.includes('*')).map((e) => e.id);
    if (targets.length === 0) continue;
    const eventId = newId('evt');
    // One statement: the event, its deliveries, and their outbox rows (the work for the worker).
    await tx.query(
      `WITH event AS (
         INSERT INTO webhook_events (id, merchant_id, mode, type, object_id, data) VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING id
       ), delivery AS (
         INSERT INTO webhook_deliveries (id, event_id, endpoint_id, merchant_id)
           SELECT d.id, event.id, d.endpoint_id, $2 FROM event, unnest($7::text[], $8::text[]) AS d(id, endpoint_id) RETURNING id
       )
       INSERT INTO outbox (topic, subject, merchant_id) SELECT '${WEBHOOK_TOPIC}', delivery.id, $2 FROM delivery`,
      [eventId, owner.merchant_id, owner.mode, type, objectId, JSON.stringify(data), targets.map(() => newId('whd')), targets],
    );
  }
}

const SUBSCRIBED = `e.status = 'enabled' AND (e.enabled_events && $2::text[] OR '*' = ANY(e.enabled_events))`;

/** Records the payment's events of `types` for the endpoints that want them. */
export async function emitPaymentEvents(tx: Queryable, paymentId: string, types: readonly WebhookEventType[]): Promise<void> {
  if (types.length === 0) return;
  const endpoints = await tx.query<Subscribed[number]>(
    `SELECT e.id, e.enabled_events FROM webhook_endpoints e JOIN payments p ON p.merchant_id = e.merchant_id AND p.mode = e.mode
      WHERE p.id = $1 AND ${SUBSCRIBED}`,
    [paymentId, types],
  );
  if (endpoints.length === 0) return;
  const [row] = await tx.query<PaymentRow & { order_id: string | null; invoice_id: string | null }>(
    `SELECT p.*, s.order_id, s.invoice_id FROM payments p JOIN checkout_sessions s ON s.id = p.session_id WHERE p.id = $1`,
    [paymentId],
  );
  if (!row) return;
  // What `GET /v1/payments/:id` answers.
  const data = { ...merchantPayment(row), order_id: row.order_id, invoice: row.invoice_id };
  await record(tx, row, paymentId, types, endpoints, data);
}

/** Records an invoice's event (paid, partially paid) for the endpoints that want it. */
export async function emitInvoiceEvent(tx: Queryable, invoiceId: string, type: WebhookEventType): Promise<void> {
  const endpoints = await tx.query<Subscribed[number]>(
    `SELECT e.id, e.enabled_events FROM webhook_endpoints e JOIN invoices i ON i.merchant_id = e.merchant_id AND i.mode = e.mode
      WHERE i.id = $1 AND ${SUBSCRIBED}`,
    [invoiceId, [type]],
  );
  if (endpoints.length === 0) return;
  // Loaded when needed: the invoice service imports the payment service, which imports the state
  // machine, which imports this module.
  const { invoicePayments, invoiceView } = await import('../invoices/service.ts');
  const [row] = await tx.query<Parameters<typeof invoiceView>[0]>(`SELECT * FROM invoices WHERE id = $1`, [invoiceId]);
  if (!row) return;
  const payments = await invoicePayments(tx, [invoiceId]);
  // What `GET /v1/invoices/:id` answers, but for `hosted_url`: it depends on the server's public
  // URL, which the transaction does not know; `eventBody` puts it in when the event is shown or sent.
  const data = { ...invoiceView(row, payments.get(invoiceId) ?? [], ''), hosted_url: null };
  await record(tx, row, invoiceId, [type], endpoints, data);
}

/** The event as it is sent and shown: `{ id, object: 'event', type, created, livemode, data: { object } }`. */
export function eventBody(row: WebhookEventRow, publicUrl: string) {
  const object = { ...row.data };
  if (object.object === 'invoice' && typeof object.public_id === 'string') object.hosted_url = `${publicUrl}/invoices/${object.public_id}`; // invoices/service.ts hostedUrl
  return {
    id: row.id,
    object: 'event',
    type: row.type,
    created: Math.floor(new Date(row.created_at).getTime() / 1000),
    livemode: row.mode === 'live',
    data: { object },
  };
}
