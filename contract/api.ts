/**
 * The wire contract of Paykit's public HTTP API: one module, imported by the server (to validate
 * requests), the widget (to type what it sends and receives) and the OpenAPI generator.
 * Written with `zod/mini` so the browser bundles stay small.
 */
import * as z from 'zod/mini';
import { isKnownCurrency } from './money.ts';

/** The largest amount Paykit accepts anywhere; adapters may set a lower one. */
export const MAX_AMOUNT = 99_999_999_999;

/** Text a database can keep: no NUL character, no lone UTF-16 surrogate (PostgreSQL refuses both). */
export const storable = (value: string) => !/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
const STORABLE = 'must not contain NUL or unpaired surrogate characters';

/** A trimmed, non-empty, storable string of at most `max` characters. */
export const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max), z.refine(storable, STORABLE));

/** An ISO 8601 date-time with an offset, in years 1970–9999 (PostgreSQL has no year 0, and JavaScript dates end at 275760). */
export const dateTimeSchema = z.iso.datetime({ offset: true }).check(
  z.refine((value: string) => {
    const year = new Date(value).getUTCFullYear();
    return year >= 1970 && year <= 9999;
  }, 'must be a date between 1970 and 9999'),
);

export const currencySchema = z.pipe(
  z.string().check(z.regex(/^[A-Za-z]{3}$/, 'must be a three-letter ISO 4217 code')),
  z.transform((code: string) => code.toUpperCase()),
).check(z.refine((code: string) => isKnownCurrency(code), 'is not a supported ISO 4217 currency'));

export const amountSchema = z.int().check(
  z.positive('must be a positive integer in minor units'),
  z.lte(MAX_AMOUNT, `must not exceed ${MAX_AMOUNT}`),
);

export const httpUrlSchema = z.string().check(
  z.maxLength(2048),
  z.refine((value: string) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL'),
);

export const customerSchema = z.strictObject({
  email: z.optional(z.email().check(z.maxLength(254))),
  first_name: z.optional(text(100)),
  last_name: z.optional(text(100)),
  phone: z.optional(z.string().check(z.regex(/^\+?[0-9 ()-]{4,20}$/, 'must be a phone number'))),
  address: z.optional(text(200)),
  city: z.optional(text(100)),
  state: z.optional(text(100)),
  zip: z.optional(text(20)),
  country: z.optional(z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code'))),
});
export type Customer = z.infer<typeof customerSchema>;

/** Metadata: up to 20 string keys of 40 characters with string values of 500 characters. */
export const metadataSchema = z
  .record(z.string().check(z.minLength(1), z.maxLength(40), z.refine(storable, STORABLE)), z.string().check(z.maxLength(500), z.refine(storable, STORABLE)))
  .check(z.refine((value: object) => Object.keys(value).length <= 20, 'may have at most 20 keys'));

export const localeSchema = z.string().check(z.regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a locale such as en or pt-BR'));

export const providerSchema = z.enum(['payagency', 'pagou', 'pepper']);
export type ProviderName = z.infer<typeof providerSchema>;

/**
 * How a buyer may pay. PIX is Brazil's instant payment, in BRL through Pagou; `ach` is a US bank
 * account debit and `alipay` / `wechatpay` / `paypal` are redirect payment methods (APMs), in USD
 * through the Pepper gateway.
 */
export const PAYMENT_METHOD_TYPES = ['card', 'pix', 'ach', 'alipay', 'wechatpay', 'paypal'] as const;
export type PaymentMethodType = (typeof PAYMENT_METHOD_TYPES)[number];
export const paymentMethodTypeSchema = z.enum(PAYMENT_METHOD_TYPES);
/** The redirect payment methods: the buyer pays on the provider's page and comes back. */
export const APM_TYPES = ['alipay', 'wechatpay', 'paypal'] as const;
export type ApmType = (typeof APM_TYPES)[number];
export const isApm = (method: string): method is ApmType => (APM_TYPES as readonly string[]).includes(method);

/** A merchant's own id for a returning customer (their saved cards are kept under it). */
export const customerIdSchema = z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[\w.:@-]+$/, 'may contain letters, digits, _ . : @ - only'));

/** A US state (or territory) as its two-letter postal abbreviation. */
export const usStateSchema = z.string().check(z.regex(/^[A-Z]{2}$/, 'must be a two-letter state abbreviation such as NY'));

/** Surcharge rates in thousandths of a percent (3000 = 3.000%), as contract/surcharge.ts. */
export const surchargeRateSchema = z.int().check(z.gte(0, 'must be 0 to 10000 (thousandths of a percent)'), z.lte(10_000, 'must be 0 to 10000 (thousandths of a percent)'));

/** The most installments any provider takes (Pagou: 1 to 12). */
export const MAX_INSTALLMENTS = 12;
export const installmentsSchema = z.int().check(
  z.gte(1, `must be 1 to ${MAX_INSTALLMENTS}`),
  z.lte(MAX_INSTALLMENTS, `must be 1 to ${MAX_INSTALLMENTS}`),
);

/** One line of the order; the line items' total must equal the session's amount. */
export const lineItemSchema = z.strictObject({
  name: text(200),
  /** Price of one unit, in minor units. */
  unit_amount: amountSchema,
  quantity: z.int().check(z.gte(1, 'must be at least 1'), z.lte(100_000, 'must be at most 100000')),
  sku: z.optional(text(64)),
  /** True for physical goods that ship. */
  tangible: z.optional(z.boolean()),
});
export type LineItem = z.infer<typeof lineItemSchema>;

/** `POST /v1/checkout/sessions` (secret key). */
export const createSessionSchema = z.strictObject({
  amount: amountSchema,
  currency: currencySchema,
  order_id: z.optional(z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[\w.:-]+$/, 'may contain letters, digits, _ . : - only'))),
  description: z.optional(text(500)),
  customer: z.optional(customerSchema),
  return_url: httpUrlSchema,
  metadata: z.optional(metadataSchema),
  locale: z.optional(localeSchema),
  /** Defaults to pagou for BRL, payagency otherwise. */
  provider: z.optional(providerSchema),
  line_items: z.optional(z.array(lineItemSchema).check(z.minLength(1, 'must have at least one item'), z.maxLength(100, 'may have at most 100 items'))),
  /** The most installments the buyer may choose for a card payment (1, the default, offers none). */
  max_installments: z.optional(installmentsSchema),
  /** Which methods the buyer may use; defaults to every method the provider offers for the currency. */
  payment_methods: z.optional(
    z.array(paymentMethodTypeSchema).check(
      z.minLength(1, 'must name at least one method'),
      z.refine((list: string[]) => new Set(list).size === list.length, 'must not repeat a method'),
    ),
  ),
  /** Ask the buyer for a phone number (PIX). */
  collect_phone: z.optional(z.boolean()),
  /** `automatic` (default): cards are charged at once; `manual`: authorized, captured later through the API. */
  capture_method: z.optional(z.enum(['automatic', 'manual'])),
  /** The merchant's id for a returning customer: their saved cards are offered, and new ones may be saved. */
  customer_id: z.optional(customerIdSchema),
  /** How saved cards behave (needs `customer_id`). */
  saved_cards: z.optional(
    z.strictObject({
      /** Offer "save this card" (default true). */
      allow_saving: z.optional(z.boolean()),
      /** Ask the buyer for the security code again to pay with a saved card (default false). */
      require_cvc: z.optional(z.boolean()),
      /** Let the buyer remove a saved card from the widget (default false). */
      allow_removal: z.optional(z.boolean()),
    }),
  ),
  /**
   * Add a card surcharge, looked up at the provider by the card's BIN and the billing state and
   * capped at `max_rate` of the amount (default 3000 = 3.000%). `amount` is then the base amount.
   */
  surcharge: z.optional(z.strictObject({ max_rate: z.optional(surchargeRateSchema) })),
  /** The NACHA SEC code of ACH debits: `web` (default, the buyer authorizes online), `ccd` (a business account), `ppd`. */
  ach_sec_code: z.optional(z.enum(['web', 'ccd', 'ppd'])),
});
export type CreateSessionInput = z.infer<typeof createSessionSchema>;

/** The one payment state machine (DESIGN.md). */
export const PAYMENT_STATUSES = [
  'requires_payment_method',
  'processing',
  'requires_action',
  'requires_capture',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const SESSION_STATUSES = ['open', 'processing', 'complete', 'expired'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Card details, only ever sent from the frame to the payment server. */
export const cardSchema = z.strictObject({
  number: z.string().check(z.regex(/^[0-9 ]{12,23}$/, 'must be a card number')),
  exp_month: z.int().check(z.gte(1, 'must be 1 to 12'), z.lte(12, 'must be 1 to 12')),
  exp_year: z.int().check(z.gte(2000, 'must be a four-digit year'), z.lte(2099, 'must be a four-digit year')),
  cvc: z.string().check(z.regex(/^[0-9]{3,4}$/, 'must be 3 or 4 digits')),
  name: text(100),
});
export type CardInput = z.infer<typeof cardSchema>;

/** A CPF (11 digits) or CNPJ (14 digits), punctuation allowed; check digits are verified by the server. */
export const brDocumentSchema = z.string().check(z.regex(/^[0-9./ -]{11,20}$/, 'must be a CPF or CNPJ'));

export const phoneSchema = z.string().check(z.regex(/^\+?[0-9 ()-]{4,20}$/, 'must be a phone number'));

/** The payer of a PIX: Pagou needs their name and document (CPF or CNPJ). */
export const pixPayerSchema = z.strictObject({
  name: text(100),
  document: brDocumentSchema,
  phone: z.optional(phoneSchema),
});
export type PixPayerInput = z.infer<typeof pixPayerSchema>;

/** A US bank account to debit by ACH, and the buyer's acceptance of the mandate shown to them. */
export const achSchema = z.strictObject({
  /** Nine digits; the ABA checksum is verified by the server (contract/aba.ts). */
  routing_number: z.string().check(z.regex(/^[0-9]{9}$/, 'must be 9 digits')),
  account_number: z.string().check(z.regex(/^[0-9]{4,17}$/, 'must be 4 to 17 digits')),
  account_type: z.enum(['checking', 'savings']),
  holder_name: text(100),
  /** The buyer ticked the authorization (the session's `ach_mandate` text). */
  mandate_accepted: z.literal(true, 'must be true: the buyer must accept the authorization'),
});
export type AchInput = z.infer<typeof achSchema>;

/** The buyer's device, from the frame's viewport and pointer: nothing that identifies anyone. */
export const DEVICE_CLASSES = ['mobile', 'tablet', 'desktop'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

/**
 * What only the checkout sees, sent by the widget with each confirm (and with an abandonment) and
 * exported to Pagos as enrichment metadata. No personal data: no IP, no user agent, no field values.
 */
export const checkoutTelemetrySchema = z.strictObject({
  /** The language the form was shown in. */
  locale: z.optional(localeSchema),
  device_class: z.optional(z.enum(DEVICE_CLASSES)),
  /** Milliseconds from the form being ready to this submit (or to leaving). */
  ready_to_submit_ms: z.optional(z.int().check(z.gte(0, 'must be 0 to 86400000 (milliseconds)'), z.lte(86_400_000, 'must be 0 to 86400000 (milliseconds)'))),
});
export type CheckoutTelemetry = z.infer<typeof checkoutTelemetrySchema>;

/**
 * Where a buyer gave up, reported by the widget when the buyer leaves with the payment unfinished:
 * nothing entered yet, entering details, details complete but never submitted, after a failed
 * attempt, in a 3DS challenge, with a PIX code unpaid, or while a payment was processing.
 */
export const ABANDONED_STEPS = ['not_started', 'payment_details', 'ready_to_pay', 'after_failure', 'authentication', 'pix_code', 'processing'] as const;
export type AbandonedStep = (typeof ABANDONED_STEPS)[number];

/** `POST /v1/checkout/sessions/:id/abandon` (publishable key + client secret): the widget's beacon. */
export const abandonSessionSchema = z.strictObject({
  step: z.enum(ABANDONED_STEPS),
  /** The payment method shown when the buyer left. */
  payment_method: z.optional(paymentMethodTypeSchema),
  telemetry: z.optional(checkoutTelemetrySchema),
});
export type AbandonSessionInput = z.infer<typeof abandonSessionSchema>;

/** `POST /v1/checkout/sessions/:id/confirm` (publishable key + client secret). */
export const confirmSessionSchema = z.strictObject({
  payment_method: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('card'),
      card: cardSchema,
      /** 1 (the default) to the session's max_installments. */
      installments: z.optional(installmentsSchema),
      /** Save the card for the session's customer (when the session allows saving). */
      save: z.optional(z.boolean()),
      /** The billing address's state (US), for the surcharge and the address check. */
      billing_state: z.optional(usStateSchema),
    }),
    z.strictObject({
      type: z.literal('saved_card'),
      saved_card: z.strictObject({
        /** An id from `GET …/saved_cards`. */
        id: z.string().check(z.minLength(1), z.maxLength(64)),
        /** Required when the session's `saved_cards.require_cvc` is true. */
        cvc: z.optional(z.string().check(z.regex(/^[0-9]{3,4}$/, 'must be 3 or 4 digits'))),
      }),
      billing_state: z.optional(usStateSchema),
    }),
    z.strictObject({
      type: z.literal('pix'),
      pix: pixPayerSchema,
    }),
    z.strictObject({
      type: z.literal('ach'),
      ach: achSchema,
    }),
    z.strictObject({
      type: z.literal(APM_TYPES),
    }),
  ]),
  /** Asked for by the widget when the session has no customer email. */
  email: z.optional(z.email().check(z.maxLength(254))),
  /**
   * The total the buyer was shown (with a surcharge). Never what is charged — the server computes
   * that — but a guard: when it differs from the server's total, nothing is charged (409 `amount_changed`).
   */
  expected_amount: z.optional(z.int().check(z.positive('must be a positive integer in minor units'))),
  /** What the checkout saw (the widget sends it): exported to Pagos with the payment. */
  telemetry: z.optional(checkoutTelemetrySchema),
});
export type ConfirmSessionInput = z.infer<typeof confirmSessionSchema>;

/** `POST /v1/checkout/sessions/:id/surcharge` (publishable key + client secret): the surcharge for a card. */
export const surchargeQuoteSchema = z.strictObject({
  /** The card's first 6 to 8 digits (a new card). */
  bin: z.optional(z.string().check(z.regex(/^[0-9]{6,8}$/, 'must be the first 6 to 8 digits of the card'))),
  /** Or a saved card's id (the frame does not know its digits). */
  saved_card: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  billing_state: z.optional(usStateSchema),
});

/** What a surcharge quote answers: every amount in minor units of `currency`. */
export interface SurchargeQuote {
  base_amount: number;
  surcharge: number;
  total: number;
  currency: string;
}

/** A card saved for the session's customer (`GET /v1/checkout/sessions/:id/saved_cards`). */
export interface SavedCard {
  id: string;
  brand: string | null;
  last4: string;
  exp_month: number;
  exp_year: number;
}

/** `POST /v1/payments/:id/capture` (secret key): all of the authorization, or part of it. */
export const captureSchema = z.strictObject({
  amount: z.optional(amountSchema),
});

/** `POST /v1/payments/:id/void` (secret key): no fields. */
export const voidSchema = z.strictObject({});

/** `POST /v1/payments/:id/refunds` (secret key): all that is left, or part of it. */
export const refundSchema = z.strictObject({
  amount: z.optional(amountSchema),
  reason: z.optional(z.enum(['requested_by_customer', 'duplicate', 'fraudulent'])),
});

/** Enrichment keys Paykit itself sends to Pagos start with this; a merchant's may not. */
export const RESERVED_ENRICHMENT_PREFIX = 'paykit_';
export const MAX_ENRICHMENT_KEYS = 50;

/**
 * `POST /v1/payments/:id/enrichment` (secret key): labels for the payment in Pagos, merged into
 * the ones it has (a `null` removes a key). At most 50 keys of 40 characters; values are strings
 * of up to 500 characters, numbers or booleans.
 */
export const enrichmentSchema = z.strictObject({
  metadata: z
    .record(
      z.string().check(
        z.minLength(1),
        z.maxLength(40),
        z.regex(/^[\w.:-]+$/, 'keys may contain letters, digits, _ . : - only'),
        z.refine((key: string) => !key.toLowerCase().startsWith(RESERVED_ENRICHMENT_PREFIX), `keys starting with ${RESERVED_ENRICHMENT_PREFIX} are Paykit's own`),
      ),
      z.nullable(z.union([z.string().check(z.maxLength(500), z.refine(storable, STORABLE)), z.number().check(z.refine(Number.isFinite, 'must be a finite number')), z.boolean()])),
    )
    .check(
      z.refine((value: object) => Object.keys(value).length >= 1, 'must have at least one key'),
      z.refine((value: object) => Object.keys(value).length <= MAX_ENRICHMENT_KEYS, `may have at most ${MAX_ENRICHMENT_KEYS} keys`),
    ),
});
export type EnrichmentInput = z.infer<typeof enrichmentSchema>;

/** `GET /v1/pagos/exports` query (secret key): the export's deliveries, for the operator. */
export const exportSearchSchema = z.strictObject({
  status: z.optional(z.enum(['pending', 'delivered', 'parked', 'waiting'])),
  payment: z.optional(z.string().check(z.regex(/^pay_[A-Za-z0-9]{1,64}$/, 'must be a payment id (pay_…)'))),
  limit: z.optional(z.coerce.number().check(z.int('must be an integer'), z.gte(1, 'must be 1 to 100'), z.lte(100, 'must be 1 to 100'))),
  offset: z.optional(z.coerce.number().check(z.int('must be an integer'), z.gte(0, 'must be 0 or more'), z.lte(1_000_000, 'must be at most 1000000'))),
});
export type ExportSearch = z.infer<typeof exportSearchSchema>;

/** `GET /v1/payments` query (secret key). Amounts in minor units; dates ISO 8601. */
export const paymentSearchSchema = z.strictObject({
  status: z.optional(z.enum(['requires_payment_method', 'processing', 'requires_action', 'requires_capture', 'succeeded', 'failed', 'canceled'])),
  provider: z.optional(providerSchema),
  order_id: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  /** The payments made for one invoice (`inv_…`). */
  invoice: z.optional(z.string().check(z.regex(/^inv_[A-Za-z0-9]+$/, 'must be an invoice id'))),
  last4: z.optional(z.string().check(z.regex(/^[0-9]{4}$/, 'must be 4 digits'))),
  amount_gte: z.optional(z.coerce.number().check(z.int('must be an integer'), z.gte(0, 'must be 0 or more'))),
  amount_lte: z.optional(z.coerce.number().check(z.int('must be an integer'), z.gte(0, 'must be 0 or more'))),
  created_gte: z.optional(dateTimeSchema),
  created_lte: z.optional(dateTimeSchema),
  limit: z.optional(z.coerce.number().check(z.int('must be an integer'), z.gte(1, 'must be 1 to 100'), z.lte(100, 'must be 1 to 100'))),
  starting_after: z.optional(z.string().check(z.regex(/^pay_[A-Za-z0-9]+$/, 'must be a payment id'))),
});
export type PaymentSearch = z.infer<typeof paymentSearchSchema>;

/** What a failed payment tells the buyer and the merchant. */
export interface PaymentError {
  code: string;
  message: string;
  /** Fields the provider rejected, by Paykit field name (`card.number`, `card.cvc`, `email`…). */
  fields?: Record<string, string>;
}

/**
 * What the buyer must do next:
 * - `redirect`: go to `url` (3DS or bank page) and come back through the return route;
 * - `pix`: pay the PIX code (`qr_code` is the copy-and-paste BR Code payload, also shown as a QR
 *   code) before `expires_at`; the payment succeeds on its own once paid;
 * - `three_ds_challenge`: show `url` (the provider's challenge page) in a modal until the payment
 *   settles; the challenge expires at `expires_at`.
 */
export type NextAction =
  | { type: 'redirect'; url: string }
  | { type: 'pix'; qr_code: string; expires_at: string }
  | { type: 'three_ds_challenge'; url: string; expires_at: string };

/** The buyer-facing view of a payment, returned by confirm and by the public session read. */
export interface PublicPayment {
  id: string;
  status: PaymentStatus;
  /** What the buyer is charged: the session's amount plus `surcharge_amount`. */
  amount: number;
  /** The card surcharge included in `amount` (0 when none). */
  surcharge_amount: number;
  currency: string;
  method: PaymentMethodType;
  /** Card installments chosen (1 when none); null for other methods. */
  installments: number | null;
  next_action: NextAction | null;
  error: PaymentError | null;
  card: { brand: string | null; last4: string | null } | null;
}

/** The buyer-facing view of a session (`GET /v1/checkout/sessions/:id` with a publishable key). */
export interface PublicSession {
  id: string;
  object: 'checkout.session';
  status: SessionStatus;
  amount: number;
  currency: string;
  description: string | null;
  locale: string | null;
  merchant_name: string;
  /** True when the widget must ask the buyer for an email address. */
  requires_email: boolean;
  /** The methods to offer, in the merchant's order. */
  payment_methods: PaymentMethodType[];
  /** The most card installments to offer; 1 means no installment choice. */
  max_installments: number;
  /** True when the widget must ask for a phone number (PIX). */
  collect_phone: boolean;
  /** True when a card surcharge applies: look it up (`POST …/surcharge`) and show the total. */
  surcharge: boolean;
  /** The billing state the session already knows (the customer's), else null. */
  billing_state: string | null;
  /** Saved cards of the session's customer: null when the session has no customer or the provider no vault. */
  saved_cards: { can_save: boolean; require_cvc: boolean; allow_removal: boolean } | null;
  /** The authorization text the buyer accepts before an ACH debit (with the date and amount); null without ACH. */
  ach_mandate: string | null;
  payment: PublicPayment | null;
  /** True when too many declined attempts locked the session: no further payment is accepted. */
  locked?: boolean;
}

/** The one error shape of every Paykit route. */
export interface ApiErrorBody {
  error: {
    type:
      | 'invalid_request_error'
      | 'authentication_error'
      | 'permission_error'
      | 'idempotency_error'
      | 'rate_limit_error'
      | 'provider_error'
      | 'api_error';
    code: string;
    message: string;
    param?: string;
  };
}
