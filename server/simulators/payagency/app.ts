/**
 * The PayAgency sandbox: an HTTP app that speaks the wire format of
 * ../shared/providers/payagency-transaction.txt — `POST /v1/test/transaction` and
 * `/v1/live/transaction` with a Bearer secret key, answers with the documented bodies (masked
 * card, `result.status`, `auth_url`, the 402 `errors` object), a 3DS page, and webhooks to
 * the merchant's `webhook_url`.
 *
 * Where the doc is silent (also written in the adapter): the body's numeric `status` is the
 * outcome; the HTTP status line is 200 for 200/300/303/304 (a 304 response can carry no body)
 * and equals the code for 400/401/402/403. Webhooks POST the same JSON as the API answer.
 *
 * Webhooks: the doc says of `webhook_url` "Our system will send server webhooks to update final
 * transaction status", so every transaction that reaches a final status (success, failed,
 * blocked) gets one — answered so at once, after the 3DS page, or when a pending one settles —
 * sent `webhookRetry.firstMs` after the API answer when final at once, and retried on anything but a 2xx (or no answer) with a backoff
 * doubling from `webhookRetry.firstMs` up to `webhookRetry.maxMs`, `webhookRetry.attempts`
 * times in all (by default 1 s up to 10 minutes, 20 attempts: about two hours), like real
 * providers. A later final status (a pending one settled by hand) starts a new delivery.
 *
 * Sandbox-only routes under /sandbox let tests and people see transactions and settle pending
 * ones; the simulator keeps transactions in memory and only the masked card.
 */
import { Hono } from 'hono';
import { createTimers } from '../timers.ts';
import { createFaults } from '../faults.ts';
import { html, raw } from 'hono/html';
import { behaviourOf, PAYAGENCY_TEST_CARDS, type SimBehaviour } from './cards.ts';
import { luhn } from '../luhn.ts';
import { httpFetch } from '../../http-client.ts';

export interface PayAgencySimOptions {
  /** The secret key the sandbox accepts. */
  secretKey: string;
  /** This app's own public base URL (for `auth_url`). */
  publicUrl: string;
  /** Delay before a pending transaction is settled by webhook; 0 = only by /sandbox/…/settle. */
  settleAfterMs?: number;
  /** The webhook retry schedule (see the header); tests shorten it. */
  webhookRetry?: Partial<WebhookRetry>;
  fetch?: typeof fetch;
  now?: () => Date;
}

export interface WebhookRetry {
  /** The wait before the first retry; each next one doubles it. */
  firstMs: number;
  /** The longest wait between two tries. */
  maxMs: number;
  /** Tries in all, the first included. */
  attempts: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetry = { firstMs: 1000, maxMs: 10 * 60_000, attempts: 20 };

const FINAL: ReadonlySet<string> = new Set(['success', 'failed', 'blocked']);

type Word = 'success' | 'redirected' | 'pending' | 'to_be_confirm' | 'failed' | 'blocked';
const CODES: Record<Word, number> = { success: 200, redirected: 300, pending: 303, to_be_confirm: 304, failed: 400, blocked: 403 };

export interface SimTransaction {
  transaction_id: string;
  mode: 'test' | 'live';
  request: Record<string, string>;
  word: Word;
  message: string;
  behaviour: SimBehaviour;
  created_at: string;
  webhooks: { status: number | null; at: string; word: Word }[];
}

const REQUIRED = ['first_name', 'last_name', 'email', 'currency', 'amount', 'ip_address', 'response_url'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

function isUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

export function createPayAgencySimulator(options: PayAgencySimOptions) {
  const transactions = new Map<string, SimTransaction>();
  const timers = createTimers();
  const now = options.now ?? (() => new Date());
  const send = options.fetch ?? httpFetch;
  const base = options.publicUrl.replace(/\/$/, '');
  let sequence = 0;

  const newTransactionId = () => {
    const letters = Array.from({ length: 5 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'[Math.floor(Math.random() * 34)]).join('');
    return `T${now().getTime()}${String(++sequence).padStart(2, '0')}${letters}`;
  };

  const answerOf = (tx: SimTransaction) => {
    const r = tx.request;
    return {
      status: CODES[tx.word],
      message: tx.word,
      ...(tx.word === 'redirected' ? { auth_url: `${base}/3ds/${tx.transaction_id}` } : {}),
      transaction: {
        order_id: r.order_id ?? null,
        transaction_id: tx.transaction_id,
        terminal_id: r.terminal_id ?? null,
        customer: { first_name: r.first_name, last_name: r.last_name, email: r.email, phone_number: r.phone_number ?? null },
        billing: { zip: r.zip ?? null, address: r.address ?? null, city: r.city ?? null, state: r.state ?? null, country: r.country ?? null },
        payment_details: {
          card_number: r.card_number || null,
          card_expiry_month: r.card_expiry_month ?? null,
          card_expiry_year: r.card_expiry_year ?? null,
          card_cvv: r.card_cvv ? 'XXX' : null,
        },
        order: { amount: r.amount, currency: r.currency },
        device: { ip_address: r.ip_address },
        result: { status: tx.word, message: tx.message },
        refund: { status: false, refunded_on: null },
        chargebacks: { status: false, chargebacked_on: null },
      },
    };
  };

  const retry = { ...DEFAULT_WEBHOOK_RETRY, ...options.webhookRetry };

  /** One try at `webhook_url`; true when it was answered 2xx. */
  const tryWebhook = async (tx: SimTransaction): Promise<boolean> => {
    let status: number | null = null;
    try {
      const response = await send(tx.request.webhook_url!, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(answerOf(tx)),
        signal: AbortSignal.timeout(10_000),
      });
      status = response.status;
      await response.arrayBuffer();
    } catch {
      status = null;
    }
    tx.webhooks.push({ status, at: now().toISOString(), word: tx.word });
    return status !== null && status >= 200 && status < 300;
  };

  /**
   * Delivers the final status to `webhook_url`: the first try now (awaited), the retries on the
   * schedule, each carrying the status as it is then. Stops when answered 2xx, when the
   * simulator closes, or when a newer delivery for the transaction took over.
   */
  const deliveries = new Map<string, number>();
  const deliverWebhook = async (tx: SimTransaction) => {
    if (!tx.request.webhook_url) return;
    const delivery = (deliveries.get(tx.transaction_id) ?? 0) + 1;
    deliveries.set(tx.transaction_id, delivery);
    const attempt = async (n: number) => {
      if (deliveries.get(tx.transaction_id) !== delivery) return;
      if (await tryWebhook(tx)) return;
      if (n + 1 >= retry.attempts) return;
      timers.later(() => void attempt(n + 1), Math.min(retry.maxMs, retry.firstMs * 2 ** n));
    };
    await attempt(0);
  };

  const settle = async (tx: SimTransaction, word: 'success' | 'failed', message: string) => {
    tx.word = word;
    tx.message = message;
    await deliverWebhook(tx);
  };

  const app = new Hono();
  // Fault injection (../faults.ts) comes first: it decides before any route whether to misbehave.
  const faults = createFaults({ publicUrl: options.publicUrl, errorBody: (status) => ({ status, message: status === 503 ? 'Service temporarily unavailable.' : 'Server error.' }) });
  app.use('*', faults.middleware);
  faults.routes(app);

  app.post('/v1/:mode{test|live}/transaction', async (c) => {
    const auth = c.req.header('authorization') ?? '';
    if (auth !== `Bearer ${options.secretKey}`) return c.json({ status: 401, message: 'Invalid Secret key.' }, 401);

    let body: Record<string, unknown>;
    try {
      body = await c.req.json();
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    } catch {
      return c.json({ status: 402, message: 'Error, please check errors paramter.', errors: { body: ['The request body must be a JSON object.'] } }, 402);
    }
    const r: Record<string, string> = {};
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === 'string' || typeof value === 'number') r[key] = String(value).trim();
    }

    const errors: Record<string, string[]> = {};
    const fail = (field: string, message: string) => (errors[field] ??= []).push(message);
    for (const field of REQUIRED) if (!r[field]) fail(field, `The ${field.replace(/_/g, ' ')} field is required.`);
    if (r.email && !EMAIL.test(r.email)) fail('email', 'The email field must be a valid email address.');
    if (r.currency && !/^[A-Z]{3}$/.test(r.currency)) fail('currency', 'The currency field must be a 3 letter code.');
    if (r.amount && !(/^\d+(\.\d{1,3})?$/.test(r.amount) && Number(r.amount) > 0)) fail('amount', 'The amount field must be a positive number.');
    if (r.ip_address && !IPV4.test(r.ip_address)) fail('ip_address', 'The ip address field must be a valid IPv4 address.');
    if (r.response_url && !isUrl(r.response_url)) fail('response_url', 'The response url field must be a valid URL.');
    if (r.webhook_url && !isUrl(r.webhook_url)) fail('webhook_url', 'The webhook url field must be a valid URL.');
    if (r.country && !/^[A-Z]{2}$/.test(r.country)) fail('country', 'The country field must be 2 characters.');
    const hasCard = Boolean(r.card_number);
    if (hasCard) {
      if (!/^\d{12,19}$/.test(r.card_number!) || !luhn(r.card_number!)) fail('card_number', 'The card number is invalid.');
      if (!/^(0?[1-9]|1[0-2])$/.test(r.card_expiry_month ?? '')) fail('card_expiry_month', 'The card expiry month field must be between 1 and 12.');
      if (!/^\d{4}$/.test(r.card_expiry_year ?? '')) fail('card_expiry_year', 'The card expiry year field must be 4 digits.');
      if (!/^\d{3,4}$/.test(r.card_cvv ?? '')) fail('card_cvv', 'The card cvv field must be 3 or 4 digits.');
    }
    let behaviour: SimBehaviour = hasCard ? behaviourOf(r.card_number!) : { kind: 'redirect' };
    if (behaviour.kind === 'validation') Object.assign(errors, behaviour.errors);
    if (Object.keys(errors).length) {
      return c.json({ status: 402, message: 'Error, please check errors paramter.', errors }, 402);
    }
    if (behaviour.kind === 'server_error') return c.json({ message: 'Internal Server Error' }, 500);

    // An expiry in the past is blocked, as in the doc's 403 example.
    const today = now();
    if (hasCard) {
      const year = Number(r.card_expiry_year);
      const month = Number(r.card_expiry_month);
      if (year < today.getUTCFullYear() || (year === today.getUTCFullYear() && month < today.getUTCMonth() + 1)) {
        behaviour = { kind: 'blocked', message: 'Expired card.' };
      }
    }

    const tx: SimTransaction = {
      transaction_id: newTransactionId(),
      mode: c.req.param('mode') as 'test' | 'live',
      // Only the masked card is kept, as PayAgency shows it: first 6, XXXXXX, last 4.
      request: { ...r, card_number: r.card_number ? `${r.card_number.slice(0, 6)}XXXXXX${r.card_number.slice(-4)}` : '', card_cvv: r.card_cvv ? 'XXX' : '' },
      word: 'success',
      message: 'Transaction processed successfully.',
      behaviour,
      created_at: today.toISOString(),
      webhooks: [],
    };
    switch (behaviour.kind) {
      case 'redirect':
        tx.word = 'redirected';
        tx.message = 'Authontication required.';
        break;
      case 'pending':
        tx.word = behaviour.word;
        tx.message = behaviour.word === 'pending' ? 'Transaction pending for approval.' : 'Transaction to be confirmed.';
        if (options.settleAfterMs) {
          timers.later(() => {
            if (tx.word === behaviour.word) {
              void settle(tx, behaviour.settle, behaviour.settle === 'success' ? 'Transaction processed successfully.' : (behaviour.message ?? 'Transaction declined.'));
            }
          }, options.settleAfterMs);
        }
        break;
      case 'failed':
        tx.word = 'failed';
        tx.message = behaviour.message;
        break;
      case 'blocked':
        tx.word = 'blocked';
        tx.message = behaviour.message;
        break;
    }
    const answer = answerOf(tx);
    transactions.set(tx.transaction_id, tx);
    // Final at once: its webhook follows the answer, a moment later as real providers' do
    // (whether or not the answer reaches the merchant).
    if (FINAL.has(tx.word)) timers.later(() => void deliverWebhook(tx), retry.firstMs);
    const code = CODES[tx.word];
    return c.json(answer, code >= 400 ? (code as 400 | 403) : 200);
  });

  // The bank's 3DS page: the buyer approves or declines, then goes back to response_url.
  app.get('/3ds/:id', (c) => {
    const tx = transactions.get(c.req.param('id'));
    if (!tx) return c.html(page('Unknown transaction', html`<p>This authentication link is not valid.</p>`), 404);
    if (tx.word !== 'redirected') return c.redirect(tx.request.response_url!, 302);
    const amount = `${tx.request.amount} ${tx.request.currency}`;
    return c.html(
      page(
        'Verify your payment',
        html`<p>PayAgency Sandbox Bank asks you to confirm a payment of <strong>${amount}</strong> with the card ending in
            <strong>${tx.request.card_number?.slice(-4)}</strong>.</p>
          <form method="post" action="${base}/3ds/${tx.transaction_id}/approve"><button type="submit" class="approve">Approve</button></form>
          <form method="post" action="${base}/3ds/${tx.transaction_id}/decline"><button type="submit" class="decline">Decline</button></form>`,
      ),
    );
  });

  app.post('/3ds/:id/:choice{approve|decline}', async (c) => {
    const tx = transactions.get(c.req.param('id'));
    if (!tx) return c.html(page('Unknown transaction', html`<p>This authentication link is not valid.</p>`), 404);
    if (tx.word === 'redirected') {
      if (c.req.param('choice') === 'approve') await settle(tx, 'success', 'Transaction processed successfully.');
      else await settle(tx, 'failed', '3DS authentication failed.');
    }
    return c.redirect(tx.request.response_url!, 302);
  });

  // Sandbox-only controls.
  app.get('/sandbox/test-cards', (c) =>
    c.json(PAYAGENCY_TEST_CARDS.map(({ number, description }) => ({ number, description }))),
  );
  app.get('/sandbox/transactions', (c) => c.json([...transactions.values()]));
  app.get('/sandbox/transactions/:id', (c) => {
    const tx = transactions.get(c.req.param('id'));
    return tx ? c.json(tx) : c.json({ message: 'not found' }, 404);
  });
  app.post('/sandbox/transactions/:id/settle', async (c) => {
    const tx = transactions.get(c.req.param('id'));
    if (!tx) return c.json({ message: 'not found' }, 404);
    const body = (await c.req.json().catch(() => ({}))) as { status?: string; message?: string };
    const word = body.status === 'failed' ? 'failed' : 'success';
    await settle(tx, word, body.message ?? (word === 'success' ? 'Transaction processed successfully.' : 'Transaction declined.'));
    return c.json(answerOf(tx));
  });
  app.post('/sandbox/transactions/:id/resend-webhook', async (c) => {
    const tx = transactions.get(c.req.param('id'));
    if (!tx) return c.json({ message: 'not found' }, 404);
    await deliverWebhook(tx);
    return c.json({ webhooks: tx.webhooks });
  });

  return {
    app,
    faults,
    transactions,
    close() {
      timers.close();
      faults.close();
    },
  };
}

const STYLE = raw(`body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1f2937}
h1{font-size:1.3rem}form{display:inline-block;margin:.5rem .5rem 0 0}button{font:inherit;padding:.6rem 1.4rem;border-radius:8px;border:0;cursor:pointer}
.approve{background:#059669;color:#fff}.decline{background:#e5e7eb;color:#111827}.badge{font-size:.8rem;color:#6b7280}`);

function page(title: string, body: unknown) {
  return html`<!doctype html>
    <html lang="en">
      <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>${title}</title><style>${STYLE}</style></head>
      <body><p class="badge">PayAgency sandbox — no real money moves</p><h1>${title}</h1>${body}</body>
    </html>`;
}
