/**
 * The abuse limits and where they come from: defaults, then the environment, then StackOptions.
 *
 * | variable | meaning | default |
 * | --- | --- | --- |
 * | PAYKIT_RATE_LIMIT_IP | public requests per minute per client IP (publishable-key API, frame, hosted invoices, returns) | 1200 |
 * | PAYKIT_RATE_LIMIT_ASSETS | widget.js and /assets/… per minute per client IP | 3000 |
 * | PAYKIT_RATE_LIMIT_PUBLISHABLE | requests per minute per publishable key (all of a shop's buyers together) | 60000 |
 * | PAYKIT_RATE_LIMIT_SECRET | requests per minute per secret key | 120000 |
 * | PAYKIT_RATE_LIMIT | `off`: no rate limits at all (benchmarks from one address) | on |
 * | PAYKIT_SESSION_MAX_DECLINES | failed payment attempts after which a checkout session locks | 5 |
 *
 * 0 turns one limit off. The rate limits are counted in memory by each instance (see rate-limit.ts).
 */
export interface AbuseLimits {
  ipPerMinute: number;
  assetsPerMinute: number;
  publishablePerMinute: number;
  secretPerMinute: number;
  /** Failed attempts after which a session refuses further confirms (stored on the session at creation). */
  maxDeclinesPerSession: number;
}

export const DEFAULT_LIMITS: AbuseLimits = {
  ipPerMinute: 1200,
  assetsPerMinute: 3000,
  publishablePerMinute: 60_000,
  secretPerMinute: 120_000,
  maxDeclinesPerSession: 5,
};

const ENV: Record<keyof AbuseLimits, string> = {
  ipPerMinute: 'PAYKIT_RATE_LIMIT_IP',
  assetsPerMinute: 'PAYKIT_RATE_LIMIT_ASSETS',
  publishablePerMinute: 'PAYKIT_RATE_LIMIT_PUBLISHABLE',
  secretPerMinute: 'PAYKIT_RATE_LIMIT_SECRET',
  maxDeclinesPerSession: 'PAYKIT_SESSION_MAX_DECLINES',
};

export function abuseLimitsFrom(env: NodeJS.ProcessEnv, overrides: Partial<AbuseLimits> = {}): AbuseLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, variable] of Object.entries(ENV) as [keyof AbuseLimits, string][]) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < 0) throw new Error(`${variable} must be a whole number ≥ 0 (0: no limit)`);
    limits[name] = number;
  }
  if (env.PAYKIT_RATE_LIMIT === 'off') Object.assign(limits, { ipPerMinute: 0, assetsPerMinute: 0, publishablePerMinute: 0, secretPerMinute: 0 });
  Object.assign(limits, overrides);
  if (limits.maxDeclinesPerSession < 1) throw new Error('PAYKIT_SESSION_MAX_DECLINES must be at least 1');
  return limits;
}
