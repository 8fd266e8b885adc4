/**
 * Invoices (`/v1/invoices`, secret key), modelled on the Pepper gateway's Invoices section
 * (pepper-gateway.txt): the same field names, kept in Paykit's own database and paid on a
 * hosted page through whichever provider the invoice routes to. Amounts are integers in minor
 * units; tax rates are decimal strings of a percentage with up to three decimals ("8.875").
 */
import * as z from 'zod/mini';
import { currencySchema, customerIdSchema, dateTimeSchema, httpUrlSchema, localeSchema, metadataSchema, MAX_AMOUNT, providerSchema, text } from './api.ts';
const minor = z.int().check(z.gte(0, 'must be 0 or more (minor units)'), z.lte(MAX_AMOUNT, `must not exceed ${MAX_AMOUNT}`));

/** An origin that can go into a CSP source list as it is. */
const PLAIN_ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

/** The URL's origin when it can go into a CSP source list as it is (a comma or `;` in a host would split the policy), else null. */
export function plainOrigin(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return PLAIN_ORIGIN.test(origin) ? origin : null;
  } catch {
    return null;
  }
}

/** A percentage with up to three decimals, 0 to 100, as a string: "8.875". */
export const taxRateSchema = z.string().check(
  z.regex(/^\d{1,3}(\.\d{1,3})?$/, 'must be a percentage with up to 3 decimals, such as "8.875"'),
  z.refine((value: string) => Number(value) <= 100, 'must be at most 100'),
);

/** An address as the doc has it: line 1, city, state, postal code and country required. */
export const invoiceAddressSchema = z.strictObject({
  first_name: z.optional(text(100)),
  last_name: z.optional(text(100)),
  company: z.optional(text(200)),
  address_line_1: text(200),
  address_line_2: z.optional(text(200)),
  city: text(100),
  state: text(100),
  postal_code: text(20),
  country: z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as US')),
  phone: z.optional(z.string().check(z.regex(/^\+?[0-9 ()-]{4,20}$/, 'must be a phone number'))),
  fax: z.optional(z.string().check(z.regex(/^\+?[0-9 ()-]{4,20}$/, 'must be a phone number'))),
  email: z.optional(z.email().check(z.maxLength(254))),
});
export type InvoiceAddress = z.infer<typeof invoiceAddressSchema>;

/**
 * One line. Its tax is `tax_rate` (percent of the line after discount) or `tax_amount` (flat),
 * not both. `status: paid` marks a line settled outside Paykit: it counts as already paid.
 */
export const invoiceItemSchema = z.strictObject({
  name: text(200),
  description: z.optional(text(1000)),
  type: z.optional(text(64)),
  product_code: z.optional(text(64)),
  unit_price: minor,
  quantity: z.int().check(z.gte(1, 'must be at least 1'), z.lte(1_000_000, 'must be at most 1000000')),
  discount_amount: z.optional(minor),
  tax_rate: z.optional(taxRateSchema),
  tax_amount: z.optional(minor),
  status: z.optional(z.enum(['pending', 'paid'])),
});
export type InvoiceItemInput = z.infer<typeof invoiceItemSchema>;

/** The merchant's invoice number: also the order id of every payment made for it. */
export const invoiceNumberSchema = z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[\w.:-]+$/, 'may contain letters, digits, _ . : - only'));

export const INVOICE_PAYMENT_METHODS = ['card', 'ach'] as const;

/** `POST /v1/invoices` and `POST /v1/invoices/:id` (the whole invoice again, as the doc's update). */
export const invoiceInputSchema = z.strictObject({
  currency: currencySchema,
  company_name: z.optional(text(200)),
  /** Shown on the hosted page; its origin is allowed in the page's CSP, so only a plain host name or address. */
  company_logo_url: z.optional(httpUrlSchema.check(z.refine((value: string) => plainOrigin(value) !== null, 'must be an http(s) URL on a plain host name (letters, digits, dots, hyphens)'))),
  invoice_number: z.optional(invoiceNumberSchema),
  customer_number: z.optional(text(64)),
  /** The merchant's id for the customer (as checkout sessions' `customer_id`). */
  customer_id: z.optional(customerIdSchema),
  payable_to: invoiceAddressSchema,
  bill_to: invoiceAddressSchema,
  date_due: dateTimeSchema,
  items: z.array(invoiceItemSchema).check(z.minLength(1, 'must have at least one item'), z.maxLength(100, 'may have at most 100 items')),
  /**
   * Invoice-level tax, which replaces the items' own taxes: a percentage of the subtotal, or,
   * with `tax_percent` "0" (or left out), the flat `tax`.
   */
  tax_percent: z.optional(taxRateSchema),
  tax: z.optional(minor),
  shipping: z.optional(minor),
  /** Added to the total; negative for a credit. */
  adjustment: z.optional(z.int().check(z.gte(-MAX_AMOUNT, `must be at least -${MAX_AMOUNT}`), z.lte(MAX_AMOUNT, `must not exceed ${MAX_AMOUNT}`))),
  allow_partial_payment: z.optional(z.boolean()),
  /** With `allow_partial_payment`: the least a buyer may pay at once (default: one unit of the currency, or all that is due when less). */
  minimum_payment: z.optional(z.int().check(z.positive('must be a positive integer in minor units'), z.lte(MAX_AMOUNT, `must not exceed ${MAX_AMOUNT}`))),
  payment_methods: z.optional(
    z.array(z.enum(INVOICE_PAYMENT_METHODS)).check(
      z.minLength(1, 'must name at least one method'),
      z.refine((list: string[]) => new Set(list).size === list.length, 'must not repeat a method'),
    ),
  ),
  message: z.optional(text(2000)),
  /** The language of the hosted page and its checkout (default en). */
  locale: z.optional(localeSchema),
  /** Defaults as for checkout sessions: the Pepper gateway when ACH is allowed. */
  provider: z.optional(providerSchema),
  metadata: z.optional(metadataSchema),
});
export type InvoiceInput = z.infer<typeof invoiceInputSchema>;

export const INVOICE_STATUSES = ['pending', 'partially_paid', 'paid', 'overdue'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

const count = z.coerce.number().check(z.int('must be an integer'), z.gte(0, 'must be 0 or more'));

/**
 * `GET /v1/invoices`: the doc's search (id, amount due, due date range, limit / offset) plus
 * status, invoice number and customer. Newest first.
 */
export const invoiceSearchSchema = z.strictObject({
  id: z.optional(z.string().check(z.regex(/^inv_[A-Za-z0-9]+$/, 'must be an invoice id'))),
  status: z.optional(z.enum(INVOICE_STATUSES)),
  invoice_number: z.optional(invoiceNumberSchema),
  customer_id: z.optional(customerIdSchema),
  customer_number: z.optional(text(64)),
  amount_due: z.optional(count),
  amount_due_gt: z.optional(count),
  amount_due_lt: z.optional(count),
  date_due_start: z.optional(dateTimeSchema),
  date_due_end: z.optional(dateTimeSchema),
  limit: z.optional(z.coerce.number().check(z.int('must be an integer'), z.gte(1, 'must be 1 to 100'), z.lte(100, 'must be 1 to 100'))),
  offset: z.optional(count),
});
export type InvoiceSearch = z.infer<typeof invoiceSearchSchema>;

/** `POST /invoices/:public_id/checkout` (the hosted page): what the buyer wants to pay now. */
export const invoiceCheckoutSchema = z.strictObject({
  /** Minor units; only with partial payment allowed. Default: everything due. */
  amount: z.optional(z.int().check(z.positive('must be a positive integer in minor units'), z.lte(MAX_AMOUNT, `must not exceed ${MAX_AMOUNT}`))),
});

export interface InvoiceItem {
  name: string;
  description: string | null;
  type: string | null;
  product_code: string | null;
  unit_price: number;
  quantity: number;
  discount_amount: number;
  /** The item's own rate, as given; null for a flat amount or none. */
  tax_rate: string | null;
  /** The item's tax (computed from `tax_rate`, or as given); 0 when the invoice-level tax applies. */
  tax_amount: number;
  /** unit_price × quantity − discount_amount + tax_amount. */
  amount: number;
  status: 'pending' | 'paid';
}

/** What a payment for the invoice looks like on it (the receipt). */
export interface InvoicePayment {
  id: string;
  status: string;
  /** The part of the payment applied to the invoice (a card surcharge is not). */
  amount: number;
  method: string;
  card: { brand: string | null; last4: string | null } | null;
  bank_account: { last4: string | null } | null;
  created_at: string;
}

export interface Invoice {
  id: string;
  object: 'invoice';
  mode: 'test' | 'live';
  status: InvoiceStatus;
  public_id: string;
  hosted_url: string;
  currency: string;
  locale: string;
  provider: string;
  company_name: string | null;
  company_logo_url: string | null;
  invoice_number: string | null;
  customer_number: string | null;
  customer_id: string | null;
  payable_to: InvoiceAddress;
  bill_to: InvoiceAddress;
  date_due: string;
  items: InvoiceItem[];
  tax_percent: string | null;
  subtotal: number;
  tax: number;
  shipping: number;
  adjustment: number;
  total: number;
  amount_paid: number;
  amount_due: number;
  /** Paid beyond the total: only when a payment the invoice stopped waiting for succeeded late (refund it). */
  amount_overpaid: number;
  allow_partial_payment: boolean;
  minimum_payment: number | null;
  payment_methods: ('card' | 'ach')[];
  message: string | null;
  metadata: Record<string, string>;
  payments: InvoicePayment[];
  paid_at: string | null;
  created_at: string;
  updated_at: string;
}
