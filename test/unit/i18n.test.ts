import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  availableLocales,
  createTranslator,
  currentLocale,
  loadersByTag,
  resolveLocale,
  setLocale,
  t,
  type CatalogueLoader,
} from '../../widget/i18n/index.ts';
import { en as core, type Catalogue, type MessageKey } from '../../widget/i18n/en.ts';
import { enMethods } from '../../widget/i18n/en-methods.ts';

/** All of English: the bundled catalogue and what the method chunks add. */
const en = { ...core, ...enMethods };

const LOCALES_DIR = fileURLToPath(new URL('../../widget/i18n/locales/', import.meta.url));

/** The real catalogue files, as import.meta.glob would hand them to the widget. */
const files = readdirSync(LOCALES_DIR).filter((name) => name.endsWith('.ts'));
const modules: Record<string, CatalogueLoader> = Object.fromEntries(
  files.map((name) => [`./locales/${name}`, () => import(pathToFileURL(LOCALES_DIR + name).href)]),
);
const loaders = loadersByTag(modules);

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const enKeys = Object.keys(en) as MessageKey[];

test('every catalogue file is a locale tag with a default Catalogue', async () => {
  assert.ok(files.includes('pt-BR.ts'), 'pt-BR is there');
  for (const name of files) {
    assert.match(name, /^[a-z]{2,3}(-[A-Z]{2})?\.ts$/, `${name} is named by its BCP 47 tag`);
    const catalogue = (await modules[`./locales/${name}`]!()).default;
    assert.equal(typeof catalogue, 'object', `${name} exports a default catalogue`);
  }
  assert.deepEqual(availableLocales(loaders).sort(), ['en', ...files.map((name) => name.slice(0, -3))].sort());
});

test('catalogues have no keys English lacks, and the same {placeholders} per key', async () => {
  for (const [tag, load] of Object.entries(loaders)) {
    const catalogue: Record<string, string> = (await load()).default;
    for (const [key, text] of Object.entries(catalogue)) {
      assert.ok(key in en, `${tag}: unknown key ${key}`);
      assert.equal(typeof text, 'string', `${tag}: ${key}`);
      assert.ok(text.trim().length > 0, `${tag}: ${key} is empty`);
      assert.deepEqual(placeholders(text), placeholders(en[key as MessageKey]), `${tag}: placeholders of ${key}`);
    }
  }
});

test('pt-BR translates every English key', async () => {
  const ptBR = (await loaders['pt-BR']!()).default;
  const missing = enKeys.filter((key) => !(key in ptBR));
  assert.deepEqual(missing, [], 'keys without a pt-BR text');
});

test('locale resolution: exact, then language, then the only catalogue of that language, then English', () => {
  const tags = ['en', 'pt-BR'];
  assert.equal(resolveLocale('pt-BR', tags), 'pt-BR');
  assert.equal(resolveLocale('pt-br', tags), 'pt-BR');
  assert.equal(resolveLocale('pt_BR', tags), 'pt-BR');
  assert.equal(resolveLocale('pt', tags), 'pt-BR');
  assert.equal(resolveLocale('pt-PT', tags), 'pt-BR');
  assert.equal(resolveLocale('en-GB', tags), 'en');
  assert.equal(resolveLocale('de', tags), 'en');
  assert.equal(resolveLocale('', tags), 'en');
  assert.equal(resolveLocale(undefined, tags), 'en');
  // A bare language catalogue wins over a regional guess; two regional ones are no guess at all.
  assert.equal(resolveLocale('pt-AO', ['en', 'pt', 'pt-BR']), 'pt');
  assert.equal(resolveLocale('pt-AO', ['en', 'pt-BR', 'pt-PT']), 'en');
  assert.equal(resolveLocale('pt-PT', ['en', 'pt-BR', 'pt-PT']), 'pt-PT');
});

test('file paths become tags; English is never loaded lazily', () => {
  const load: CatalogueLoader = async () => ({ default: {} });
  assert.deepEqual(Object.keys(loadersByTag({ './locales/pt-BR.ts': load, './locales/es.ts': load, './locales/en.ts': load })), ['pt-BR', 'es']);
});

test('a partial catalogue falls back to English per key', () => {
  const tr = createTranslator({ 'label.card_number': 'Número do cartão', 'pay.button': 'Pagar {amount}' } satisfies Catalogue);
  assert.equal(tr('label.card_number'), 'Número do cartão');
  assert.equal(tr('label.expiry'), 'Expiration date');
  assert.equal(tr('pay.button', { amount: 'R$ 15,00' }), 'Pagar R$ 15,00');
});

test('setLocale loads the catalogue the locale needs, once, and falls back to English', async () => {
  let loads = 0;
  const counting = { ...loaders, 'pt-BR': () => (loads++, loaders['pt-BR']!()) };
  assert.equal(await setLocale('pt', counting), 'pt-BR');
  assert.equal(currentLocale(), 'pt-BR');
  assert.equal(t('label.card_number'), 'Número do cartão');
  assert.equal(t('pay.button', { amount: 'R$\u00a015,00' }), 'Pagar R$\u00a015,00');
  assert.equal(loads, 1);

  assert.equal(await setLocale('xx-YY', counting), 'en');
  assert.equal(t('pay.button', { amount: '$15.00' }), 'Pay $15.00');
  assert.equal(t('card_number.invalid'), 'Your card number is invalid.');
  assert.equal(t('brand.detected'), 'Card type: {brand}', 'a missing parameter stays visible');

  // A catalogue that cannot be loaded (say the network dropped): English, not an error.
  const broken = { 'pt-BR': () => Promise.reject(new Error('offline')) };
  assert.equal(await setLocale('pt-BR', broken), 'en');
  assert.equal(t('label.card_number'), 'Card number');
  // A catalogue leaving keys out: those keys in English.
  assert.equal(await setLocale('pt-BR', { 'pt-BR': async () => ({ default: { 'label.cvc': 'CVV' } }) }), 'pt-BR');
  assert.equal(t('label.cvc'), 'CVV');
  assert.equal(t('label.card_number'), 'Card number');
});

test('when setLocale calls overlap, the last one wins', async () => {
  let release!: () => void;
  const slow = new Promise<void>((resolve) => (release = resolve));
  const later = { 'pt-BR': async () => (await slow, { default: { 'label.cvc': 'lento' } }) };
  const first = setLocale('pt-BR', later);
  await setLocale('en', later);
  release();
  await first;
  assert.equal(t('label.cvc'), 'Security code');
  assert.equal(currentLocale(), 'en');
});

test('without a bundler there are no lazy locales, and English still works', async () => {
  assert.deepEqual(availableLocales(), ['en']);
  assert.equal(await setLocale('pt-BR'), 'en');
  assert.equal(t('label.card_number'), 'Card number');
});

test('every validator error code has an English text', () => {
  for (const code of ['card_number.incomplete', 'expiry.past', 'expiry.invalid', 'cvc.incomplete', 'name.required', 'email.invalid'] as const) {
    assert.ok(en[code].length > 5, code);
  }
});
