/**
 * What every request's URL must be before any route reads it: a path of sane length whose
 * segments decode, and a path and query without NUL characters or unpaired surrogates, which
 * PostgreSQL cannot take as a parameter. Refused with 400 (414 for a path over 2 KB) here, once,
 * rather than as a database error in whichever route passed the value on.
 */
import { createMiddleware } from 'hono/factory';
import { ApiError, invalidRequest } from '../errors.ts';
import { UNSTORABLE } from '../validation.ts';

export const MAX_PATH_LENGTH = 2048;

export function urlGuard() {
  return createMiddleware(async function urlGuard(c, next) {
    const url = new URL(c.req.url);
    if (url.pathname.length > MAX_PATH_LENGTH) {
      throw new ApiError(414, 'invalid_request_error', 'path_too_long', `The request path must be at most ${MAX_PATH_LENGTH} characters.`);
    }
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      throw invalidRequest('invalid_path', 'The request path is not validly percent-encoded UTF-8.');
    }
    if (UNSTORABLE.test(path)) throw invalidRequest('invalid_path', 'The request path contains a NUL or an unpaired surrogate character.');
    for (const [key, value] of url.searchParams) {
      if (UNSTORABLE.test(key) || UNSTORABLE.test(value)) {
        throw invalidRequest('parameter_invalid', 'A query parameter contains a NUL or an unpaired surrogate character.', UNSTORABLE.test(key) ? undefined : key.slice(0, 100));
      }
    }
    await next();
  });
}
