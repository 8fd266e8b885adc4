/**
 * The Pagou sandbox's test cards (the table in ../../providers/pagou/README.md): the card number
 * behind a `pgct_…` token picks the outcome. Any future expiry and any CVV work; any other
 * Luhn-valid number is authorized.
 */
export type PagouBehaviour =
  | { kind: 'authorized' }
  | { kind: 'challenge' }
  | { kind: 'refused'; reason: string }
  | { kind: 'processing' };

export interface PagouTestCard {
  number: string;
  description: string;
  behaviour: PagouBehaviour;
}

export const PAGOU_TEST_CARDS: readonly PagouTestCard[] = [
  { number: '4111111111111111', description: 'Visa: authorized', behaviour: { kind: 'authorized' } },
  { number: '5555555555554444', description: 'Mastercard: authorized', behaviour: { kind: 'authorized' } },
  { number: '6362970000457013', description: 'Elo: authorized', behaviour: { kind: 'authorized' } },
  { number: '4000000000003220', description: '3DS challenge (next_action), then as the buyer answers', behaviour: { kind: 'challenge' } },
  {
    number: '4000000000000002',
    description: 'Refused: "Transação não autorizada" (do not honor)',
    behaviour: { kind: 'refused', reason: 'Transação não autorizada' },
  },
  { number: '4000000000009995', description: 'Refused: insufficient funds', behaviour: { kind: 'refused', reason: 'Saldo insuficiente' } },
  { number: '4000000000000259', description: 'Processing, then paid by webhook', behaviour: { kind: 'processing' } },
];

export function behaviourOf(number: string): PagouBehaviour {
  return PAGOU_TEST_CARDS.find((card) => card.number === number)?.behaviour ?? { kind: 'authorized' };
}

export { luhn } from '../luhn.ts';

/** Elo BIN ranges (first six digits); Elo shares prefixes with Visa and Mastercard, so it is checked first. */
const ELO_RANGES: readonly (readonly [number, number])[] = [
  [401178, 401179], [431274, 431274], [438935, 438935], [451416, 451416], [457393, 457393], [457631, 457632],
  [504175, 504175], [506699, 506778], [509000, 509999], [627780, 627780], [636297, 636297], [636368, 636368],
  [650031, 650033], [650035, 650051], [650405, 650439], [650485, 650538], [650541, 650598], [650700, 650718],
  [650720, 650727], [650901, 650978], [651652, 651679], [655000, 655019], [655021, 655058],
];

export type CardBrand = 'visa' | 'mastercard' | 'elo' | 'amex' | 'hipercard' | 'diners' | 'discover' | 'jcb';

/** The card network from the number's prefix; null when no network issues such numbers (not a card). */
export function brandOf(number: string): CardBrand | null {
  const bin = Number(number.slice(0, 6));
  if (ELO_RANGES.some(([from, to]) => bin >= from && bin <= to)) return 'elo';
  if (/^(606282|3841)/.test(number)) return 'hipercard';
  if (/^3[47]/.test(number)) return 'amex';
  if (/^(30[0-5]|309|36|38|39)/.test(number)) return 'diners';
  if (/^35(2[89]|[3-8])/.test(number)) return 'jcb';
  if (/^4/.test(number)) return 'visa';
  const two = Number(number.slice(0, 2));
  const four = Number(number.slice(0, 4));
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'mastercard';
  if (/^(6011|64[4-9]|65)/.test(number)) return 'discover';
  return null;
}
