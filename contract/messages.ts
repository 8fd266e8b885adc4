/**
 * Messages between the host element (`<pay-checkout>` on the merchant page) and the payment
 * frame (served from the payment server's origin). Both sides post with an exact target origin,
 * check `event.origin` and `event.source`, and accept only messages that parse here.
 *
 * Handshake: the frame loads and posts `loaded`; the host answers `init` with the client secret
 * (never put in a URL) and the theme; the frame reads the session and posts `ready`.
 */
import * as z from 'zod/mini';

import { MESSAGE_SOURCE, MESSAGE_VERSION, SAFE_CSS_VALUE, THEME_PROPERTIES } from './messages-core.ts';

// The constants, theme rules and envelope live in the zod-free messages-core.ts (for the host bundle).
export { MESSAGE_SOURCE, MESSAGE_VERSION, SAFE_CSS_VALUE, THEME_PROPERTIES, envelopeOf } from './messages-core.ts';
export type { ThemeProperty } from './messages-core.ts';

// partialRecord: a theme carries only the properties the merchant set (z.record with enum keys is exhaustive in zod 4).
const theme = z.partialRecord(z.enum(THEME_PROPERTIES), z.string().check(z.regex(SAFE_CSS_VALUE)));
const envelope = { source: z.literal(MESSAGE_SOURCE), v: z.literal(MESSAGE_VERSION) };

/** Host → frame. */
export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({
    ...envelope,
    type: z.literal('init'),
    clientSecret: z.string().check(z.regex(/^cs_[A-Za-z0-9]+_secret_[A-Za-z0-9_-]+$/)),
    theme,
    locale: z.optional(z.string().check(z.maxLength(35))),
  }),
  z.object({ ...envelope, type: z.literal('theme'), theme }),
  z.object({ ...envelope, type: z.literal('submit') }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

/** Frame → host. */
export const frameMessageSchema = z.discriminatedUnion('type', [
  z.object({ ...envelope, type: z.literal('loaded') }),
  z.object({
    ...envelope,
    type: z.literal('ready'),
    session: z.object({ id: z.string(), amount: z.int(), currency: z.string(), status: z.string() }),
  }),
  z.object({ ...envelope, type: z.literal('resize'), height: z.number().check(z.gte(0), z.lte(10000)) }),
  z.object({
    ...envelope,
    type: z.literal('change'),
    complete: z.boolean(),
    empty: z.boolean(),
    brand: z.nullable(z.string().check(z.maxLength(40))),
  }),
  z.object({ ...envelope, type: z.literal('processing'), paymentId: z.string() }),
  z.object({ ...envelope, type: z.literal('success'), paymentId: z.string(), status: z.string() }),
  z.object({
    ...envelope,
    type: z.literal('failure'),
    code: z.string().check(z.maxLength(100)),
    message: z.string().check(z.maxLength(500)),
    paymentId: z.nullable(z.string()),
  }),
  z.object({
    ...envelope,
    type: z.literal('redirect'),
    url: z.string().check(z.regex(/^https?:\/\//), z.maxLength(4096)),
    paymentId: z.string(),
  }),
]);
export type FrameMessage = z.infer<typeof frameMessageSchema>;

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type HostMessageBody = Without<HostMessage, 'source' | 'v'>;
export type FrameMessageBody = Without<FrameMessage, 'source' | 'v'>;

/** The DOM events `<pay-checkout>` fires, with their `detail`. */
export interface PayCheckoutEventMap {
  'pay-ready': CustomEvent<{ sessionId: string; amount: number; currency: string; status: string }>;
  'pay-change': CustomEvent<{ complete: boolean; empty: boolean; brand: string | null }>;
  'pay-processing': CustomEvent<{ paymentId: string }>;
  'pay-success': CustomEvent<{ paymentId: string; status: string }>;
  'pay-failure': CustomEvent<{ code: string; message: string; paymentId: string | null }>;
  'pay-redirect': CustomEvent<{ url: string; paymentId: string }>;
}
