/** The invoice arithmetic (server/invoices/math.ts): one table of cases, each worked out by hand. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InvoiceInput } from '../../contract/invoice.ts';
import { invoiceInputSchema } from '../../contract/invoice.ts';
import { computeInvoice, percentOf, rateThousandths } from '../../server/invoices/math.ts';
import { ApiError } from '../../server/errors.ts';

const ADDRESS = { address_line_1: '1 Main St', city: 'Springfield', state: 'IL', postal_code: '62701', country: 'US' };

function invoice(fields: Partial<InvoiceInput> & Pick<InvoiceInput, 'items'>): InvoiceInput {
  // Through the schema, as the API does, so the cases are inputs a merchant could send.
  return invoiceInputSchema.parse({ currency: 'USD', payable_to: ADDRESS, bill_to: ADDRESS, date_due: '2030-01-31T00:00:00Z', ...fields });
}

describe('percentOf rounds half up to the minor unit, exactly', () => {
  const cases: [number, string, number][] = [
    [1000, '10', 100],
    [1000, '8.875', 89], // 88.75 → 89
    [1, '50', 1], // 0.5 → 1 (half up)
    [1, '49.999', 0], // 0.49999 → 0
    [3, '50', 2], // 1.5 → 2
    [999, '0.001', 0], // 0.00999
    [99_999_999_999, '100', 99_999_999_999],
    [99_999_999_999, '8.875', 8_875_000_000], // 8 874 999 999.91125 → up
    [0, '25', 0],
  ];
  for (const [amount, rate, expected] of cases) {
    it(`${rate}% of ${amount} = ${expected}`, () => assert.equal(percentOf(amount, rate), expected));
  }
  it('reads rates as thousandths of a percent', () => {
    assert.equal(rateThousandths('8.875'), 8875);
    assert.equal(rateThousandths('8.8'), 8800);
    assert.equal(rateThousandths('100'), 100_000);
    assert.equal(rateThousandths('0.001'), 1);
  });
});

describe('invoice totals', () => {
  const cases: {
    name: string;
    input: InvoiceInput;
    expect: { subtotal: number; tax: number; total: number; paid_outside?: number; item_taxes?: number[]; item_amounts?: number[]; minimum?: number | null };
  }[] = [
    {
      name: 'one item, no tax',
      input: invoice({ items: [{ name: 'Widget', unit_price: 100, quantity: 1 }] }),
      expect: { subtotal: 100, tax: 0, total: 100, item_amounts: [100] },
    },
    {
      name: 'quantity and a discount',
      input: invoice({ items: [{ name: 'Seat', unit_price: 1250, quantity: 4, discount_amount: 500 }] }),
      expect: { subtotal: 4500, tax: 0, total: 4500, item_amounts: [4500] },
    },
    {
      name: 'per-item tax rates, rounded per line after the discount',
      input: invoice({
        items: [
          { name: 'A', unit_price: 333, quantity: 3, discount_amount: 99, tax_rate: '8.875' }, // 900 → 79.875 → 80
          { name: 'B', unit_price: 1001, quantity: 1, tax_rate: '5' }, // 50.05 → 50
          { name: 'C', unit_price: 250, quantity: 2, tax_amount: 37 }, // flat
        ],
      }),
      expect: { subtotal: 2401, tax: 167, total: 2568, item_taxes: [80, 50, 37], item_amounts: [980, 1051, 537] },
    },
    {
      name: 'invoice-level tax_percent replaces the item taxes, rounded once on the subtotal',
      input: invoice({
        tax_percent: '7.25',
        items: [
          { name: 'A', unit_price: 333, quantity: 3, discount_amount: 99, tax_rate: '8.875' },
          { name: 'B', unit_price: 1001, quantity: 1, tax_rate: '5' },
        ],
      }),
      // subtotal 1901 × 7.25% = 137.8225 → 138; per line it would have been 65.25 + 72.57 → 65 + 73 = 138 too, so:
      expect: { subtotal: 1901, tax: 138, total: 2039, item_taxes: [0, 0] },
    },
    {
      name: 'one rounding on the subtotal, not per line (the two differ here)',
      input: invoice({
        tax_percent: '10',
        items: [
          { name: 'A', unit_price: 5, quantity: 1 }, // per line 0.5 → 1
          { name: 'B', unit_price: 5, quantity: 1 }, // per line 0.5 → 1
        ],
      }),
      expect: { subtotal: 10, tax: 1, total: 11 }, // 10 × 10% = 1 exactly, not 2
    },
    {
      name: 'tax_percent "0" with a flat tax',
      input: invoice({ tax_percent: '0', tax: 420, items: [{ name: 'A', unit_price: 10_000, quantity: 1, tax_rate: '10' }] }),
      expect: { subtotal: 10_000, tax: 420, total: 10_420, item_taxes: [0] },
    },
    {
      name: 'shipping and a negative adjustment (a credit)',
      input: invoice({ shipping: 995, adjustment: -1500, items: [{ name: 'A', unit_price: 5000, quantity: 2, tax_rate: '10' }] }),
      expect: { subtotal: 10_000, tax: 1000, total: 10_495 },
    },
    {
      name: 'an item already paid outside Paykit',
      input: invoice({
        items: [
          { name: 'Deposit', unit_price: 2000, quantity: 1, tax_rate: '10', status: 'paid' },
          { name: 'Balance', unit_price: 8000, quantity: 1, tax_rate: '10' },
        ],
      }),
      expect: { subtotal: 10_000, tax: 1000, total: 11_000, paid_outside: 2200 },
    },
    {
      name: 'partial payment: the minimum defaults to one unit of the currency',
      input: invoice({ allow_partial_payment: true, items: [{ name: 'A', unit_price: 10_000, quantity: 1 }] }),
      expect: { subtotal: 10_000, tax: 0, total: 10_000, minimum: 100 },
    },
    {
      name: 'partial payment: a zero-decimal currency unit is 1',
      input: invoice({ currency: 'JPY', allow_partial_payment: true, items: [{ name: 'A', unit_price: 5000, quantity: 1, tax_rate: '10' }] }),
      expect: { subtotal: 5000, tax: 500, total: 5500, minimum: 1 },
    },
    {
      name: 'partial payment: the merchant’s minimum',
      input: invoice({ allow_partial_payment: true, minimum_payment: 2500, items: [{ name: 'A', unit_price: 10_000, quantity: 1 }] }),
      expect: { subtotal: 10_000, tax: 0, total: 10_000, minimum: 2500 },
    },
    {
      name: 'no partial payment: no minimum',
      input: invoice({ items: [{ name: 'A', unit_price: 10_000, quantity: 1 }] }),
      expect: { subtotal: 10_000, tax: 0, total: 10_000, minimum: null },
    },
  ];
  for (const { name, input, expect } of cases) {
    it(name, () => {
      const totals = computeInvoice(input);
      assert.equal(totals.subtotal, expect.subtotal, 'subtotal');
      assert.equal(totals.tax, expect.tax, 'tax');
      assert.equal(totals.total, expect.total, 'total');
      assert.equal(totals.paid_outside, expect.paid_outside ?? 0, 'paid_outside');
      if (expect.item_taxes) assert.deepEqual(totals.items.map((item) => item.tax_amount), expect.item_taxes);
      if (expect.item_amounts) assert.deepEqual(totals.items.map((item) => item.amount), expect.item_amounts);
      if (expect.minimum !== undefined) assert.equal(totals.minimum_payment, expect.minimum, 'minimum_payment');
      assert.equal(totals.total, totals.subtotal + totals.tax + totals.shipping + totals.adjustment);
    });
  }

  const refusals: [string, InvoiceInput, string][] = [
    ['a discount above the line', invoice({ items: [{ name: 'A', unit_price: 100, quantity: 2, discount_amount: 201 }] }), 'items.0.discount_amount'],
    ['both an item rate and an amount', invoice({ items: [{ name: 'A', unit_price: 100, quantity: 1, tax_rate: '5', tax_amount: 5 }] }), 'items.0.tax_amount'],
    ['a flat tax next to a tax_percent', invoice({ tax_percent: '5', tax: 10, items: [{ name: 'A', unit_price: 100, quantity: 1 }] }), 'tax'],
    ['a credit larger than the invoice', invoice({ adjustment: -100, items: [{ name: 'A', unit_price: 100, quantity: 1 }] }), 'adjustment'],
    ['a zero total', invoice({ items: [{ name: 'Free', unit_price: 0, quantity: 1 }] }), 'items'],
    ['every item already paid', invoice({ items: [{ name: 'A', unit_price: 100, quantity: 1, status: 'paid' }] }), 'items'],
    ['a line beyond the largest amount', invoice({ items: [{ name: 'A', unit_price: 99_999_999_999, quantity: 2 }] }), 'items.0.quantity'],
    ['a minimum without partial payment', invoice({ minimum_payment: 100, items: [{ name: 'A', unit_price: 1000, quantity: 1 }] }), 'minimum_payment'],
    ['a minimum above what is due', invoice({ allow_partial_payment: true, minimum_payment: 1001, items: [{ name: 'A', unit_price: 1000, quantity: 1 }] }), 'minimum_payment'],
  ];
  for (const [name, input, param] of refusals) {
    it(`refuses ${name}, naming ${param}`, () => {
      assert.throws(
        () => computeInvoice(input),
        (error: unknown) => error instanceof ApiError && error.status === 400 && error.param === param,
      );
    });
  }
});
