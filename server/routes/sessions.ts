/** `/v1/checkout/sessions`: created by the merchant (secret key), read and confirmed by the buyer's frame. */
import { Hono, type Context } from 'hono';
import { confirmSessionSchema, createSessionSchema } from '../../contract/api.ts';
import { requirePublishableKey, requireSecretKey, type AuthEnv } from '../auth.ts';
import { clientSecretFor, verifyClientSecret } from '../crypto.ts';
import { ApiError, notFound } from '../errors.ts';
import { confirmSession, createSession, latestPayment, loadSession, type Deps } from '../payments/service.ts';
import { merchantSession, publicPayment, publicSession } from '../payments/rows.ts';
import { parseJsonBody } from '../validation.ts';
import { respondOnce } from './once.ts';
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
    return c.json(publicSession(session, merchant?.name ?? '', payment, config.serverSecret));
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
