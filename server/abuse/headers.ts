/**
 * Security headers on everything the server answers. Pages with needs of their own set their
 * headers where they are built (the frame page in routes/assets.ts, the hosted invoice page in
 * invoices/page.ts); this fills in what a response has not set:
 *
 * - `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` everywhere (return and
 *   invoice URLs are bearer links: they must not leak through a Referer).
 * - A locked-down CSP (nothing may load, nothing may frame it) on anything without its own —
 *   JSON, the return route's error page, 404s — and, where nothing may frame the response,
 *   `X-Frame-Options: DENY` for browsers that predate frame-ancestors. The frame page, which
 *   must be framed by the merchant's page, never gets it: its CSP names that one origin.
 * - `Cross-Origin-Opener-Policy: same-origin` on top-level pages (not on the frame, where it means
 *   nothing; nothing in the checkout opens a window that needs its opener).
 * - `Cache-Control: no-store` on the API: its answers carry client secrets and personal data.
 * - `Strict-Transport-Security` when the server is reached over TLS: its public URL is https, or
 *   a trusted proxy says the request came in over https (X-Forwarded-Proto).
 */
import { createMiddleware } from 'hono/factory';
import type { ServerConfig } from '../config.ts';

export const LOCKED_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
export const HSTS = 'max-age=31536000; includeSubDomains';

export function securityHeaders(config: Pick<ServerConfig, 'publicUrl' | 'trustProxy'>) {
  const httpsPublic = config.publicUrl.startsWith('https://');
  return createMiddleware(async function securityHeaders(c, next) {
    await next();
    const headers = c.res.headers;
    const set = (name: string, value: string) => {
      if (!headers.has(name)) headers.set(name, value);
    };
    set('X-Content-Type-Options', 'nosniff');
    set('Referrer-Policy', 'no-referrer');
    set('Content-Security-Policy', LOCKED_CSP);
    if (/frame-ancestors 'none'/.test(headers.get('Content-Security-Policy') ?? '')) set('X-Frame-Options', 'DENY');
    const isHtml = headers.get('Content-Type')?.startsWith('text/html') ?? false;
    if (isHtml && c.req.path !== '/frame/checkout') set('Cross-Origin-Opener-Policy', 'same-origin');
    if (c.req.path.startsWith('/v1/')) set('Cache-Control', 'no-store');
    const forwardedHttps = config.trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
    if (httpsPublic || forwardedHttps) set('Strict-Transport-Security', HSTS);
  });
}
