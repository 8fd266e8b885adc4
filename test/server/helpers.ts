/**
 * The server under test: the real stack (database, PayAgency simulator and payment server on
 * loopback ports, so server ⇄ simulator traffic is real HTTP), called through `app.request()`.
 * The database is PGlite in memory, or — when DATABASE_URL is set — a fresh schema of its own
 * on that PostgreSQL server.
 */
import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { startStack, type Stack, type StackOptions } from '../../server/stack.ts';
import { openDb, type Db } from '../../server/storage/db.ts';

/** A schema of its own for a test on the shared PostgreSQL: a random name. */
export function testSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/**
 * A database for a test that works on the database alone: PostgreSQL at DATABASE_URL (on one
 * connection unless told, so what a statement set is seen by the next), else PGlite in memory;
 * in a schema of its own either way.
 */
export function openTestDb(poolSize = 1): Promise<Db> {
  const url = process.env.DATABASE_URL;
  return openDb({ ...(url ? { url, poolSize } : {}), schema: testSchema() });
}

export async function startTestStack(options: Partial<StackOptions> = {}): Promise<Stack> {
  const url = process.env.DATABASE_URL;
  return startStack({
    quiet: true,
    settleAfterMs: 0,
    ...(url ? { databaseUrl: url, schema: testSchema() } : {}),
    ...options,
  });
}

export const CUSTOMER = { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' };

export function card(number: string, overrides: Record<string, unknown> = {}) {
  return { number, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, cvc: number.startsWith('37') ? '1234' : '123', name: 'Ada Lovelace', ...overrides };
}

export const INVOICE_ADDRESS = { first_name: 'Grace', last_name: 'Hopper', address_line_1: '1 Navy Way', city: 'Arlington', state: 'VA', postal_code: '22202', country: 'US' };
const INVOICE_PAYABLE = { company: 'Acme Tools', address_line_1: '10 Market St', city: 'Springfield', state: 'IL', postal_code: '62701', country: 'US', email: 'billing@acme.test' };
let invoiceCounter = 0;

/** A valid invoice body (`POST /v1/invoices`): $100.00 due in 30 days, with a number of its own; `fields` override. */
export function invoiceBody(fields: Record<string, unknown> = {}) {
  return {
    currency: 'USD',
    company_name: 'Acme Tools',
    invoice_number: `INV-${process.pid}-${++invoiceCounter}`,
    payable_to: INVOICE_PAYABLE,
    bill_to: { ...INVOICE_ADDRESS, email: 'grace@example.com' },
    date_due: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    items: [{ name: 'Consulting', unit_price: 5000, quantity: 2 }],
    payment_methods: ['card', 'ach'],
    ...fields,
  };
}

export function client(stack: Stack) {
  const json = async (response: Response) => ({ status: response.status, headers: response.headers, body: (await response.json()) as any });
  const secretHeaders = { Authorization: `Bearer ${stack.keys.secret}`, 'Content-Type': 'application/json' };
  return {
    secretHeaders,
    request: (path: string, init: RequestInit = {}) => stack.app.request(path, init),
    async createSession(body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
      return json(
        await stack.app.request('/v1/checkout/sessions', {
          method: 'POST',
          headers: { ...secretHeaders, ...headers },
          body: JSON.stringify({ amount: 1500, currency: 'USD', return_url: `${stack.demoUrl}/complete`, customer: CUSTOMER, ...body }),
        }),
      );
    },
    publicHeaders(clientSecret: string, extra: Record<string, string> = {}) {
      return { Authorization: `Bearer ${stack.keys.publishable}`, 'X-Client-Secret': clientSecret, 'Content-Type': 'application/json', Origin: stack.demoUrl, ...extra };
    },
    async confirm(session: { id: string; client_secret: string }, body: unknown, headers: Record<string, string> = {}) {
      return json(
        await stack.app.request(`/v1/checkout/sessions/${session.id}/confirm`, {
          method: 'POST',
          headers: this.publicHeaders(session.client_secret, headers),
          body: JSON.stringify(body),
        }),
      );
    },
    async pay(number: string, sessionBody: Record<string, unknown> = {}) {
      const session = (await this.createSession(sessionBody)).body;
      const result = await this.confirm(session, { payment_method: { type: 'card', card: card(number) } });
      return { session, ...result };
    },
    async payment(id: string) {
      return json(await stack.app.request(`/v1/payments/${id}`, { headers: secretHeaders }));
    },
    /** A POST with the secret key (a JSON body when one is given). */
    async post(path: string, body?: unknown, headers: Record<string, string> = {}) {
      return json(
        await stack.app.request(path, {
          method: 'POST',
          headers: { ...secretHeaders, ...headers },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      );
    },
    /** A GET with the secret key. */
    async get(path: string) {
      return json(await stack.app.request(path, { headers: secretHeaders }));
    },
    json,
  };
}

/** Polls until `check` returns a value, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One stack for a test file: started before its tests, closed after them. */
export function useTestStack(options: Partial<StackOptions> = {}) {
  const context = {} as { stack: Stack; api: ReturnType<typeof client> };
  before(async () => {
    context.stack = await startTestStack(options);
    context.api = client(context.stack);
  });
  after(() => context.stack?.close());
  return context;
}
