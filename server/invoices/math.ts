/**
 * An invoice's arithmetic, in integer minor units. The one rounding rule: a tax computed from a
 * rate is rounded half up to the minor unit, once per figure — per line for an item's own rate,
 * once on the subtotal for the invoice-level rate. Nothing else is ever rounded: rates are read
 * as exact thousandths of a percent and multiplied in BigInt.
 *
 *   line        = unit_price × quantity − discount_amount
 *   item tax    = round(line × tax_rate %)  or the item's flat tax_amount
 *   subtotal    = Σ line
 *   tax         = round(subtotal × tax_percent %), or the flat `tax`, when either is set
 *                 (the items' own taxes are then ignored, as the doc says); else Σ item tax
 *   total       = subtotal + tax + shipping + adjustment
 *   paid_outside= Σ (line + item tax) of items marked `paid` (settled outside Paykit)
 *   amount_due  = total − paid_outside − what was paid through Paykit
 */
import { MAX_AMOUNT } from '../../contract/api.ts';
import type { InvoiceInput, InvoiceItem } from '../../contract/invoice.ts';
import { currencyExponent } from '../../contract/money.ts';
import { invalidRequest } from '../errors.ts';

/** "8.875" → 8875 (thousandths of a percent). The schema has already checked the format. */
export function rateThousandths(rate: string): number {
  const [whole, fraction = ''] = rate.split('.');
  return Number(whole) * 1000 + Number(fraction.padEnd(3, '0'));
}

/** `rate` percent of `amount`, rounded half up to the minor unit (amount ≥ 0). */
export function percentOf(amount: number, rate: string): number {
  const scaled = BigInt(amount) * BigInt(rateThousandths(rate));
  // amount × r / 100 000, half up: floor((2·x + d) / 2d).
  return Number((2n * scaled + 100_000n) / 200_000n);
}

export interface InvoiceTotals {
  items: InvoiceItem[];
  subtotal: number;
  tax: number;
  shipping: number;
  adjustment: number;
  total: number;
  /** What the items marked `paid` already settled. */
  paid_outside: number;
  /** The least a buyer may pay at once (partial payment), else null. */
  minimum_payment: number | null;
}

/** Computes an invoice from the merchant's input; a 400 naming the field when the figures cannot stand. */
export function computeInvoice(input: InvoiceInput): InvoiceTotals {
  const invoiceTax = input.tax_percent !== undefined && rateThousandths(input.tax_percent) > 0;
  if (invoiceTax && input.tax !== undefined) {
    throw invalidRequest('parameter_invalid', 'tax is computed from tax_percent: leave tax out, or set tax_percent to "0" for a flat tax.', 'tax');
  }
  const flatTax = !invoiceTax && input.tax !== undefined;
  const itemTaxesApply = !invoiceTax && !flatTax;

  let subtotal = 0;
  let itemTaxes = 0;
  let paidOutside = 0;
  const items = input.items.map((item, i): InvoiceItem => {
    const gross = item.unit_price * item.quantity;
    if (!Number.isSafeInteger(gross) || gross > MAX_AMOUNT) {
      throw invalidRequest('parameter_invalid', `items.${i}: unit_price × quantity must not exceed ${MAX_AMOUNT}.`, `items.${i}.quantity`);
    }
    const discount = item.discount_amount ?? 0;
    if (discount > gross) {
      throw invalidRequest('parameter_invalid', `items.${i}.discount_amount must not exceed unit_price × quantity (${gross}).`, `items.${i}.discount_amount`);
    }
    if (item.tax_rate !== undefined && item.tax_amount !== undefined) {
      throw invalidRequest('parameter_invalid', `items.${i}: send tax_rate or tax_amount, not both.`, `items.${i}.tax_amount`);
    }
    const line = gross - discount;
    const tax = !itemTaxesApply ? 0 : item.tax_rate !== undefined ? percentOf(line, item.tax_rate) : (item.tax_amount ?? 0);
    subtotal += line;
    itemTaxes += tax;
    const status = item.status ?? 'pending';
    if (status === 'paid') paidOutside += line + tax;
    return {
      name: item.name,
      description: item.description ?? null,
      type: item.type ?? null,
      product_code: item.product_code ?? null,
      unit_price: item.unit_price,
      quantity: item.quantity,
      discount_amount: discount,
      tax_rate: item.tax_rate ?? null,
      tax_amount: tax,
      amount: line + tax,
      status,
    };
  });

  const tax = invoiceTax ? percentOf(subtotal, input.tax_percent!) : flatTax ? input.tax! : itemTaxes;
  const shipping = input.shipping ?? 0;
  const adjustment = input.adjustment ?? 0;
  const total = subtotal + tax + shipping + adjustment;
  if (total <= 0) {
    throw invalidRequest('parameter_invalid', `The invoice total would be ${total}: it must be positive.`, adjustment < 0 ? 'adjustment' : 'items');
  }
  if (total > MAX_AMOUNT) throw invalidRequest('parameter_invalid', `The invoice total must not exceed ${MAX_AMOUNT}.`, 'items');
  if (paidOutside >= total) {
    throw adjustment < 0 && paidOutside > 0
      ? invalidRequest('parameter_invalid', `With this credit, the items already marked paid (${paidOutside}) cover the whole total (${total}): nothing would be due.`, 'adjustment')
      : invalidRequest('parameter_invalid', 'Every item is marked paid: nothing would be due. Mark at least one item pending.', 'items');
  }
  let minimum: number | null = null;
  if (input.minimum_payment !== undefined && !input.allow_partial_payment) {
    throw invalidRequest('parameter_invalid', 'minimum_payment applies only with allow_partial_payment: true.', 'minimum_payment');
  }
  if (input.allow_partial_payment) {
    const due = total - paidOutside;
    minimum = input.minimum_payment ?? Math.min(10 ** currencyExponent(input.currency), due);
    if (minimum > due) {
      throw invalidRequest('parameter_invalid', `minimum_payment must not exceed the amount due (${due}).`, 'minimum_payment');
    }
  }
  return { items, subtotal, tax, shipping, adjustment, total, paid_outside: paidOutside, minimum_payment: minimum };
}
