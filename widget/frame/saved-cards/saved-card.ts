/** How a saved card is named and whether it can still pay: plain functions over the API's SavedCard. */
import { cardValidator } from '../../lib/card-validator.ts';
import type { SavedCard } from '../../../contract/api.ts';
import { t } from '../../i18n/index.ts';
import type { CardBrand } from '../../lib/card-number.ts';

/** Other names card vaults give the brands card-validator knows. */
const ALIASES: Readonly<Record<string, string>> = { amex: 'american-express', diners: 'diners-club', mc: 'mastercard' };

/** The brand of a saved card ('visa', 'American Express', 'amex'…) as the card fields know brands; null when unknown. */
export function savedCardBrand(brand: string | null): CardBrand | null {
  const type = (brand ?? '').trim().toLowerCase().replace(/[\s_]+/g, '-');
  const info = type ? cardValidator.creditCardType.getTypeInfo(ALIASES[type] ?? type) : null;
  return info?.niceType ? { type: info.type, name: info.niceType, gaps: info.gaps, lengths: info.lengths, cvcLength: info.code.size } : null;
}

/** "Visa", "American Express"; the vault's own word for a brand card-validator does not know; "Card" without one. */
export function brandName(brand: string | null): string {
  return savedCardBrand(brand)?.name ?? (brand?.trim() || t('method.card'));
}

/** The four-digit expiry year (vaults may answer 27 for 2027). */
const fullYear = (year: number) => (year < 100 ? 2000 + year : year);

/** True once the card's expiry month is over (a card is good through the end of its month). */
export function isExpired(card: Pick<SavedCard, 'exp_month' | 'exp_year'>, now = new Date()): boolean {
  const year = fullYear(card.exp_year);
  const thisYear = now.getFullYear();
  return year < thisYear || (year === thisYear && card.exp_month < now.getMonth() + 1);
}

/** "12/27". */
export function expiryText(card: Pick<SavedCard, 'exp_month' | 'exp_year'>): string {
  return `${String(card.exp_month).padStart(2, '0')}/${String(fullYear(card.exp_year) % 100).padStart(2, '0')}`;
}

/** "Visa ending in 4242": the card in accessible names and announcements. */
export function cardName(card: SavedCard): string {
  return t('saved.card_name', { brand: brandName(card.brand), last4: card.last4 });
}

/** "Visa •••• 4242 · expires 12/27", or "… · expired 01/20". */
export function cardLabel(card: SavedCard, now = new Date()): string {
  return t(isExpired(card, now) ? 'saved.expired' : 'saved.card', { brand: brandName(card.brand), last4: card.last4, expiry: expiryText(card) });
}
