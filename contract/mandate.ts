/**
 * The authorization (mandate) a buyer accepts before Paykit debits their US bank account by ACH.
 * The server writes it — with the merchant's name, the amount and the date — shows it to the
 * buyer through the public session, and records the same text on the payment when they accept,
 * so what was agreed is never reconstructed after the fact. NACHA asks that a WEB debit's
 * authorization be readily identifiable, state the amount and date, and say how to revoke it.
 */
export interface MandateTerms {
  merchantName: string;
  /** Minor units of `currency`. */
  amount: number;
  currency: string;
  /** The day of the debit. */
  date: Date;
}

/** The amount as US English writes it ("$1,234.56"). */
function usAmount(amount: number, currency: string): string {
  const digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount / 10 ** digits);
}

export function achMandateText({ merchantName, amount, currency, date }: MandateTerms): string {
  const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  const merchant = merchantName.trim() || 'the merchant';
  return (
    `By accepting, I authorize ${merchant} to debit the bank account I entered above by ACH for a single payment of ` +
    `${usAmount(amount, currency)} on ${day}, or as soon as possible after it. I confirm that I may authorize debits ` +
    `from this account. This authorization is for this one payment only; I may revoke it by contacting ${merchant} ` +
    `before the debit is processed.`
  );
}
