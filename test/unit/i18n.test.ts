import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTranslator, resolveLocale, setLocale, t } from '../../widget/i18n/index.ts';
import { en, type Catalogue } from '../../widget/i18n/en.ts';

const catalogues: Record<string, Catalogue> = {
  en,
  'pt-BR': { 'label.card_number': 'Número do cartão', 'pay.button': 'Pagar {amount}' },
};

test('locale resolution: exact, then language, then English', () => {
  assert.equal(resolveLocale('pt-BR', catalogues), 'pt-BR');
  assert.equal(resolveLocale('pt-br', catalogues), 'pt-BR');
  assert.equal(resolveLocale('en-GB', catalogues), 'en');
  assert.equal(resolveLocale('de', catalogues), 'en');
  assert.equal(resolveLocale(undefined, catalogues), 'en');
});

test('a partial catalogue falls back to English per key', () => {
  const tr = createTranslator('pt-BR', catalogues);
  assert.equal(tr('label.card_number'), 'Número do cartão');
  assert.equal(tr('label.expiry'), 'Expiration date');
  assert.equal(tr('pay.button', { amount: 'R$ 15,00' }), 'Pagar R$ 15,00');
});

test('an unknown locale is English and placeholders are filled', () => {
  setLocale('xx-YY');
  assert.equal(t('pay.button', { amount: '$15.00' }), 'Pay $15.00');
  assert.equal(t('card_number.invalid'), 'Your card number is invalid.');
  assert.equal(t('brand.detected'), 'Card type: {brand}', 'a missing parameter stays visible');
});

test('every validator error code has an English text', () => {
  for (const code of ['card_number.incomplete', 'expiry.past', 'expiry.invalid', 'cvc.incomplete', 'name.required', 'email.invalid'] as const) {
    assert.ok(en[code].length > 5, code);
  }
});
