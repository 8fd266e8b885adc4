/**
 * The zod-free part of the frame protocol (see messages.ts, which re-exports all of it): the
 * envelope and the theme rules. The host script (`widget.js`, 8 KB budget on the merchant page)
 * imports from here so that bundling it does not pull in zod; the schemas stay in messages.ts.
 */

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

/** Wraps a message body in the envelope both sides check. */
export function envelopeOf<T extends object>(body: T): T & { source: typeof MESSAGE_SOURCE; v: typeof MESSAGE_VERSION } {
  return { source: MESSAGE_SOURCE, v: MESSAGE_VERSION, ...body };
}
