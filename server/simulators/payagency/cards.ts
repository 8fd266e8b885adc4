/** The PayAgency sandbox's test cards: the card number picks the outcome. Listed in the README. */
export type SimBehaviour =
  | { kind: 'success' }
  | { kind: 'redirect' }
  | { kind: 'pending'; word: 'pending' | 'to_be_confirm'; settle: 'success' | 'failed'; message?: string }
  | { kind: 'failed'; message: string }
  | { kind: 'blocked'; message: string }
  | { kind: 'validation'; errors: Record<string, string[]> }
  | { kind: 'server_error' };

export interface TestCard {
  number: string;
  description: string;
  behaviour: SimBehaviour;
}

export const PAYAGENCY_TEST_CARDS: readonly TestCard[] = [
  { number: '4242424242424242', description: 'Visa: succeeds', behaviour: { kind: 'success' } },
  { number: '5555555555554444', description: 'Mastercard: succeeds', behaviour: { kind: 'success' } },
  { number: '378282246310005', description: 'American Express: succeeds', behaviour: { kind: 'success' } },
  { number: '4000000000003220', description: '3DS: redirects to an approve / decline page', behaviour: { kind: 'redirect' } },
  { number: '4000000000000259', description: 'Pending (303), then a webhook: succeeded', behaviour: { kind: 'pending', word: 'pending', settle: 'success' } },
  { number: '4000000000001976', description: 'To be confirmed (304), then a webhook: succeeded', behaviour: { kind: 'pending', word: 'to_be_confirm', settle: 'success' } },
  { number: '4000000000003063', description: 'Pending (303), then a webhook: declined', behaviour: { kind: 'pending', word: 'pending', settle: 'failed', message: 'Transaction declined by issuer.' } },
  { number: '4000000000009995', description: 'Declined (400): insufficient funds', behaviour: { kind: 'failed', message: 'Insufficient Fund.' } },
  { number: '4000000000000002', description: 'Declined (400): do not honor', behaviour: { kind: 'failed', message: 'Do not honor.' } },
  { number: '4000000000000069', description: 'Blocked (403): expired card', behaviour: { kind: 'blocked', message: 'Expired card.' } },
  { number: '4000000000000127', description: 'Validation error (402) on the CVV', behaviour: { kind: 'validation', errors: { card_cvv: ['The card cvv field is invalid.'] } } },
  { number: '4000000000000119', description: 'Processor error: HTTP 500, outcome unknown', behaviour: { kind: 'server_error' } },
];

/** Any other Luhn-valid number succeeds; an expiry in the past is blocked, as in the doc's example. */
export function behaviourOf(number: string): SimBehaviour {
  return PAYAGENCY_TEST_CARDS.find((card) => card.number === number)?.behaviour ?? { kind: 'success' };
}
