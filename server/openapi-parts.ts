/** The pieces every part of the OpenAPI document (server/openapi.ts) is built from, from the same zod schemas that check requests. */
import * as z from 'zod/mini';

/** A zod schema as JSON Schema, as a request is read (input). */
export const schema = (type: z.ZodMiniType) => {
  const { $schema: _dropped, ...rest } = z.toJSONSchema(type, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

export const error = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
export const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
export const idempotencyKey = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } };
export const id = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

/** A search query's parameters, from the same schema that checks them. */
export function searchParameters(search: z.ZodMiniType) {
  const properties = (schema(search) as { properties?: Record<string, unknown> }).properties ?? {};
  return Object.entries(properties).map(([name, property]) => ({ name, in: 'query', required: false, schema: property }));
}
