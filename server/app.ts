/** The payment server: one Hono app, one sub-app per resource, one error handler. */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ApiError } from './errors.ts';
import type { Deps } from './payments/service.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { paymentRoutes } from './routes/payments.ts';
import { providerRoutes } from './routes/providers.ts';
import { assetRoutes } from './routes/assets.ts';
import { keyRoutes } from './routes/keys.ts';
import { hostedInvoiceRoutes, invoiceRoutes } from './routes/invoices.ts';
import { exportRoutes } from './routes/exports.ts';
import { webhookEndpointRoutes, webhookEventRoutes } from './routes/webhooks.ts';
import { openApiDocument } from './openapi.ts';
import { securityHeaders } from './abuse/headers.ts';
import { rateLimit } from './abuse/rate-limit.ts';
import { abuseLimitsFrom } from './abuse/limits.ts';
import { urlGuard } from './abuse/input.ts';

export type { Deps } from './payments/service.ts';

export function createApp(deps: Deps) {
  const app = new Hono();

  app.use('*', async function accessLog(c, next) {
    const started = performance.now();
    await next();
    // c.req.path is logged through the logger's redaction (webhook and return tokens are masked).
    deps.log.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });

  app.use('*', securityHeaders(deps.config));
  app.use('*', rateLimit({ limits: deps.config.limits ?? abuseLimitsFrom({}), trustProxy: deps.config.trustProxy }));
  app.use('*', urlGuard());

  app.get('/health', (c) => c.json({ ok: true }));
  app.get('/openapi.json', (c) => c.json(openApiDocument(deps.config.publicUrl)));
  app.route('/v1/checkout/sessions', sessionRoutes(deps));
  app.route('/v1/payments', paymentRoutes(deps));
  app.route('/v1/publishable_keys', keyRoutes(deps));
  app.route('/v1/invoices', invoiceRoutes(deps));
  app.route('/v1/pagos/exports', exportRoutes(deps));
  app.route('/v1/webhook_endpoints', webhookEndpointRoutes(deps));
  app.route('/v1/webhook_events', webhookEventRoutes(deps));
  app.route('/invoices', hostedInvoiceRoutes(deps));
  app.route('/', providerRoutes(deps));
  app.route('/', assetRoutes(deps));

  app.notFound((c) =>
    c.json(new ApiError(404, 'invalid_request_error', 'route_not_found', `No route for ${c.req.method} ${c.req.path}.`).toBody(), 404),
  );

  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.toBody(), error.status);
    if (error instanceof HTTPException) {
      const status = error.status;
      return c.json(new ApiError(status, 'invalid_request_error', 'bad_request', error.message || 'Bad request.').toBody(), status);
    }
    deps.log.error('unhandled error', { error, method: c.req.method, path: c.req.path });
    return c.json(new ApiError(500, 'api_error', 'internal_error', 'Something went wrong on our side. The request can be retried.').toBody(), 500);
  });

  return app;
}
