/**
 * Messages between the host element (`<pay-checkout>` on the merchant page) and the payment
 * frame (served from the payment server's origin). Both sides post with an exact target origin,
 * check `event.origin` and `event.source`, and accept only messages that parse here.
 *
 * Handshake: the frame loads and posts `loaded`; the host answers `init` with the client secret
 * (never put in a URL) and the theme; the frame reads the session and posts `ready`.
 */
import * as z from 'zod/mini';

export const MESSAGE_SOURCE = 'paykit';
export const MESSAGE_VERSION = 1;

/** CSS custom properties the merchant may set on `<pay-checkout>`; they reach the frame. */
export const THEME_PROPERTIES = [
  '--pay-color-primary',
  '--pay-color-primary-text',
  '--pay-color-text',
  '--pay-color-muted',
  '--pay-color-background',
  '--pay-color-field-background',
  '--pay-color-border',
  '--pay-color-focus',
  '--pay-color-danger',
  '--pay-color-success',
  '--pay-font-family',
  '--pay-font-size',
  '--pay-radius',
  '--pay-spacing',
] as const;
export type ThemeProperty = (typeof THEME_PROPERTIES)[number];

/**
 * A theme value must be a plain CSS token: no url(), no expressions, no declarations smuggled in.
 * Colors, lengths, font stacks and var()/calc() of those pass.
 */
export const SAFE_CSS_VALUE = /^(?!.*(?:url|image-set|expression|@import|\\))[#\w\s.,%()'"+\-*/]{1,200}$/i;

const theme = z.record(z.enum(THEME_PROPERTIES), z.string().check(z.regex(SAFE_CSS_VALUE)));
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

/** Wraps a message body in the envelope both sides check. */
export function envelopeOf<T extends object>(body: T): T & { source: typeof MESSAGE_SOURCE; v: typeof MESSAGE_VERSION } {
  return { source: MESSAGE_SOURCE, v: MESSAGE_VERSION, ...body };
}

/** The DOM events `<pay-checkout>` fires, with their `detail`. */
export interface PayCheckoutEventMap {
  'pay-ready': CustomEvent<{ sessionId: string; amount: number; currency: string; status: string }>;
  'pay-change': CustomEvent<{ complete: boolean; empty: boolean; brand: string | null }>;
  'pay-processing': CustomEvent<{ paymentId: string }>;
  'pay-success': CustomEvent<{ paymentId: string; status: string }>;
  'pay-failure': CustomEvent<{ code: string; message: string; paymentId: string | null }>;
  'pay-redirect': CustomEvent<{ url: string; paymentId: string }>;
}
