/**
 * The wire contract of merchant webhooks (`/v1/webhook_endpoints`, `/v1/webhook_events`, secret
 * key): the event types a merchant can subscribe to and the request schemas, shared by the server
 * and the OpenAPI document.
 */
import * as z from 'zod/mini';
import { httpUrlSchema, storable, text } from './api.ts';

export const WEBHOOK_EVENT_TYPES = [
  'payment.succeeded',
  'payment.failed',
  'payment.requires_action',
  'payment.refunded',
  'payment.captured',
  'payment.canceled',
  'invoice.paid',
  'invoice.partially_paid',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Endpoints a merchant may have per mode (Stripe's limit too). */
export const MAX_WEBHOOK_ENDPOINTS = 16;
/** The longest overlap of an old secret after a rotation: 7 days. */
export const MAX_SECRET_OVERLAP_SECONDS = 7 * 24 * 3600;

/** An http(s) URL the database can keep (a URL parser accepts a NUL in a path; PostgreSQL does not). */
const endpointUrlSchema = httpUrlSchema.check(z.refine(storable, 'must not contain NUL or unpaired surrogate characters'));

/** A type, or `*` for every type (also those added later). */
const enabledEventsSchema = z.array(z.enum([...WEBHOOK_EVENT_TYPES, '*'])).check(
  z.minLength(1, 'must name at least one event type (or "*")'),
  z.maxLength(WEBHOOK_EVENT_TYPES.length + 1),
);

export const createWebhookEndpointSchema = z.strictObject({
  url: endpointUrlSchema,
  enabled_events: enabledEventsSchema,
  description: z.optional(text(500)),
});
export type CreateWebhookEndpointInput = z.infer<typeof createWebhookEndpointSchema>;

/** `POST /v1/webhook_endpoints/:id`: any of these; `disabled: true` stops deliveries (Stripe's name). */
export const updateWebhookEndpointSchema = z.strictObject({
  url: z.optional(endpointUrlSchema),
  enabled_events: z.optional(enabledEventsSchema),
  description: z.optional(z.nullable(text(500))),
  disabled: z.optional(z.boolean()),
});
export type UpdateWebhookEndpointInput = z.infer<typeof updateWebhookEndpointSchema>;

/** `POST /v1/webhook_endpoints/:id/rotate_secret`: how long the old secret keeps signing (default 24 h; 0: not at all). */
export const rotateWebhookSecretSchema = z.strictObject({
  expires_in: z.optional(
    z.int().check(z.gte(0, `must be 0 to ${MAX_SECRET_OVERLAP_SECONDS} seconds`), z.lte(MAX_SECRET_OVERLAP_SECONDS, `must be 0 to ${MAX_SECRET_OVERLAP_SECONDS} seconds`)),
  ),
});

const limitSchema = z.optional(z.coerce.number().check(z.int('must be an integer'), z.gte(1, 'must be 1 to 100'), z.lte(100, 'must be 1 to 100')));
const offsetSchema = z.optional(z.coerce.number().check(z.int('must be an integer'), z.gte(0, 'must be 0 or more'), z.lte(1_000_000, 'must be at most 1000000')));

/** `GET /v1/webhook_endpoints/:id/deliveries` query. `failed`: retried for 3 days without a 2xx (or the endpoint was disabled). */
export const webhookDeliverySearchSchema = z.strictObject({
  status: z.optional(z.enum(['pending', 'delivered', 'failed'])),
  event: z.optional(z.string().check(z.regex(/^evt_[A-Za-z0-9]{1,64}$/, 'must be an event id (evt_…)'))),
  limit: limitSchema,
  offset: offsetSchema,
});
export type WebhookDeliverySearch = z.infer<typeof webhookDeliverySearchSchema>;

/** `GET /v1/webhook_events` query. */
export const webhookEventSearchSchema = z.strictObject({
  type: z.optional(z.enum(WEBHOOK_EVENT_TYPES)),
  /** The events about one payment or invoice. */
  object: z.optional(z.string().check(z.regex(/^(pay|inv)_[A-Za-z0-9]{1,64}$/, 'must be a payment or invoice id'))),
  limit: limitSchema,
  offset: offsetSchema,
});
export type WebhookEventSearch = z.infer<typeof webhookEventSearchSchema>;
