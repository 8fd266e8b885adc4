import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/** The buyer's IP: the socket's address, or the first X-Forwarded-For hop behind a trusted proxy. */
export function buyerIp(c: Context, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // app.request() in tests has no socket
  }
}
