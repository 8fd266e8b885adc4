/**
 * Verifying a Paykit webhook, as a merchant does it (the README's example is this code): no
 * dependency but `node:crypto`, so it can be copied as it is.
 *
 * The `Paykit-Signature` header is `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`,
 * with one `v1=` per secret that signs (two during a rotation: the new one first). A delivery is
 * genuine when one of them matches the HMAC under the merchant's secret, compared in constant
 * time, and fresh when its timestamp is within `toleranceSeconds` of now (5 minutes): a captured
 * request replayed later is refused. The raw body must be the bytes received, before any JSON
 * parsing (re-serializing changes them).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookVerification =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'malformed_header' | 'timestamp_too_old' | 'timestamp_in_future' | 'signature_mismatch' };

export function verifyWebhook(
  rawBody: string | Buffer,
  header: string | null | undefined,
  secret: string,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): WebhookVerification {
  let timestamp: number | null = null;
  const signatures: Buffer[] = [];
  for (const part of (header ?? '').split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && /^[0-9]{1,12}$/.test(value ?? '')) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '')) signatures.push(Buffer.from(value!, 'hex'));
  }
  if (timestamp === null || signatures.length === 0) return { ok: false, reason: 'malformed_header' };
  if (timestamp < nowSeconds - toleranceSeconds) return { ok: false, reason: 'timestamp_too_old' };
  if (timestamp > nowSeconds + toleranceSeconds) return { ok: false, reason: 'timestamp_in_future' };
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
  // Every candidate is compared (no early exit), each in constant time.
  let matched = false;
  for (const signature of signatures) matched = timingSafeEqual(signature, expected) || matched;
  return matched ? { ok: true, timestamp } : { ok: false, reason: 'signature_mismatch' };
}
