/**
 * The soak's provider simulators (bench/soak.ts forks this twice): with SOAK_SANDBOX=providers,
 * PayAgency, Pagou and Pepper on one port; with SOAK_SANDBOX=pagos, the Pagos analytics API on
 * another, in a process of its own (in production it is another company's service on other
 * machines: its bursts of ingestion, as the export catches up, would otherwise queue the
 * providers' charge calls behind them in one event loop). The credentials come from the
 * environment the soak passes. Each charge's handling time inside the simulator is recorded, so
 * the soak can tell the provider's own time from Paykit's: GET /soak/stats reads the figures,
 * POST /soak/reset drops the warm-up's.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { createPayAgencySimulator } from '../server/simulators/payagency/app.ts';
import { createPagouSimulator } from '../server/simulators/pagou/app.ts';
import { createPepperSimulator } from '../server/simulators/pepper/app.ts';
import { createPagosSimulator } from '../server/simulators/pagos/app.ts';

const env = process.env;
const role = env.SOAK_SANDBOX;
if (role !== 'providers' && role !== 'pagos') throw new Error('SOAK_SANDBOX: providers or pagos');
const handling: number[] = [];
let exports = 0;
const app = new Hono();

// The charge calls only: PayAgency's transaction and Pepper's sale (not captures, vault, lookups).
const CHARGE = /^\/(payagency\/v1\/(test|live)\/transaction|pepper\/api\/transaction)$/;
app.use('*', async (c, next) => {
  const started = performance.now();
  await next();
  if (c.req.method !== 'POST') return;
  if (CHARGE.test(c.req.path)) handling.push(performance.now() - started);
  else if (c.req.path.startsWith('/pagos/')) exports += 1;
});
app.get('/soak/stats', (c) => c.json({ handling, exports }));
app.post('/soak/reset', (c) => {
  handling.length = 0;
  exports = 0;
  return c.json({ ok: true });
});

const server = serve({ fetch: (request, e) => app.fetch(request, e), port: 0, hostname: '127.0.0.1' });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const simulators: { close(): void }[] = [];
if (role === 'providers') {
  const payagency = createPayAgencySimulator({ secretKey: env.PAYAGENCY_SECRET_KEY!, publicUrl: `${url}/payagency`, settleAfterMs: 2000 });
  const pagou = createPagouSimulator({ token: env.PAGOU_TOKEN!, publicUrl: `${url}/pagou`, settleAfterMs: 2000, merchantName: 'Paykit Soak', merchantCity: 'Sao Paulo' });
  const pepper = createPepperSimulator({ apiKey: env.PEPPER_API_KEY!, publicKey: 'pub_sandboxsoak', publicUrl: `${url}/pepper` });
  app.route('/payagency', payagency.app);
  app.route('/pagou', pagou.app);
  app.route('/pepper', pepper.app);
  simulators.push(payagency, pagou, pepper);
} else {
  const pagos = createPagosSimulator({ apiKey: env.PAGOS_API_KEY! });
  app.route('/pagos', pagos.app);
  simulators.push(pagos);
}

process.send!({ url });
process.on('SIGTERM', () => {
  for (const simulator of simulators) simulator.close();
  server.close();
  process.exit(0);
});
