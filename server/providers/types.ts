/**
 * The interface every provider adapter implements. Adapters are stateless: they build the
 * provider's request, send it over HTTP to a base URL (the real provider or its sandbox
 * simulator), and map the answer onto the state machine through one table each.
 */
import type { CardInput, NextAction, PaymentStatus, ProviderName } from '../../contract/api.ts';

export interface ChargeRequest {
  paymentId: string;
  amount: number;
  currency: string;
  orderId: string;
  description: string | null;
  card: CardInput;
  customer: {
    email: string;
    firstName: string;
    lastName: string;
    phone?: string;
    address?: string;
    city?: string;
    state?: string;
    zip?: string;
    country?: string;
  };
  /** The buyer's IP address as the server saw it. */
  ipAddress: string;
  /** Where the provider sends the buyer back after a redirect (our return route). */
  returnUrl: string;
  /** Our authenticated webhook route for this payment. */
  webhookUrl: string;
}

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
}

export interface ProviderAdapter {
  readonly name: ProviderName;
  /** The largest amount, in minor units, the provider accepts for `currency`. */
  maxAmount(currency: string): number;
  charge(request: ChargeRequest): Promise<ProviderOutcome>;
  /** Maps a webhook body; null when it is not a well-formed notification. */
  parseWebhook(body: unknown): (ProviderOutcome & { amount?: number; currency?: string }) | null;
}

/** Messages shown to buyers for failures that are not theirs to fix. */
export const GENERIC_FAILURE = 'This payment could not be processed. Please try again later or use another payment method.';
