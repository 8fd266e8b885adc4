/** Identifiers, secrets and their hashes. */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Random bytes are drawn from the operating system's CSPRNG 4 KiB at a time and handed out in
// order, each byte once: a payment takes several ids, and one system call per id cost more than
// making them.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

/** A random base62 string of `length` characters (about 5.95 bits each). */
export function randomToken(length = 24): string {
  let out = '';
  while (out.length < length) {
    if (poolAt === pool.length) {
      randomFillSync(pool);
      poolAt = 0;
    }
    const byte = pool[poolAt++]!;
    // 248 = 4 * 62: rejecting the bytes above keeps every character equally likely.
    if (byte < 248) out += ALPHABET[byte % 62]!;
  }
  return out;
}

/** Characters of an id's time: milliseconds since 1970 in base 36, enough until the year 5000 and more. */
const ID_TIME_DIGITS = 9;

/**
 * `pay_…`, `cs_…`, `mer_…`: a prefixed id whose characters after the `_` are the time it was made
 * (ID_TIME_DIGITS base-36 digits, `0-9a-z`, which sort the same under every collation) and then
 * random base62 ones (15 of a 24-character id: 89 bits).
 *
 * Ids made later sort later, so a new row's entry goes at the right-hand edge of every index on
 * an id (the primary keys, payments by session, events by payment) instead of on a page picked at
 * random. With random ids every insert dirtied a page of its own, and the first change to each
 * page after a checkpoint wrote the whole page into the WAL, which every durable commit waits
 * for (README, "Sustained load"). The time an object was made is no secret: it says so itself.
 */
export function newId(prefix: string, length = 24): string {
  return `${prefix}_${Date.now().toString(36).padStart(ID_TIME_DIGITS, '0')}${randomToken(length - ID_TIME_DIGITS)}`;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A session's client secret is derived from its id with the server secret, so it is never
 * stored: `cs_X_secret_<HMAC-SHA256(serverSecret, "client_secret:" + id), base64url>`.
 */
export function clientSecretFor(sessionId: string, serverSecret: string): string {
  const mac = createHmac('sha256', serverSecret).update(`client_secret:${sessionId}`).digest('base64url');
  return `${sessionId}_secret_${mac}`;
}

/** The session id inside a client secret, when it has the right shape. */
export function sessionIdOfClientSecret(secret: string): string | null {
  const match = /^(cs_[A-Za-z0-9]+)_secret_[A-Za-z0-9_-]+$/.exec(secret);
  return match ? match[1]! : null;
}

export function verifyClientSecret(sessionId: string, secret: string, serverSecret: string): boolean {
  return safeEqual(clientSecretFor(sessionId, serverSecret), secret);
}

/**
 * A per-payment token for URLs we hand to providers (webhook and return routes): derived, so
 * never stored, and unguessable without the server secret.
 */
export function providerToken(serverSecret: string, purpose: 'webhook' | 'return', paymentId: string): string {
  return createHmac('sha256', serverSecret).update(`${purpose}:${paymentId}`).digest('base64url').replace(/[-_]/g, '').slice(0, 32);
}

const sealKey = (serverSecret: string) => createHmac('sha256', serverSecret).update('seal:v1').digest();

/**
 * Encrypts a secret we must keep for a while but never store in the clear (a provider's
 * challenge client secret): AES-256-GCM under a key derived from the server secret,
 * `v1.<iv>.<tag>.<ciphertext>` in base64url.
 */
export function seal(plaintext: string, serverSecret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(serverSecret), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

/** The plaintext of `seal`, or null when the value was not sealed with this server secret. */
export function unseal(sealed: string, serverSecret: string): string | null {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(serverSecret), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
