/** The hosted invoice page: what a buyer sees in each state, escaping, its CSP and the 404 page. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Invoice, InvoicePayment } from '../../contract/invoice.ts';
import { INVOICE_PAGE_CSS, renderInvoiceNotFound, renderInvoicePage, type HostedInvoice } from '../../server/invoices/page.ts';
import { INVOICE_PAGE_STRINGS, pageLocale } from '../../server/invoices/page-i18n.ts';

const NBSP = '\u00a0';
const NOW = new Date('2025-03-10T12:00:00Z');

function payment(overrides: Partial<InvoicePayment> = {}): InvoicePayment {
  return {
    id: 'pay_1',
    status: 'succeeded',
    amount: 5000,
    method: 'card',
    card: { brand: 'visa', last4: '4242' },
    bank_account: null,
    created_at: '2025-03-05T10:00:00Z',
    ...overrides,
  };
}

/** $119.99: 2 × $50.00 − $10.00 + 8.875% tax, a $12.00 line paid separately, $15.00 shipping, a $5.00 credit. */
function invoice(overrides: Partial<Invoice> = {}): Invoice {
  return {
    id: 'inv_7Gh2kLm9',
    object: 'invoice',
    mode: 'test',
    status: 'pending',
    public_id: 'pub_x9Y8z7',
    hosted_url: 'http://127.0.0.1:4242/invoices/pub_x9Y8z7',
    currency: 'USD',
    locale: 'en',
    provider: 'payagency',
    company_name: 'Acme Supplies',
    company_logo_url: 'https://cdn.acme.test/brand/logo.png',
    invoice_number: 'INV-1001',
    customer_number: 'C-42',
    customer_id: null,
    payable_to: {
      company: 'Acme Supplies',
      address_line_1: '1 Main St',
      city: 'Springfield',
      state: 'IL',
      postal_code: '62701',
      country: 'US',
      email: 'billing@acme.test',
      phone: '+1 555 010 0000',
    },
    bill_to: {
      first_name: 'Ada',
      last_name: 'Lovelace',
      company: 'Analytical Engines',
      address_line_1: '12 St James Sq',
      address_line_2: 'Suite 4',
      city: 'London',
      state: 'LDN',
      postal_code: 'SW1Y 4JH',
      country: 'GB',
      email: 'ada@example.com',
    },
    date_due: '2025-03-15T23:59:59Z',
    items: [
      {
        name: 'Consulting',
        description: 'March retainer\nOne on-site day',
        type: null,
        product_code: null,
        unit_price: 5000,
        quantity: 2,
        discount_amount: 1000,
        tax_rate: '8.875',
        tax_amount: 799,
        amount: 9799,
        status: 'pending',
      },
      {
        name: 'Shipping box',
        description: null,
        type: null,
        product_code: null,
        unit_price: 1200,
        quantity: 1,
        discount_amount: 0,
        tax_rate: null,
        tax_amount: 0,
        amount: 1200,
        status: 'paid',
      },
    ],
    tax_percent: null,
    subtotal: 10999,
    tax: 0,
    shipping: 1500,
    adjustment: -500,
    total: 11999,
    amount_paid: 0,
    amount_due: 11999,
    amount_overpaid: 0,
    allow_partial_payment: false,
    minimum_payment: null,
    payment_methods: ['card'],
    message: 'Thank you for your business.\nPayment terms: net 15.',
    metadata: {},
    payments: [],
    paid_at: null,
    created_at: '2025-03-01T09:30:00Z',
    updated_at: '2025-03-01T09:30:00Z',
    ...overrides,
  };
}

function view(inv: Invoice, checkout: HostedInvoice['checkout'] = { publishableKey: 'pk_test_abc', checkoutPath: `/invoices/${inv.public_id}/checkout`, minimum: inv.amount_due, maximum: inv.amount_due }): HostedInvoice {
  return { invoice: inv, merchantName: 'Acme (account name)', checkout };
}

const render = (inv: Invoice, checkout?: HostedInvoice['checkout'], now = NOW) => renderInvoicePage(view(inv, checkout), now);

const partiallyPaid = () =>
  invoice({
    status: 'partially_paid',
    allow_partial_payment: true,
    amount_paid: 5000,
    amount_due: 6999,
    payments: [payment(), payment({ id: 'pay_2', status: 'failed', amount: 2000, card: { brand: 'mastercard', last4: '5100' }, created_at: '2025-03-06T10:00:00Z' })],
  });

const paid = () =>
  invoice({
    status: 'paid',
    amount_paid: 11999,
    amount_due: 0,
    paid_at: '2025-03-20T15:00:00Z',
    payments: [
      payment(),
      payment({ id: 'pay_3', method: 'ach', amount: 6999, card: null, bank_account: { last4: '6789' }, created_at: '2025-03-20T15:00:00Z' }),
    ],
  });

/** The text of the element with this id (tags stripped), or null. */
function textOf(body: string, id: string): string | null {
  const match = new RegExp(`<(\\w+)[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(body);
  return match ? match[2]!.replace(/<[^>]+>/g, '').replace(/[ \t\n]+/g, ' ').trim() : null;
}

const attr = (body: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(body)?.[1];

const badge = (body: string) => /<p class="badge badge-(\w+)">(?:<span[^>]*>[^<]*<\/span>)?([^<]*)<\/p>/.exec(body)?.slice(1);

describe('renderInvoicePage: an invoice paid in full at once', () => {
  const { body } = render(invoice());

  test('shows the merchant, the number, a Pending badge and the amount due with its date', () => {
    assert.match(body, /<html lang="en-US">/);
    assert.match(body, /<title>Invoice INV-1001 from Acme Supplies<\/title>/);
    assert.match(body, /<img class="logo" src="https:\/\/cdn\.acme\.test\/brand\/logo\.png" alt="Acme Supplies">/);
    assert.match(body, /<h1>Invoice INV-1001<\/h1>/);
    assert.deepEqual(badge(body), ['pending', 'Pending']);
    assert.match(body, /<strong>\$119\.99<\/strong> due March 15, 2025/);
    assert.match(body, /<p class="when">Due in 5 days<\/p>/);
    assert.match(body, /<dt>Issued<\/dt><dd>March 1, 2025<\/dd>/);
    assert.match(body, /<dt>Customer number<\/dt><dd>C-42<\/dd>/);
  });

  test('lists both addresses, country names spelled out', () => {
    assert.equal(textOf(body, 'bill-to-title'), 'Bill to');
    assert.match(body, /<strong>Ada Lovelace<\/strong><br>Analytical Engines<br>12 St James Sq<br>Suite 4<br>London, LDN SW1Y 4JH<br>United Kingdom<br><a href="mailto:ada@example.com">/);
    assert.match(body, /<strong>Acme Supplies<\/strong><br>1 Main St<br>Springfield, IL 62701<br>United States<br>/);
  });

  test('items: a row header per line, quantity × price, discount, tax with its rate, lines paid separately', () => {
    assert.equal(body.match(/<th scope="row" class="item">/g)?.length, 2);
    assert.equal(body.match(/<th scope="col"/g)?.length, 4);
    assert.match(body, /<span class="item-line item-desc">March retainer\nOne on-site day<\/span>/);
    assert.match(body, /<span class="item-line item-qty">2 × \$50\.00<\/span>/);
    assert.match(body, /Discount: −\$10\.00/);
    assert.match(body, /Tax \(8\.875%\): \$7\.99/);
    assert.match(body, /<td class="num">\$97\.99<\/td>/);
    assert.match(body, /Shipping box<\/span><span class="tag">Paid separately<\/span>/);
    // The second line has no discount and no tax: exactly one of each.
    assert.equal(body.match(/Discount:/g)?.length, 1);
  });

  test('totals: subtotal, shipping, credit, total and a prominent amount due; no tax or amount paid rows at 0', () => {
    assert.match(body, /<th scope="row">Subtotal<\/th><td class="num">\$109\.99<\/td>/);
    assert.match(body, /<th scope="row">Shipping<\/th><td class="num">\$15\.00<\/td>/);
    assert.match(body, /<th scope="row">Credit<\/th><td class="num">−\$5\.00<\/td>/);
    assert.match(body, /<tr class="total"><th scope="row">Total<\/th><td class="num">\$119\.99<\/td>/);
    assert.match(body, /<tr class="due"><th scope="row">Amount due<\/th><td class="num">\$119\.99<\/td>/);
    assert.doesNotMatch(body, /<th scope="row">(Tax|Amount paid)/);
  });

  test("the merchant's message keeps its line breaks", () => {
    assert.match(body, /<h2 id="message-title">Message from Acme Supplies<\/h2><p>Thank you for your business\.\nPayment terms: net 15\.<\/p>/);
    assert.match(INVOICE_PAGE_CSS, /\.message p\{white-space:pre-line/);
  });

  test('the payment section hands the script everything on #pay, with no amount form', () => {
    const section = /<section id="pay"[^>]*>/.exec(body)?.[0] ?? '';
    assert.equal(attr(section, 'data-publishable-key'), 'pk_test_abc');
    assert.equal(attr(section, 'data-checkout-path'), '/invoices/pub_x9Y8z7/checkout');
    assert.equal(attr(section, 'data-currency'), 'USD');
    assert.equal(attr(section, 'data-exponent'), '2');
    assert.equal(attr(section, 'data-min'), '11999');
    assert.equal(attr(section, 'data-max'), '11999');
    assert.equal(attr(section, 'data-locale'), 'en-US');
    assert.equal(attr(section, 'data-msg-invalid'), 'Enter an amount between $119.99 and $119.99.');
    assert.equal(attr(section, 'data-msg-change'), 'Change amount');
    assert.equal(attr(section, 'data-msg-success'), 'Payment received. Updating the invoice…');
    assert.match(attr(section, 'data-msg-error') ?? '', /Something went wrong/);
    assert.equal(textOf(body, 'pay-title'), 'Pay this invoice');
    assert.match(body, /<div id="paykit-checkout"><\/div>/);
    assert.doesNotMatch(body, /<form/);
    assert.doesNotMatch(body, /id="receipt"/);
  });

  test('loads the widget and the page script, and nothing inline', () => {
    const scripts = body.match(/<script[^>]*>/g);
    assert.deepEqual(scripts, ['<script type="module" src="/widget.js">', '<script type="module" src="/assets/invoice.js">']);
    assert.doesNotMatch(body, /\sstyle=|\son\w+=/);
    assert.equal(body.match(/<style>/g)?.length, 1);
  });

  test('says how to reach the merchant', () => {
    assert.match(body, /Questions about this invoice\? Contact Acme Supplies: <a href="mailto:billing@acme.test">billing@acme.test<\/a> · <a href="tel:\+15550100000">\+1 555 010 0000<\/a>/);
  });
});

describe('renderInvoicePage: other states', () => {
  test('a payment on its way: the buyer is asked to wait, and no form is offered', () => {
    const inv = partiallyPaid();
    const { body } = renderInvoicePage({ ...view(inv), pendingAmount: 2500 }, NOW);
    assert.match(body, /A payment of \$25\.00 is being processed\. Refresh this page in a moment/);
    assert.doesNotMatch(body, /id="pay"/);
    assert.doesNotMatch(body, /widget\.js/);
    const none = renderInvoicePage({ ...view(inv), pendingAmount: 0 }, NOW).body;
    assert.match(none, /id="pay"/);
    assert.doesNotMatch(none, /being processed/);
  });

  test('partial payment: a labelled amount form prefilled with what is due, its bounds, and the receipt of the succeeded payment only', () => {
    const inv = partiallyPaid();
    const { body } = render(inv, { publishableKey: 'pk_test_abc', checkoutPath: '/invoices/pub_x9Y8z7/checkout', minimum: 100, maximum: 6999 });
    assert.deepEqual(badge(body), ['partially_paid', 'Partially paid']);
    assert.match(body, /<strong>\$69\.99<\/strong> due March 15, 2025/);
    assert.match(body, /<form id="paykit-amount" class="amount-form" novalidate>/);
    assert.match(body, /<label for="paykit-amount-input">Amount to pay \(USD\)<\/label>/);
    const input = /<input id="paykit-amount-input"[^>]*>/.exec(body)?.[0] ?? '';
    assert.equal(attr(input, 'inputmode'), 'decimal');
    assert.equal(attr(input, 'value'), '69.99');
    assert.equal(attr(input, 'aria-describedby'), 'paykit-amount-hint paykit-amount-error');
    assert.equal(textOf(body, 'paykit-amount-hint'), 'Between $1.00 and $69.99');
    assert.match(body, /<p id="paykit-amount-error" class="field-error" role="alert"><\/p>/);
    assert.match(body, /<button type="submit" class="button">Continue<\/button>/);
    assert.equal(attr(/<section id="pay"[^>]*>/.exec(body)?.[0] ?? '', 'data-msg-invalid'), 'Enter an amount between $1.00 and $69.99.');

    assert.match(body, /<th scope="row">Amount paid<\/th><td class="num">\$50\.00<\/td>/);
    const receipt = /<section id="receipt"[\s\S]*?<\/section>/.exec(body)?.[0] ?? '';
    assert.deepEqual(
      [...receipt.matchAll(/<tr><td>([^<]*)<\/td><td class="wrap">([^<]*)<\/td><td class="num">([^<]*)<\/td><\/tr>/g)].map((m) => m.slice(1)),
      [['March 5, 2025', 'Visa •••• 4242', '$50.00']],
    );
    assert.doesNotMatch(receipt, /5100|\$20\.00/);
    assert.match(receipt, /<p class="remaining">Remaining balance: \$69\.99<\/p>/);
  });

  test('paid: a Paid state with its date and the receipt, no payment section and no scripts', () => {
    const { body } = render(paid(), { publishableKey: 'pk_test_abc', checkoutPath: '/x', minimum: 1, maximum: 1 });
    assert.deepEqual(badge(body), ['paid', 'Paid']);
    assert.match(body, /<p class="paid-state"><svg[^>]*>[\s\S]*?<\/svg><span>Paid on March 20, 2025\. This invoice has been paid in full\. Thank you!<\/span><\/p>/);
    assert.doesNotMatch(body, /id="pay"|<form|<script|Pay this invoice|Due in/);
    const rows = /<section id="receipt"[\s\S]*?<\/section>/.exec(body)?.[0].match(/<tr><td>/g);
    assert.equal(rows?.length, 2);
    assert.match(body, /<td class="wrap">Bank account •••• 6789<\/td><td class="num">\$69\.99<\/td>/);
    assert.doesNotMatch(body, /Remaining balance/);
  });

  test('overdue: an Overdue badge and how long ago it was due', () => {
    const { body } = render(invoice({ status: 'overdue' }), undefined, new Date('2025-03-18T08:00:00Z'));
    assert.deepEqual(badge(body), ['overdue', 'Overdue']);
    assert.match(body, /<p class="when when-overdue">Was due 3 days ago<\/p>/);
  });

  test('due today, and no "due in" words that contradict an overdue badge', () => {
    assert.match(render(invoice(), undefined, new Date('2025-03-15T01:00:00Z')).body, /<p class="when">Due today<\/p>/);
    assert.doesNotMatch(render(invoice({ status: 'overdue' }), undefined, new Date('2025-03-15T01:00:00Z')).body, /class="when/);
  });

  test('something due but no online checkout: a note naming the company, no #pay and no scripts', () => {
    const { body } = render(invoice({ company_name: null }), null);
    assert.match(body, /<p class="note">This invoice can(&#39;|')t be paid online right now\. Contact Acme \(account name\)\.<\/p>/);
    assert.doesNotMatch(body, /id="pay"|<script/);
    assert.match(body, /<p class="company">Acme \(account name\)<\/p>/);
  });

  test('tax at the invoice level shows its rate; a positive adjustment is an adjustment', () => {
    const { body } = render(invoice({ tax_percent: '8.875', tax: 976, adjustment: 250 }));
    assert.match(body, /<th scope="row">Tax \(8\.875%\)<\/th><td class="num">\$9\.76<\/td>/);
    assert.match(body, /<th scope="row">Adjustment<\/th><td class="num">\$2\.50<\/td>/);
    assert.doesNotMatch(body, />Credit</);
  });

  test('no number: the invoice id stands in; no logo: no <img>', () => {
    const { body, headers } = render(invoice({ invoice_number: null, company_logo_url: null }));
    assert.match(body, /<h1>Invoice inv_7Gh2kLm9<\/h1>/);
    assert.doesNotMatch(body, /<img/);
    assert.match(headers['Content-Security-Policy'] ?? '', /img-src 'self' data:;/);
  });
});

describe('renderInvoicePage: Portuguese', () => {
  const checkout = { publishableKey: 'pk_test_abc', checkoutPath: '/invoices/pub_x9Y8z7/checkout', minimum: 100, maximum: 6999 };

  test('pt-BR in reais: texts, dates, R$ amounts and a comma in the amount field', () => {
    const { body } = render({ ...partiallyPaid(), locale: 'pt-BR', currency: 'BRL' }, checkout);
    assert.match(body, /<html lang="pt-BR">/);
    assert.match(body, /<title>Fatura INV-1001 de Acme Supplies<\/title>/);
    assert.deepEqual(badge(body), ['partially_paid', 'Parcialmente paga']);
    assert.match(body, new RegExp(`<strong>R\\$${NBSP}69,99</strong> com vencimento em 15 de março de 2025`));
    assert.match(body, /<p class="when">Vence em 5 dias<\/p>/);
    assert.equal(textOf(body, 'bill-to-title'), 'Cobrar de');
    assert.match(body, /Reino Unido/);
    assert.equal(textOf(body, 'pay-title'), 'Pagar esta fatura');
    assert.equal(attr(/<input id="paykit-amount-input"[^>]*>/.exec(body)?.[0] ?? '', 'value'), '69,99');
    assert.equal(textOf(body, 'paykit-amount-hint'), `Entre R$${NBSP}1,00 e R$${NBSP}69,99`);
    assert.match(body, new RegExp(`Saldo restante: R\\$${NBSP}69,99`));
    assert.match(body, new RegExp(`Imposto \\(8,875%\\): R\\$${NBSP}7,99`));
    assert.equal(attr(/<section id="pay"[^>]*>/.exec(body)?.[0] ?? '', 'data-locale'), 'pt-BR');
    assert.doesNotMatch(body, /Amount due|Pay this invoice/);
  });

  test('plain pt is Brazilian Portuguese; dollars read US$', () => {
    const { body } = render({ ...paid(), locale: 'pt' });
    assert.match(body, /<html lang="pt-BR">/);
    assert.deepEqual(badge(body), ['paid', 'Paga']);
    assert.match(body, new RegExp(`<strong>US\\$${NBSP}119,99</strong>`));
    assert.match(body, /Conta bancária •••• 6789/);
  });

  test('English with reais, and other languages in English', () => {
    assert.match(render({ ...invoice(), currency: 'BRL' }).body, /<strong>R\$119\.99<\/strong>/);
    assert.match(render({ ...invoice(), locale: 'fr' }).body, /<html lang="en-US">[\s\S]*<strong>\$119\.99<\/strong> due March 15, 2025/);
    assert.match(render({ ...invoice(), locale: 'en-GB' }).body, /<html lang="en-GB">[\s\S]* due 15 March 2025/);
  });

  test('both languages have the same keys and the same {placeholders}', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const en = INVOICE_PAGE_STRINGS.en;
    const pt = INVOICE_PAGE_STRINGS['pt-BR'];
    assert.deepEqual(Object.keys(pt).sort(), Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) assert.deepEqual(placeholders(pt[key]), placeholders(en[key]), key);
    assert.equal(pageLocale('pt-PT').language, 'pt-BR');
    assert.equal(pageLocale('pt;q=0.9').language, 'pt-BR');
    assert.equal(pageLocale('ptx').language, 'en');
    assert.equal(pageLocale('es').tag, 'en-US');
  });
});

describe('renderInvoicePage: escaping', () => {
  const hostile = '<script>alert(1)</script>';
  const inv = invoice({
    company_name: hostile,
    company_logo_url: 'https://cdn.acme.test/logo.png?"onerror="alert(1)',
    message: `</style><script>alert(2)</script>\nline 2`,
    bill_to: { ...invoice().bill_to, first_name: '"><img src=x onerror=alert(3)>', company: "O'Brien & Sons" },
    items: [{ ...invoice().items[0]!, name: hostile, description: '<b>bold</b>' }],
  });
  const { body } = renderInvoicePage(
    { invoice: inv, merchantName: hostile, checkout: { publishableKey: 'pk_"><script>', checkoutPath: '/invoices/x"onclick="alert(4)/checkout', minimum: 100, maximum: 11999 } },
    NOW,
  );

  test('no markup from the invoice reaches the page', () => {
    assert.equal(body.match(/<script/g)?.length, 2, 'only the two module scripts');
    assert.doesNotMatch(body, /<img src=x|<b>bold|onerror="alert|onclick="alert/);
    assert.equal(body.match(/<\/style>/g)?.length, 1);
    assert.match(body, /<p class="company">&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/p>/);
    assert.match(body, /<title>Invoice INV-1001 from &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/title>/);
    assert.match(body, /alt="&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
    assert.match(body, /<span class="item-name">&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/span>/);
    assert.match(body, /&lt;b&gt;bold&lt;\/b&gt;/);
    assert.match(body, /<p>&lt;\/style&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt;\nline 2<\/p>/);
    assert.match(body, /O&#39;Brien &amp; Sons/);
    assert.match(body, /data-checkout-path="\/invoices\/x&quot;onclick=&quot;alert\(4\)\/checkout"/);
    assert.match(body, /data-publishable-key="pk_&quot;&gt;&lt;script&gt;"/);
    assert.match(body, /src="https:\/\/cdn\.acme\.test\/logo\.png\?&quot;onerror=&quot;alert\(1\)"/);
  });

  test('a logo that is not http(s) is neither shown nor allowed', () => {
    const page = render(invoice({ company_logo_url: 'javascript:alert(1)' }));
    assert.doesNotMatch(page.body, /<img|javascript:/);
    assert.doesNotMatch(page.headers['Content-Security-Policy'] ?? '', /javascript/);
  });
});

describe('headers', () => {
  test('a CSP whose style hash matches the one <style>, with the logo origin in img-src', () => {
    const { body, headers } = render(invoice({ company_logo_url: 'https://cdn.acme.test:8443/brand/logo.png?v=2' }));
    const css = /<style>([\s\S]*?)<\/style>/.exec(body)?.[1];
    assert.equal(css, INVOICE_PAGE_CSS);
    const hash = createHash('sha256').update(css ?? '').digest('base64');
    assert.equal(
      headers['Content-Security-Policy'],
      `default-src 'none'; script-src 'self'; style-src 'sha256-${hash}'; img-src 'self' data: https://cdn.acme.test:8443; connect-src 'self'; frame-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`,
    );
    assert.equal(headers['Referrer-Policy'], 'no-referrer');
    assert.equal(headers['Cache-Control'], 'no-store');
    assert.equal(headers['X-Robots-Tag'], 'noindex');
    assert.equal(headers['X-Content-Type-Options'], 'nosniff');
  });

  test('the stylesheet: narrow screens drop two item columns, print hides the payment section', () => {
    assert.match(INVOICE_PAGE_CSS, /@media \(max-width:560px\)\{[^@]*\.col-qty,\.col-price\{display:none\}[^@]*\.item-qty\{display:block\}/);
    assert.match(INVOICE_PAGE_CSS, /@media print\{[\s\S]*#pay,button\{display:none!important\}/);
    assert.match(INVOICE_PAGE_CSS, /main\{max-width:760px;margin:0 auto/);
  });
});

describe('renderInvoiceNotFound', () => {
  test('a styled 404 page with the same headers and no logo', () => {
    const { body, headers } = renderInvoiceNotFound();
    assert.match(body, /<html lang="en-US">/);
    assert.match(body, /<title>Invoice not found<\/title>/);
    assert.match(body, /<h1 id="not-found-title">Invoice not found<\/h1>/);
    assert.match(body, /This invoice doesn(&#39;|')t exist or is no longer available\. Check the link you were sent, or contact the business that sent it\./);
    assert.equal(/<style>([\s\S]*?)<\/style>/.exec(body)?.[1], INVOICE_PAGE_CSS);
    assert.equal(headers['Content-Security-Policy'], render(invoice({ company_logo_url: null })).headers['Content-Security-Policy']);
    assert.equal(headers['Referrer-Policy'], 'no-referrer');
    assert.doesNotMatch(body, /<script|<img/);
  });

  test('in Portuguese', () => {
    const { body } = renderInvoiceNotFound('pt-BR');
    assert.match(body, /<html lang="pt-BR">/);
    assert.match(body, /<h1 id="not-found-title">Fatura não encontrada<\/h1>/);
  });
});
