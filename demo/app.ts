/**
 * The demo merchant shop: a site on its own origin that sells two things and takes payment the
 * way a real merchant would integrate Paykit —
 *
 * 1. its backend creates a checkout session with the merchant's secret key (never in the page),
 * 2. its page loads `widget.js` from the payment server with one script tag and mounts
 *    `<pay-checkout publishable-key client-secret>`,
 * 3. its own script (/static/demo.js) listens to the widget's DOM events, and
 * 4. its return page (/complete) reads the outcome back with the secret key after a 3DS redirect.
 *
 * Every page is served under a strict Content-Security-Policy: no inline script or style.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { Hono } from 'hono';
import * as z from 'zod';
import { formatAmount } from '../contract/money.ts';
import { html, type SafeHtml } from '../server/html.ts';

export interface DemoAppOptions {
  /** The payment server's public base URL, e.g. http://127.0.0.1:4000. */
  payUrl: string;
  /** The merchant's secret key (`sk_test_…`); used only by this backend. */
  secretKey: string;
  /** The merchant's publishable key (`pk_test_…`); goes into the page. */
  publishableKey: string;
  /** The sandbox simulators' base URL, to list the PayAgency test cards on the shop page. */
  sandboxUrl?: string;
}

interface Product {
  id: string;
  name: string;
  blurb: string;
  /** Minor units of `currency`. */
  price: number;
  currency: 'USD' | 'BRL';
  art: 'mug' | 'tee' | 'lamp';
  /** What else the session carries for this product (Brazil: PIX, installments, Portuguese). */
  session?: Record<string, unknown>;
}

export const PRODUCTS: readonly Product[] = [
  { id: 'enamel-mug', name: 'Paykit enamel mug', blurb: 'Holds 350 ml of coffee through a long code review.', price: 1800, currency: 'USD', art: 'mug' },
  { id: 'logo-tee', name: 'Paykit T-shirt', blurb: 'Organic cotton, with the logo small on the chest.', price: 2900, currency: 'USD', art: 'tee' },
  {
    id: 'desk-lamp',
    name: 'Paykit desk lamp',
    blurb: 'Through the Pepper gateway: card (with a surcharge), bank account (ACH), PayPal or Alipay, and your saved cards.',
    price: 4500,
    currency: 'USD',
    art: 'lamp',
    session: {
      provider: 'pepper',
      payment_methods: ['card', 'ach', 'paypal', 'alipay'],
      surcharge: {},
      saved_cards: { allow_removal: true },
    },
  },
  {
    id: 'camiseta',
    name: 'Camiseta Paykit (Brasil)',
    blurb: 'Paid in reais: PIX, or a card in up to 12 installments, in Portuguese.',
    price: 12990,
    currency: 'BRL',
    art: 'tee',
    session: {
      locale: 'pt-BR',
      max_installments: 12,
      payment_methods: ['pix', 'card'],
      line_items: [
        { name: 'Camiseta Paykit', unit_amount: 11990, quantity: 1, sku: 'TEE-BR-M', tangible: true },
        { name: 'Frete', unit_amount: 1000, quantity: 1, tangible: false },
      ],
    },
  },
];
const STORE = 'Paykit Demo Store';

/** The sample invoice the shop page opens: two lines with tax and a discount, shipping, payable in part by card or bank account. */
export function sampleInvoice(shopOrigin: string) {
  return {
    currency: 'USD',
    company_name: 'Northwind Design Studio',
    company_logo_url: `${shopOrigin}/static/favicon.svg`,
    invoice_number: `NW-${new Date().getUTCFullYear()}-${randomBytes(3).toString('hex').toUpperCase()}`,
    customer_number: 'C-0042',
    payable_to: { company: 'Northwind Design Studio', address_line_1: '500 Market St', city: 'San Francisco', state: 'CA', postal_code: '94105', country: 'US', email: 'billing@northwind.example' },
    bill_to: {
      first_name: 'Jane', last_name: 'Doe', company: 'Doe & Daughters Hardware', address_line_1: '12 Elm Street', address_line_2: 'Suite 4',
      city: 'Albany', state: 'NY', postal_code: '12207', country: 'US', email: 'jane.doe@example.com',
    },
    date_due: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    items: [
      { name: 'Brand identity workshop', description: 'Two half-day sessions with your team, on site', unit_price: 45_000, quantity: 2, discount_amount: 5000, tax_rate: '8' },
      { name: 'Logo files', description: 'SVG, PNG and PDF, light and dark', unit_price: 12_000, quantity: 1, tax_rate: '8' },
    ],
    shipping: 1500,
    allow_partial_payment: true,
    minimum_payment: 5000,
    payment_methods: ['card', 'ach'],
    message: 'Thank you for working with us!\nPay in full or in part: this link always shows what is left.',
    metadata: { source: 'demo' },
  };
}

/** The demo buyer; `guest` checkouts leave the email out so the widget asks for it. */
const BUYER = { email: 'jane.doe@example.com', first_name: 'Jane', last_name: 'Doe' };
/** The demo shop's own id for Jane, under which her saved cards are kept. */
const BUYER_ID = 'demo-jane-doe';

const sessionSchema = z.looseObject({
  id: z.string(),
  client_secret: z.string(),
  status: z.string(),
  amount: z.number(),
  currency: z.string(),
  description: z.string().nullish(),
  locale: z.string().nullish(),
  provider: z.string().optional(),
  payment_methods: z.array(z.string()).optional(),
  line_items: z.array(z.object({ name: z.string(), unit_amount: z.number(), quantity: z.number() })).nullish(),
  payment: z
    .looseObject({
      id: z.string(),
      status: z.string(),
      method: z.string().optional(),
      provider_reference: z.string().nullish(),
      error: z.looseObject({ code: z.string(), message: z.string() }).nullish(),
    })
    .nullish(),
});
type Session = z.infer<typeof sessionSchema>;

const apiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** Session ids are opaque tokens: letters, digits, `_` and `-`. */
const SESSION_ID = /^[A-Za-z0-9_-]{1,100}$/;

class PaymentServerError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 502,
  ) {
    super(message);
  }
}

/** 4-4-4-4 grouping, or 4-6-5 for 15-digit American Express numbers, for reading test cards. */
function groupCardNumber(number: string): string {
  if (/^3[47]\d{13}$/.test(number)) return `${number.slice(0, 4)} ${number.slice(4, 10)} ${number.slice(10)}`;
  return number.replace(/(\d{4})(?=\d)/g, '$1 ');
}

function contentSecurityPolicy(payOrigin: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${payOrigin}`,
    `frame-src ${payOrigin}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    // The sample invoice form posts here and is redirected to the hosted page on the payment
    // server: browsers check form-action on every redirect of a form submission.
    `form-action 'self' ${payOrigin}`,
    "object-src 'none'",
  ].join('; ');
}

function readStatic(name: string): string {
  return fs.readFileSync(new URL(`./static/${name}`, import.meta.url), 'utf8');
}

export function createDemoApp(options: DemoAppOptions): Hono {
  const payUrl = options.payUrl.replace(/\/+$/, '');
  const payOrigin = new URL(payUrl).origin;
  const sandboxUrl = options.sandboxUrl?.replace(/\/+$/, '');
  if (!options.secretKey.startsWith('sk_')) throw new Error('createDemoApp: secretKey must be a secret key (sk_…)');
  if (!options.publishableKey.startsWith('pk_')) throw new Error('createDemoApp: publishableKey must be a publishable key (pk_…)');

  const assets: Record<string, { body: string; type: string }> = {
    'demo.css': { body: readStatic('demo.css'), type: 'text/css; charset=utf-8' },
    'demo.js': { body: readStatic('demo.js'), type: 'text/javascript; charset=utf-8' },
    'favicon.svg': { body: readStatic('favicon.svg'), type: 'image/svg+xml' },
  };
  const csp = contentSecurityPolicy(payOrigin);

  /** Calls the payment server's secret-key API from this backend; answers the JSON body. */
  async function payRequest(path: string, init: { method?: string; body?: unknown; idempotencyKey?: string } = {}): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${payUrl}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          Authorization: `Bearer ${options.secretKey}`,
          Accept: 'application/json',
          ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...(init.idempotencyKey ? { 'Idempotency-Key': init.idempotencyKey } : {}),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new PaymentServerError(`Could not reach the payment server at ${payUrl} (${(error as Error).message}).`, 502);
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const parsed = apiErrorSchema.safeParse(body);
      const message = parsed.success ? `${parsed.data.error.message} (${parsed.data.error.code})` : `HTTP ${response.status}`;
      throw new PaymentServerError(`The payment server refused: ${message}`, response.status === 404 ? 404 : 502);
    }
    return body;
  }

  /** A checkout session from the payment server. */
  async function payApi(path: string, init: { method?: string; body?: unknown; idempotencyKey?: string } = {}): Promise<Session> {
    const session = sessionSchema.safeParse(await payRequest(path, init));
    if (!session.success) throw new PaymentServerError('The payment server answered with an unexpected session shape.', 502);
    return session.data;
  }

  async function testCards(provider: 'payagency' | 'pagou' | 'pepper'): Promise<{ number: string; description: string }[]> {
    if (!sandboxUrl) return [];
    try {
      const response = await fetch(`${sandboxUrl}/${provider}/sandbox/test-cards`, { signal: AbortSignal.timeout(2_000) });
      if (!response.ok) return [];
      const body: unknown = await response.json();
      const list = z.array(z.looseObject({ number: z.string(), description: z.string() }));
      // Pepper's sandbox lists its cards with its routing numbers: { cards, routing_numbers, apm_types }.
      const cards = list.safeParse(provider === 'pepper' ? (body as { cards?: unknown })?.cards : body);
      return cards.success ? cards.data.map(({ number, description }) => ({ number, description })) : [];
    } catch {
      return [];
    }
  }

  function page(title: string, main: SafeHtml, { widget = false } = {}): string {
    return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${STORE}</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/demo.css">
${widget ? html`<script type="module" src="${payUrl}/widget.js"></script>
<script type="module" src="/static/demo.js"></script>` : ''}
</head>
<body>
<header class="site-header"><a class="brand" href="/"><span class="brand-mark" aria-hidden="true"></span>${STORE}</a><span class="badge">Sandbox</span></header>
<main>
${main}
</main>
<footer class="site-footer">A merchant site on its own origin. Card details are typed into a frame served by the payment server at <code>${payOrigin}</code>; this page never sees them.</footer>
</body>
</html>
`.value;
  }

  /** The payment block: the widget, the order-confirmed message and the visible events log. */
  function checkoutBlock(session: Session): SafeHtml {
    return html`<section class="panel pay" aria-labelledby="pay-title">
  <h2 id="pay-title">Payment</h2>
  <p id="order-confirmed" class="notice notice-success" role="status" hidden>Order confirmed. Thank you!</p>
  <pay-checkout publishable-key="${options.publishableKey}" client-secret="${session.client_secret}"></pay-checkout>
</section>
<section class="panel events" aria-labelledby="events-title">
  <h2 id="events-title">Events</h2>
  <p class="hint">What <code>&lt;pay-checkout&gt;</code> tells this page, as it happens.</p>
  <ol id="events" class="event-log"></ol>
</section>`;
  }

  function orderSummary(session: Session): SafeHtml {
    const locale = session.locale ?? 'en-US';
    const lines = session.line_items ?? [
      { name: session.description ?? 'Order', unit_amount: session.amount, quantity: 1 },
    ];
    return html`<section class="panel summary" aria-labelledby="summary-title">
  <h2 id="summary-title">Your order</h2>
  <dl class="order-lines">
    ${lines.map((line) => html`<dt>${line.quantity > 1 ? `${line.quantity} × ` : ''}${line.name}</dt><dd>${formatAmount(line.unit_amount * line.quantity, session.currency, locale)}</dd>`)}
  </dl>
  <p class="total"><span>Total</span> <strong>${formatAmount(session.amount, session.currency, locale)}</strong></p>
  <p class="hint">Session <code>${session.id}</code></p>
</section>`;
  }

  /** Sandbox only: a button that plays the buyer's bank paying the PIX code on screen. */
  function pixSandbox(session: Session): SafeHtml | string {
    if (!sandboxUrl || !session.payment_methods?.includes('pix')) return '';
    return html`<section class="panel sandbox-pix" aria-labelledby="pix-sandbox-title">
  <h2 id="pix-sandbox-title">Sandbox: play the payer</h2>
  <p class="hint">After the PIX code shows, this pays it the way a buyer's bank app would. The checkout turns to success on its own.</p>
  <button type="button" class="button" id="simulate-pix" data-session="${session.id}">Pay this PIX</button>
  <p id="simulate-pix-result" class="hint" role="status"></p>
  <p class="hint">Or paste the copied code at <a href="${sandboxUrl}/pagou/sandbox/pix" target="_blank" rel="noopener">the sandbox PIX page</a>.</p>
</section>`;
  }

  function errorPage(error: unknown): { body: string; status: 400 | 404 | 502 | 500 } {
    const known = error instanceof PaymentServerError;
    const message = known ? error.message : 'Something went wrong in the demo store.';
    if (!known) console.error('demo:', error);
    return {
      body: page('Something went wrong', html`<section class="panel"><h1>Something went wrong</h1><p class="notice notice-danger" role="alert">${message}</p><p><a class="button" href="/">Back to the store</a></p></section>`),
      status: known ? error.status : 500,
    };
  }

  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', csp);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
  });

  app.get('/static/:name', (c) => {
    const asset = assets[c.req.param('name')];
    if (!asset) return c.text('Not found', 404);
    return c.body(asset.body, 200, { 'Content-Type': asset.type, 'Cache-Control': 'no-cache' });
  });

  app.get('/', async (c) => {
    const [cards, brazilCards, pepperCards] = await Promise.all([testCards('payagency'), testCards('pagou'), testCards('pepper')]);
    const products = PRODUCTS.map(
      (product) => html`<li class="product">
  <div class="product-art product-art-${product.art}" aria-hidden="true"></div>
  <h2>${product.name}</h2>
  <p>${product.blurb}</p>
  <form method="post" action="/checkout" class="buy">
    <input type="hidden" name="product" value="${product.id}">
    <span class="price">${formatAmount(product.price, product.currency, product.currency === 'BRL' ? 'pt-BR' : 'en-US')}</span>
    <button type="submit" class="button" data-product="${product.id}">Buy</button>
    <label class="guest"><input type="checkbox" name="guest" value="1"> Check out as a guest (the widget asks for an email)</label>
  </form>
</li>`,
    );
    const cardTable = (id: string, title: string, list: { number: string; description: string }[]) =>
      list.length === 0
        ? ''
        : html`<section class="panel test-cards" aria-labelledby="${id}">
  <h2 id="${id}">${title}</h2>
  <p class="hint">Any future expiry date, any CVC, any name. The card number picks the outcome.</p>
  <table>
    <thead><tr><th scope="col">Card number</th><th scope="col">Outcome</th></tr></thead>
    <tbody>${list.map((card) => html`<tr><td><code>${groupCardNumber(card.number)}</code></td><td>${card.description}</td></tr>`)}</tbody>
  </table>
</section>`;
    const cardList = html`${cardTable('cards-title', 'PayAgency sandbox test cards (USD)', cards)}${cardTable('pepper-cards-title', 'Pepper sandbox test cards (the desk lamp; bank account: routing 021000021, any account number of 4 to 17 digits)', pepperCards)}${cardTable('pagou-cards-title', 'Pagou sandbox test cards (BRL)', brazilCards)}`;
    return c.html(
      page(
        'Shop',
        html`<h1>Small things for people who ship payments</h1>
<ul class="products">${products}</ul>
<section class="panel invoices" aria-labelledby="invoice-title">
  <h2 id="invoice-title">Hosted invoices</h2>
  <p>A design studio bills a hardware shop $1,062.60 for a workshop. Paykit hosts the invoice page: pay it in full or in part, by card or bank account, and come back to the same link to see what is left.</p>
  <form method="post" action="/invoice"><button type="submit" class="button">Open a sample invoice</button></form>
</section>
${cardList}`,
      ),
    );
  });

  app.post('/checkout', async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const product = PRODUCTS.find((p) => p.id === form.product);
    if (!product) {
      return c.html(errorPage(new PaymentServerError('Unknown product.', 400)).body, 400);
    }
    const guest = form.guest === '1' || c.req.query('guest') === '1';
    const origin = new URL(c.req.url).origin;
    try {
      const session = await payApi('/v1/checkout/sessions', {
        method: 'POST',
        idempotencyKey: randomUUID(),
        body: {
          ...product.session,
          amount: product.price,
          currency: product.currency,
          order_id: `demo_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`,
          description: product.name,
          customer: guest ? { first_name: BUYER.first_name, last_name: BUYER.last_name } : BUYER,
          // A signed-in buyer keeps their cards between visits; a guest has none (and no customer id).
          ...(product.session?.saved_cards ? (guest ? { saved_cards: undefined } : { customer_id: BUYER_ID }) : {}),
          return_url: `${origin}/complete`,
          metadata: { source: 'demo', product: product.id },
        },
      });
      return c.redirect(`/pay/${encodeURIComponent(session.id)}`, 303);
    } catch (error) {
      const { body, status } = errorPage(error);
      return c.html(body, status);
    }
  });

  /** Issues a sample invoice with the secret key and sends the buyer to Paykit's hosted page for it. */
  app.post('/invoice', async (c) => {
    try {
      const invoice = await payRequest('/v1/invoices', { method: 'POST', idempotencyKey: randomUUID(), body: sampleInvoice(new URL(c.req.url).origin) });
      const hosted = z.object({ hosted_url: z.string() }).safeParse(invoice);
      if (!hosted.success || !hosted.data.hosted_url.startsWith(`${payOrigin}/invoices/`)) {
        throw new PaymentServerError('The payment server answered with an unexpected invoice shape.', 502);
      }
      return c.redirect(hosted.data.hosted_url, 303);
    } catch (error) {
      const { body, status } = errorPage(error);
      return c.html(body, status);
    }
  });

  app.get('/pay/:id', async (c) => {
    const id = c.req.param('id');
    if (!SESSION_ID.test(id)) return c.html(errorPage(new PaymentServerError('Not a checkout session id.', 404)).body, 404);
    try {
      const session = await payApi(`/v1/checkout/sessions/${encodeURIComponent(id)}`);
      return c.html(
        page(
          'Checkout',
          html`<h1>Checkout</h1>
<div class="checkout">${orderSummary(session)}${checkoutBlock(session)}</div>
${pixSandbox(session)}`,
          { widget: true },
        ),
      );
    } catch (error) {
      const { body, status } = errorPage(error);
      return c.html(body, status);
    }
  });

  /** Sandbox only: pays the session's PIX at the Pagou sandbox (what the "Pay this PIX" button calls). */
  app.post('/pay/:id/simulate-pix', async (c) => {
    const id = c.req.param('id');
    if (!sandboxUrl || !SESSION_ID.test(id)) return c.json({ ok: false, message: 'Not available.' }, 404);
    try {
      const session = await payApi(`/v1/checkout/sessions/${encodeURIComponent(id)}`);
      const reference = session.payment?.method === 'pix' && session.payment.status === 'requires_action' ? session.payment.provider_reference : null;
      if (!reference) return c.json({ ok: false, message: 'There is no PIX code waiting to be paid yet.' }, 409);
      const response = await fetch(`${sandboxUrl}/pagou/sandbox/transactions/${encodeURIComponent(reference)}/pay`, {
        method: 'POST',
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) return c.json({ ok: false, message: `The sandbox refused (HTTP ${response.status}).` }, 502);
      return c.json({ ok: true, message: 'PIX paid at the sandbox bank.' });
    } catch (error) {
      const known = error instanceof PaymentServerError;
      return c.json({ ok: false, message: known ? error.message : 'The sandbox could not be reached.' }, 502);
    }
  });

  /** Where the payment server sends the buyer back after a 3DS / redirect step. */
  app.get('/complete', async (c) => {
    const id = c.req.query('paykit_session') ?? c.req.query('session_id') ?? '';
    if (!SESSION_ID.test(id)) return c.html(errorPage(new PaymentServerError('The return link has no checkout session.', 400)).body, 400);
    try {
      const session = await payApi(`/v1/checkout/sessions/${encodeURIComponent(id)}`);
      const payment = session.payment ?? null;
      const status = payment?.status ?? 'none';
      const outcome =
        status === 'succeeded'
          ? html`<p class="notice notice-success outcome" data-outcome="succeeded" role="status">Payment succeeded. Your order is confirmed.</p>`
          : status === 'failed' || status === 'canceled'
            ? html`<p class="notice notice-danger outcome" data-outcome="${status}" role="alert">Payment failed: ${payment?.error?.message ?? 'the payment was not completed.'}</p>`
            : status === 'processing'
              ? html`<p class="notice outcome" data-outcome="processing" role="status">Payment processing: the bank has not answered yet. This page updates when it does.</p>`
              : html`<p class="notice outcome" data-outcome="${status}" role="status">The payment is not complete yet.</p>`;
      return c.html(
        page(
          'Order status',
          html`<h1>Order status</h1>
${outcome}
<div class="checkout">${orderSummary(session)}${checkoutBlock(session)}</div>`,
          { widget: true },
        ),
      );
    } catch (error) {
      const { body, status } = errorPage(error);
      return c.html(body, status);
    }
  });

  return app;
}
