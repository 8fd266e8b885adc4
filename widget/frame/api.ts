/**
 * The public API calls the frame makes, with the publishable key, the client secret and the
 * parent origin as headers. Answers are results, never exceptions: the caller decides what the
 * buyer sees.
 */
import type {
  AbandonSessionInput,
  ApiErrorBody,
  CheckoutTelemetry,
  ConfirmSessionInput,
  PublicPayment,
  PublicSession,
  SavedCard,
  SurchargeQuote,
} from '../../contract/api.ts';

export interface CheckoutApiConfig {
  /** Base URL of the payment server; '' for the frame's own origin. */
  readonly base: string;
  readonly publishableKey: string;
  readonly clientSecret: string;
  readonly sessionId: string;
  readonly parentOrigin: string;
  /**
   * What the checkout saw, added to every confirm. Asked for at each one, so a body sent again
   * (a new PIX code) carries the time of its own attempt.
   */
  readonly telemetry?: () => CheckoutTelemetry;
}

/** Why a call failed: the server's error (status ≥ 400) or no usable answer at all. */
export interface ApiFailure {
  /** 0 when the request never got an answer. */
  readonly status: number;
  readonly type: ApiErrorBody['error']['type'] | 'network_error';
  readonly code: string;
  readonly message: string;
  /** The request field the error is about, e.g. `payment_method.card.number`. */
  readonly param?: string;
}

export type ApiResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiFailure };

export interface CheckoutApi {
  getSession(): Promise<ApiResult<PublicSession>>;
  confirm(body: ConfirmSessionInput, idempotencyKey: string): Promise<ApiResult<PublicPayment>>;
  /** The surcharge for a card — its first 6 to 8 digits, or a saved card's id — billed in `billingState`. */
  quoteSurcharge(card: { bin: string } | { saved_card: string }, billingState?: string): Promise<ApiResult<SurchargeQuote>>;
  /** The session customer's saved cards. */
  savedCards(): Promise<ApiResult<{ data: SavedCard[] }>>;
  /** Removes a saved card (when the session allows it). */
  removeSavedCard(id: string): Promise<ApiResult<{ id: string; deleted: true }>>;
  /** Tells the server the buyer left with the payment unfinished. Fire and forget: the page is going away. */
  abandon(body: AbandonSessionInput): void;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function failureFrom(status: number, body: unknown): ApiFailure {
  const error = isObject(body) && isObject(body.error) ? body.error : null;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    const param = typeof error.param === 'string' ? { param: error.param } : {};
    return { status, type: error.type as ApiFailure['type'], code: error.code, message: error.message, ...param };
  }
  return { status, type: 'api_error', code: 'api_error', message: `HTTP ${status}` };
}

async function call<T>(url: string, init: RequestInit, looksRight: (value: unknown) => boolean): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, credentials: 'omit', cache: 'no-store' });
  } catch {
    return { ok: false, error: { status: 0, type: 'network_error', code: 'network_error', message: 'The payment service could not be reached.' } };
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok && looksRight(body)) return { ok: true, value: body as T };
  return { ok: false, error: failureFrom(response.ok ? 502 : response.status, body) };
}

const isPayment = (value: unknown) => isObject(value) && typeof value.id === 'string' && typeof value.status === 'string';
const isSession = (value: unknown) => isObject(value) && typeof value.id === 'string' && Number.isSafeInteger(value.amount);

export function createCheckoutApi(config: CheckoutApiConfig): CheckoutApi {
  const path = `${config.base}/v1/checkout/sessions/${encodeURIComponent(config.sessionId)}`;
  const headers = {
    Authorization: `Bearer ${config.publishableKey}`,
    'X-Client-Secret': config.clientSecret,
    'X-Paykit-Parent-Origin': config.parentOrigin,
  };
  const json = { ...headers, 'Content-Type': 'application/json' };
  return {
    getSession: () => call<PublicSession>(path, { headers }, isSession),
    confirm: (body, idempotencyKey) =>
      call<PublicPayment>(
        `${path}/confirm`,
        {
          method: 'POST',
          headers: { ...json, 'Idempotency-Key': idempotencyKey },
          body: JSON.stringify({ ...body, telemetry: config.telemetry?.() }),
        },
        isPayment,
      ),
    quoteSurcharge: (card, billingState) =>
      call<SurchargeQuote>(
        `${path}/surcharge`,
        { method: 'POST', headers: json, body: JSON.stringify({ ...card, ...(billingState ? { billing_state: billingState } : {}) }) },
        (value) => isObject(value) && Number.isSafeInteger(value.total),
      ),
    savedCards: () => call<{ data: SavedCard[] }>(`${path}/saved_cards`, { headers }, (value) => isObject(value) && Array.isArray(value.data)),
    removeSavedCard: (id) =>
      call<{ id: string; deleted: true }>(`${path}/saved_cards/${encodeURIComponent(id)}`, { method: 'DELETE', headers }, (value) => isObject(value) && value.deleted === true),
    // keepalive: the request outlives the page being closed. Not sendBeacon, which cannot send
    // these headers; the frame is on the server's origin, so there is no preflight to wait for.
    // call() never rejects; the answer (202, or 409 once the session is complete) changes nothing.
    abandon: (body) => void call(`${path}/abandon`, { method: 'POST', keepalive: true, headers: json, body: JSON.stringify(body) }, () => true),
  };
}
