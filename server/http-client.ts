/**
 * `httpFetch`: the part of `fetch` Paykit's outgoing calls use (provider APIs, Pagos, merchant
 * webhooks, the simulators' webhooks), on `node:http` / `node:https` with keep-alive connections.
 *
 * Why not the global `fetch`: on Node 20 it cost about 250 µs of CPU per request more than this
 * (measured here: 4000 small JSON POSTs on loopback, 319 against 62 µs of CPU per request,
 * client and server together), and a payment makes four such calls (the charge, the provider's webhook, two Pagos
 * exports): under sustained load on two cores that was a fifth of a core at 200 payments/s.
 *
 * What it keeps of `fetch`, so callers and their tests see no difference:
 * - the answer is a `Response` (status, headers, `text()` / `json()` / `arrayBuffer()`, `body`,
 *   `bodyUsed`), a subclass that keeps the bytes it read and builds no stream or `Headers` unless
 *   asked: the standard one turned every answer into a web stream and read it back, a tenth of
 *   the provider simulators' and the outbox worker's CPU under load;
 * - a network failure rejects with `TypeError('fetch failed')` whose `cause` is the system error
 *   (`cause.code`: ECONNREFUSED, ENOTFOUND, ECONNRESET…), which tells "never sent" from "in
 *   doubt" (providers/types.ts);
 * - `init.signal` aborts the request and rejects with the signal's reason (a `TimeoutError`
 *   from `AbortSignal.timeout`).
 * What it leaves out: redirects are not followed (no API Paykit calls answers with one; the 3xx
 * comes back as it is), and bodies are strings or bytes.
 */
import http from 'node:http';
import https from 'node:https';

// `timeout` makes the agent close an idle connection itself after 4 s, or 1 s before the server
// says it will (its `Keep-Alive: timeout=` hint; Node's agent heeds the hint only when a timeout
// is set). Otherwise a request could go out on a connection the server is closing that very
// moment: a reset, and a charge in doubt although the provider never saw it. (Only idle
// connections are closed: a request waiting on a slow answer is not.)
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 4000 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256, timeout: 4000 }),
};

function headerRecord(headers: HeadersInit | undefined): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  return { ...(headers as Record<string, string>) };
}

function bodyBytes(body: BodyInit | null | undefined): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('httpFetch: the body must be a string, URLSearchParams or bytes');
}

/** Statuses whose `Response` may not have a body. */
const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * A `Response` whose body is already in memory: `text()`, `json()` and `arrayBuffer()` read the
 * bytes directly (once, as a `Response` allows), and the headers become a `Headers` only when
 * `headers` is read. Once `body` (a stream) is asked for, a standard `Response` over the same
 * bytes takes over, with its own rules for streams.
 */
class BufferedResponse extends Response {
  #bytes: Buffer | null;
  #used = false;
  #raw: http.IncomingHttpHeaders;
  #headers: Headers | null = null;
  #standard: Response | null = null;

  constructor(bytes: Buffer | null, status: number, statusText: string, raw: http.IncomingHttpHeaders) {
    super(null, { status, statusText });
    this.#bytes = bytes;
    this.#raw = raw;
  }

  override get headers(): Headers {
    if (!this.#headers) {
      const headers = new Headers();
      for (const [name, value] of Object.entries(this.#raw)) {
        if (Array.isArray(value)) for (const item of value) headers.append(name, item);
        else if (value !== undefined) headers.set(name, value);
      }
      this.#headers = headers;
    }
    return this.#headers;
  }

  /** The standard `Response` over the bytes, from the first time `body` is read. */
  #stream(): Response {
    if (!this.#standard) {
      if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
      this.#standard = new Response(this.#bytes === null ? null : new Uint8Array(this.#bytes), { status: this.status, statusText: this.statusText, headers: this.headers });
    }
    return this.#standard;
  }

  override get body(): Response['body'] {
    return this.#bytes === null ? null : this.#stream().body;
  }

  override get bodyUsed(): boolean {
    return this.#standard ? this.#standard.bodyUsed : this.#used;
  }

  #take(): Buffer {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes ?? Buffer.alloc(0);
  }

  override async text(): Promise<string> {
    return this.#standard ? this.#standard.text() : this.#take().toString('utf8');
  }

  override async json(): Promise<any> {
    return this.#standard ? this.#standard.json() : JSON.parse(this.#take().toString('utf8'));
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#standard) return this.#standard.arrayBuffer();
    const bytes = this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  override async blob(): Promise<Blob> {
    return this.#stream().blob();
  }

  override async formData(): Promise<FormData> {
    return this.#stream().formData();
  }

  override clone(): Response {
    if (this.#standard) return this.#standard.clone();
    if (this.#used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new BufferedResponse(this.#bytes, this.status, this.statusText, this.#raw);
  }
}

export const httpFetch: typeof fetch = (input, init = {}) =>
  new Promise<Response>((resolve, reject) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const module = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null;
    if (!module) return reject(new TypeError(`httpFetch: unsupported protocol ${url.protocol}`));
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return reject(signal.reason);
    const body = bodyBytes(init.body);
    const headers = headerRecord(init.headers);
    if (body) headers['content-length'] ??= String(body.length);

    const request = module.request(url, { method: init.method ?? 'GET', headers, agent: agents[url.protocol as 'http:' | 'https:'] }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => fail(new TypeError('fetch failed', { cause: error })));
      response.on('end', () => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        const status = response.statusCode ?? 0;
        try {
          resolve(new BufferedResponse(NO_BODY.has(status) ? null : Buffer.concat(chunks), status, response.statusMessage ?? '', response.headers));
        } catch (error) {
          reject(new TypeError('fetch failed', { cause: error }));
        }
      });
    });
    let settled = false;
    function fail(error: unknown) {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    }
    function onAbort() {
      fail(signal!.reason);
      request.destroy();
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => fail(new TypeError('fetch failed', { cause: error })));
    request.end(body);
  });
