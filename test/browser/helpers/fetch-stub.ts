/**
 * Replaces window.fetch for one test: answers the payment API calls from a script of responses
 * and records every call (method, URL, headers, parsed body) so tests can count and inspect them.
 */
export interface RecordedCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** `keepalive` was asked for (a request meant to outlive the page). */
  keepalive: boolean;
}

export type Responder = (call: RecordedCall) => Response | Promise<Response>;

export const jsonResponse = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

export interface FetchStub {
  calls: RecordedCall[];
  /** Calls whose URL ends with `suffix`. */
  callsTo(suffix: string): RecordedCall[];
  restore(): void;
}

export function stubFetch(respond: Responder): FetchStub {
  const original = window.fetch;
  const calls: RecordedCall[] = [];
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : null;
    const call = { method: init?.method ?? 'GET', url, headers, body, keepalive: init?.keepalive === true };
    calls.push(call);
    return respond(call);
  };
  return {
    calls,
    callsTo: (suffix) => calls.filter((call) => new URL(call.url, location.href).pathname.endsWith(suffix)),
    restore: () => {
      window.fetch = original;
    },
  };
}

/** A promise with its resolve function, to hold a response until the test lets it go. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
