/**
 * The hosted invoice page (`GET /invoices/:public_id`): pure rendering of an invoice the server
 * has already loaded, and its security headers. No database, no Hono; the route sends
 * `body` with `c.html(body, status, headers)`.
 *
 * Every value from the invoice goes through `html` (escaped). The one `<style>` element holds
 * INVOICE_PAGE_CSS, allowed by its hash; there is no inline script: the payment section carries
 * what `/assets/invoice.js` (widget/invoice/page.ts) needs as data-* attributes.
 */
import { createHash } from 'node:crypto';
import { plainOrigin, type Invoice, type InvoiceAddress, type InvoiceItem, type InvoicePayment, type InvoiceStatus } from '../../contract/invoice.ts';
import { currencyExponent, formatAmount, toDecimalString } from '../../contract/money.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import { pageLocale, type InvoicePageStrings, type PageLocale } from './page-i18n.ts';
import { INVOICE_PAGE_CSS } from './page-styles.ts';

export { INVOICE_PAGE_CSS };

export interface HostedInvoice {
  /** The full view; only its `succeeded` payments show in the receipt. */
  invoice: Invoice;
  /** Shown when `invoice.company_name` is null. */
  merchantName: string;
  /** null when nothing is due, or the invoice can't be paid online (then a short note instead of the form). */
  checkout: null | {
    publishableKey: string;
    /** The POST endpoint the script calls, e.g. `/invoices/<public_id>/checkout`. */
    checkoutPath: string;
    /** Partial payment bounds in minor units (min === max when partial payment is not allowed). */
    minimum: number;
    maximum: number;
  };
  /** What payments still on their way hold (ledger.ts): while any, the page asks the buyer to wait instead of paying. */
  pendingAmount?: number;
}

export interface RenderedPage {
  body: string;
  headers: Record<string, string>;
}

/** The CSP source for the inline stylesheet, computed once. */
export const INVOICE_PAGE_STYLE_HASH = `sha256-${createHash('sha256').update(INVOICE_PAGE_CSS, 'utf8').digest('base64')}`;

/** The origin of an http(s) logo URL, for `img-src`; null for anything else. */
export function logoOrigin(url: string | null | undefined): string | null {
  return url ? plainOrigin(url) : null;
}

/** The page's headers: a strict CSP, and a bearer URL that must not leak, be cached or indexed. */
export function invoicePageHeaders(logo: string | null = null): Record<string, string> {
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    `style-src '${INVOICE_PAGE_STYLE_HASH}'`,
    `img-src 'self' data:${logo ? ` ${logo}` : ''}`,
    "connect-src 'self'",
    "frame-src 'self'",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Robots-Tag': 'noindex',
    'X-Content-Type-Options': 'nosniff',
  };
}

type Param = string | number | SafeHtml;

/** A template's `{name}`s replaced by params (escaped unless SafeHtml); the template's own text escaped too. */
function fill(template: string, params: Record<string, Param> = {}): SafeHtml {
  const parts = template.split(/\{(\w+)\}/);
  return html`${parts.map((part, i) => (i % 2 === 0 ? part : (params[part] ?? `{${part}}`)))}`;
}

/** As fill, as plain text (for attributes and the title, which `html` escapes where they land). */
function text(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole));
}

interface Context {
  t: InvoicePageStrings;
  locale: PageLocale;
  currency: string;
  company: string;
  money: (minor: number) => string;
  date: (iso: string) => string;
}

function context(view: HostedInvoice): Context {
  const { invoice } = view;
  const locale = pageLocale(invoice.locale);
  const dates = new Intl.DateTimeFormat(locale.tag, { dateStyle: 'long', timeZone: 'UTC' });
  return {
    t: locale.strings,
    locale,
    currency: invoice.currency,
    company: invoice.company_name ?? view.merchantName,
    money: (minor) => formatAmount(minor, invoice.currency, locale.tag),
    date: (iso) => dates.format(new Date(iso)),
  };
}

const STATUS_KEYS: Record<InvoiceStatus, keyof InvoicePageStrings> = {
  pending: 'status_pending',
  partially_paid: 'status_partially_paid',
  paid: 'status_paid',
  overdue: 'status_overdue',
};

const DAY = 86_400_000;

/** "Due in 5 days", "Due today", "Was due yesterday" (calendar days in UTC, as the dates show). */
function dueWhen(invoice: Invoice, ctx: Context, now: Date): SafeHtml | null {
  const days = Math.floor(Date.parse(invoice.date_due) / DAY) - Math.floor(now.getTime() / DAY);
  if (!Number.isFinite(days)) return null;
  const overdue = invoice.status === 'overdue';
  // Overdue is the server's call (to the minute); the words only ever agree with the badge.
  if (overdue ? days >= 0 : days < 0) return null;
  const when = new Intl.RelativeTimeFormat(ctx.locale.tag, { numeric: 'auto' }).format(days, 'day');
  return html`<p class="when${overdue ? ' when-overdue' : ''}">${text(overdue ? ctx.t.was_due_when : ctx.t.due_when, { when })}</p>`;
}

const CHECK_ICON = raw(
  '<svg aria-hidden="true" focusable="false" width="22" height="22" viewBox="0 0 24 24"><circle cx="12" cy="12" r="11" fill="#059669"/><path d="M7 12.5l3.2 3.2L17 9" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>',
);

function header(view: HostedInvoice, ctx: Context, now: Date): SafeHtml {
  const { invoice } = view;
  const { t } = ctx;
  const paid = invoice.status === 'paid';
  const logo = logoOrigin(invoice.company_logo_url) ? invoice.company_logo_url : null;
  const meta: [string, string][] = [
    [t.issued, ctx.date(invoice.created_at)],
    [t.due_date, ctx.date(invoice.date_due)],
  ];
  if (invoice.customer_number) meta.push([t.customer_number, invoice.customer_number]);
  return html`<header class="card summary">
<div class="merchant">${logo ? html`<img class="logo" src="${logo}" alt="${ctx.company}">` : null}<p class="company">${ctx.company}</p></div>
<div class="title-row"><h1>${t.invoice} ${invoice.invoice_number ?? invoice.id}</h1><p class="badge badge-${invoice.status}"><span class="visually-hidden">${t.status}: </span>${t[STATUS_KEYS[invoice.status]]}</p></div>
${
  paid
    ? html`<div><p class="headline"><strong>${ctx.money(invoice.total)}</strong></p>
<p class="paid-state">${CHECK_ICON}<span>${text(t.paid_on, { date: ctx.date(invoice.paid_at ?? invoice.updated_at) })}. ${t.paid_in_full}</span></p></div>`
    : html`<div><p class="headline">${fill(t.amount_due_by, { amount: html`<strong>${ctx.money(invoice.amount_due)}</strong>`, date: ctx.date(invoice.date_due) })}</p>
${invoice.amount_due > 0 ? dueWhen(invoice, ctx, now) : null}</div>`
}
<dl class="meta">${meta.map(([term, value]) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`)}</dl>
</header>`;
}

function address(title: string, id: string, party: InvoiceAddress, ctx: Context): SafeHtml {
  const name = [party.first_name, party.last_name].filter(Boolean).join(' ');
  const place = [party.city, [party.state, party.postal_code].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  let country = party.country;
  try {
    country = new Intl.DisplayNames(ctx.locale.tag, { type: 'region' }).of(party.country) ?? party.country;
  } catch {
    // An unusual code: show it as given.
  }
  const lines: (SafeHtml | string)[] = [];
  if (name) lines.push(html`<strong>${name}</strong>`);
  if (party.company) lines.push(name ? party.company : html`<strong>${party.company}</strong>`);
  lines.push(party.address_line_1);
  if (party.address_line_2) lines.push(party.address_line_2);
  lines.push(place, country);
  if (party.email) lines.push(html`<a href="mailto:${party.email}">${party.email}</a>`);
  if (party.phone) lines.push(party.phone);
  return html`<section aria-labelledby="${id}"><h2 id="${id}">${title}</h2><address>${lines.map((line, i) => html`${i ? html`<br>` : null}${line}`)}</address></section>`;
}

const percent = (rate: string, ctx: Context) => `${new Intl.NumberFormat(ctx.locale.tag, { maximumFractionDigits: 3 }).format(Number(rate))}%`;

function itemRow(item: InvoiceItem, ctx: Context): SafeHtml {
  const { t } = ctx;
  const quantity = new Intl.NumberFormat(ctx.locale.tag).format(item.quantity);
  const price = ctx.money(item.unit_price);
  const tax = item.tax_rate && Number(item.tax_rate) > 0 ? text(t.item_tax_rate, { rate: percent(item.tax_rate, ctx), amount: ctx.money(item.tax_amount) }) : text(t.item_tax, { amount: ctx.money(item.tax_amount) });
  return html`<tr>
<th scope="row" class="item"><span class="item-name">${item.name}</span>${item.status === 'paid' ? html`<span class="tag">${t.item_paid}</span>` : null}
${item.description ? html`<span class="item-line item-desc">${item.description}</span>` : null}
<span class="item-line item-qty">${text(t.quantity_times_price, { quantity, price })}</span>
${item.discount_amount > 0 ? html`<span class="item-line">${text(t.item_discount, { amount: ctx.money(item.discount_amount) })}</span>` : null}
${item.tax_amount > 0 ? html`<span class="item-line">${tax}</span>` : null}</th>
<td class="num col-qty">${quantity}</td><td class="num col-price">${price}</td><td class="num">${ctx.money(item.amount)}</td>
</tr>`;
}

function items(invoice: Invoice, ctx: Context): SafeHtml {
  const { t } = ctx;
  return html`<section aria-labelledby="items-title"><h2 id="items-title">${t.items}</h2>
<table class="items" aria-labelledby="items-title">
<thead><tr><th scope="col" class="item">${t.col_description}</th><th scope="col" class="num col-qty">${t.col_quantity}</th><th scope="col" class="num col-price">${t.col_unit_price}</th><th scope="col" class="num">${t.col_amount}</th></tr></thead>
<tbody>${invoice.items.map((item) => itemRow(item, ctx))}</tbody>
</table></section>`;
}

function totals(invoice: Invoice, ctx: Context): SafeHtml {
  const { t } = ctx;
  const rows: [string, string, string?][] = [[t.subtotal, ctx.money(invoice.subtotal)]];
  if (invoice.tax > 0) {
    const rate = invoice.tax_percent && Number(invoice.tax_percent) > 0 ? invoice.tax_percent : null;
    rows.push([rate ? text(t.tax_rate, { rate: percent(rate, ctx) }) : t.tax, ctx.money(invoice.tax)]);
  }
  if (invoice.shipping > 0) rows.push([t.shipping, ctx.money(invoice.shipping)]);
  if (invoice.adjustment > 0) rows.push([t.adjustment, ctx.money(invoice.adjustment)]);
  if (invoice.adjustment < 0) rows.push([t.credit, `−${ctx.money(-invoice.adjustment)}`]);
  rows.push([t.total, ctx.money(invoice.total), 'total']);
  if (invoice.amount_paid > 0) rows.push([t.amount_paid, ctx.money(invoice.amount_paid)]);
  rows.push([t.amount_due, ctx.money(invoice.amount_due), 'due']);
  return html`<table class="totals" aria-label="${t.totals}"><tbody>${rows.map(
    ([label, amount, kind]) => html`<tr${kind ? html` class="${kind}"` : null}><th scope="row">${label}</th><td class="num">${amount}</td></tr>`,
  )}</tbody></table>`;
}

/** The amount as the buyer would type it: "125.50", or "125,50" where the locale writes a comma. */
function inputAmount(minor: number, ctx: Context): string {
  const decimal = new Intl.NumberFormat(ctx.locale.tag).formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.';
  return toDecimalString(minor, ctx.currency).replace('.', decimal === ',' ? ',' : '.');
}

function paySection(view: HostedInvoice, ctx: Context): SafeHtml | null {
  const { invoice, checkout } = view;
  const { t } = ctx;
  if (invoice.amount_due <= 0 || invoice.status === 'paid') return null;
  // A payment still on its way holds its amount: the buyer waits for it rather than paying twice.
  if (view.pendingAmount) {
    const amount = ctx.money(view.pendingAmount);
    return html`<section class="card pay" aria-labelledby="pay-title"><h2 id="pay-title">${t.pay_heading}</h2><p class="note" role="status">${text(t.payment_processing, { amount })}</p></section>`;
  }
  if (!checkout) {
    return html`<section class="card pay" aria-labelledby="pay-title"><h2 id="pay-title">${t.pay_heading}</h2><p class="note">${text(t.cannot_pay_online, { company: ctx.company })}</p></section>`;
  }
  const bounds = { min: ctx.money(checkout.minimum), max: ctx.money(checkout.maximum) };
  const partial = checkout.minimum < checkout.maximum;
  return html`<section id="pay" class="card pay" aria-labelledby="pay-title" data-publishable-key="${checkout.publishableKey}" data-checkout-path="${checkout.checkoutPath}" data-currency="${ctx.currency}" data-exponent="${currencyExponent(ctx.currency)}" data-min="${checkout.minimum}" data-max="${checkout.maximum}" data-locale="${ctx.locale.tag}" data-msg-invalid="${text(t.invalid_amount, bounds)}" data-msg-error="${t.generic_error}" data-msg-change="${t.change_amount}" data-msg-retry="${t.try_again}" data-msg-success="${t.payment_received}">
<h2 id="pay-title">${t.pay_heading}</h2>
${
  partial
    ? html`<form id="paykit-amount" class="amount-form" novalidate>
<label for="paykit-amount-input">${text(t.amount_label, { currency: ctx.currency })}</label>
<div class="amount-row"><input id="paykit-amount-input" name="amount" type="text" inputmode="decimal" autocomplete="off" spellcheck="false" value="${inputAmount(Math.min(invoice.amount_due, checkout.maximum), ctx)}" aria-describedby="paykit-amount-hint paykit-amount-error"><button type="submit" class="button">${t.continue}</button></div>
<p id="paykit-amount-hint" class="hint">${text(t.amount_hint, bounds)}</p>
<p id="paykit-amount-error" class="field-error" role="alert"></p>
</form>`
    : null
}
<p id="paykit-alert" class="alert" role="alert"></p>
<div id="paykit-checkout"></div>
<p id="paykit-status" class="status" role="status"></p>
</section>`;
}

const BRANDS: Readonly<Record<string, string>> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  mc: 'Mastercard',
  amex: 'American Express',
  'american-express': 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  'diners-club': 'Diners Club',
  jcb: 'JCB',
  elo: 'Elo',
  hipercard: 'Hipercard',
  maestro: 'Maestro',
  unionpay: 'UnionPay',
};

const METHODS: Readonly<Record<string, string>> = { pix: 'PIX', paypal: 'PayPal', alipay: 'Alipay', wechatpay: 'WeChat Pay' };

/** "Visa •••• 4242", "Bank account •••• 6789", "PIX". */
export function paymentMethodLabel(payment: InvoicePayment, t: InvoicePageStrings): string {
  if (payment.method === 'card' || payment.card) {
    const key = (payment.card?.brand ?? '').trim().toLowerCase().replace(/[\s_]+/g, '-');
    const brand = BRANDS[key] ?? (payment.card?.brand?.trim() || t.card);
    const last4 = payment.card?.last4;
    return last4 ? text(t.method_last4, { method: brand, last4 }) : brand;
  }
  if (payment.method === 'ach' || payment.bank_account) {
    const last4 = payment.bank_account?.last4;
    return last4 ? text(t.method_last4, { method: t.bank_account, last4 }) : t.bank_account;
  }
  return METHODS[payment.method] ?? payment.method;
}

function receipt(invoice: Invoice, ctx: Context): SafeHtml | null {
  const { t } = ctx;
  const payments = invoice.payments.filter((payment) => payment.status === 'succeeded').sort((a, b) => a.created_at.localeCompare(b.created_at));
  if (!payments.length) return null;
  return html`<section id="receipt" class="card" aria-labelledby="receipt-title"><h2 id="receipt-title">${t.receipt}</h2>
<table aria-labelledby="receipt-title">
<thead><tr><th scope="col">${t.col_date}</th><th scope="col">${t.col_method}</th><th scope="col" class="num">${t.col_amount}</th></tr></thead>
<tbody>${payments.map((payment) => html`<tr><td>${ctx.date(payment.created_at)}</td><td class="wrap">${paymentMethodLabel(payment, t)}</td><td class="num">${ctx.money(payment.amount)}</td></tr>`)}</tbody>
</table>
${invoice.amount_due > 0 ? html`<p class="remaining">${text(t.remaining_balance, { amount: ctx.money(invoice.amount_due) })}</p>` : null}
</section>`;
}

function footer(invoice: Invoice, ctx: Context): SafeHtml | null {
  const { email, phone } = invoice.payable_to;
  if (!email && !phone) return null;
  const links = [
    email ? html`<a href="mailto:${email}">${email}</a>` : null,
    phone ? html`<a href="tel:${phone.replace(/[^+\d]/g, '')}">${phone}</a>` : null,
  ].filter((link) => link !== null);
  return html`<footer class="foot"><p>${text(ctx.t.questions, { company: ctx.company })}: ${links.map((link, i) => html`${i ? ' · ' : ''}${link}`)}</p></footer>`;
}

function documentHtml(lang: string, title: string, main: SafeHtml, scripts: boolean): string {
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${raw(INVOICE_PAGE_CSS)}</style>
</head>
<body>
${main}
${scripts ? html`<script type="module" src="/widget.js"></script>
<script type="module" src="/assets/invoice.js"></script>` : null}
</body>
</html>
`.value;
}

/** The hosted invoice: summary and status, payment form (when payable), details, receipt. */
export function renderInvoicePage(view: HostedInvoice, now: Date = new Date()): RenderedPage {
  const { invoice } = view;
  const ctx = context(view);
  const { t } = ctx;
  const pay = paySection(view, ctx);
  const main = html`<main>
${header(view, ctx, now)}
${pay}
<article class="card details" aria-label="${t.invoice} ${invoice.invoice_number ?? invoice.id}">
<div class="parties">${address(t.bill_to, 'bill-to-title', invoice.bill_to, ctx)}${address(t.pay_to, 'pay-to-title', invoice.payable_to, ctx)}</div>
${items(invoice, ctx)}
${totals(invoice, ctx)}
${invoice.message ? html`<section class="message" aria-labelledby="message-title"><h2 id="message-title">${text(t.message, { company: ctx.company })}</h2><p>${invoice.message}</p></section>` : null}
</article>
${receipt(invoice, ctx)}
${footer(invoice, ctx)}
</main>`;
  const title = text(t.page_title, { number: invoice.invoice_number ?? invoice.id, company: ctx.company });
  const hasScripts = pay !== null && view.checkout !== null && !view.pendingAmount;
  return { body: documentHtml(ctx.locale.tag, title, main, hasScripts), headers: invoicePageHeaders(logoOrigin(invoice.company_logo_url)) };
}

/** The page for an unknown, deleted or mistyped link; send it with status 404. */
export function renderInvoiceNotFound(locale?: string): RenderedPage {
  const { tag, strings: t } = pageLocale(locale);
  const main = html`<main><section class="card not-found" aria-labelledby="not-found-title"><h1 id="not-found-title">${t.not_found_heading}</h1><p class="muted">${t.not_found_body}</p></section></main>`;
  return { body: documentHtml(tag, t.not_found_page_title, main, false), headers: invoicePageHeaders() };
}
