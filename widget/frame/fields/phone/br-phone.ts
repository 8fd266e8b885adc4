/**
 * Brazilian phone numbers: an optional country code (+55), a two-digit area code (DDD, no zeros)
 * and an 8-digit landline or 9-digit mobile number (mobiles begin with 9). Formats as the buyer
 * types: `(11) 2345-6789`, `(11) 91234-5678`, `+55 (11) 91234-5678`. Pure and dependency-free.
 */
import { digitsOf } from '../../../lib/digits.ts';
import { validity, type Validity } from '../../../lib/validity.ts';

const COUNTRY = '55';
/** Area code and subscriber number: 10 (landline) or 11 (mobile) digits. */
const MAX_NATIONAL = 11;
/** The longest international number (E.164), for a foreign number typed after '+'. */
const MAX_E164 = 15;

interface Parts {
  /** Typed with a leading '+'. */
  readonly plus: boolean;
  /** The country code digits seen ('', '5' or '55'; anything else after '+' is foreign). */
  readonly country: string;
  /** A '+' followed by a country code other than 55. */
  readonly foreign: boolean;
  /** The digits after the country code. */
  readonly national: string;
}

function parts(value: string): Parts {
  const digits = digitsOf(value);
  if (/^\s*\+/.test(value)) {
    if (digits.startsWith(COUNTRY)) return { plus: true, country: COUNTRY, foreign: false, national: digits.slice(2) };
    const partial = COUNTRY.startsWith(digits);
    return { plus: true, country: partial ? digits : '', foreign: !partial, national: partial ? '' : digits };
  }
  // Without '+': more digits than a national number holds, starting 55, is the country code.
  if (digits.length > MAX_NATIONAL && digits.startsWith(COUNTRY)) {
    return { plus: false, country: COUNTRY, foreign: false, national: digits.slice(2) };
  }
  return { plus: false, country: '', foreign: false, national: digits };
}

/** `(DD) NNNN-NNNN` or, when the number begins with 9 (a mobile), `(DD) NNNNN-NNNN`; partial input partially. */
function formatNational(digits: string): string {
  if (!digits) return '';
  const area = digits.slice(0, 2);
  const rest = digits.slice(2);
  if (!rest) return `(${area}`;
  const split = rest.startsWith('9') ? 5 : 4;
  const head = rest.slice(0, split);
  const tail = rest.slice(split);
  return `(${area}) ${head}${tail ? `-${tail}` : ''}`;
}

/** Whatever was typed or pasted → the formatted number, cut at its longest length. */
export function formatPhone(value: string): string {
  const { plus, country, foreign, national } = parts(value);
  if (foreign) return `+${national.slice(0, MAX_E164)}`;
  const formatted = formatNational(national.slice(0, MAX_NATIONAL));
  if (country === COUNTRY) return formatted ? `+${COUNTRY} ${formatted}` : `+${COUNTRY}`;
  return plus ? `+${country}` : formatted;
}

/**
 * empty → incomplete → valid. Invalid: a foreign country code, a zero in the area code (a trunk
 * prefix such as 011 included), 11 digits not starting with 9 after the area code, or too long.
 * Ten digits starting with 9 after the area code are an unfinished mobile number.
 */
export function validatePhone(value: string): Validity {
  if (!value.trim()) return validity('empty', 'phone.required');
  const { foreign, national } = parts(value);
  if (foreign || national.slice(0, 2).includes('0')) return validity('invalid', 'phone.invalid');
  const mobile = national[2] === '9';
  switch (national.length) {
    case 10:
      return mobile ? validity('incomplete', 'phone.incomplete') : validity('valid', null);
    case 11:
      return mobile ? validity('valid', null) : validity('invalid', 'phone.invalid');
    default:
      return national.length < 10 ? validity('incomplete', 'phone.incomplete') : validity('invalid', 'phone.invalid');
  }
}

/** The number as E.164 (`+5511912345678`) when it is valid, else null. */
export function phoneE164(value: string): string | null {
  return validatePhone(value).state === 'valid' ? `+${COUNTRY}${parts(value).national}` : null;
}
