import { formatAmount } from '../../contract/money.ts';

/** formatAmount, but a malformed locale tag falls back to English instead of throwing. */
export function formatPrice(minor: number, currency: string, locale: string | undefined): string {
  try {
    return formatAmount(minor, currency, locale);
  } catch (error) {
    if (locale && error instanceof RangeError) return formatPrice(minor, currency, 'en');
    throw error;
  }
}
