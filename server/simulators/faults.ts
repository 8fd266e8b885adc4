/**
 * Fault injection for the sandbox providers: tests (or a person, over HTTP) tell a simulator to
 * misbehave the way real providers and networks do, so Paykit's handling of each case is shown
 * with real HTTP rather than mocked fetches.
 *
 * | kind | what the simulator does | did the provider process it? |
 * | --- | --- | --- |
 * | `delay` | waits `ms`, then answers normally | yes |
 * | `timeout` | never answers: holds the connection `ms` (default 2 minutes), then closes it | no |
 * | `error` | answers `status` (500, 502, 503 or 504) with its error body at once | no |
 * | `reset` | closes the connection at once, without an answer | no |
 * | `drop` | processes the request, then closes the connection instead of answering | **yes** |
 *
 * A rule applies to the requests matching `method` and `path` (relative to the simulator's
 * root, e.g. `/api/transaction`; a trailing `*` matches a prefix), to the next `count` of them
 * (every one when absent) and, among those, to a fraction `rate` (all when absent). The first
 * rule that applies wins; a request a rule's `rate` spares goes on to the next rule, so
 * `[{ kind: 'drop', rate: 0.2 }, { kind: 'delay', ms: 500 }]` drops a fifth and slows the rest. Sandbox routes (`/sandbox/…`) are never faulted, so the control stays
 * reachable. `delay` also composes: a rule `{ kind: 'drop', ms: 500 }` processes after 500 ms.
 *
 * Control: programmatically (`sim.faults.set([...])`) or over HTTP, `POST /<sim>/sandbox/faults`
 * with `{ "rules": [...] }` (replaces them), `GET` (the rules and what they did), `DELETE` (clears).
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Socket } from 'node:net';

export type FaultKind = 'delay' | 'timeout' | 'error' | 'reset' | 'drop';
export const FAULT_KINDS: readonly FaultKind[] = ['delay', 'timeout', 'error', 'reset', 'drop'];
export const FAULT_STATUSES = [500, 502, 503, 504] as const;

export interface FaultRule {
  kind: FaultKind;
  /** `delay`: how long before answering; `timeout`: how long the connection is held; `drop`: before processing. */
  ms?: number;
  /** `error`: the HTTP status (500 by default). */
  status?: (typeof FAULT_STATUSES)[number];
  /** Only this HTTP method (any when absent). */
  method?: string;
  /** Only this path, relative to the simulator's root; `…*` matches a prefix (any when absent). */
  path?: string;
  /** Only the next `count` matching requests (every one when absent). */
  count?: number;
  /** Only this fraction of the matching requests, 0 to 1 (all when absent). */
  rate?: number;
}

/** A rule as kept: with what is left of its count and how many requests it hit. */
export interface ActiveRule extends FaultRule {
  remaining: number | null;
  hits: number;
}

export interface Faults {
  middleware: MiddlewareHandler;
  /** Replaces every rule. Throws a `FaultRuleError` naming the field of a bad rule. */
  set(rules: FaultRule[]): void;
  add(rule: FaultRule): void;
  clear(): void;
  list(): ActiveRule[];
  /** Mounts GET/POST/DELETE `/sandbox/faults` on the simulator's app. */
  routes(app: { get: Function; post: Function; delete: Function }): void;
  /** Releases held connections (the simulator is closing). */
  close(): void;
}

export class FaultRuleError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

const MAX_MS = 10 * 60_000;

/** Checks one rule from an untrusted source (the HTTP control route). */
export function parseFaultRule(value: unknown, at = 'rules[0]'): FaultRule {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new FaultRuleError(at, `${at} must be an object.`);
  const input = value as Record<string, unknown>;
  const known = new Set(['kind', 'ms', 'status', 'method', 'path', 'count', 'rate']);
  const unknown = Object.keys(input).find((key) => !known.has(key));
  if (unknown) throw new FaultRuleError(`${at}.${unknown}`, `${at}.${unknown} is not a fault rule field.`);
  if (!FAULT_KINDS.includes(input.kind as FaultKind)) {
    throw new FaultRuleError(`${at}.kind`, `${at}.kind must be one of ${FAULT_KINDS.join(', ')}.`);
  }
  const rule: FaultRule = { kind: input.kind as FaultKind };
  if (input.ms !== undefined) {
    if (!Number.isInteger(input.ms) || (input.ms as number) < 0 || (input.ms as number) > MAX_MS) {
      throw new FaultRuleError(`${at}.ms`, `${at}.ms must be an integer from 0 to ${MAX_MS}.`);
    }
    rule.ms = input.ms as number;
  }
  if (input.status !== undefined) {
    if (!FAULT_STATUSES.includes(input.status as 500)) throw new FaultRuleError(`${at}.status`, `${at}.status must be one of ${FAULT_STATUSES.join(', ')}.`);
    rule.status = input.status as 500;
  }
  for (const key of ['method', 'path'] as const) {
    if (input[key] === undefined) continue;
    if (typeof input[key] !== 'string' || !input[key] || (input[key] as string).length > 200) {
      throw new FaultRuleError(`${at}.${key}`, `${at}.${key} must be a non-empty string of at most 200 characters.`);
    }
    rule[key] = key === 'method' ? (input[key] as string).toUpperCase() : (input[key] as string);
  }
  if (input.count !== undefined) {
    if (!Number.isInteger(input.count) || (input.count as number) < 1) throw new FaultRuleError(`${at}.count`, `${at}.count must be a positive integer.`);
    rule.count = input.count as number;
  }
  if (input.rate !== undefined) {
    if (typeof input.rate !== 'number' || !(input.rate >= 0 && input.rate <= 1)) throw new FaultRuleError(`${at}.rate`, `${at}.rate must be a number from 0 to 1.`);
    rule.rate = input.rate;
  }
  return rule;
}

export interface FaultOptions {
  /** The simulator's public base URL: its path is the mount point stripped from request paths. */
  publicUrl: string;
  /** The simulator's own error body for an `error` fault (each provider has its shape). */
  errorBody(status: number): unknown;
  random?: () => number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createFaults(options: FaultOptions): Faults {
  const mount = new URL(options.publicUrl).pathname.replace(/\/$/, '');
  const random = options.random ?? Math.random;
  let rules: ActiveRule[] = [];
  const held = new Set<() => void>();

  const keep = (rule: FaultRule): ActiveRule => ({ ...parseFaultRule(rule), remaining: rule.count ?? null, hits: 0 });
  const relative = (path: string) => (mount && path.startsWith(mount) ? path.slice(mount.length) || '/' : path);
  const matches = (rule: ActiveRule, method: string, path: string) =>
    (!rule.method || rule.method === method) &&
    (!rule.path || (rule.path.endsWith('*') ? path.startsWith(rule.path.slice(0, -1)) : path === rule.path)) &&
    rule.remaining !== 0;

  /** The connection under this request (with @hono/node-server), if there is one. */
  const socketOf = (c: Context): Socket | undefined => (c.env as { incoming?: { socket?: Socket } } | undefined)?.incoming?.socket;

  /** Closes the connection without an answer; without a socket (app.request in a test) a network-like error. */
  const cut = (c: Context): Response => {
    const socket = socketOf(c);
    if (!socket) throw new Error('fault injection: the connection was dropped (no socket to close outside a real server)');
    socket.destroy();
    // Nothing can be written any more; @hono/node-server discards what follows.
    return new Response(null, { status: 500 });
  };

  const hold = (c: Context, ms: number) =>
    new Promise<void>((resolve) => {
      const socket = socketOf(c);
      const done = () => {
        clearTimeout(timer);
        socket?.off('close', done);
        held.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      socket?.once('close', done);
      held.add(done);
    });

  const middleware: MiddlewareHandler = async (c, next) => {
    const path = relative(c.req.path);
    if (path.startsWith('/sandbox/') || rules.length === 0) return next();
    const method = c.req.method.toUpperCase();
    // The first matching rule whose dice (if any) say yes; one that says no passes to the next.
    let rule: ActiveRule | undefined;
    for (const candidate of rules) {
      if (!matches(candidate, method, path)) continue;
      if (candidate.remaining !== null) candidate.remaining--;
      if (candidate.rate !== undefined && random() >= candidate.rate) continue;
      rule = candidate;
      break;
    }
    if (!rule) return next();
    rule.hits++;
    switch (rule.kind) {
      case 'delay':
        await sleep(rule.ms ?? 1000);
        return next();
      case 'timeout':
        await hold(c, rule.ms ?? 120_000);
        return cut(c);
      case 'error': {
        const status = rule.status ?? 500;
        return c.json(options.errorBody(status) as object, status);
      }
      case 'reset':
        return cut(c);
      case 'drop':
        if (rule.ms) await sleep(rule.ms);
        await next();
        // The provider has done the work (and kept it); only the answer is lost.
        c.res = cut(c);
        return;
    }
  };

  const faults: Faults = {
    middleware,
    set(next) {
      rules = next.map(keep);
    },
    add(rule) {
      rules.push(keep(rule));
    },
    clear() {
      rules = [];
    },
    list: () => rules.map((rule) => ({ ...rule })),
    routes(app) {
      app.get('/sandbox/faults', (c: Context) => c.json({ rules: faults.list() }));
      app.delete('/sandbox/faults', (c: Context) => {
        faults.clear();
        return c.json({ rules: [] });
      });
      app.post('/sandbox/faults', async (c: Context) => {
        let body: unknown;
        try {
          body = await c.req.json();
        } catch {
          return c.json({ error: { field: 'body', message: 'The body must be JSON: { "rules": [ … ] }.' } }, 400);
        }
        const list = (body as { rules?: unknown } | null)?.rules;
        if (!Array.isArray(list) || list.length > 50) {
          return c.json({ error: { field: 'rules', message: 'rules must be an array of at most 50 fault rules.' } }, 400);
        }
        try {
          faults.set(list.map((rule, index) => parseFaultRule(rule, `rules[${index}]`)));
        } catch (error) {
          if (error instanceof FaultRuleError) return c.json({ error: { field: error.field, message: error.message } }, 400);
          throw error;
        }
        return c.json({ rules: faults.list() });
      });
    },
    close() {
      rules = [];
      for (const release of [...held]) release();
    },
  };
  return faults;
}
