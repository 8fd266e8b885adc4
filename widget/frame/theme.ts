import { THEME_PROPERTIES } from '../../contract/messages.ts';
import type { Theme } from '../lib/theme.ts';

/**
 * Sets the merchant's theme on the frame's root element through the CSSOM (allowed under the
 * frame's `style-src 'self'`); properties missing from `theme` are removed, so a theme update
 * can also undo a value. Values were checked against SAFE_CSS_VALUE by the message schema.
 */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  for (const property of THEME_PROPERTIES) {
    const value = theme[property];
    if (value) root.style.setProperty(property, value);
    else root.style.removeProperty(property);
  }
}
