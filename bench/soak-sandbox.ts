/**
 * The soak's provider simulators, in a process of their own (bench/soak.ts forks it): PayAgency,
 * Pagou, Pepper and Pagos on one port, with the credentials the soak passes in the environment.
 * Each charge's handling time inside the simulator is recorded, so the soak can tell the
 * provider's own time from Paykit's: GET /soak/stats reads the figures, POST /soak/reset drops
 * the warm-up's.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { createPayAgencySimulator } from '../server/simulators/payagency/app.ts';
import { createPagouSimulator } from '../server/simulators/pagou/app.ts';
import { createPepperSimulator } from '../server/simulators/pepper/app.ts';
import { createPagosSimulator } from '../server/simulators/pagos/app.ts';

const env = process.env;
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

const payagency = createPayAgencySimulator({ secretKey: env.PAYAGENCY_SECRET_KEY!, publicUrl: `${url}/payagency`, settleAfterMs: 2000 });
const pagou = createPagouSimulator({ token: env.PAGOU_TOKEN!, publicUrl: `${url}/pagou`, settleAfterMs: 2000, merchantName: 'Paykit Soak', merchantCity: 'Sao Paulo' });
const pepper = createPepperSimulator({ apiKey: env.PEPPER_API_KEY!, publicKey: 'pub_sandboxsoak', publicUrl: `${url}/pepper` });
const pagos = createPagosSimulator({ apiKey: env.PAGOS_API_KEY! });
app.route('/payagency', payagency.app);
app.route('/pagou', pagou.app);
app.route('/pepper', pepper.app);
app.route('/pagos', pagos.app);

process.send!({ url });
process.on('SIGTERM', () => {
  payagency.close();
  pagou.close();
  pepper.close();
  pagos.close();
  server.close();
  process.exit(0);
});
