/** A handful of assertions with readable failure messages (no chai in this project). */

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, null, 1) ?? String(value));

function fail(message: string | undefined, detail: string): never {
  throw new Error(message ? `${message}: ${detail}` : detail);
}

export function ok(value: unknown, message?: string): asserts value {
  if (!value) fail(message, `expected a truthy value, got ${show(value)}`);
}

export function equal<T>(actual: T, expected: T, message?: string): void {
  if (!Object.is(actual, expected)) fail(message, `expected ${show(expected)}, got ${show(actual)}`);
}

export function notEqual<T>(actual: T, unexpected: T, message?: string): void {
  if (Object.is(actual, unexpected)) fail(message, `did not expect ${show(actual)}`);
}

/** Structural equality of JSON-like values (key order does not matter). */
export function deepEqual(actual: unknown, expected: unknown, message?: string): void {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, canonical(v)]))
        : value;
  const a = JSON.stringify(canonical(actual));
  const b = JSON.stringify(canonical(expected));
  if (a !== b) fail(message, `expected ${b}, got ${a}`);
}

export function match(actual: string | null | undefined, pattern: RegExp, message?: string): void {
  if (actual == null || !pattern.test(actual)) fail(message, `expected ${show(actual)} to match ${pattern}`);
}
