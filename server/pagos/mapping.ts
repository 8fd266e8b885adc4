/**
 * A Paykit payment in Pagos's transaction model (pagos-data-ingestion.txt, "Model"): one pure
 * function, the same for every provider, fed by the normalized payment and its session. What
 * each field holds, per provider, is the table in server/pagos/README.md.
 *
 * Decisions the doc leaves open:
 * - `object_id` is the provider's transaction id (what Pagos keys transactions by, and what an
 *   enrichment's `transaction_id` names); a payment that never reached the provider has none,
 *   and goes as Paykit's payment id.
 * - `amount` is in minor units, as everywhere in Paykit (the model's example is a bare 0).
 * - AVS / CVC checks use Stripe's words (`pass`, `fail`, `unavailable`, `unchecked`), which the
 *   model's `checks_*` names come from.
 * - None of Paykit's providers has a block of its own in the model (it has braintree, stripe and
 *   pagos); Paykit's status and provider travel in the enrichment metadata.
 * - No card number is ever sent: `masked_number` is the BIN, six asterisks and the last four.
 */
import type { PaymentRow, SessionRow } from '../payments/rows.ts';

export type Check = 'pass' | 'fail' | 'unavailable' | 'unchecked';

export interface PagosAddress {
  object_id?: string;
  line1?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country_code_2_letter?: string;
  name?: string;
  email?: string;
  phone?: string;
}

export interface PagosTransaction {
  object_id: string;
  currency: string;
  amount: number;
  description: string;
  disputed: boolean;
  refunded: boolean;
  payment_method_details: Record<string, string | number | boolean>;
  customer_details?: PagosAddress;
  billing_details?: PagosAddress;
}

/** What the payment's history says about 3-D Secure (payment_events, next actions). */
export interface PagosContext {
  /** The buyer was sent to a 3DS challenge or redirect for this payment. */
  threeDsAttempted: boolean;
  /** A refund of it succeeded at the provider (one still pending does not count); by default, any amount refunded. */
  refunded?: boolean;
}

/** AVS result code (Pepper's table) → line 1 and postal code checks. */
const AVS: Readonly<Record<string, [Check, Check]>> = {
  Y: ['pass', 'pass'], X: ['pass', 'pass'], D: ['pass', 'pass'], M: ['pass', 'pass'], F: ['pass', 'pass'], '2': ['pass', 'pass'], '6': ['pass', 'pass'],
  A: ['pass', 'fail'], '3': ['pass', 'unchecked'], '7': ['pass', 'unchecked'], B: ['pass', 'unchecked'],
  Z: ['fail', 'pass'], W: ['fail', 'pass'], P: ['unchecked', 'pass'], '1': ['unchecked', 'pass'], '5': ['unchecked', 'pass'], L: ['unchecked', 'pass'],
  N: ['fail', 'fail'],
  '4': ['unchecked', 'unchecked'],
  '0': ['unavailable', 'unavailable'], U: ['unavailable', 'unavailable'], R: ['unavailable', 'unavailable'], S: ['unavailable', 'unavailable'],
  G: ['unavailable', 'unavailable'], I: ['unavailable', 'unavailable'], C: ['unavailable', 'unavailable'],
};

/** CVV result code → CVC check. */
const CVV: Readonly<Record<string, Check>> = { M: 'pass', N: 'fail', P: 'unchecked', S: 'unavailable', U: 'unavailable' };

const INSTRUMENT: Readonly<Record<string, string>> = {
  card: 'card',
  ach: 'bank_account',
  pix: 'pix',
  paypal: 'paypal',
  alipay: 'alipay',
  wechatpay: 'wechatpay',
};

function paymentMethodDetails(payment: PaymentRow, context: PagosContext): PagosTransaction['payment_method_details'] {
  const details: PagosTransaction['payment_method_details'] = { instrument_type: INSTRUMENT[payment.method] ?? payment.method };
  if (payment.card_last4) {
    if (payment.card_brand) details.scheme = payment.card_brand;
    details.last4 = payment.card_last4;
    if (payment.card_bin) {
      details.bin = payment.card_bin;
      details.masked_number = `${payment.card_bin}******${payment.card_last4}`;
    }
    if (payment.card_exp_month && payment.card_exp_year) {
      const month = String(payment.card_exp_month).padStart(2, '0');
      details.expiry_month = month;
      details.expiry_year = String(payment.card_exp_year);
      details.expiration_date = `${month}/${payment.card_exp_year}`;
    }
    if (payment.installments && payment.installments > 1) {
      details.installments_plan_count = payment.installments;
      details.installments_plan_type = 'fixed_count';
    }
  }
  if (payment.method === 'ach') {
    if (payment.ach_last4) details.last4 = payment.ach_last4;
    if (payment.ach_account_type) details.account_type = payment.ach_account_type;
  }
  const avs = payment.avs_result ? AVS[payment.avs_result.trim().toUpperCase()] : undefined;
  if (avs) [details.checks_address_line1_check, details.checks_address_post_code_check] = avs;
  const cvv = payment.cvv_result ? CVV[payment.cvv_result.trim().toUpperCase()] : undefined;
  if (cvv) details.checks_cvc_check = cvv;
  if (context.threeDsAttempted) {
    if (payment.status === 'succeeded' || payment.status === 'requires_capture') details.three_d_secure_result = 'authenticated';
    else if (payment.error_code === 'authentication_failed') {
      details.three_d_secure_result = 'failed';
      details.three_d_secure_result_reason = 'authentication_failed';
    } else details.three_d_secure_result = 'attempted';
  }
  return details;
}

function address(session: SessionRow): PagosAddress | undefined {
  const customer = session.customer;
  if (!customer) return undefined;
  const name = [customer.first_name, customer.last_name].filter(Boolean).join(' ');
  const out: PagosAddress = {
    ...(name ? { name } : {}),
    ...(customer.email ? { email: customer.email } : {}),
    ...(customer.phone ? { phone: customer.phone } : {}),
    ...(customer.address ? { line1: customer.address } : {}),
    ...(customer.city ? { city: customer.city } : {}),
    ...(customer.state ? { state: customer.state } : {}),
    ...(customer.zip ? { postal_code: customer.zip } : {}),
    ...(customer.country ? { country_code_2_letter: customer.country } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

/** The transaction Pagos receives for `payment`, as it stands now. */
export function pagosTransaction(payment: PaymentRow, session: SessionRow, context: PagosContext): PagosTransaction {
  const billing = address(session);
  return {
    object_id: payment.provider_reference ?? payment.id,
    currency: payment.currency,
    amount: Number(payment.amount),
    description: (session.description ?? (session.order_id ? `Order ${session.order_id}` : `Payment ${payment.id}`)).slice(0, 500),
    disputed: false,
    refunded: context.refunded ?? Number(payment.amount_refunded) > 0,
    payment_method_details: paymentMethodDetails(payment, context),
    ...(billing ? { customer_details: session.customer_id ? { ...billing, object_id: session.customer_id } : billing, billing_details: billing } : {}),
  };
}
