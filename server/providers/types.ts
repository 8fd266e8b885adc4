/**
 * The interface every provider adapter implements. Adapters are stateless: they build the
 * provider's request, send it over HTTP to a base URL (the real provider or its sandbox
 * simulator), and map the answer onto the state machine through one table each.
 */
import type { AchInput, ApmType, CardInput, LineItem, NextAction, PaymentMethodType, PaymentStatus, ProviderName, SavedCard } from '../../contract/api.ts';

/** What the buyer pays with, as the adapter receives it. */
export type ChargeMethod =
  | { type: 'card'; card: CardInput; installments: number; billingState?: string }
  /** A card from the provider's vault: `customer` is the provider's customer id. */
  | { type: 'saved_card'; customer: string; cardId: string; billingState?: string }
  | { type: 'pix' }
  | { type: 'ach'; ach: AchInput; secCode: 'web' | 'ccd' | 'ppd' }
  | { type: 'apm'; apm: ApmType };

/**
 * Save the card of this charge in the provider's vault once it is approved: under the
 * provider's customer `customer`, or (null) a new vault customer, whose id comes back as
 * `ProviderOutcome.vaultCustomer`.
 */
export interface SaveCard {
  customer: string | null;
}

export interface ChargeRequest {
  paymentId: string;
  sessionId: string;
  amount: number;
  currency: string;
  orderId: string;
  description: string | null;
  method: ChargeMethod;
  customer: {
    email: string;
    /** The full name as the buyer gave it (PIX payer, or the name on the card). */
    name: string;
    firstName: string;
    lastName: string;
    phone?: string;
    /** A Brazilian CPF or CNPJ, digits only. */
    document?: { type: 'CPF' | 'CNPJ'; number: string };
    address?: string;
    city?: string;
    state?: string;
    zip?: string;
    country?: string;
  };
  /** The session's line items, when the merchant gave them. */
  lineItems: LineItem[] | null;
  /** The session's metadata. */
  metadata: Record<string, string>;
  /** `manual`: authorize only; the merchant captures later. */
  captureMethod: 'automatic' | 'manual';
  /** The card surcharge included in `amount` (0: none). `amount - surcharge` is the base amount. */
  surcharge: number;
  /** Keep the card for next time (cards only, providers with a vault). */
  saveCard?: SaveCard;
  /** The buyer's IP address, IPv4 or IPv6, as the server saw it (undefined when unknown). */
  buyerIp: string | undefined;
  /** Where the provider sends the buyer back after a redirect (our return route). */
  returnUrl: string;
  /** Our authenticated webhook route for this payment. */
  webhookUrl: string;
}

/** A saved card as the provider's vault lists it; `bin` (its first six digits) is for the surcharge lookup only. */
export type VaultCard = SavedCard & { bin?: string };

/** What a provider answer, synchronous or by webhook, means for the payment. */
export interface ProviderOutcome {
  status: PaymentStatus;
  providerReference?: string;
  nextAction?: NextAction;
  /** Set for `failed`: a code, the message for the buyer, and rejected fields if any. */
  error?: { code: string; message: string; fields?: Record<string, string> };
  /** The provider's own status word, kept for logs and the event history. */
  providerStatus: string;
  /** True when the merchant's configuration is at fault (bad credentials): alert, don't blame the buyer. */
  configurationError?: boolean;
  /** Card details the provider reported (brand, last 4) when Paykit did not see the card. */
  card?: { brand?: string; last4?: string };
  /** Address and security-code checks, as the provider's codes. */
  checks?: { avs?: string; cvv?: string };
  /** The provider's vault customer the card was saved under (when `saveCard` asked for it and it worked). */
  vaultCustomer?: string;
  /** The amount the provider actually approved, when it says (a partial approval is not a success). */
  amountApproved?: number;
}

/** A provider's own record of a transaction, read back to confirm a webhook or reconcile. */
export interface RetrievedTransaction extends ProviderOutcome {
  /** Our payment id as the provider holds it (e.g. Pagou's `external_ref`). */
  externalRef?: string;
  amount?: number;
  currency?: string;
  /** What was captured of it, when the provider says (a capture in doubt is settled by this). */
  amountCaptured?: number;
}

/**
 * A refund the provider made against a transaction, as it lists them: how the reconciler finds a
 * refund whose answer was lost. Only refunds that stand (not voided or declined).
 */
export interface ProviderRefund {
  /** The provider's id of the refund (a `refunds.provider_reference`). */
  id: string;
  amount: number;
}

/** What the reconciler knows of a payment whose charge got no answer. */
export interface PaymentLookup {
  paymentId: string;
  /** The order id the charge was sent with (`providerOrderId`). */
  orderId: string;
  amount: number;
  currency: string;
  /** When the payment was created: the provider's record cannot be older. */
  createdAt: Date;
}

/** What a provider said to a capture, void or refund. */
export type MoneyMovement =
  | { outcome: 'done'; providerReference?: string; amount?: number }
  /** The provider refused, and nothing moved; `notSettled`: a refund must wait (void instead). */
  | { outcome: 'refused'; code: string; message: string; notSettled?: boolean; settled?: boolean }
  /** Sent, but the answer was lost (timeout, 5xx): it may have happened. */
  | { outcome: 'in_doubt'; detail: string };

export interface ProviderAdapter {
  readonly name: ProviderName;
  /** The methods the provider offers for `currency` (empty: the currency is not supported). */
  methods(currency: string): readonly PaymentMethodType[];
  /** The most card installments the provider takes (1: none). */
  readonly maxInstallments: number;
  /** The largest amount, in minor units, the provider accepts for `currency`. */
  maxAmount(currency: string): number;
  charge(request: ChargeRequest): Promise<ProviderOutcome>;
  /** Maps a webhook body; null when it is not a well-formed notification. */
  parseWebhook(body: unknown): (ProviderOutcome & { amount?: number; currency?: string }) | null;
  /**
   * Reads a transaction back from the provider. When an adapter has it, webhooks are only a
   * hint: the server believes what this returns. Null when the provider does not know it.
   */
  retrieve?(providerReference: string): Promise<RetrievedTransaction | null>;
  /**
   * Finds the transaction a charge made when its answer was lost (so we have no reference), by
   * what the charge carried (our payment id as the provider keeps it, the order id). Null when
   * the provider has none: it never got the charge. Throws when it could not say.
   */
  findByPayment?(lookup: PaymentLookup): Promise<RetrievedTransaction | null>;
  /** Capture `amount` of an authorization (manual capture). Absent: the provider has no capture. */
  capture?(providerReference: string, amount: number): Promise<MoneyMovement>;
  /** Void an authorization or an unsettled sale. */
  void?(providerReference: string): Promise<MoneyMovement>;
  /** Refund `amount` of a settled payment. */
  refund?(providerReference: string, amount: number): Promise<MoneyMovement>;
  /**
   * The refunds the provider made against a transaction since `since` (the reconciler's way to
   * settle a refund whose answer was lost). Throws when it could not say.
   */
  findRefunds?(providerReference: string, lookup: { paymentId: string; since: Date }): Promise<ProviderRefund[]>;
  /** True when the provider can authorize now and capture later. */
  readonly manualCapture?: boolean;
  /** The provider's card surcharge for `baseAmount` on a card starting with `bin`, billed in `state`. */
  feeLookup?(request: { bin: string; baseAmount: number; state?: string }): Promise<{ surcharge: number }>;
  /** The provider's customer vault (saved cards). */
  readonly vault?: {
    /** The customer's cards; null when the provider no longer knows the customer. */
    list(customer: string): Promise<VaultCard[] | null>;
    /** Removes a card; false when it was not there. */
    remove(customer: string, cardId: string): Promise<boolean>;
  };
  /** Origins whose pages the frame may show in an iframe (3DS challenges). */
  readonly frameOrigins?: readonly string[];
}

/** Messages shown to buyers for failures that are not theirs to fix. */
export const GENERIC_FAILURE = 'This payment could not be processed. Please try again later or use another payment method.';

/** Throws away nothing that identifies a network failure: the Node `fetch` cause code, if any. */
export function networkCode(error: unknown): string | undefined {
  return (error as { cause?: { code?: string } })?.cause?.code;
}

/**
 * A request that never reached the provider (connection refused, DNS) cannot have charged: it
 * fails and the buyer may retry. Anything else (timeout, reset mid-way) is in doubt: processing.
 */
export function networkOutcome(error: unknown): ProviderOutcome {
  const code = networkCode(error);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return { status: 'failed', providerStatus: `network_${code}`, error: { code: 'provider_unavailable', message: GENERIC_FAILURE } };
  }
  return { status: 'processing', providerStatus: `network_${code ?? (error as Error)?.name ?? 'error'}` };
}

/**
 * An HTTP 503 to a create: the provider (or the load balancer in front of it) refused the
 * request before processing it, so nothing was charged — the one HTTP answer Paykit treats as
 * "not processed" (RFC 9110: the server is "currently unable to handle the request"). A 500,
 * 502 or 504 may come after the work was done: those stay in doubt (`processing`).
 */
export function unavailableOutcome(httpStatus: number): ProviderOutcome {
  return { status: 'failed', providerStatus: `http_${httpStatus}`, error: { code: 'provider_unavailable', message: GENERIC_FAILURE } };
}

/**
 * True when a charge failed for a technical reason before the provider could have processed it
 * (refused connection, DNS, 503): the one failure that may go to the next provider.
 */
export function failedBeforeProcessing(outcome: ProviderOutcome): boolean {
  return outcome.status === 'failed' && outcome.error?.code === 'provider_unavailable';
}

/** `value` as an absolute http(s) URL, or null. */
export function safeHttpUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}
