/**
 * What providers call or send the buyer to: webhooks (`/hooks/:provider/:payment/:token`) and
 * the return from a redirect (`/return/:payment/:token`). Both are authenticated by the
 * per-payment token; a wrong token looks exactly like an unknown payment (404) and changes nothing.
 */
import { Hono } from 'hono';
import { providerToken, safeEqual } from '../crypto.ts';
import { ApiError, notFound } from '../errors.ts';
import { applyOutcome, adapterFor, loadPayment, type Deps } from '../payments/service.ts';
import type { PaymentRow, SessionRow } from '../payments/rows.ts';
import type { ProviderOutcome, RetrievedTransaction } from '../providers/types.ts';
import { readRawBody } from '../validation.ts';

export function providerRoutes(deps: Deps) {
  const { db, config } = deps;
  const app = new Hono();

  const authenticPayment = async (purpose: 'webhook' | 'return', paymentId: string, token: string) => {
    const expected = providerToken(config.serverSecret, purpose, paymentId);
    if (!safeEqual(expected, token)) return null;
    return loadPayment(db, paymentId);
  };

  app.post('/hooks/:provider/:paymentId/:token', async (c) => {
    const { provider, paymentId, token } = c.req.param();
    const payment = await authenticPayment('webhook', paymentId, token);
    if (!payment || payment.provider !== provider) throw notFound('payment');
    const raw = await readRawBody(c);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new ApiError(400, 'invalid_request_error', 'invalid_json', 'The webhook body is not valid JSON.');
    }
    const adapter = adapterFor(deps, provider);
    const hint = adapter.parseWebhook(body);
    if (!hint) throw new ApiError(400, 'invalid_request_error', 'webhook_unrecognized', 'The webhook body is not a notification this route understands.');
    const log = deps.log.child({ payment_id: payment.id, provider });
    const mismatch = () => {
      log.warn('webhook does not match the payment; ignored', { webhook_status: hint.providerStatus });
      return new ApiError(400, 'invalid_request_error', 'webhook_mismatch', 'The webhook does not match this payment.');
    };
    // A notification about another transaction or another amount is not about this payment.
    if (
      (hint.amount !== undefined && hint.amount !== payment.amount) ||
      (hint.currency !== undefined && hint.currency !== payment.currency) ||
      (hint.providerReference && payment.provider_reference && hint.providerReference !== payment.provider_reference)
    ) {
      throw mismatch();
    }
    let outcome: ProviderOutcome = hint;
    if (adapter.retrieve) {
      // The webhook only says "look": believe what the provider answers when asked.
      const reference = payment.provider_reference ?? hint.providerReference;
      if (!reference) throw mismatch();
      let found: RetrievedTransaction | null;
      try {
        found = await adapter.retrieve(reference);
      } catch (error) {
        log.warn('could not confirm a webhook with the provider; asking it to retry', { error: String(error) });
        throw new ApiError(503, 'api_error', 'provider_unreachable', 'The provider could not be asked about this payment; retry later.');
      }
      if (
        !found ||
        (found.externalRef !== undefined && found.externalRef !== payment.id) ||
        (found.amount !== undefined && found.amount !== payment.amount) ||
        (found.currency !== undefined && found.currency !== payment.currency)
      ) {
        throw mismatch();
      }
      outcome = found;
    }
    // The word of what the payment already says (PayAgency repeats every final status, even one
    // its answer gave) changes nothing: answered without a transaction.
    if (alreadyRecorded(payment, outcome)) return c.json({ received: true, changed: false });
    const changed = await applyOutcome(deps, payment.id, outcome, 'webhook');
    return c.json({ received: true, changed: Boolean(changed) });
  });

  app.get('/return/:paymentId/:token', async (c) => {
    const { paymentId, token } = c.req.param();
    let payment = await authenticPayment('return', paymentId, token);
    if (!payment) return c.html(errorPage('This payment link is not valid.'), 404);
    // A provider that can be asked is asked (the return's own query is the buyer's browser
    // talking, never believed); otherwise its webhook usually arrives first: give it a moment.
    const adapter = adapterFor(deps, payment.provider);
    if ((payment.status === 'requires_action' || payment.status === 'processing') && adapter.retrieve && payment.provider_reference) {
      try {
        const found = await adapter.retrieve(payment.provider_reference);
        if (
          found &&
          (found.externalRef === undefined || found.externalRef === payment.id) &&
          (found.amount === undefined || found.amount === Number(payment.amount))
        ) {
          await applyOutcome(deps, payment.id, found, 'return');
          payment = (await loadPayment(db, paymentId))!;
        }
      } catch (error) {
        deps.log.warn('could not read a returned payment back from the provider', { payment_id: payment.id, error: String(error) });
      }
    }
    const deadline = Date.now() + config.returnWaitMs;
    while ((payment.status === 'requires_action' || payment.status === 'processing') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      payment = (await loadPayment(db, paymentId))!;
    }
    const [session] = await db.query<SessionRow>(`SELECT * FROM checkout_sessions WHERE id = $1`, [payment.session_id]);
    const target = new URL(session!.return_url);
    target.searchParams.set('paykit_session', session!.id);
    target.searchParams.set('paykit_payment', payment.id);
    target.searchParams.set('paykit_status', payment.status);
    deps.log.info('buyer returned from redirect', { payment_id: payment.id, status: payment.status });
    return c.redirect(target.href, 303);
  });

  return app;
}

function errorPage(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Paykit</title></head><body><main><h1>Payment link not valid</h1><p>${message}</p></main></body></html>`;
}

/** Whether `outcome` would change nothing of `payment`: its status, the provider's word and reference, no checks. */
function alreadyRecorded(payment: PaymentRow, outcome: ProviderOutcome): boolean {
  return (
    payment.status === outcome.status &&
    payment.provider_status === outcome.providerStatus.slice(0, 100) &&
    (!outcome.providerReference || payment.provider_reference === outcome.providerReference) &&
    !outcome.checks &&
    !outcome.nextAction
  );
}
