/// <reference types="vite/client" />
/**
 * A tiny translator: `t(key, params)` with the catalogue of the current locale, falling back
 * per key to English.
 *
 * One catalogue per locale. English (`en.ts`) is the reference and is always bundled. Every
 * other catalogue is a file `locales/<tag>.ts` whose default export is a `Catalogue`: it is
 * found by `import.meta.glob` (Vite in the build, a small dev-server plugin in
 * web-test-runner.config.mjs), becomes its own chunk and is only fetched when `setLocale` needs
 * it. Adding a language is adding that file; no code changes.
 */
import { en, type Catalogue, type MessageKey } from './en.ts';

export type { Catalogue, MessageKey } from './en.ts';
export type Params = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, params?: Params) => string;
export type CatalogueLoader = () => Promise<{ readonly default: Catalogue }>;

/** Catalogue loaders by BCP 47 tag, from module paths such as `./locales/pt-BR.ts`. */
export function loadersByTag(modules: Readonly<Record<string, CatalogueLoader>>): Record<string, CatalogueLoader> {
  const loaders: Record<string, CatalogueLoader> = {};
  for (const [path, load] of Object.entries(modules)) {
    const tag = /([^/]+)\.ts$/.exec(path)?.[1];
    if (tag && tag !== 'en') loaders[tag] = load;
  }
  return loaders;
}

function discover(): Record<string, CatalogueLoader> {
  try {
    return loadersByTag(import.meta.glob<{ default: Catalogue }>('./locales/*.ts'));
  } catch {
    // Outside a bundler (unit tests under node) nothing rewrites import.meta.glob: no locales
    // but English, unless the caller passes its own loaders.
    return {};
  }
}

/** The lazily loaded catalogues the widget knows about, by tag ('en' is always there). */
export const LOCALE_LOADERS: Readonly<Record<string, CatalogueLoader>> = discover();

/** The tags there are catalogues for: 'en' and one per locale file. */
export const availableLocales = (loaders: Readonly<Record<string, CatalogueLoader>> = LOCALE_LOADERS): string[] => ['en', ...Object.keys(loaders)];

/**
 * The best tag among `tags` for `locale`: the exact tag ('pt-br' → 'pt-BR'), then the bare
 * language ('pt-PT' → 'pt'), then the one catalogue of that language ('pt' or 'pt-PT' → 'pt-BR'
 * when pt-BR is the only Portuguese one), else 'en'.
 */
export function resolveLocale(locale: string | null | undefined, tags: readonly string[] = availableLocales()): string {
  if (locale) {
    const wanted = locale.trim().replace(/_/g, '-').toLowerCase();
    const language = wanted.split('-')[0];
    const exact = tags.find((tag) => tag.toLowerCase() === wanted);
    if (exact) return exact;
    const bare = tags.find((tag) => tag.toLowerCase() === language);
    if (bare) return bare;
    const sameLanguage = tags.filter((tag) => tag.toLowerCase().split('-')[0] === language);
    if (sameLanguage.length === 1 && sameLanguage[0]) return sameLanguage[0];
  }
  return 'en';
}

/** English: the bundled catalogue, plus what the method chunks add (./en-methods.ts). */
let english: Catalogue = en;

/** Adds English texts a lazily loaded part of the frame brings with it. */
export function addEnglish(messages: Catalogue): void {
  english = { ...english, ...messages };
}

/** A translator over `catalogue`, each missing key in English; `{name}` placeholders filled from params. */
export function createTranslator(catalogue: Catalogue = en): Translate {
  return (key, params) => {
    const template = catalogue[key] ?? english[key] ?? key;
    return params ? template.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole)) : template;
  };
}

const cache = new Map<string, Promise<Catalogue | null>>();

/** The catalogue for a tag, fetched once; null when it cannot be loaded (then English is used). */
export function loadCatalogue(tag: string, loaders: Readonly<Record<string, CatalogueLoader>> = LOCALE_LOADERS): Promise<Catalogue | null> {
  if (tag === 'en') return Promise.resolve(en);
  const load = loaders[tag];
  if (!load) return Promise.resolve(null);
  let loading = loaders === LOCALE_LOADERS ? cache.get(tag) : undefined;
  if (!loading) {
    loading = load().then(
      (module) => module.default ?? null,
      () => null,
    );
    if (loaders === LOCALE_LOADERS) {
      cache.set(tag, loading);
      // A failed load (e.g. the network dropped) may be retried later.
      void loading.then((catalogue) => catalogue || cache.delete(tag));
    }
  }
  return loading;
}

let current: Translate = createTranslator(en);
let currentTag = 'en';
let requests = 0;

/**
 * Switches the widget's language: loads the best catalogue for `locale` and resolves with the tag
 * in use ('en' when there is none or it failed to load). When calls overlap, the last one wins.
 */
export async function setLocale(locale: string | null | undefined, loaders: Readonly<Record<string, CatalogueLoader>> = LOCALE_LOADERS): Promise<string> {
  const request = ++requests;
  const tag = resolveLocale(locale, availableLocales(loaders));
  const catalogue = (await loadCatalogue(tag, loaders)) ?? en;
  const used = catalogue === en ? 'en' : tag;
  if (request === requests) {
    current = createTranslator(catalogue);
    currentTag = used;
  }
  return used;
}

/** The tag of the catalogue `t` currently reads ('en', 'pt-BR'…). */
export const currentLocale = (): string => currentTag;

export const t: Translate = (key, params) => current(key, params);
