/**
 * Rate limits, per client IP and per API key, answered with 429, `Retry-After` and the usual
 * error body.
 *
 * - Public requests — the publishable-key API, the frame page, hosted invoices, the return from
 *   a redirect, the API document — take a token from the client IP's bucket and, when they carry
 *   a publishable key (Authorization, or `?pk=` on the frame page), from that key's bucket.
 *   widget.js and /assets/… have a bucket of their own per IP, so a page's scripts do not eat
 *   the API's allowance.
 * - Secret-key requests take from the key's bucket only (a merchant's backend is one address
 *   doing everyone's work). One that fails authentication costs its IP a token from a bucket of
 *   failed authentications (as large as the per-IP limit), and an IP with none left is refused
 *   before its key is even looked up: guessing keys is limited like any public request, while a
 *   shop whose backend shares an address with its buyers is not slowed by them.
 * - Provider webhooks (`/hooks/…`) are never limited: a refused notification may never be sent
 *   again, and providers send from a few shared addresses. A forged one costs one HMAC check
 *   (the token is checked before any query) and changes nothing. `/health` is not limited either.
 *
 * Buckets live in this process's memory: with N instances behind a balancer, a caller spread
 * over all of them gets up to N× each limit. That is the price of not touching the database on
 * every request; a limit that must hold exactly across instances belongs to the shared store
 * (the per-session decline lock is in the database for that reason).
 *
 * The client IP is the socket's address, or the first X-Forwarded-For hop with PAYKIT_TRUST_PROXY=1.
 * Behind a proxy without it, every buyer shares the proxy's address and the per-IP limit becomes
 * one limit for all. IPv6 addresses are counted per /64, the block one subscriber usually holds.
 */
import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import { ApiError } from '../errors.ts';
import { sha256 } from '../crypto.ts';
import { buyerIp } from '../routes/ip.ts';
import { TokenBuckets } from './buckets.ts';
import type { AbuseLimits } from './limits.ts';

const MINUTE = 60_000;

export interface RateLimitOptions {
  limits: AbuseLimits;
  trustProxy: boolean;
  now?: () => number;
}

const bucketsFor = (perMinute: number, now?: () => number) =>
  perMinute > 0 ? new TokenBuckets({ capacity: perMinute, windowMs: MINUTE, ...(now ? { now } : {}) }) : null;

export function rateLimit(options: RateLimitOptions) {
  const { limits, trustProxy, now } = options;
  const ips = bucketsFor(limits.ipPerMinute, now);
  const authFailures = bucketsFor(limits.ipPerMinute, now);
  const assets = bucketsFor(limits.assetsPerMinute, now);
  const publishable = bucketsFor(limits.publishablePerMinute, now);
  const secret = bucketsFor(limits.secretPerMinute, now);

  return createMiddleware(async function rateLimiter(c, next) {
    const path = c.req.path;
    if (path === '/health' || path.startsWith('/hooks/')) return next();
    const ip = clientKey(c, trustProxy);
    if (path === '/widget.js' || path.startsWith('/assets/')) {
      if (assets && ip) refuseUnless(c, assets.take(ip), 'ip');
      return next();
    }
    const key = apiKeyOf(c);
    if (key?.startsWith('sk_')) {
      const wait = authFailures && ip ? authFailures.peek(ip) : null;
      if (wait !== null) refuseUnless(c, { ok: false, retryAfterSeconds: wait }, 'ip');
      if (secret) refuseUnless(c, secret.take(sha256(key)), 'key');
      await next();
      if (c.res.status === 401 && authFailures && ip) authFailures.take(ip);
      return;
    }
    if (ips && ip) refuseUnless(c, ips.take(ip), 'ip');
    if (publishable && key?.startsWith('pk_')) refuseUnless(c, publishable.take(key.slice(0, 200)), 'key');
    return next();
  });
}

function refuseUnless(c: Context, take: ReturnType<TokenBuckets['take']>, by: 'ip' | 'key'): void {
  if (take.ok) return;
  c.header('Retry-After', String(take.retryAfterSeconds));
  throw by === 'ip'
    ? new ApiError(429, 'rate_limit_error', 'ip_rate_limited', `Too many requests from this address; retry after ${take.retryAfterSeconds} s.`)
    : new ApiError(429, 'rate_limit_error', 'key_rate_limited', `Too many requests with this API key; retry after ${take.retryAfterSeconds} s.`);
}

/** The key in `Authorization: Bearer …`, or the frame page's `?pk=`. */
function apiKeyOf(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const bearer = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
  if (bearer) return bearer;
  return c.req.path === '/frame/checkout' ? c.req.query('pk') : undefined;
}

/** The IP to count under: IPv6 by its /64. Undefined when there is no socket (app.request in tests). */
export function clientKey(c: Context, trustProxy: boolean): string | undefined {
  const ip = buyerIp(c, trustProxy);
  if (!ip) return undefined;
  return ip.includes(':') ? ipv6Prefix(ip) : ip.slice(0, 64);
}

/** The first four groups of an IPv6 address (an IPv4-mapped one is its IPv4 address). */
export function ipv6Prefix(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  const address = ip.split('%')[0]!.toLowerCase();
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`.slice(0, 64);
}
