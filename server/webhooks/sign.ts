/** Signing a delivery: the `Paykit-Signature` header that verify.ts checks. */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'Paykit-Signature';

export function signature(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** `t=<timestamp>,v1=<sig>[,v1=<sig>]`: one signature per secret, in the order given (the newest first). */
export function signatureHeader(secrets: readonly string[], timestamp: number, rawBody: string): string {
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${signature(secret, timestamp, rawBody)}`)].join(',');
}
