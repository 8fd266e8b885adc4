/** The OpenAPI document, generated from the wire contract (contract/api.ts, contract/invoice.ts) so the two cannot drift. */
import {
  abandonSessionSchema,
  captureSchema,
  confirmSessionSchema,
  createSessionSchema,
  enrichmentSchema,
  exportSearchSchema,
  paymentSearchSchema,
  refundSchema,
  surchargeQuoteSchema,
} from '../contract/api.ts';
import { invoiceCheckoutSchema, invoiceInputSchema, invoiceSearchSchema } from '../contract/invoice.ts';
import { webhookPaths } from './webhooks/openapi.ts';
import { error, id, idempotencyKey, json, schema, searchParameters } from './openapi-parts.ts';

const clientSecret = { name: 'X-Client-Secret', in: 'header', required: true, schema: { type: 'string' } };

export function openApiDocument(serverUrl: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'Paykit', version: '0.1.0', description: 'Checkout sessions and payments. Amounts are integers in the currency\'s minor unit.' },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        secretKey: { type: 'http', scheme: 'bearer', description: 'sk_test_… / sk_live_… (merchant backend only)' },
        publishableKey: { type: 'http', scheme: 'bearer', description: 'pk_test_… / pk_live_…, with the session\'s client secret' },
      },
      schemas: {
        CreateSession: schema(createSessionSchema),
        ConfirmSession: schema(confirmSessionSchema),
        Capture: schema(captureSchema),
        Refund: schema(refundSchema),
        SurchargeQuote: schema(surchargeQuoteSchema),
        AbandonSession: schema(abandonSessionSchema),
        Enrichment: schema(enrichmentSchema),
        Invoice: schema(invoiceInputSchema),
        InvoiceCheckout: schema(invoiceCheckoutSchema),
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['type', 'code', 'message'], properties: { type: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' }, param: { type: 'string' } } } },
        },
      },
    },
    paths: {
      '/v1/checkout/sessions': {
        post: {
          summary: 'Create a checkout session',
          security: [{ secretKey: [] }],
          parameters: [idempotencyKey],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateSession' } } } },
          responses: { 201: json('The session, with its client secret'), 400: error, 401: error, 403: error, 422: error },
        },
      },
      '/v1/checkout/sessions/{id}': {
        get: {
          summary: 'Read a session: the merchant\'s view with a secret key, the buyer\'s with a publishable key and client secret',
          security: [{ secretKey: [] }, { publishableKey: [] }],
          parameters: [id],
          responses: { 200: json('The session'), 401: error, 403: error, 404: error },
        },
      },
      '/v1/checkout/sessions/{id}/confirm': {
        post: {
          summary: 'Pay a session by card, saved card, PIX, bank account (ACH) or a redirect method (from the payment frame)',
          security: [{ publishableKey: [] }],
          parameters: [id, clientSecret, idempotencyKey],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ConfirmSession' } } } },
          responses: { 200: json('The payment'), 400: error, 401: error, 403: error, 409: error, 422: error, 503: error },
        },
      },
      '/v1/checkout/sessions/{id}/abandon': {
        post: {
          summary: 'The buyer left with the payment unfinished: where, for the Pagos enrichment (from the payment frame, on pagehide)',
          security: [{ publishableKey: [] }],
          parameters: [id, clientSecret],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/AbandonSession' } } } },
          responses: { 202: json('{ recorded: true }'), 400: error, 401: error, 404: error, 409: error },
        },
      },
      '/v1/checkout/sessions/{id}/surcharge': {
        post: {
          summary: 'The card surcharge for a BIN or a saved card, and the total (from the payment frame)',
          security: [{ publishableKey: [] }],
          parameters: [id, clientSecret],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SurchargeQuote' } } } },
          responses: { 200: json('{ base_amount, surcharge, total, currency }'), 400: error, 401: error, 409: error, 503: error },
        },
      },
      '/v1/checkout/sessions/{id}/saved_cards': {
        get: {
          summary: 'The session customer\'s saved cards: brand, last 4, expiry (from the payment frame)',
          security: [{ publishableKey: [] }],
          parameters: [id, clientSecret],
          responses: { 200: json('{ object: "list", data: [SavedCard] }'), 401: error, 502: error },
        },
      },
      '/v1/checkout/sessions/{id}/saved_cards/{card_id}': {
        delete: {
          summary: 'Remove a saved card, when the session allows it (from the payment frame)',
          security: [{ publishableKey: [] }],
          parameters: [id, { name: 'card_id', in: 'path', required: true, schema: { type: 'string' } }, clientSecret],
          responses: { 200: json('{ id, deleted: true }'), 400: error, 401: error, 403: error, 404: error, 502: error },
        },
      },
      '/v1/invoices': {
        post: {
          summary: 'Create an invoice; its totals are computed, and it gets a hosted page (hosted_url)',
          security: [{ secretKey: [] }],
          parameters: [idempotencyKey],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Invoice' } } } },
          responses: { 201: json('The invoice'), 400: error, 401: error, 409: error, 422: error },
        },
        get: {
          summary: 'Search invoices, newest first (limit / offset)',
          security: [{ secretKey: [] }],
          parameters: searchParameters(invoiceSearchSchema),
          responses: { 200: json('A list of invoices'), 400: error, 401: error },
        },
      },
      '/v1/invoices/{id}': {
        get: { summary: 'An invoice, with its payments', security: [{ secretKey: [] }], parameters: [id], responses: { 200: json('The invoice'), 401: error, 404: error } },
        post: {
          summary: 'Replace an invoice (the whole body again), only while nothing is paid',
          security: [{ secretKey: [] }],
          parameters: [id, idempotencyKey],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Invoice' } } } },
          responses: { 200: json('The invoice'), 400: error, 401: error, 404: error, 409: error },
        },
        delete: {
          summary: 'Delete an invoice, only while nothing is paid; its hosted page then answers 404',
          security: [{ secretKey: [] }],
          parameters: [id],
          responses: { 200: json('{ id, object: "invoice", deleted: true }'), 401: error, 404: error, 409: error },
        },
      },
      '/invoices/{public_id}': {
        get: {
          summary: 'The hosted invoice page (HTML) the buyer pays on; a 404 page when unknown or deleted',
          parameters: [{ name: 'public_id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'The invoice page', content: { 'text/html': {} } }, 404: { description: 'Not found page', content: { 'text/html': {} } } },
        },
      },
      '/invoices/{public_id}/checkout': {
        post: {
          summary: 'Open a checkout session for what the buyer pays now (the hosted page calls it; the public id is the credential)',
          parameters: [{ name: 'public_id', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: false, content: { 'application/json': { schema: { $ref: '#/components/schemas/InvoiceCheckout' } } } },
          responses: { 200: json('{ session_id, client_secret, publishable_key, amount, currency, locale }'), 400: error, 404: error, 409: error, 503: error },
        },
      },
      '/v1/payments': {
        get: {
          summary: 'Search payments, newest first, with cursor pages',
          security: [{ secretKey: [] }],
          parameters: searchParameters(paymentSearchSchema),
          responses: { 200: json('A list of payments'), 400: error, 401: error, 403: error },
        },
      },
      '/v1/payments/{id}': {
        get: { summary: 'The normalized payment', security: [{ secretKey: [] }], parameters: [id], responses: { 200: json('The payment'), 401: error, 403: error, 404: error } },
      },
      '/v1/payments/{id}/capture': {
        post: {
          summary: 'Capture an authorization, in full or in part',
          security: [{ secretKey: [] }],
          parameters: [id, idempotencyKey],
          requestBody: { required: false, content: { 'application/json': { schema: { $ref: '#/components/schemas/Capture' } } } },
          responses: { 200: json('The payment'), 400: error, 402: error, 404: error, 409: error },
        },
      },
      '/v1/payments/{id}/void': {
        post: {
          summary: 'Void an authorization or an unsettled sale',
          security: [{ secretKey: [] }],
          parameters: [id, idempotencyKey],
          responses: { 200: json('The payment'), 402: error, 404: error, 409: error },
        },
      },
      '/v1/payments/{id}/refunds': {
        post: {
          summary: 'Refund a settled payment, in full or in part',
          security: [{ secretKey: [] }],
          parameters: [id, idempotencyKey],
          requestBody: { required: false, content: { 'application/json': { schema: { $ref: '#/components/schemas/Refund' } } } },
          responses: { 201: json('The refund'), 400: error, 402: error, 404: error, 409: error },
        },
        get: { summary: 'The refunds of a payment', security: [{ secretKey: [] }], parameters: [id], responses: { 200: json('A list of refunds'), 404: error } },
      },
      '/v1/payments/{id}/enrichment': {
        post: {
          summary: 'Label a payment in Pagos (merged into its labels; null removes one); exported as its enrichment',
          security: [{ secretKey: [] }],
          parameters: [id, idempotencyKey],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Enrichment' } } } },
          responses: { 200: json('{ object: "payment_enrichment", payment, metadata }'), 400: error, 404: error, 409: error },
        },
      },
      '/v1/pagos/exports': {
        get: {
          summary: 'The Pagos export\'s deliveries (transactions and enrichments), newest change first, with counts per state; a parked one says why',
          security: [{ secretKey: [] }],
          parameters: searchParameters(exportSearchSchema),
          responses: { 200: json('{ object: "list", enabled, counts, data }'), 400: error, 401: error },
        },
      },
      '/v1/pagos/exports/retry': {
        post: { summary: 'Send every parked delivery again', security: [{ secretKey: [] }], responses: { 200: json('{ object: "list", retried, data }'), 401: error } },
      },
      '/v1/pagos/exports/{id}/retry': {
        post: { summary: 'Send one parked delivery again', security: [{ secretKey: [] }], parameters: [id], responses: { 200: json('The delivery'), 404: error, 409: error } },
      },
      ...webhookPaths(),
    },
  };
}
