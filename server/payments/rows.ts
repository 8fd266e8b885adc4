/** Database rows and the API views built from them. */
import type { Customer, LineItem, NextAction, PaymentMethodType, PaymentStatus, PublicPayment, PublicSession, SessionStatus } from '../../contract/api.ts';
import { unseal } from '../crypto.ts';

export interface SessionRow {
  id: string;
  merchant_id: string;
  mode: 'test' | 'live';
  amount: number;
  currency: string;
  order_id: string | null;
  description: string | null;
  customer: Customer | null;
  return_url: string;
  metadata: Record<string, string>;
  locale: string | null;
  provider: string;
  status: SessionStatus;
  line_items: LineItem[] | null;
  max_installments: number;
  payment_methods: PaymentMethodType[];
  collect_phone: boolean;
  capture_method: 'automatic' | 'manual';
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
}

export interface PaymentRow {
  id: string;
  session_id: string;
  merchant_id: string;
  mode: 'test' | 'live';
  attempt: number;
  amount: number;
  currency: string;
  status: PaymentStatus;
  provider: string;
  method: PaymentMethodType;
  installments: number | null;
  provider_reference: string | null;
  provider_status: string | null;
  capture_method: 'automatic' | 'manual';
  /** What was captured (null: not captured yet, or the whole amount for an automatic capture). */
  amount_captured: number | null;
  amount_refunded: number;
  avs_result: string | null;
  cvv_result: string | null;
  pending_operation: 'capture' | 'void' | null;
  pending_operation_at: Date | null;
  card_brand: string | null;
  card_bin: string | null;
  card_last4: string | null;
  card_exp_month: number | null;
  card_exp_year: number | null;
  error_code: string | null;
  error_message: string | null;
  error_fields: Record<string, string> | null;
  /** A NextAction, except that a challenge's URL is kept sealed (`sealed_url`). */
  next_action: StoredNextAction | null;
  created_at: Date;
  updated_at: Date;
}

export type StoredNextAction =
  | Exclude<NextAction, { type: 'three_ds_challenge' }>
  | { type: 'three_ds_challenge'; sealed_url: string; expires_at: string };

const iso = (value: Date | string) => new Date(value).toISOString();

/** The next action as the buyer's frame needs it: the challenge URL unsealed. */
function buyerNextAction(row: PaymentRow, serverSecret: string): NextAction | null {
  const action = row.status === 'requires_action' ? row.next_action : null;
  if (action?.type !== 'three_ds_challenge') return action;
  const url = unseal(action.sealed_url, serverSecret);
  return url ? { type: 'three_ds_challenge', url, expires_at: action.expires_at } : null;
}

/** The merchant's view of the next action: what the buyer is asked to do, without the provider's secrets. */
function merchantNextAction(row: PaymentRow) {
  const action = row.status === 'requires_action' ? row.next_action : null;
  return action?.type === 'three_ds_challenge' ? { type: action.type, expires_at: action.expires_at } : action;
}

/** The buyer's view: no provider reference, no BIN, nothing the frame does not need. */
export function publicPayment(row: PaymentRow, serverSecret: string): PublicPayment {
  return {
    id: row.id,
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    method: row.method,
    installments: row.method === 'card' ? (row.installments ?? 1) : null,
    next_action: buyerNextAction(row, serverSecret),
    error: row.error_code
      ? { code: row.error_code, message: row.error_message ?? '', ...(row.error_fields ? { fields: row.error_fields } : {}) }
      : null,
    card: row.card_last4 ? { brand: row.card_brand, last4: row.card_last4 } : null,
  };
}

export function publicSession(session: SessionRow, merchantName: string, payment: PaymentRow | null, serverSecret: string): PublicSession {
  return {
    id: session.id,
    object: 'checkout.session',
    status: effectiveSessionStatus(session),
    amount: session.amount,
    currency: session.currency,
    description: session.description,
    locale: session.locale,
    merchant_name: merchantName,
    requires_email: !session.customer?.email,
    payment_methods: session.payment_methods,
    max_installments: session.max_installments,
    collect_phone: session.collect_phone && !session.customer?.phone,
    payment: payment ? publicPayment(payment, serverSecret) : null,
  };
}

export function effectiveSessionStatus(session: SessionRow): SessionStatus {
  if (session.status === 'open' && new Date(session.expires_at).getTime() <= Date.now()) return 'expired';
  return session.status;
}

/** The merchant's view of a payment (`GET /v1/payments/:id`). */
export function merchantPayment(row: PaymentRow) {
  return {
    id: row.id,
    object: 'payment',
    session_id: row.session_id,
    livemode: row.mode === 'live',
    attempt: row.attempt,
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    provider: row.provider,
    provider_reference: row.provider_reference,
    provider_status: row.provider_status,
    method: row.method,
    installments: row.installments,
    capture_method: row.capture_method,
    amount_captured: row.amount_captured === null ? (row.status === 'succeeded' ? Number(row.amount) : 0) : Number(row.amount_captured),
    amount_refunded: Number(row.amount_refunded),
    checks: row.avs_result || row.cvv_result ? { avs: row.avs_result, cvv: row.cvv_result } : null,
    card: row.card_last4
      ? { brand: row.card_brand, first6: row.card_bin, last4: row.card_last4, exp_month: row.card_exp_month, exp_year: row.card_exp_year }
      : null,
    next_action: merchantNextAction(row),
    error: row.error_code ? { code: row.error_code, message: row.error_message, fields: row.error_fields ?? undefined } : null,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** The merchant's view of a session; the client secret is added by the caller. */
export function merchantSession(session: SessionRow, payment: PaymentRow | null) {
  return {
    id: session.id,
    object: 'checkout.session',
    livemode: session.mode === 'live',
    status: effectiveSessionStatus(session),
    amount: session.amount,
    currency: session.currency,
    order_id: session.order_id,
    description: session.description,
    customer: session.customer,
    return_url: session.return_url,
    metadata: session.metadata,
    locale: session.locale,
    provider: session.provider,
    line_items: session.line_items,
    max_installments: session.max_installments,
    payment_methods: session.payment_methods,
    collect_phone: session.collect_phone,
    capture_method: session.capture_method,
    payment: payment ? merchantPayment(payment) : null,
    expires_at: iso(session.expires_at),
    created_at: iso(session.created_at),
  };
}
