/**
 * The Pepper sandbox's test cards and routing numbers: the number picks the outcome. Listed at
 * `GET /pepper/sandbox/test-cards` and in ../../providers/pepper/README.md (keep both in step).
 *
 * Any other Luhn-valid card number is approved (AVS 'Y', CVV 'M'); any other routing number
 * that passes the ABA checksum is approved (pending settlement).
 */
import { luhn } from '../luhn.ts';

export { luhn };

export type CardType = 'visa' | 'mastercard' | 'amex' | 'discover' | 'jcb' | 'diners' | 'unknown';

export type CardOutcome =
  | { kind: 'approved'; avs: string; cvv: string }
  /** Response 110: half the amount (rounded down) is authorized, when the request allows partials. */
  | { kind: 'partial'; avs: string; cvv: string }
  /** 200–299 issuer decline, 300–399 gateway decline, 400–499 processor error. */
  | { kind: 'declined'; code: number; text: string; processorCode: string };

export type AchOutcome = { kind: 'approved' } | { kind: 'declined'; code: number; text: string };

export interface TestCard {
  number: string;
  card_type: CardType;
  debit: boolean;
  description: string;
  outcome: CardOutcome;
}

export interface TestRoutingNumber {
  routing_number: string;
  description: string;
  outcome: AchOutcome;
}

const APPROVED: CardOutcome = { kind: 'approved', avs: 'Y', cvv: 'M' };

export const PEPPER_TEST_CARDS: readonly TestCard[] = [
  { number: '4111111111111111', card_type: 'visa', debit: false, description: 'Visa credit: approved (100), AVS Y, CVV M', outcome: APPROVED },
  { number: '5555555555554444', card_type: 'mastercard', debit: false, description: 'Mastercard credit: approved (100), AVS Y, CVV M', outcome: APPROVED },
  { number: '378282246310005', card_type: 'amex', debit: false, description: 'American Express: approved (100), AVS Y, CVV M', outcome: APPROVED },
  {
    number: '4000000000000077',
    card_type: 'visa',
    debit: false,
    description: 'Partial approval (110): half the amount, rounded down, when allow_partial_payment is true; else declined 200',
    outcome: { kind: 'partial', avs: 'Y', cvv: 'M' },
  },
  {
    number: '4000000000000002',
    card_type: 'visa',
    debit: false,
    description: 'Issuer decline (201): Insufficient funds',
    outcome: { kind: 'declined', code: 201, text: 'Insufficient funds', processorCode: '51' },
  },
  {
    number: '4000000000000069',
    card_type: 'visa',
    debit: false,
    description: 'Issuer decline (223): Expired card',
    outcome: { kind: 'declined', code: 223, text: 'Expired card', processorCode: '54' },
  },
  {
    number: '4000000000000101',
    card_type: 'visa',
    debit: false,
    description: 'Gateway decline (300): fraud rules',
    outcome: { kind: 'declined', code: 300, text: 'Gateway decline: fraud rules', processorCode: '' },
  },
  {
    number: '4000000000000119',
    card_type: 'visa',
    debit: false,
    description: 'Processor error (400)',
    outcome: { kind: 'declined', code: 400, text: 'Processor error', processorCode: '96' },
  },
  {
    number: '4000000000000036',
    card_type: 'visa',
    debit: false,
    description: 'Approved (100) with AVS N and CVV N (no match)',
    outcome: { kind: 'approved', avs: 'N', cvv: 'N' },
  },
  {
    number: '4000056655665556',
    card_type: 'visa',
    debit: true,
    description: 'Visa debit (first six 400005; debit BINs 400005 and 400056): approved (100), never surcharged',
    outcome: APPROVED,
  },
];

export const PEPPER_TEST_ROUTING_NUMBERS: readonly TestRoutingNumber[] = [
  { routing_number: '490000018', description: 'ACH: approved (100), pending settlement', outcome: { kind: 'approved' } },
  { routing_number: '021000021', description: 'ACH: approved (100), pending settlement', outcome: { kind: 'approved' } },
  {
    routing_number: '111000025',
    description: 'ACH: declined (201) R01 Insufficient funds',
    outcome: { kind: 'declined', code: 201, text: 'R01 Insufficient funds' },
  },
];

/**
 * BIN prefixes the sandbox treats as debit cards (never surcharged). 400056 is the brief's debit
 * BIN; the debit test card 4000 0566 5566 5556 actually begins 400005, so both are listed.
 */
export const DEBIT_BINS: readonly string[] = ['400056', '400005'];

export function cardTypeOf(number: string): CardType {
  if (/^4/.test(number)) return 'visa';
  if (/^(5[1-5]|2(2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(number)) return 'discover';
  if (/^35(2[89]|[3-8])/.test(number)) return 'jcb';
  if (/^3(0[0-5]|[689])/.test(number)) return 'diners';
  return 'unknown';
}

/** True when the first six digits are a sandbox debit BIN. */
export function isDebitBin(binOrNumber: string): boolean {
  return DEBIT_BINS.some((bin) => binOrNumber.startsWith(bin));
}

export function cardOutcomeOf(number: string): CardOutcome {
  return PEPPER_TEST_CARDS.find((card) => card.number === number)?.outcome ?? APPROVED;
}

export function achOutcomeOf(routingNumber: string): AchOutcome {
  return PEPPER_TEST_ROUTING_NUMBERS.find((r) => r.routing_number === routingNumber)?.outcome ?? { kind: 'approved' };
}

/** ABA checksum only: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10), 9 digits. */
export function abaChecksumOk(routingNumber: string): boolean {
  if (!/^\d{9}$/.test(routingNumber)) return false;
  const d = [...routingNumber].map(Number) as number[];
  const sum = 3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!);
  return sum % 10 === 0;
}

/** Sandbox rule: surcharging credit cards is restricted in these states; they get 0. */
export const NO_SURCHARGE_STATES: readonly string[] = ['CT', 'MA', 'ME'];
/** Sandbox rule: 3.500% of the base amount, in the gateway's thousandths of a percent. */
export const SURCHARGE_RATE_THOUSANDTHS = 3500;

/** Half-up rounding of base · rate / 100 000 (rate in thousandths of a percent). */
export function percentOf(base: number, rateThousandths: number): number {
  return Math.floor((base * rateThousandths + 50_000) / 100_000);
}

/** The sandbox's surcharge for a card payment: 3.5% of base, 0 for debit BINs and CT, MA, ME. */
export function surchargeOf(base: number, bin: string, state?: string | null): number {
  if (isDebitBin(bin)) return 0;
  if (state && NO_SURCHARGE_STATES.includes(state.trim().toUpperCase())) return 0;
  return percentOf(base, SURCHARGE_RATE_THOUSANDTHS);
}
