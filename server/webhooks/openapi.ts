/** The merchant webhooks' part of the OpenAPI document (server/openapi.ts), from the same schemas that check the requests. */
import * as z from 'zod/mini';
import {
  createWebhookEndpointSchema,
  rotateWebhookSecretSchema,
  updateWebhookEndpointSchema,
  webhookDeliverySearchSchema,
  webhookEventSearchSchema,
} from '../../contract/webhooks.ts';
import { error, id, idempotencyKey, json, schema, searchParameters as query } from '../openapi-parts.ts';

const body = (type: z.ZodMiniType, required = true) => ({ required, content: { 'application/json': { schema: schema(type) } } });
const security = [{ secretKey: [] }];

export function webhookPaths() {
  return {
    '/v1/webhook_endpoints': {
      post: {
        summary: 'Register a webhook endpoint for some event types (or "*"); the answer holds its signing secret (whsec_…), shown only this once',
        security,
        parameters: [idempotencyKey],
        requestBody: body(createWebhookEndpointSchema),
        responses: { 201: json('The endpoint, with `secret`'), 400: error, 401: error, 409: error },
      },
      get: { summary: 'The webhook endpoints of this key\'s mode', security, responses: { 200: json('{ object: "list", data }'), 401: error } },
    },
    '/v1/webhook_endpoints/{id}': {
      get: { summary: 'A webhook endpoint (its secret is never shown again)', security, parameters: [id], responses: { 200: json('The endpoint'), 404: error } },
      post: {
        summary: 'Change the URL, the event types, the description; `disabled: true` stops deliveries',
        security,
        parameters: [id, idempotencyKey],
        requestBody: body(updateWebhookEndpointSchema),
        responses: { 200: json('The endpoint'), 400: error, 404: error },
      },
      delete: { summary: 'Delete an endpoint and its deliveries (pending ones are dropped)', security, parameters: [id], responses: { 200: json('{ id, object, deleted: true }'), 404: error } },
    },
    '/v1/webhook_endpoints/{id}/rotate_secret': {
      post: {
        summary: 'A new signing secret (shown once); the old one also signs for `expires_in` seconds (default 86400; 0: stops at once)',
        security,
        parameters: [id, idempotencyKey],
        requestBody: body(rotateWebhookSecretSchema, false),
        responses: { 200: json('The endpoint, with `secret`'), 400: error, 404: error },
      },
    },
    '/v1/webhook_endpoints/{id}/deliveries': {
      get: {
        summary: 'The endpoint\'s deliveries, newest first: event, status (pending, delivered, failed), attempts with response codes, next attempt',
        security,
        parameters: [id, ...query(webhookDeliverySearchSchema)],
        responses: { 200: json('{ object: "list", data }'), 400: error, 404: error },
      },
    },
    '/v1/webhook_endpoints/{id}/deliveries/{delivery}/redeliver': {
      post: {
        summary: 'Send a delivery again now, whatever its status (the same event id: dedupe on it)',
        security,
        parameters: [id, { name: 'delivery', in: 'path', required: true, schema: { type: 'string' } }, idempotencyKey],
        responses: { 200: json('The delivery, pending'), 404: error, 409: error },
      },
    },
    '/v1/webhook_events': {
      get: { summary: 'Recorded webhook events, newest first', security, parameters: query(webhookEventSearchSchema), responses: { 200: json('{ object: "list", data }'), 400: error } },
    },
    '/v1/webhook_events/{id}': {
      get: { summary: 'One event, exactly as it is sent', security, parameters: [id], responses: { 200: json('The event'), 404: error } },
    },
  };
}
