/**
 * PayAgency (../shared/providers/payagency-transaction.txt): card payments with 3DS by
 * redirect (`auth_url`), pending / to_be_confirm settled by webhook.
 *
 * Wire decisions where the doc is silent, kept identical in the simulator:
 * - `amount` is sent as a decimal string in the currency's major unit ("15.00"); card expiry
 *   month, year and CVV as strings so a CVV such as "012" keeps its leading zero.
 * - The outcome is read from the body's numeric `status` and `transaction.result.status`, not
 *   from the HTTP status line (the doc's 300/303/304 are body codes; HTTP 304 can carry no body).
 * - The doc gives no amount limit; Paykit caps one payment at 999,999.99 in the major unit
 *   (99,999,999 minor units for two-decimal currencies), scaled by the currency's exponent.
 * - Webhooks: the doc gives no format; we accept the same JSON as the API answer.
 * - PayAgency has no documented status API, so webhooks are authenticated by the unguessable
 *   per-payment token in `webhook_url` and their amount and transaction id are checked. For
 *   the same reason the reconciler cannot ask about a payment in doubt: it relies on the doc's
 *   promise that "our system will send server webhooks to update final transaction status".
 *   The `webhook_url` names our payment, so a webhook settles it even when the API answer (with
 *   the transaction id) was lost; the `order_id` sent (the merchant's, not unique per payment)
 *   is not needed for that. A webhook for a payment already final changes nothing (2xx).
 * - HTTP 503 means refused before processing (../types.ts `unavailableOutcome`): failed
 *   `provider_unavailable`, and a card may go to the next provider; other 5xx are in doubt.
 */
import { currencyExponent, toDecimalString } from '../../../contract/money.ts';
import type { ChargeRequest, ProviderAdapter, ProviderOutcome } from '../types.ts';
import { GENERIC_FAILURE, networkOutcome, safeHttpUrl, unavailableOutcome } from '../types.ts';
import { providerIpv4 } from '../ip.ts';
import { mapPayAgencyStatus, PAYAGENCY_FIELDS } from './status.ts';
import { fromDecimal } from '../../../contract/money.ts';
import { httpFetch } from '../../http-client.ts';

export interface PayAgencyOptions {
  baseUrl: string;
  secretKey: string;
  mode: 'test' | 'live';
  /** Sent when the buyer's address is IPv6: PayAgency requires an IPv4 `ip_address`. */
  ipv4Fallback: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface PayAgencyAnswer {
  status?: unknown;
  message?: unknown;
  auth_url?: unknown;
  errors?: unknown;
  transaction?: {
    transaction_id?: unknown;
    order?: { amount?: unknown; currency?: unknown };
    result?: { status?: unknown; message?: unknown };
  };
}

export function buildPayAgencyRequest(request: ChargeRequest, ipv4Fallback = '0.0.0.0'): Record<string, string> {
  if (request.method.type !== 'card') throw new Error('PayAgency takes cards only');
  const { card } = request.method;
  const { customer } = request;
  const body: Record<string, string | undefined> = {
    order_id: request.orderId,
    first_name: customer.firstName,
    last_name: customer.lastName,
    email: customer.email,
    phone_number: customer.phone,
    ip_address: providerIpv4(request.buyerIp, ipv4Fallback),
    address: customer.address,
    city: customer.city,
    state: customer.state,
    zip: customer.zip,
    country: customer.country,
    amount: toDecimalString(request.amount, request.currency),
    currency: request.currency,
    card_number: card.number.replace(/\D/g, ''),
    card_expiry_month: String(card.exp_month).padStart(2, '0'),
    card_expiry_year: String(card.exp_year),
    card_cvv: card.cvc,
    response_url: request.returnUrl,
    webhook_url: request.webhookUrl,
  };
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Maps any PayAgency answer (API or webhook body) onto the state machine. */
export function mapPayAgencyAnswer(answer: PayAgencyAnswer, httpStatus?: number): ProviderOutcome {
  const code = typeof answer.status === 'number' ? answer.status : httpStatus;
  const result = answer.transaction?.result;
  const mapping = mapPayAgencyStatus(code, result?.status);
  const providerReference = typeof answer.transaction?.transaction_id === 'string' ? answer.transaction.transaction_id : undefined;
  const providerStatus = String(result?.status ?? answer.message ?? code ?? 'unknown');
  const bankMessage = typeof result?.message === 'string' ? result.message : undefined;
  const outcome: ProviderOutcome = { status: mapping.status, providerStatus, ...(providerReference ? { providerReference } : {}) };

  if (mapping.status === 'requires_action') {
    const url = safeHttpUrl(answer.auth_url);
    // A redirect without a usable URL cannot be completed by the buyer: wait for the webhook.
    return url ? { ...outcome, nextAction: { type: 'redirect', url } } : { ...outcome, status: 'processing' };
  }
  if (mapping.status !== 'failed') return outcome;

  if (code === 401) {
    return { ...outcome, configurationError: true, error: { code: mapping.code!, message: GENERIC_FAILURE } };
  }
  if (code === 402) {
    const fields = mapValidationErrors(answer.errors);
    return {
      ...outcome,
      error: {
        code: mapping.code!,
        message: 'Some payment details were not accepted. Please check the highlighted fields.',
        ...(Object.keys(fields).length ? { fields } : {}),
      },
    };
  }
  const fallback = mapping.code === 'payment_blocked' ? 'This payment was blocked.' : 'Your card was declined.';
  return { ...outcome, error: { code: mapping.code!, message: bankMessage ?? fallback } };
}

function mapValidationErrors(errors: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!errors || typeof errors !== 'object') return fields;
  for (const [name, messages] of Object.entries(errors)) {
    const field = PAYAGENCY_FIELDS[name] ?? name;
    const message = Array.isArray(messages) ? messages.find((m) => typeof m === 'string') : messages;
    if (typeof message === 'string' && !(field in fields)) fields[field] = message.slice(0, 300);
  }
  return fields;
}


export function createPayAgencyAdapter(options: PayAgencyOptions): ProviderAdapter {
  const send = options.fetch ?? httpFetch;
  const endpoint = `${options.baseUrl.replace(/\/$/, '')}/v1/${options.mode}/transaction`;
  return {
    name: 'payagency',
    methods: () => ['card'],
    maxInstallments: 1,
    maxAmount: (currency) => Math.floor(99_999_999 * 10 ** (currencyExponent(currency) - 2)),

    async charge(request) {
      let response: Response;
      try {
        response = await send(endpoint, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            Authorization: `Bearer ${options.secretKey}`,
          },
          body: JSON.stringify(buildPayAgencyRequest(request, options.ipv4Fallback)),
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        return networkOutcome(error);
      }
      // Refused before processing (types.ts): nothing was charged, whatever the body says.
      if (response.status === 503) return unavailableOutcome(503);
      let answer: PayAgencyAnswer;
      try {
        answer = (await response.json()) as PayAgencyAnswer;
      } catch {
        // The request reached PayAgency but the answer is unreadable: the charge may exist.
        return { status: 'processing', providerStatus: `http_${response.status}_unreadable` };
      }
      if (response.status >= 500) return { status: 'processing', providerStatus: `http_${response.status}` };
      return mapPayAgencyAnswer(answer ?? {}, response.status);
    },

    parseWebhook(body) {
      if (!body || typeof body !== 'object') return null;
      const answer = body as PayAgencyAnswer;
      if (!answer.transaction || typeof answer.transaction !== 'object') return null;
      const outcome = mapPayAgencyAnswer(answer);
      const order = answer.transaction.order;
      const currency = typeof order?.currency === 'string' ? order.currency : undefined;
      let amount: number | undefined;
      try {
        if (currency && (typeof order?.amount === 'string' || typeof order?.amount === 'number')) amount = fromDecimal(order.amount, currency);
      } catch {
        return null;
      }
      return { ...outcome, ...(amount === undefined ? {} : { amount }), ...(currency ? { currency } : {}) };
    },
  };
}
