/** `/v1/checkout/sessions`: created by the merchant (secret key), read and confirmed by the buyer's frame. */
import { Hono, type Context } from 'hono';
import { abandonSessionSchema, confirmSessionSchema, createSessionSchema, surchargeQuoteSchema, type SavedCard, type SurchargeQuote } from '../../contract/api.ts';
import { requirePublishableKey, requireSecretKey, type AuthEnv } from '../auth.ts';
import { clientSecretFor, verifyClientSecret } from '../crypto.ts';
import { ApiError, conflict, invalidRequest, notFound } from '../errors.ts';
import {
  adapterFor,
  confirmSession,
  createSession,
  latestPayment,
  loadSession,
  savedCardOf,
  surchargeFor,
  readVault,
  vaultCustomerOf,
  type Deps,
} from '../payments/service.ts';
import { merchantSession, publicPayment, publicSession } from '../payments/rows.ts';
import { parseJsonBody, readRawBody } from '../validation.ts';
import { respondOnce } from './once.ts';
import { recordAbandonment } from '../pagos/api.ts';
import { buyerIp } from './ip.ts';

export function sessionRoutes(deps: Deps) {
  const { db, config } = deps;
  const app = new Hono<AuthEnv>();
  const secretOnly = requireSecretKey(db);
  const publicOrSecret = requirePublishableKey(db, config.publicUrl, { allowSecret: true });
  const publicOnly = requirePublishableKey(db, config.publicUrl);

  const withSecret = (body: unknown) => {
    const session = body as { id?: string; object?: string };
    return session?.object === 'checkout.session' && session.id
      ? { ...session, client_secret: clientSecretFor(session.id, config.serverSecret) }
      : body;
  };
  const withoutSecret = (body: unknown) => {
    if (!body || typeof body !== 'object' || !('client_secret' in body)) return body;
    const { client_secret: _dropped, ...rest } = body as Record<string, unknown>;
    return rest;
  };

  const once = (c: Context<AuthEnv>, handler: Parameters<typeof respondOnce>[2], transform?: Parameters<typeof respondOnce>[3]) =>
    respondOnce(deps, c, handler, transform);

  app.post('/', secretOnly, async (c) => {
    const auth = c.var.auth;
    return once(c, async (raw) => {
      const session = await createSession(deps, auth, parseJsonBody(raw, createSessionSchema));
      return { status: 201, body: withSecret(merchantSession(session, null)) };
    }, { toStored: withoutSecret, fromStored: withSecret });
  });

  /** With a secret key: the merchant's full view. With a publishable key: the buyer's view, given the client secret. */
  app.get('/:id', publicOrSecret, async (c) => {
    const auth = c.var.auth;
    const id = c.req.param('id');
    if (auth.keyType === 'publishable') checkClientSecret(c.req.header('x-client-secret'), id, config.serverSecret);
    const session = await loadSession(db, auth.merchantId, id);
    const payment = await latestPayment(db, session.id);
    if (auth.keyType === 'secret') {
      return c.json({ ...merchantSession(session, payment), client_secret: clientSecretFor(session.id, config.serverSecret) });
    }
    const [merchant] = await db.query<{ name: string }>(`SELECT name FROM merchants WHERE id = $1`, [auth.merchantId]);
    const hasVault = Boolean(adapterFor(deps, session.provider).vault);
    return c.json(publicSession(session, { merchantName: merchant?.name ?? '', hasVault }, payment, config.serverSecret));
  });

  /** The buyer's session, after the client secret is checked. */
  const buyerSession = async (c: Context<AuthEnv>) => {
    const id = c.req.param('id') ?? '';
    checkClientSecret(c.req.header('x-client-secret'), id, config.serverSecret);
    return loadSession(db, c.var.auth.merchantId, id);
  };

  /** The surcharge a card would carry: what the widget shows before the buyer pays (the confirm computes it again). */
  app.post('/:id/surcharge', publicOnly, async (c) => {
    const session = await buyerSession(c);
    const input = parseJsonBody(await readRawBody(c), surchargeQuoteSchema);
    if (session.surcharge_max_rate === null) throw conflict('surcharge_not_enabled', 'This checkout session has no card surcharge.');
    if (Boolean(input.bin) === Boolean(input.saved_card)) {
      throw invalidRequest('parameter_invalid', 'Send exactly one of bin and saved_card.', input.bin ? 'saved_card' : 'bin');
    }
    const bin = input.bin ?? (await savedCardOf(deps, session, input.saved_card!, 'saved_card')).bin;
    if (!bin) throw new ApiError(503, 'provider_error', 'surcharge_unavailable', 'The card surcharge could not be calculated for this saved card.');
    const state = input.billing_state ?? session.customer?.state?.toUpperCase();
    const surcharge = await surchargeFor(deps, session, bin, state && /^[A-Z]{2}$/.test(state) ? state : undefined);
    const base = Number(session.amount);
    return c.json({ base_amount: base, surcharge, total: base + surcharge, currency: session.currency } satisfies SurchargeQuote);
  });

  /** The session customer's saved cards (none without a customer, or before their first saved card). */
  app.get('/:id/saved_cards', publicOnly, async (c) => {
    const session = await buyerSession(c);
    const adapter = adapterFor(deps, session.provider);
    if (!session.customer_id || !session.saved_cards || !adapter.vault) return c.json({ object: 'list', data: [] });
    const customer = await vaultCustomerOf(db, session.merchant_id, session.provider, session.customer_id);
    const cards = customer ? await readVault(() => adapter.vault!.list(customer)) : null;
    const data: SavedCard[] = (cards ?? []).map(({ id, brand, last4, exp_month, exp_year }) => ({ id, brand, last4, exp_month, exp_year }));
    return c.json({ object: 'list', data });
  });

  app.delete('/:id/saved_cards/:cardId', publicOnly, async (c) => {
    const session = await buyerSession(c);
    if (!session.saved_cards?.allow_removal) {
      throw new ApiError(403, 'permission_error', 'saved_card_removal_not_allowed', 'This checkout session does not allow removing saved cards.');
    }
    const cardId = c.req.param('cardId');
    await savedCardOf(deps, session, cardId, 'card_id');
    const adapter = adapterFor(deps, session.provider);
    const customer = (await vaultCustomerOf(db, session.merchant_id, session.provider, session.customer_id!))!;
    const removed = await readVault(() => adapter.vault!.remove(customer, cardId));
    if (!removed) throw notFound('saved card', 'card_id');
    deps.log.info('saved card removed by the buyer', { session_id: session.id });
    return c.json({ id: cardId, object: 'saved_card', deleted: true });
  });

  /** The widget's beacon when the buyer leaves with the payment unfinished (server/pagos/api.ts). */
  app.post('/:id/abandon', publicOnly, async (c) => {
    const session = await buyerSession(c);
    return once(c, async (raw) => {
      await recordAbandonment(deps, session, parseJsonBody(raw, abandonSessionSchema));
      return { status: 202, body: { recorded: true } };
    });
  });

  app.post('/:id/confirm', publicOnly, async (c) => {
    const auth = c.var.auth;
    const id = c.req.param('id');
    checkClientSecret(c.req.header('x-client-secret'), id, config.serverSecret);
    return once(c, async (raw) => {
      const payment = await confirmSession(deps, auth, id, parseJsonBody(raw, confirmSessionSchema), buyerIp(c, config.trustProxy));
      return { status: 200, body: publicPayment(payment, config.serverSecret) };
    });
  });

  return app;
}

function checkClientSecret(secret: string | undefined, sessionId: string, serverSecret: string) {
  if (!secret) {
    throw new ApiError(401, 'authentication_error', 'client_secret_required', 'Send the session\'s client secret in the X-Client-Secret header.');
  }
  if (!/^cs_[A-Za-z0-9]+$/.test(sessionId)) throw notFound('checkout session', 'id');
  if (!verifyClientSecret(sessionId, secret, serverSecret)) {
    throw new ApiError(401, 'authentication_error', 'invalid_client_secret', 'The client secret does not match this checkout session.');
  }
}
