/**
 * The soak's HTTP/1.1 client: JSON POSTs over keep-alive sockets, with nothing else. The load
 * generator shares the two cores with what it measures, and Node's `http` client (request and
 * response objects, streams, the agent's bookkeeping) cost it about 1 ms of CPU per payment, a
 * sixth of a core at 200 payments/s that the server, PostgreSQL and the simulators then did not
 * have. This one writes each request as one buffer and reads the answer by its Content-Length
 * (or chunks); a socket goes back to its origin's idle list when its answer is complete and is
 * closed after 2 s idle, well before the server's keep-alive timeout (5 s in Node) can close it
 * under a request.
 */
import net from 'node:net';

export interface Answer {
  status: number;
  json: unknown;
}

const IDLE_MS = 2000;
const HEADER_END = Buffer.from('\r\n\r\n');

interface Waiting {
  resolve(answer: Answer): void;
  reject(error: Error): void;
}

class Connection {
  readonly socket: net.Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #waiting: Waiting | null = null;
  #idleTimer: NodeJS.Timeout | null = null;
  closed = false;

  constructor(host: string, port: number, private readonly pool: Pool) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.#read(chunk));
    const close = (error?: Error) => {
      this.closed = true;
      this.pool.forget(this);
      if (this.#idleTimer) clearTimeout(this.#idleTimer);
      const waiting = this.#waiting;
      this.#waiting = null;
      waiting?.reject(error ?? Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    };
    this.socket.on('error', (error) => close(error));
    this.socket.on('close', () => close());
  }

  /**
   * Closed after idling: out of the pool at once. ('close' comes a tick after destroy(), and a
   * payment started by a timer in the same turn took the destroyed socket off the idle list: the
   * 'socket hang up' that 10-minute runs at 200/s met once each.)
   */
  #retire(): void {
    this.closed = true;
    this.pool.forget(this);
    this.socket.destroy();
  }

  send(request: Buffer, waiting: Waiting): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    this.#waiting = waiting;
    this.#buffer = Buffer.alloc(0);
    this.socket.write(request);
  }

  #read(chunk: Buffer): void {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    const waiting = this.#waiting;
    if (!waiting) return;
    const end = this.#buffer.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.#buffer.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(head[0]!.split(' ')[1]);
    let length: number | null = null;
    let chunked = false;
    let close = false;
    for (let i = 1; i < head.length; i++) {
      const line = head[i]!;
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
      else if (name === 'connection') close = value.toLowerCase() === 'close';
    }
    const bodyStart = end + HEADER_END.length;
    let body: Buffer;
    if (length !== null) {
      if (this.#buffer.length < bodyStart + length) return;
      body = this.#buffer.subarray(bodyStart, bodyStart + length);
    } else if (chunked) {
      const parts: Buffer[] = [];
      let at = bodyStart;
      for (;;) {
        const lineEnd = this.#buffer.indexOf('\r\n', at);
        if (lineEnd < 0) return;
        const size = parseInt(this.#buffer.subarray(at, lineEnd).toString('latin1'), 16);
        if (this.#buffer.length < lineEnd + 2 + size + 2) return;
        if (size === 0) break;
        parts.push(this.#buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      this.socket.destroy();
      waiting.reject(new Error(`an answer (${status}) with neither Content-Length nor chunks`));
      return;
    }
    this.#waiting = null;
    this.#buffer = Buffer.alloc(0);
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (error) {
      this.socket.destroy();
      waiting.reject(error as Error);
      return;
    }
    if (close) this.socket.destroy();
    else {
      this.#idleTimer = setTimeout(() => this.#retire(), IDLE_MS);
      this.pool.release(this);
    }
    waiting.resolve({ status, json });
  }
}

class Pool {
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();
  readonly host: string;
  readonly port: number;

  constructor(origin: URL) {
    this.host = origin.hostname;
    this.port = Number(origin.port || 80);
  }

  take(): Connection {
    for (let connection = this.#idle.pop(); connection; connection = this.#idle.pop()) {
      if (!connection.closed && !connection.socket.destroyed) return connection;
    }
    const connection = new Connection(this.host, this.port, this);
    this.#all.add(connection);
    return connection;
  }

  release(connection: Connection): void {
    this.#idle.push(connection);
  }

  forget(connection: Connection): void {
    this.#all.delete(connection);
    const index = this.#idle.indexOf(connection);
    if (index >= 0) this.#idle.splice(index, 1);
  }

  close(): void {
    for (const connection of this.#all) connection.socket.destroy();
  }
}

const pools = new Map<string, Pool>();

/** POSTs a JSON body; the status and the parsed answer. A TimeoutError after `timeoutMs`. */
export function postJson(url: string, headers: Record<string, string>, body: string, timeoutMs = 30_000): Promise<Answer> {
  const target = new URL(url);
  let pool = pools.get(target.origin);
  if (!pool) pools.set(target.origin, (pool = new Pool(target)));
  const payload = Buffer.from(body);
  let head = `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  const request = Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), payload]);
  const connection = pool.take();
  return new Promise<Answer>((resolve, reject) => {
    const timer = setTimeout(() => {
      connection.socket.destroy();
      reject(Object.assign(new Error('timeout'), { name: 'TimeoutError' }));
    }, timeoutMs);
    connection.send(request, {
      resolve: (answer) => {
        clearTimeout(timer);
        resolve(answer);
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
  });
}

/** Closes every socket (the run is over). */
export function closeAll(): void {
  for (const pool of pools.values()) pool.close();
}
