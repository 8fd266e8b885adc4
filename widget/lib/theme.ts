/** Reading the merchant's theme: the documented custom properties whose values are safe tokens. */
import { SAFE_CSS_VALUE, THEME_PROPERTIES, type ThemeProperty } from '../../contract/messages-core.ts';

export type Theme = Partial<Record<ThemeProperty, string>>;

/** `read` is usually `(name) => getComputedStyle(el).getPropertyValue(name)`. Empty and unsafe values are dropped. */
export function pickTheme(read: (property: ThemeProperty) => string): Theme {
  const theme: Theme = {};
  for (const property of THEME_PROPERTIES) {
    const value = read(property).trim();
    if (value && SAFE_CSS_VALUE.test(value)) theme[property] = value;
  }
  return theme;
}
