/**
 * Who is calling: a merchant's secret key (their backend), or a publishable key plus a
 * session's client secret (the buyer's browser, through the frame). See DESIGN.md "Keys and trust".
 */
import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import { ApiError } from './errors.ts';
import { sha256 } from './crypto.ts';
import type { Db } from './storage/db.ts';

export interface MerchantAuth {
  merchantId: string;
  mode: 'test' | 'live';
  keyType: 'secret' | 'publishable';
  keyId: string;
  allowedOrigins: readonly string[];
}

export type AuthEnv = { Variables: { auth: MerchantAuth } };

const SECRET_KEY = /^sk_(test|live)_[A-Za-z0-9]{16,}$/;
const PUBLISHABLE_KEY = /^pk_(test|live)_[A-Za-z0-9]{16,}$/;

function bearer(c: Context): string {
  const header = c.req.header('authorization');
  if (!header) {
    throw new ApiError(401, 'authentication_error', 'missing_api_key', 'No API key provided. Send it as "Authorization: Bearer <key>".');
  }
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new ApiError(401, 'authentication_error', 'invalid_authorization_header', 'The Authorization header must be "Bearer <key>".');
  return match[1]!;
}

interface KeyRow {
  id: string;
  merchant_id: string;
  mode: 'test' | 'live';
  type: 'secret' | 'publishable';
  allowed_origins: readonly string[];
}

/**
 * Keys change rarely and are read on every request: each process keeps a key it has found for
 * KEY_CACHE_MS, which saves a statement on every call (two of a payment's seven). The cost is
 * that a key revoked, or a publishable key's origins changed, by another process (or by hand in
 * the database) takes up to that long to be seen here; a change through this process's API is
 * seen at once (forgetKey). Keys not found are never kept, so a new key works at once.
 */
const KEY_CACHE_MS = 1000;
const KEY_CACHE_SIZE = 10_000;
const keyCaches = new WeakMap<Db, Map<string, { row: KeyRow; until: number }>>();

function cacheOf(db: Db) {
  let cache = keyCaches.get(db);
  if (!cache) keyCaches.set(db, (cache = new Map()));
  return cache;
}

/** Drops a key this process may be holding, after a change to it (see KEY_CACHE_MS). */
export function forgetKey(db: Db, publishableKey: string): void {
  cacheOf(db).delete(publishableKey);
}

async function findKey(db: Db, key: string): Promise<KeyRow | undefined> {
  const secret = key.startsWith('sk_');
  const value = secret ? sha256(key) : key;
  const cache = cacheOf(db);
  const now = performance.now();
  const kept = cache.get(value);
  if (kept && kept.until > now) return kept.row;
  const rows = await db.query<KeyRow>(
    `SELECT id, merchant_id, mode, type, allowed_origins FROM api_keys WHERE ${secret ? 'secret_hash' : 'publishable_key'} = $1 AND revoked_at IS NULL`,
    [value],
  );
  cache.delete(value);
  if (!rows[0]) return undefined;
  // Frozen: every request that finds it in the cache shares it.
  const row = Object.freeze({ ...rows[0], allowed_origins: Object.freeze([...rows[0].allowed_origins]) });
  if (cache.size >= KEY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(value, { row, until: now + KEY_CACHE_MS });
  return row;
}

const invalidKey = () => new ApiError(401, 'authentication_error', 'invalid_api_key', 'The API key provided is not valid.');

/** Secret-key routes: a publishable key here is refused with 403, never treated as unknown. */
export function requireSecretKey(db: Db) {
  return createMiddleware<AuthEnv>(async function secretKeyAuth(c, next) {
    const key = bearer(c);
    if (PUBLISHABLE_KEY.test(key)) {
      throw new ApiError(403, 'permission_error', 'secret_key_required', 'This request needs a secret key (sk_…). Publishable keys can only read and confirm a checkout session.');
    }
    if (!SECRET_KEY.test(key)) throw invalidKey();
    const row = await findKey(db, key);
    if (!row) throw invalidKey();
    c.set('auth', { merchantId: row.merchant_id, mode: row.mode, keyType: 'secret', keyId: row.id, allowedOrigins: [] });
    await next();
  });
}

/**
 * Publishable-key routes (the buyer's browser). A secret key here means it is being used
 * where a browser would send it: refused with 403 so it is noticed. The caller's origin must be
 * one the key allows: the Origin header for a direct call, or, for the payment frame (same
 * origin as this server), the parent page's origin it declares — which frame-ancestors on the
 * frame page has already pinned to an allowed origin.
 */
export function requirePublishableKey(db: Db, selfOrigin: string, options: { allowSecret?: boolean } = {}) {
  return createMiddleware<AuthEnv>(async function publishableKeyAuth(c, next) {
    const key = bearer(c);
    if (SECRET_KEY.test(key) || key.startsWith('sk_')) {
      if (options.allowSecret) {
        const row = SECRET_KEY.test(key) ? await findKey(db, key) : undefined;
        if (!row) throw invalidKey();
        c.set('auth', { merchantId: row.merchant_id, mode: row.mode, keyType: 'secret', keyId: row.id, allowedOrigins: [] });
        return next();
      }
      throw new ApiError(403, 'permission_error', 'publishable_key_required', 'Secret keys must never be used from a browser. Use your publishable key (pk_…) here and keep the secret key on your server.');
    }
    if (!PUBLISHABLE_KEY.test(key)) throw invalidKey();
    const row = await findKey(db, key);
    if (!row) throw invalidKey();
    checkOrigin(c, row.allowed_origins, selfOrigin);
    c.set('auth', { merchantId: row.merchant_id, mode: row.mode, keyType: 'publishable', keyId: row.id, allowedOrigins: row.allowed_origins });
    await next();
  });
}

export function originAllowed(origin: string, allowed: readonly string[], selfOrigin: string): boolean {
  return origin === selfOrigin || allowed.includes(origin) || allowed.includes('*');
}

function checkOrigin(c: Context, allowed: readonly string[], selfOrigin: string) {
  const origin = c.req.header('origin');
  const declared = c.req.header('x-paykit-parent-origin');
  if (origin === selfOrigin && declared === undefined) {
    throw new ApiError(403, 'permission_error', 'origin_not_allowed', 'The payment frame must declare its parent origin.');
  }
  // Browsers omit Origin on same-origin GETs, and servers or curl send none: a declared parent
  // origin is checked whenever present, a foreign Origin always.
  for (const candidate of [origin === selfOrigin ? undefined : origin, declared]) {
    if (candidate !== undefined && !originAllowed(candidate, allowed, selfOrigin)) {
      throw new ApiError(403, 'permission_error', 'origin_not_allowed', `The origin ${candidate.slice(0, 200)} is not allowed for this publishable key.`);
    }
  }
}
