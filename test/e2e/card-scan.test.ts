/**
 * Where does card data go? A full set of buyer flows in real Chromium (card success, a decline
 * then another card, a 3DS redirect, a Brazilian 3DS challenge and PIX, an ACH debit, a saved
 * card, a hosted invoice), with every request and response of the top-level page recorded: the
 * merchant's page (and the hosted invoice page), not the payment frame, which is the one place
 * card data may travel. Then every table of the database and every log line are dumped, and all
 * of it is searched for each card number typed, each CVV typed, the bank account number, the
 * merchant's secret key and every session's client secret. None may be found.
 *
 * The search rules (`findSecrets`):
 * - A card or account number: its digits in a row, or with one space or dash between any two
 *   digits (4242 4242 4242 4242, 4242-4242-…), in the text as is and URL-decoded.
 * - A CVV is three digits, which a timestamp, a port, an amount or a hash contains by chance, so
 *   a bare `123` is not a finding. A finding is the CVV as the value of a field whose name says
 *   security code (cvc, cvv, cvv2, card_cvv, security_code, card_code…) in JSON (`"cvc":"731"`,
 *   `"cvc": 731`) or a form or query string (`cvc=731`), or a JSON string that is the CVV alone
 *   (`"731"`), wherever it sits. The CVVs typed are unusual values (no 123) so that this rule
 *   would not even meet them by chance.
 * - Keys and client secrets: the exact string.
 *
 * One thing is not searched: the demo shop's home page prints the sandboxes' published test cards
 * for people trying it (its own static content), and that table is cut out of its HTML first.
 *
 * The test can fail: the scanner is first run on planted findings (and on look-alikes it must not
 * report), a card number planted in a real table is found by the same dump, and the payment
 * frame's own traffic, recorded beside the page's, must contain the numbers typed (so the recorder
 * really sees request bodies).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Frame, Page, Request } from 'playwright-core';
import { fillBankAccount, frameOf, startE2E, typeCard, type E2E, type WatchedPage } from './harness.ts';
import { clientSecretFor } from '../../server/crypto.ts';

let e2e: E2E;
before(async () => {
  // A schema of its own on PostgreSQL, so the dump holds this file's rows and no other file's.
  e2e = await startE2E(process.env.DATABASE_URL ? { schema: `scan_${randomBytes(6).toString('hex')}` } : {});
});
after(() => e2e?.close());

/** Every card number and CVV typed below, and the bank account number. */
const typed = { cards: new Set<string>(), cvvs: new Set<string>(), accounts: new Set<string>() };

// ---------------------------------------------------------------------------------------------
// The scanner

export interface Finding {
  what: string;
  where: string;
  excerpt: string;
}

const CVV_FIELD = String.raw`[A-Za-z_]*(?:cvc|cvv|cvv2|cvc2|csc|security_?code|card_?code)[A-Za-z0-9_]*`;

/** A pattern for a number written with or without one space or dash between its digits. */
const digitsPattern = (digits: string) => new RegExp(`(?<![0-9])${[...digits].join('[ -]?')}(?![0-9])`);

function cvvPatterns(cvv: string): RegExp[] {
  return [
    new RegExp(`"${CVV_FIELD}"\\s*:\\s*"?${cvv}"?(?![0-9])`, 'i'),
    new RegExp(`(?:^|[?&\\s])${CVV_FIELD}=${cvv}(?![0-9])`, 'i'),
    new RegExp(`"${cvv}"`),
  ];
}

const decoded = (text: string) => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text.replace(/%20|\+/g, ' ');
  }
};

/** Every finding of the `secrets` in the named texts (see the rules at the top of the file). */
export function findSecrets(
  texts: { where: string; text: string }[],
  secrets: { cards: Iterable<string>; cvvs: Iterable<string>; exact: { what: string; value: string }[] },
): Finding[] {
  const findings: Finding[] = [];
  const checks: { what: string; pattern: RegExp | string }[] = [
    ...[...secrets.cards].map((number) => ({ what: `number ${number}`, pattern: digitsPattern(number) })),
    ...[...secrets.cvvs].flatMap((cvv) => cvvPatterns(cvv).map((pattern) => ({ what: `CVV ${cvv}`, pattern }))),
    ...secrets.exact.filter(({ value }) => value.length >= 8).map(({ what, value }) => ({ what, pattern: value })),
  ];
  for (const { where, text } of texts) {
    for (const variant of new Set([text, decoded(text)])) {
      for (const { what, pattern } of checks) {
        const index = typeof pattern === 'string' ? variant.indexOf(pattern) : variant.search(pattern);
        if (index >= 0) findings.push({ what, where, excerpt: variant.slice(Math.max(0, index - 60), index + 80) });
      }
    }
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// What the browser sent and received

interface Exchange {
  /** `page`: the top-level document's traffic; `frame`: the payment frame's (and its children's). */
  from: 'page' | 'frame';
  text: string;
  url: string;
}

const traffic: Exchange[] = [];
const pending: Promise<void>[] = [];

const isTopLevel = (frame: Frame) => frame.parentFrame() === null;

/** Records every request and response of `context`'s pages, headers and bodies included. */
function record(context: BrowserContext) {
  const frameOfRequest = (request: Request): Frame | null => {
    try {
      return request.frame();
    } catch {
      return null; // a service worker's request: there are none, but never fail on one
    }
  };
  context.on('requestfinished', (request) => {
    pending.push(
      (async () => {
        const frame = frameOfRequest(request);
        const from = frame && !isTopLevel(frame) ? 'frame' : 'page';
        const response = await request.response().catch(() => null);
        const body = response ? await response.text().catch(() => '') : '';
        const text = [
          `${request.method()} ${request.url()}`,
          JSON.stringify(await request.allHeaders().catch(() => ({}))),
          request.postData() ?? '',
          `${response?.status() ?? ''}`,
          JSON.stringify(response ? await response.allHeaders().catch(() => ({})) : {}),
          body,
        ].join('\n');
        traffic.push({ from, text, url: request.url() });
      })(),
    );
  });
}

async function newPage(): Promise<WatchedPage> {
  const watched = await e2e.newPage();
  record(watched.page.context());
  return watched;
}

// ---------------------------------------------------------------------------------------------
// The buyer flows (each as the existing e2e tests drive it)

/** Types a card and remembers its number and CVV for the scan. */
async function card(page: Page, number: string, cvc: string, options: { numberLabel?: string; name?: string } = {}) {
  typed.cards.add(number);
  typed.cvvs.add(cvc);
  await typeCard(page, number, { cvc, ...options });
}

async function openDemoCheckout(product: string | null): Promise<Page> {
  const { page } = await newPage();
  await page.goto(e2e.stack.demoUrl);
  const item = product ? page.locator('.product', { hasText: product }) : page.locator('.product').first();
  await item.getByRole('button', { name: 'Buy' }).click();
  await page.waitForURL(/\/pay\/cs_/);
  await page.locator('#events li[data-event="pay-ready"]').waitFor();
  return page;
}

async function openPepperSession(body: Record<string, unknown>): Promise<Page> {
  const response = await fetch(`${e2e.stack.payUrl}/v1/checkout/sessions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${e2e.stack.keys.secret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      amount: 2500,
      currency: 'USD',
      provider: 'pepper',
      return_url: `${e2e.stack.demoUrl}/complete`,
      customer: { email: 'jane.doe@example.com', first_name: 'Jane', last_name: 'Doe', state: 'NY', zip: '12207' },
      ...body,
    }),
  });
  const session = (await response.json()) as { id: string };
  assert.equal(response.status, 201, JSON.stringify(session));
  const { page } = await newPage();
  await page.goto(`${e2e.stack.demoUrl}/pay/${session.id}`);
  await page.locator('#events li[data-event="pay-ready"]').waitFor();
  return page;
}

const succeeded = (page: Page, text = 'Payment successful') => frameOf(page).getByText(text).waitFor({ timeout: 20_000 });

describe('card data stays in the payment frame', () => {
  it('the scanner finds planted card numbers and CVVs, and not their look-alikes', () => {
    const secrets = { cards: ['4242424242424242'], cvvs: ['731'], exact: [{ what: 'secret key', value: 'sk_test_abcdefgh' }] };
    const planted = [
      '{"number":"4242424242424242"}',
      'card 4242 4242 4242 4242 typed',
      'card=4242-4242-4242-4242',
      'card%3D4242%204242%204242%204242',
      '{"card": {"cvc": "731"}}',
      '{"card_cvv":731}',
      'cvv2=731&x=1',
      '["731"]',
      'Authorization: Bearer sk_test_abcdefgh',
    ];
    for (const text of planted) assert.equal(findSecrets([{ where: 'planted', text }], secrets).length > 0, true, text);
    const innocent = [
      '2026-11-21T09:17:31.731Z',
      '{"amount":73100,"port":7310,"ms":731.2}',
      'last4 4242, bin 424242',
      '42424242424242421',
      '{"cvc_check":"pass","id":"pay_731x"}',
    ];
    for (const text of innocent) assert.deepEqual(findSecrets([{ where: 'innocent', text }], secrets), [], text);
  });

  it('buyer flows: card, decline then another card, 3DS redirect', async () => {
    const page = await openDemoCheckout(null);
    await card(page, '4242424242424242', '731', { name: 'Ada Lovelace' });
    await frameOf(page).getByRole('button', { name: /^Pay / }).click();
    await succeeded(page);

    const retry = await openDemoCheckout(null);
    await card(retry, '4000000000009995', '846', { name: 'Ada Lovelace' });
    await frameOf(retry).getByRole('button', { name: /^Pay / }).click();
    await frameOf(retry).getByRole('alert').filter({ hasText: 'Insufficient Fund.' }).waitFor();
    const number = frameOf(retry).getByLabel('Card number');
    await number.fill('');
    await number.click();
    typed.cards.add('5555555555554444');
    await retry.keyboard.type('5555555555554444');
    await frameOf(retry).getByRole('button', { name: /^Pay / }).click();
    await succeeded(retry);

    const threeDs = await openDemoCheckout(null);
    await card(threeDs, '4000000000003220', '592', { name: 'Ada Lovelace' });
    await frameOf(threeDs).getByRole('button', { name: /^Pay / }).click();
    await threeDs.waitForURL(/\/payagency\/3ds\//);
    await threeDs.getByRole('button', { name: 'Approve' }).click();
    await threeDs.waitForURL(/\/complete\?/);
    assert.match(threeDs.url(), /paykit_status=succeeded/);
  });

  it('buyer flows: a Brazilian 3DS challenge and PIX', async () => {
    const page = await openDemoCheckout('Camiseta');
    const frame = frameOf(page);
    await frame.getByRole('tab', { name: 'Cartão' }).click();
    await card(page, '4000000000003220', '317', { numberLabel: 'Número do cartão', name: 'Ana Souza' });
    await frame.getByRole('button', { name: 'Pagar R$ 129,90' }).click();
    const dialog = frame.getByRole('dialog', { name: 'Confirme o pagamento com o seu banco' });
    await dialog.waitFor();
    await dialog.frameLocator('iframe').getByRole('button', { name: 'Authenticate' }).click();
    await succeeded(page, 'Pagamento aprovado');

    const pix = await openDemoCheckout('Camiseta');
    const pixFrame = frameOf(pix);
    await pixFrame.getByRole('tab', { name: 'PIX' }).click();
    await pixFrame.getByLabel('Nome completo').fill('Ana Souza');
    await pixFrame.getByLabel('CPF ou CNPJ').fill('52998224725');
    await pixFrame.getByRole('button', { name: 'Pagar R$ 129,90 com PIX' }).click();
    await pixFrame.getByRole('button', { name: 'Copiar código' }).waitFor();
    await pix.getByRole('button', { name: 'Pay this PIX' }).click();
    await succeeded(pix, 'Pagamento aprovado');
  });

  it('buyer flows: ACH and a saved card (Pepper)', async () => {
    const ach = await openPepperSession({ payment_methods: ['card', 'ach'] });
    const frame = frameOf(ach);
    typed.accounts.add('000123456789');
    await fillBankAccount(frame);
    await frame.getByRole('checkbox', { name: 'I authorize this debit' }).check();
    await frame.getByRole('button', { name: /^Pay \$25\.00/ }).click();
    await succeeded(ach);

    const customer = `scan${Date.now().toString(36)}`;
    const first = await openPepperSession({ customer_id: customer });
    await card(first, '4111111111111111', '968');
    await frameOf(first).getByRole('checkbox', { name: 'Save this card for next time' }).check();
    await frameOf(first).getByRole('button', { name: 'Pay $25.00' }).click();
    await succeeded(first);
    const second = await openPepperSession({ customer_id: customer, amount: 1200 });
    await frameOf(second).getByRole('radio', { name: /Visa •••• 1111/ }).waitFor();
    await frameOf(second).getByRole('button', { name: 'Pay $12.00' }).click();
    await succeeded(second);
  });

  it('buyer flows: a hosted invoice paid by card', async () => {
    const { page } = await newPage();
    await page.goto(e2e.stack.demoUrl);
    await page.getByRole('button', { name: 'Open a sample invoice' }).click();
    await page.waitForURL(`${e2e.stack.payUrl}/invoices/pinv_*`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await card(page, '378282246310005', '4829');
    await frameOf(page).getByRole('button', { name: /^Pay \$/ }).click();
    await succeeded(page);
    await page.locator('.badge', { hasText: /^(Status: )?Paid$/ }).waitFor();
  });

  it('finds no card number, CVV, account number, key or client secret in the page traffic, any table or any log line', async () => {
    await Promise.all(pending);
    const { stack } = e2e;
    assert.ok(typed.cards.size >= 6 && typed.cvvs.size >= 6, 'the flows above ran');

    // The recorder sees bodies: the frame's own confirms carry every number typed by hand
    // (the saved card's second payment sends none, by design).
    const frameTexts = traffic.filter((t) => t.from === 'frame').map((t) => ({ where: t.url, text: t.text }));
    for (const number of typed.cards) {
      assert.ok(findSecrets(frameTexts, { cards: [number], cvvs: [], exact: [] }).length > 0, `the frame's traffic carries ${number}`);
    }
    // The demo shop's home page prints the sandboxes' published test cards for people trying it:
    // that table is the page's own content, the same whatever a buyer typed, so it is cut out
    // (and only it: the rest of that page, and every request the page sent, is searched).
    let tablesCut = 0;
    const pageTraffic = traffic
      .filter((t) => t.from === 'page')
      .map((t) => ({
        ...t,
        text: t.url.startsWith(stack.demoUrl)
          ? t.text.replace(/<section class="panel test-cards"[\s\S]*?<\/section>/g, () => (tablesCut++, '[published test-card table]'))
          : t.text,
      }));
    assert.ok(pageTraffic.some((t) => t.url.startsWith(stack.demoUrl)), 'the merchant page was recorded');
    assert.ok(tablesCut > 0, 'the published test-card table was recognised');

    const tables = await stack.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    assert.ok(tables.length >= 10, tables.map((t) => t.table_name).join());
    const dumpTables = async () => {
      const rows: { where: string; text: string }[] = [];
      for (const { table_name } of tables) {
        const found = await stack.db.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`);
        for (const { row } of found) rows.push({ where: `table ${table_name}`, text: row });
      }
      return rows;
    };
    const rows = await dumpTables();
    assert.ok(rows.some((r) => r.where === 'table payments'), 'the dump has the payments');

    const sessions = await stack.db.query<{ id: string }>(`SELECT id FROM checkout_sessions`);
    const providers = stack.config.providers;
    const keys = [
      { what: 'merchant secret key', value: stack.keys.secret },
      { what: 'PayAgency secret key', value: providers.payagency.secretKey },
      { what: 'Pepper API key', value: providers.pepper.apiKey },
      { what: 'Pagou token', value: providers.pagou.token },
      { what: 'server secret', value: stack.config.serverSecret },
    ];
    const clientSecrets = sessions.map(({ id }) => ({ what: `client secret of ${id}`, value: clientSecretFor(id, stack.config.serverSecret) }));
    const cardData = { cards: [...typed.cards, ...typed.accounts], cvvs: typed.cvvs };
    const logs = stack.log.lines!.map((line, index) => ({ where: `log line ${index}`, text: line }));
    assert.ok(logs.length > 50, 'the logs were kept');

    const findings = [
      // The merchant page may hold a session's client secret (it mounts the checkout with it), never a key.
      ...findSecrets(pageTraffic.map((t) => ({ where: `page traffic ${t.url}`, text: t.text })), { ...cardData, exact: keys }),
      ...findSecrets(rows, { ...cardData, exact: [...keys, ...clientSecrets] }),
      ...findSecrets(logs, { ...cardData, exact: [...keys, ...clientSecrets] }),
    ];
    assert.deepEqual(findings, []);

    // The same dump finds a card number planted in a real table.
    await stack.db.query(`CREATE TABLE scan_canary (note text)`);
    try {
      await stack.db.query(`INSERT INTO scan_canary VALUES ('paid with 4111 1111 1111 1111')`);
      tables.push({ table_name: 'scan_canary' });
      const planted = findSecrets(await dumpTables(), { ...cardData, exact: [] });
      assert.deepEqual(planted.map((f) => [f.what, f.where]), [['number 4111111111111111', 'table scan_canary']]);
    } finally {
      await stack.db.query(`DROP TABLE scan_canary`);
    }
  });
});
