/** `npm start`: the whole product on this machine, with the embedded database and sandbox providers. */
import { startStack } from './stack.ts';
import { isValidRoutingNumber } from '../contract/aba.ts';

const env = process.env;
const stack = await startStack({
  payPort: Number(env.PORT ?? 4242),
  sandboxPort: Number(env.SANDBOX_PORT ?? 4243),
  demoPort: Number(env.DEMO_PORT ?? 4244),
  ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
  dataDir: env.PAYKIT_DATA_DIR ?? '.paykit',
});

type Card = { number: string; description: string };
const cardsOf = async (provider: string) => (await (await fetch(`${stack.sandboxUrl}/${provider}/sandbox/test-cards`)).json()) as Card[];
const list = (cards: Card[]) => cards.map((card) => `    ${card.number.padEnd(17)} ${card.description}`).join('\n');
const [cards, brazilCards, pepper] = await Promise.all([
  cardsOf('payagency'),
  cardsOf('pagou'),
  fetch(`${stack.sandboxUrl}/pepper/sandbox/test-cards`).then((r) => r.json() as Promise<{ cards: Card[]; routing_numbers: { routing_number: string; description: string }[] }>),
]);
process.stdout.write(`
  Paykit is running (${stack.db.kind === 'pglite' ? `embedded PGlite in ${env.PAYKIT_DATA_DIR ?? '.paykit'}/db` : 'PostgreSQL'})

  Demo shop         ${stack.demoUrl}
  Payment server    ${stack.payUrl}   (widget: ${stack.payUrl}/widget.js)
  Sandbox providers ${stack.sandboxUrl}/payagency  ${stack.sandboxUrl}/pagou  ${stack.sandboxUrl}/pepper
  Settle Pepper     curl -X POST ${stack.sandboxUrl}/pepper/sandbox/settle   (refunds need settled payments)
  Sandbox PIX payer ${stack.sandboxUrl}/pagou/sandbox/pix
  Hosted invoices   ${stack.payUrl}/invoices/pinv_…   ("Open a sample invoice" on the shop page; API: POST /v1/invoices)
  Merchant webhooks POST ${stack.payUrl}/v1/webhook_endpoints {url, enabled_events}   (signed: Paykit-Signature; README "Merchant webhooks")
  Provider faults   POST ${stack.sandboxUrl}/pepper/sandbox/faults   (also /payagency, /pagou: slow, timeout, 5xx, drop after processing)
  Pagos export      ${stack.config.pagos ? `${stack.config.pagos.baseUrl}   (the sandbox's view: ${stack.sandboxUrl}/pagos/sandbox/transactions; deliveries: GET /v1/pagos/exports)` : 'off (PAGOS_EXPORT=off)'}

  Test keys (test mode, kept in ${env.PAYKIT_DATA_DIR ?? ".paykit"}/dev-keys.json)
    publishable  ${stack.keys.publishable}
    secret       ${stack.keys.secret}

  PayAgency sandbox cards, USD (any future expiry, any CVC):
${list(cards)}

  Pepper sandbox cards, USD (the demo's desk lamp; any future expiry, any CVC):
${list(pepper.cards)}
  Pepper sandbox routing numbers (any account number of 4 to 17 digits):
${pepper.routing_numbers.map((r) => `    ${r.routing_number.padEnd(17)} ${isValidRoutingNumber(r.routing_number) ? r.description : 'the gateway doc\'s example; Paykit refuses it (prefix 49 is not assigned)'}`).join('\n')}

  Pagou sandbox cards, BRL (the demo's Camiseta; PIX with any valid CPF, e.g. 529.982.247-25):
${list(brazilCards)}

`);

const stop = async () => {
  await stack.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
