/**
 * A tiny translator: `t(key, params)` with the catalogue of the current locale, falling back
 * per key to English. Adding a language is one file (`pt-BR.ts` exporting a Catalogue) plus one
 * line in CATALOGUES below.
 */
import { en, type Catalogue, type MessageKey } from './en.ts';

export type { MessageKey } from './en.ts';
export type Params = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, params?: Params) => string;

/** Registered catalogues by BCP 47 tag. */
export const CATALOGUES: Readonly<Record<string, Catalogue>> = { en };

/** The best registered tag for `locale`: exact ('pt-BR'), then language ('pt'), then 'en'. */
export function resolveLocale(locale: string | null | undefined, catalogues: Readonly<Record<string, Catalogue>> = CATALOGUES): string {
  if (locale) {
    const wanted = locale.toLowerCase();
    const tags = Object.keys(catalogues);
    const exact = tags.find((tag) => tag.toLowerCase() === wanted);
    if (exact) return exact;
    const language = tags.find((tag) => tag.toLowerCase() === wanted.split('-')[0]);
    if (language) return language;
  }
  return 'en';
}

export function createTranslator(locale: string | null | undefined, catalogues: Readonly<Record<string, Catalogue>> = CATALOGUES): Translate {
  const catalogue = catalogues[resolveLocale(locale, catalogues)] ?? {};
  return (key, params) => {
    const template = catalogue[key] ?? en[key] ?? key;
    return params ? template.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole)) : template;
  };
}

let current: Translate = createTranslator('en');

/** Switches the widget's language (the frame calls this once it knows the session's locale). */
export function setLocale(locale: string | null | undefined): void {
  current = createTranslator(locale);
}

export const t: Translate = (key, params) => current(key, params);
