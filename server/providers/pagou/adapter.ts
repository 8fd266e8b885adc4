/**
 * Pagou (../shared/providers/pagou-transactions.txt): PIX and Brazilian credit cards in BRL,
 * with installments and 3DS challenges. What the doc leaves open, and how we decided, is in
 * README.md beside this file — in short:
 * - Cards are tokenized by `POST /v2/tokens` **from the server** (the doc names the `pgct_…`
 *   token but not how it is made: this endpoint is our assumption, played by the sandbox).
 * - `external_ref` is our payment id, which Pagou treats as an idempotency key: a retried
 *   create can never make a second transaction.
 * - `ip_address` follows the documented IPv4 pattern; an IPv6 buyer's address is left out.
 * - Webhooks are hints: `retrieve()` reads the transaction back and the server believes that.
 * - A create whose answer was lost is found by `external_ref` (`findByPayment`, an assumed
 *   `GET /v2/transactions?external_ref=`), for the reconciler; a 503 means nothing was made.
 */
import type { LineItem } from '../../../contract/api.ts';
import type { ChargeRequest, ProviderAdapter, ProviderOutcome, RetrievedTransaction } from '../types.ts';
import { GENERIC_FAILURE, networkOutcome, unavailableOutcome } from '../types.ts';
import { ipv4Of } from '../ip.ts';
import { mapPagouStatus, PAGOU_FIELDS } from './status.ts';
import { httpFetch } from '../../http-client.ts';

/** Pagou's documented amount limit, in centavos. */
export const PAGOU_MAX_AMOUNT = 100_000_000;

export interface PagouOptions {
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The parts of Pagou's Transaction object the adapter reads. */
export interface PagouTransaction {
  id?: unknown;
  status?: unknown;
  amount?: unknown;
  currency?: unknown;
  method?: unknown;
  external_ref?: unknown;
  informations?: unknown;
  pix?: { qr_code?: unknown; expiration_date?: unknown } | null;
  next_action?: { type?: unknown; challenge_session_id?: unknown; client_secret?: unknown; expires_at?: unknown } | null;
}

interface PagouEnvelope {
  success?: unknown;
  data?: PagouTransaction & Record<string, unknown>;
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

export interface PagouProduct {
  name: string;
  price: number;
  quantity: number;
  tangible: boolean;
  sku?: string;
}

/** The session's line items as Pagou products; one product for the whole amount when there are none. */
export function pagouProducts(request: Pick<ChargeRequest, 'lineItems' | 'amount' | 'description' | 'orderId'>): PagouProduct[] {
  if (request.lineItems?.length) {
    return request.lineItems.map((item: LineItem) => ({
      name: item.name,
      price: item.unit_amount,
      quantity: item.quantity,
      tangible: item.tangible ?? false,
      ...(item.sku ? { sku: item.sku } : {}),
    }));
  }
  return [{ name: (request.description ?? `Order ${request.orderId}`).slice(0, 200), price: request.amount, quantity: 1, tangible: false }];
}

/** The body of `POST /v2/transactions`; `token` is the card token for `credit_card`. */
export function buildPagouTransaction(request: ChargeRequest, token?: string): Record<string, unknown> {
  const { customer } = request;
  const ip = ipv4Of(request.buyerIp);
  const metadata = JSON.stringify({ paykit_payment: request.paymentId, paykit_session: request.sessionId, ...request.metadata });
  return {
    amount: request.amount,
    method: request.method.type === 'pix' ? 'pix' : 'credit_card',
    currency: 'BRL',
    buyer: {
      name: customer.name,
      email: customer.email,
      ...(customer.phone ? { phone: customer.phone.replace(/[^\d+]/g, '') } : {}),
      ...(customer.document ? { document: customer.document } : {}),
    },
    products: pagouProducts(request),
    external_ref: request.paymentId,
    ...(request.method.type === 'card' ? { installments: request.method.installments, token } : {}),
    notify_url: request.webhookUrl,
    metadata: metadata.length <= 1000 ? metadata : JSON.stringify({ paykit_payment: request.paymentId, paykit_session: request.sessionId }),
    ...(ip ? { ip_address: ip } : {}),
  };
}

const str = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

function refusalReason(informations: unknown): string | undefined {
  if (!Array.isArray(informations)) return undefined;
  const entry = informations.find((item) => item && typeof item === 'object' && (item as { key?: unknown }).key === 'refusal_reason');
  return str((entry as { value?: unknown } | undefined)?.value)?.slice(0, 300);
}

/** Maps a Pagou Transaction onto the state machine; `base` builds the 3DS challenge page URL. */
export function mapPagouTransaction(data: PagouTransaction, base: string): ProviderOutcome {
  const mapping = mapPagouStatus(data.status);
  const providerReference = str(data.id);
  const outcome: ProviderOutcome = { status: mapping.status, providerStatus: str(data.status) ?? 'unknown', ...(providerReference ? { providerReference } : {}) };
  const isPix = data.method === 'pix';

  if (mapping.status === 'requires_action') {
    const qr = str(data.pix?.qr_code);
    const pixExpires = str(data.pix?.expiration_date);
    if (isPix && qr && pixExpires) return { ...outcome, nextAction: { type: 'pix', qr_code: qr, expires_at: pixExpires } };
    const action = data.next_action;
    const session = str(action?.challenge_session_id);
    const secret = str(action?.client_secret);
    const expires = str(action?.expires_at);
    if (action?.type === 'three_ds_challenge' && session && secret && expires) {
      const url = `${base}/v2/three_ds/challenges/${encodeURIComponent(session)}?client_secret=${encodeURIComponent(secret)}`;
      return { ...outcome, nextAction: { type: 'three_ds_challenge', url, expires_at: expires } };
    }
    // Waiting, but nothing the buyer can act on: wait for the webhook.
    return { ...outcome, status: 'processing' };
  }
  if (mapping.status !== 'failed') return outcome;
  if (mapping.code === 'payment_expired') {
    const message = isPix ? 'The PIX code expired before it was paid.' : 'The authentication with your bank expired.';
    return { ...outcome, error: { code: 'payment_expired', message } };
  }
  return { ...outcome, error: { code: mapping.code ?? 'payment_failed', message: refusalReason(data.informations) ?? 'Your card was declined.' } };
}

/** Pagou's `error.details` as Paykit confirm fields. */
function mapDetails(details: unknown, method: ChargeRequest['method']['type']): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!Array.isArray(details)) return fields;
  for (const detail of details) {
    const field = str((detail as { field?: unknown })?.field);
    const message = str((detail as { message?: unknown })?.message);
    if (!field || !message) continue;
    let name = PAGOU_FIELDS[field] ?? field;
    if (method === 'card' && field === 'buyer.name') name = 'payment_method.card.name';
    if (!(name in fields)) fields[name] = message.slice(0, 300);
  }
  return fields;
}

export function createPagouAdapter(options: PagouOptions): ProviderAdapter {
  const send = options.fetch ?? httpFetch;
  const base = options.baseUrl.replace(/\/$/, '');
  const call = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    send(`${base}${path}`, {
      method,
      headers: {
        Accept: 'application/json',
        Authorization: `Bearer ${options.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  const read = async (response: Response): Promise<PagouEnvelope | null> => {
    try {
      const json = (await response.json()) as unknown;
      return json && typeof json === 'object' ? (json as PagouEnvelope) : null;
    } catch {
      return null;
    }
  };

  /** A 4xx answer from Pagou as a failed outcome (nothing was charged). */
  const rejected = (status: number, answer: PagouEnvelope | null, method: ChargeRequest['method']['type'], step: string): ProviderOutcome => {
    const code = str(answer?.error?.code) ?? `http_${status}`;
    if (status === 401 || status === 403) {
      return { status: 'failed', providerStatus: code, configurationError: true, error: { code: 'provider_authentication_failed', message: GENERIC_FAILURE } };
    }
    const fields = mapDetails(answer?.error?.details, method);
    if (Object.keys(fields).length) {
      return {
        status: 'failed',
        providerStatus: code,
        error: { code: 'invalid_payment_details', message: 'Some payment details were not accepted. Please check the highlighted fields.', fields },
      };
    }
    if (code === 'card_declined') return { status: 'failed', providerStatus: code, error: { code: 'card_declined', message: 'Your card was declined.' } };
    return { status: 'failed', providerStatus: `${step}_${code}`, error: { code: 'provider_rejected', message: GENERIC_FAILURE } };
  };

  /** Tokenizes the card: nothing is charged yet, so any failure here is a clean failure. */
  const tokenize = async (request: ChargeRequest): Promise<{ token: string } | ProviderOutcome> => {
    if (request.method.type !== 'card') throw new Error('not a card');
    const { card } = request.method;
    let response: Response;
    try {
      response = await call('POST', '/v2/tokens', {
        card: {
          number: card.number.replace(/\D/g, ''),
          holder_name: card.name,
          exp_month: card.exp_month,
          exp_year: card.exp_year,
          cvv: card.cvc,
        },
      });
    } catch (error) {
      const doubt = networkOutcome(error);
      return { ...doubt, status: 'failed', error: { code: 'provider_unavailable', message: GENERIC_FAILURE } };
    }
    const answer = await read(response);
    const token = str((answer?.data as { id?: unknown } | undefined)?.id);
    if (response.ok && token?.startsWith('pgct_')) return { token };
    if (response.status >= 500 || response.ok) {
      return { status: 'failed', providerStatus: `tokens_http_${response.status}`, error: { code: 'provider_unavailable', message: GENERIC_FAILURE } };
    }
    return rejected(response.status, answer, 'card', 'tokens');
  };

  const retrieved = (data: PagouTransaction): RetrievedTransaction => ({
    ...mapPagouTransaction(data, base),
    ...(str(data.external_ref) ? { externalRef: str(data.external_ref) } : {}),
    ...(typeof data.amount === 'number' ? { amount: data.amount } : {}),
    ...(str(data.currency) ? { currency: str(data.currency) } : {}),
  });

  return {
    name: 'pagou',
    methods: (currency) => (currency === 'BRL' ? ['card', 'pix'] : []),
    maxInstallments: 12,
    maxAmount: (currency) => (currency === 'BRL' ? PAGOU_MAX_AMOUNT : 0),
    frameOrigins: [new URL(base).origin],

    async charge(request) {
      if (request.amount > PAGOU_MAX_AMOUNT) {
        return { status: 'failed', providerStatus: 'not_sent', error: { code: 'amount_too_large', message: `Pagou accepts at most ${PAGOU_MAX_AMOUNT} centavos.` } };
      }
      let token: string | undefined;
      if (request.method.type === 'card') {
        const tokenized = await tokenize(request);
        if (!('token' in tokenized)) return tokenized;
        token = tokenized.token;
      }
      let response: Response;
      try {
        response = await call('POST', '/v2/transactions', buildPagouTransaction(request, token));
      } catch (error) {
        return networkOutcome(error);
      }
      // Refused before processing (types.ts): nothing was charged.
      if (response.status === 503) return unavailableOutcome(503);
      const answer = await read(response);
      // Sent but unreadable, or a server error: the transaction may exist. The reconciler asks later.
      if (response.status >= 500 || !answer) return { status: 'processing', providerStatus: `http_${response.status}` };
      if (!response.ok) return rejected(response.status, answer, request.method.type, 'transactions');
      if (!answer.data || typeof answer.data !== 'object') return { status: 'processing', providerStatus: `http_${response.status}_no_data` };
      return mapPagouTransaction(answer.data, base);
    },

    parseWebhook(body) {
      const data = (body as { data?: PagouTransaction } | null)?.data;
      if (!data || typeof data !== 'object' || !str(data.id)) return null;
      return mapPagouTransaction(data, base);
    },

    async retrieve(reference): Promise<RetrievedTransaction | null> {
      const response = await call('GET', `/v2/transactions/${encodeURIComponent(reference)}`);
      if (response.status === 404) return null;
      const answer = await read(response);
      if (!response.ok || !answer?.data || typeof answer.data !== 'object') {
        throw new Error(`Pagou answered ${response.status} to a transaction read`);
      }
      return retrieved(answer.data);
    },

    /** `GET /v2/transactions?external_ref=<payment id>` (README): the one transaction the charge made, if any. */
    async findByPayment(lookup): Promise<RetrievedTransaction | null> {
      const response = await call('GET', `/v2/transactions?external_ref=${encodeURIComponent(lookup.paymentId)}`);
      const answer = (await read(response)) as { data?: unknown } | null;
      if (!response.ok || !Array.isArray(answer?.data)) throw new Error(`Pagou answered ${response.status} to a transaction search`);
      const mine = (answer.data as unknown[]).find(
        (row): row is PagouTransaction => Boolean(row) && typeof row === 'object' && (row as PagouTransaction).external_ref === lookup.paymentId,
      );
      return mine ? retrieved(mine) : null;
    },
  };
}
