/**
 * `/v1/webhook_endpoints` and `/v1/webhook_events` (secret key): the merchant's webhook endpoints,
 * their deliveries (with every attempt) and redelivery by hand, and the events recorded for them.
 * Mutating POSTs are idempotent with `Idempotency-Key`; a replayed creation or rotation shows the
 * secret again, kept sealed in the meantime, never in the clear.
 */
import { Hono } from 'hono';
import {
  createWebhookEndpointSchema,
  rotateWebhookSecretSchema,
  updateWebhookEndpointSchema,
  webhookDeliverySearchSchema,
  webhookEventSearchSchema,
} from '../../contract/webhooks.ts';
import { requireSecretKey, type AuthEnv } from '../auth.ts';
import { seal, unseal } from '../crypto.ts';
import type { Deps } from '../payments/service.ts';
import { parseJsonBody, parseOptionalJsonBody, parseQuery } from '../validation.ts';
import { respondOnce } from './once.ts';
import {
  createEndpoint,
  deleteEndpoint,
  getEvent,
  listDeliveries,
  listEndpoints,
  listEvents,
  loadEndpoint,
  redeliver,
  rotateSecret,
  updateEndpoint,
  endpointView,
} from '../webhooks/api.ts';

export function webhookEndpointRoutes(deps: Deps) {
  const app = new Hono<AuthEnv>();
  app.use('*', requireSecretKey(deps.db));

  // The idempotency record keeps the answer to replay it: the secret in it is sealed there.
  const secretSealed = {
    toStored: (body: unknown) => {
      const { secret, ...rest } = body as { secret?: string };
      return secret ? { ...rest, sealed_secret: seal(secret, deps.config.serverSecret) } : body;
    },
    fromStored: (body: unknown) => {
      const { sealed_secret, ...rest } = body as { sealed_secret?: string };
      return sealed_secret ? { ...rest, secret: unseal(sealed_secret, deps.config.serverSecret) } : body;
    },
  };

  app.post('/', (c) =>
    respondOnce(
      deps,
      c,
      async (raw) => ({ status: 201, body: await createEndpoint(deps, c.var.auth, parseJsonBody(raw, createWebhookEndpointSchema)) }),
      secretSealed,
    ),
  );
  app.get('/', async (c) => c.json(await listEndpoints(deps, c.var.auth)));
  app.get('/:id', async (c) => c.json(endpointView(await loadEndpoint(deps.db, c.var.auth, c.req.param('id')))));
  app.post('/:id', (c) =>
    respondOnce(deps, c, async (raw) => ({
      status: 200,
      body: await updateEndpoint(deps, c.var.auth, c.req.param('id'), parseJsonBody(raw, updateWebhookEndpointSchema)),
    })),
  );
  app.delete('/:id', async (c) => c.json(await deleteEndpoint(deps, c.var.auth, c.req.param('id'))));
  app.post('/:id/rotate_secret', (c) =>
    respondOnce(
      deps,
      c,
      async (raw) => {
        const { expires_in } = parseOptionalJsonBody(raw, rotateWebhookSecretSchema);
        return { status: 200, body: await rotateSecret(deps, c.var.auth, c.req.param('id'), expires_in) };
      },
      secretSealed,
    ),
  );
  app.get('/:id/deliveries', async (c) =>
    c.json(await listDeliveries(deps, c.var.auth, c.req.param('id'), parseQuery(c.req.query(), webhookDeliverySearchSchema))),
  );
  app.post('/:id/deliveries/:delivery/redeliver', (c) =>
    respondOnce(deps, c, async () => ({ status: 200, body: await redeliver(deps, c.var.auth, c.req.param('id'), c.req.param('delivery')) })),
  );

  return app;
}

export function webhookEventRoutes(deps: Deps) {
  const app = new Hono<AuthEnv>();
  app.use('*', requireSecretKey(deps.db));
  app.get('/', async (c) => c.json(await listEvents(deps, c.var.auth, parseQuery(c.req.query(), webhookEventSearchSchema))));
  app.get('/:id', async (c) => c.json(await getEvent(deps, c.var.auth, c.req.param('id'))));
  return app;
}
