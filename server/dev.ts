/** `npm start`: the whole product on this machine, with the embedded database and sandbox providers. */
import { startStack } from './stack.ts';

const env = process.env;
const stack = await startStack({
  payPort: Number(env.PORT ?? 4242),
  sandboxPort: Number(env.SANDBOX_PORT ?? 4243),
  demoPort: Number(env.DEMO_PORT ?? 4244),
  ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
  dataDir: env.PAYKIT_DATA_DIR ?? '.paykit',
});

const cards = stack.payagency && (await (await fetch(`${stack.sandboxUrl}/payagency/sandbox/test-cards`)).json()) as { number: string; description: string }[];
process.stdout.write(`
  Paykit is running (${stack.db.kind === 'pglite' ? 'embedded PGlite in .paykit/db' : 'PostgreSQL'})

  Demo shop         ${stack.demoUrl}
  Payment server    ${stack.payUrl}   (widget: ${stack.payUrl}/widget.js)
  Sandbox providers ${stack.sandboxUrl}/payagency

  Test keys (test mode, kept in .paykit/dev-keys.json)
    publishable  ${stack.keys.publishable}
    secret       ${stack.keys.secret}

  PayAgency sandbox cards (any future expiry, any CVC):
${cards.map((card) => `    ${card.number.padEnd(17)} ${card.description}`).join('\n')}

`);

const stop = async () => {
  await stack.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
