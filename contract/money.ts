/**
 * Money inside Paykit is always an integer count of the currency's minor unit.
 * Exponents come from ISO 4217 (this table), never from guesses: a currency that is
 * not in the table is rejected at the API boundary.
 */

/** ISO 4217 currencies with a minor-unit exponent other than 2. */
const EXPONENT_OVERRIDES: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Active ISO 4217 codes whose exponent is 2. */
const TWO_DECIMAL =
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN ' +
  'BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP ' +
  'GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP ' +
  'LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR ' +
  'NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN ' +
  'SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ' +
  'ZMW ZWG';

const EXPONENTS: ReadonlyMap<string, number> = new Map([
  ...TWO_DECIMAL.split(' ').map((code) => [code, 2] as const),
  ...Object.entries(EXPONENT_OVERRIDES),
]);

/** True when `code` is an ISO 4217 currency Paykit knows (upper case, three letters). */
export function isKnownCurrency(code: string): boolean {
  return EXPONENTS.has(code);
}

/** The number of minor-unit digits of a currency; throws for an unknown currency. */
export function currencyExponent(code: string): number {
  const exponent = EXPONENTS.get(code);
  if (exponent === undefined) throw new RangeError(`unknown currency ${code}`);
  return exponent;
}

/**
 * Minor units to the decimal string providers such as PayAgency take:
 * (1500, 'USD') → '15.00', (1500, 'JPY') → '1500', (1234, 'KWD') → '1.234'.
 * Pure integer arithmetic, so no floating point rounding can creep in.
 */
export function toDecimalString(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError('amount must be a safe integer');
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor));
  if (exponent === 0) return sign + digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/**
 * A decimal string or number from a provider back to minor units: ('15.00', 'USD') → 1500.
 * Rejects more fraction digits than the currency has instead of rounding them away.
 */
export function fromDecimal(value: string | number, currency: string): number {
  const exponent = currencyExponent(currency);
  const text = typeof value === 'number' ? value.toFixed(exponent) : value.trim();
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) throw new RangeError(`not a decimal amount: ${text}`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.replace(/0+$/, '').length > exponent) {
    throw new RangeError(`${text} has more than ${exponent} decimals for ${currency}`);
  }
  const minor = Number(whole + fraction.padEnd(exponent, '0').slice(0, exponent));
  if (!Number.isSafeInteger(minor)) throw new RangeError('amount out of range');
  return sign === '-' ? -minor : minor;
}

/** Formats minor units for a person: (1500, 'USD', 'en-US') → '$15.00'. */
export function formatAmount(minor: number, currency: string, locale?: string): string {
  const exponent = currencyExponent(currency);
  const formatter = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  });
  // Intl accepts an exact decimal string, which avoids dividing by 10^exponent in floating point.
  return formatter.format(toDecimalString(minor, currency) as unknown as number);
}
