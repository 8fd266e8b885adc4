/** Request bodies: size limit, JSON parsing and zod validation, answered in our error shape. */
import type { Context } from 'hono';
import type * as z from 'zod/mini';
import { ApiError, invalidRequest } from './errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads the raw body once (idempotency hashes it) and enforces the size limit while it streams
 * in, so a chunked body without Content-Length is cut off at the limit too, not buffered whole.
 */
export async function readRawBody(c: Context): Promise<string> {
  const length = c.req.header('content-length');
  const declared = Number(length ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  // Behind Node's HTTP server a body with a Content-Length is exactly that long (its parser
  // holds the sender to it), so it can be read whole: @hono/node-server's text() reads the
  // socket's chunks straight, where the stream below first builds a web Request and its
  // ReadableStream (8% of the payment server's CPU under load). A chunked body, or a Request
  // handed to app.fetch directly, streams with the limit enforced as it comes.
  if ((c.env as { incoming?: unknown } | undefined)?.incoming && length !== undefined && /^\d+$/.test(length) && !c.req.header('transfer-encoding')) {
    return c.req.raw.text();
  }
  const stream = c.req.raw.body;
  if (!stream) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  // As c.req.text() decodes: invalid UTF-8 becomes U+FFFD, a leading BOM is dropped.
  return new TextDecoder().decode(Buffer.concat(chunks));
}

const tooLarge = () => new ApiError(413, 'invalid_request_error', 'body_too_large', `The request body must be at most ${MAX_BODY_BYTES} bytes.`);

export function parseJsonBody<S extends z.ZodMiniType>(raw: string, schema: S): z.infer<S> {
  let data: unknown;
  try {
    data = raw.trim() === '' ? undefined : JSON.parse(raw);
  } catch (error) {
    // Never echo the body (V8's message quotes it): it may hold a card number, and a NUL in it
    // could not even be stored with the idempotent answer.
    const at = /position (\d+)/.exec((error as Error).message)?.[1];
    throw invalidRequest('invalid_json', `The request body is not valid JSON${at ? ` (at character ${at})` : ''}.`);
  }
  if (data === undefined) throw invalidRequest('invalid_json', 'The request body is empty; send a JSON object.');
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw invalidRequest('invalid_json', 'The request body must be a JSON object.');
  }
  checkText(data);
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  throw issueToError(result.error.issues[0]!);
}

export const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * PostgreSQL stores neither NUL characters nor lone UTF-16 surrogates (in text or jsonb): a key
 * or string holding one is refused here, naming it, instead of failing at the INSERT.
 * Iterative, since a 64 KB body can nest thousands of levels deep.
 */
function checkText(data: unknown): void {
  const stack: [unknown, string][] = [[data, '']];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) throw invalidRequest('parameter_invalid', `${path || 'body'} contains a NUL or an unpaired surrogate character.`, path || 'body');
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const at = path ? `${path}.${key}` : key;
        if (UNSTORABLE.test(key)) throw invalidRequest('parameter_invalid', 'A parameter name contains a NUL or an unpaired surrogate character.');
        stack.push([child, at.slice(0, 200)]);
      }
    }
  }
}

/** Like parseJsonBody, but an empty body means `{}` (for bodies whose fields are all optional). */
export function parseOptionalJsonBody<S extends z.ZodMiniType>(raw: string, schema: S): z.infer<S> {
  return parseJsonBody(raw.trim() === '' ? '{}' : raw, schema);
}

/** A query string, checked like a body: a 400 naming the first bad parameter. */
export function parseQuery<S extends z.ZodMiniType>(query: Record<string, string>, schema: S): z.infer<S> {
  checkText(query);
  const result = schema.safeParse(query, { reportInput: true });
  if (result.success) return result.data;
  throw issueToError(result.error.issues[0]!);
}

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  expected?: string;
  keys?: string[];
  values?: unknown[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
}

const EXPECTED: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  object: 'an object',
  boolean: 'a boolean',
  array: 'an array',
  record: 'an object',
};

/** One zod issue → one clear 400 naming the field (`customer.email`, `amount`…). */
export function issueToError(issue: Issue): ApiError {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
    const param = [...issue.path.map(String), issue.keys[0]].join('.');
    return invalidRequest('parameter_unknown', `Received unknown parameter: ${param}.`, param);
  }
  const name = path || 'body';
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return invalidRequest('parameter_missing', `Missing required parameter: ${name}.`, name);
  }
  const own = issue.message && !issue.message.startsWith('Invalid input') ? issue.message : undefined;
  let detail: string;
  switch (issue.code) {
    case 'invalid_type':
      detail = `must be ${EXPECTED[issue.expected ?? ''] ?? issue.expected}`;
      break;
    case 'invalid_value':
      detail = `must be one of: ${(issue.values ?? []).map(String).join(', ')}`;
      break;
    case 'too_small':
      detail = own ?? (issue.origin === 'string' ? `must be at least ${issue.minimum} characters` : `must be at least ${issue.minimum}`);
      break;
    case 'too_big':
      detail = own ?? (issue.origin === 'string' ? `must be at most ${issue.maximum} characters` : `must be at most ${issue.maximum}`);
      break;
    case 'invalid_format':
      detail = own ?? 'is not in a valid format';
      break;
    default:
      detail = own ?? 'is invalid';
  }
  return invalidRequest('parameter_invalid', `${name} ${detail}.`, name);
}
