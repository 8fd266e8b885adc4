/** Database rows and the API views built from them. */
import type { CheckoutTelemetry, Customer, LineItem, NextAction, PaymentMethodType, PaymentStatus, PublicPayment, PublicSession, SessionStatus } from '../../contract/api.ts';
import { unseal } from '../crypto.ts';
import { achMandateText } from '../../contract/mandate.ts';
import { avsResult, cvvResult } from '../providers/pepper/status.ts';

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
  customer_id: string | null;
  saved_cards: SavedCardsPolicy | null;
  /** null: no surcharge. */
  surcharge_max_rate: number | null;
  ach_sec_code: 'web' | 'ccd' | 'ppd';
  /** Set when the session pays a hosted invoice. */
  invoice_id: string | null;
  invoice_version: number | null;
  /** Where the buyer left the checkout unfinished, from the widget's beacon (migration 006). */
  abandoned_step?: string | null;
  abandoned_method?: string | null;
  abandoned_at?: Date | null;
  /** Failed attempts so far, and when they locked the session (migration 008). */
  decline_count?: number;
  locked_at?: Date | null;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
}

export interface SavedCardsPolicy {
  allow_saving: boolean;
  require_cvc: boolean;
  allow_removal: boolean;
}

export interface Mandate {
  text: string;
  accepted_at: string;
  sec_code: string;
  ip: string | null;
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
  surcharge_amount: number;
  ach_routing_number: string | null;
  ach_last4: string | null;
  ach_account_type: 'checking' | 'savings' | null;
  mandate: Mandate | null;
  /** The vault card this payment was made with. */
  saved_card_id: string | null;
  save_card: 'requested' | 'saved' | 'not_saved' | null;
  /** What the checkout saw (contract/api.ts checkoutTelemetrySchema), and the merchant's Pagos labels (migration 006). */
  telemetry?: CheckoutTelemetry | null;
  enrichment?: Record<string, string | number | boolean>;
  pending_operation: 'capture' | 'void' | null;
  /** The provider a card payment was first sent to, when it failed over (migration 009). */
  failed_over_from?: string | null;
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
    amount: Number(row.amount),
    surcharge_amount: Number(row.surcharge_amount),
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

/** What the buyer's view needs beyond the rows: whether the provider keeps saved cards. */
export interface PublicSessionContext {
  merchantName: string;
  hasVault: boolean;
  now?: Date;
}

export function publicSession(session: SessionRow, context: PublicSessionContext, payment: PaymentRow | null, serverSecret: string): PublicSession {
  const { merchantName } = context;
  const policy = session.customer_id && context.hasVault ? session.saved_cards : null;
  const state = session.customer?.state?.toUpperCase();
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
    surcharge: session.surcharge_max_rate !== null && session.payment_methods.includes('card'),
    billing_state: state && /^[A-Z]{2}$/.test(state) ? state : null,
    saved_cards: policy ? { can_save: policy.allow_saving, require_cvc: policy.require_cvc, allow_removal: policy.allow_removal } : null,
    ach_mandate: session.payment_methods.includes('ach') ? sessionMandate(session, merchantName, context.now) : null,
    payment: payment ? publicPayment(payment, serverSecret) : null,
    locked: Boolean(session.locked_at),
  };
}

/** The ACH authorization for this session's amount, dated today. */
export function sessionMandate(session: Pick<SessionRow, 'amount' | 'currency'>, merchantName: string, now = new Date()): string {
  return achMandateText({ merchantName, amount: Number(session.amount), currency: session.currency, date: now });
}

export function effectiveSessionStatus(session: SessionRow): SessionStatus {
  if (session.status === 'open' && new Date(session.expires_at).getTime() <= Date.now()) return 'expired';
  return session.status;
}

/** AVS and CVV results: the provider's code and, when it is a documented one, what it means. */
function checksView(avs: string | null, cvv: string | null) {
  const view = (code: string | null, lookup: typeof avsResult) => (code === null ? null : { code, description: lookup(code)?.description ?? null });
  return { avs: view(avs, avsResult), cvv: view(cvv, cvvResult) };
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
    amount: Number(row.amount),
    surcharge_amount: Number(row.surcharge_amount),
    currency: row.currency,
    provider: row.provider,
    failed_over_from: row.failed_over_from ?? null,
    provider_reference: row.provider_reference,
    provider_status: row.provider_status,
    method: row.method,
    installments: row.installments,
    capture_method: row.capture_method,
    amount_captured: row.amount_captured === null ? (row.status === 'succeeded' ? Number(row.amount) : 0) : Number(row.amount_captured),
    amount_refunded: Number(row.amount_refunded),
    checks: row.avs_result || row.cvv_result ? checksView(row.avs_result, row.cvv_result) : null,
    bank_account: row.ach_last4 ? { routing_number: row.ach_routing_number, last4: row.ach_last4, account_type: row.ach_account_type } : null,
    mandate: row.mandate,
    saved_card: row.saved_card_id ? { id: row.saved_card_id } : null,
    save_card: row.save_card,
    card: row.card_last4
      ? { brand: row.card_brand, first6: row.card_bin, last4: row.card_last4, exp_month: row.card_exp_month, exp_year: row.card_exp_year }
      : null,
    next_action: merchantNextAction(row),
    /** What the checkout saw (locale, device class, time to submit), exported to Pagos. */
    telemetry: row.telemetry ?? null,
    /** The merchant's labels for Pagos (`POST /v1/payments/:id/enrichment`). */
    enrichment: row.enrichment ?? {},
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
    customer_id: session.customer_id,
    saved_cards: session.saved_cards,
    surcharge: session.surcharge_max_rate === null ? null : { max_rate: session.surcharge_max_rate },
    ach_sec_code: session.ach_sec_code,
    invoice: session.invoice_id,
    payment: payment ? merchantPayment(payment) : null,
    /** Card-testing protection: failed attempts, and whether they locked the session (no more confirms). */
    declined_attempts: session.decline_count ?? 0,
    locked: Boolean(session.locked_at),
    /** The last time the buyer left with the payment unfinished (the widget reports it). */
    abandonment: session.abandoned_step
      ? { step: session.abandoned_step, payment_method: session.abandoned_method ?? null, at: iso(session.abandoned_at!) }
      : null,
    expires_at: iso(session.expires_at),
    created_at: iso(session.created_at),
  };
}
