import { cpus, release } from 'node:os';

/**
 * How fast this machine's CPU is, so that runs on different machines can be told apart: the best
 * of five times one thread takes to write and read back 100,000 payment-sized JSON bodies (the
 * kind of work the server does), before anything else starts. (The same code at the same rate has
 * kept a machine of this kind 32% busy on one day and 70% on another.)
 */
export function cpuSpeed(): { model: string; cores: number; jsonMs: number } {
  const body = { amount: 1500, currency: 'USD', customer: { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' }, metadata: { order: 'A-1001', items: [1, 2, 3] } };
  let best = Infinity;
  for (let round = 0; round < 5; round += 1) {
    const started = performance.now();
    let total = 0;
    for (let i = 0; i < 100_000; i += 1) total += (JSON.parse(JSON.stringify({ ...body, amount: i })) as typeof body).amount;
    if (total !== 4_999_950_000) throw new Error('cpuSpeed: wrong sum');
    best = Math.min(best, performance.now() - started);
  }
  return { model: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, jsonMs: best };
}

/** The speed as the reports print it: model; cores; the JSON work's time; Linux's version. */
export function describeMachine(speed: ReturnType<typeof cpuSpeed>): string {
  return `${speed.model}; ${speed.cores}; ${speed.jsonMs.toFixed(1)} ms; ${release()}`;
}
