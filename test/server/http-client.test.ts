import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpFetch } from '../../server/http-client.ts';

// A real server on loopback: what the provider adapters, the export and the webhooks talk to.
let server: http.Server;
let base = '';
before(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (request.url === '/empty') {
        response.writeHead(204).end();
        return;
      }
      if (request.url === '/not-json') {
        response.writeHead(502, 'Bad Gateway', { 'Content-Type': 'text/html' }).end('<h1>upstream</h1>');
        return;
      }
      response.setHeader('Set-Cookie', ['a=1', 'b=2']);
      response.writeHead(201, 'Created', { 'Content-Type': 'application/json', 'Retry-After': '7' });
      response.end(JSON.stringify({ method: request.method, body, auth: request.headers.authorization ?? null, length: request.headers['content-length'] ?? null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('httpFetch answers as fetch does', () => {
  it('sends the method, headers and body, and reads status, headers and JSON', async () => {
    const response = await httpFetch(`${base}/x`, { method: 'POST', headers: { Authorization: 'Bearer k' }, body: '{"a":"é"}' });
    assert.ok(response instanceof Response);
    assert.equal(response.status, 201);
    assert.equal(response.statusText, 'Created');
    assert.equal(response.ok, true);
    assert.equal(response.headers.get('retry-after'), '7');
    assert.deepEqual(response.headers.getSetCookie(), ['a=1', 'b=2']);
    assert.equal(response.bodyUsed, false);
    assert.deepEqual(await response.json(), { method: 'POST', body: '{"a":"é"}', auth: 'Bearer k', length: String(Buffer.byteLength('{"a":"é"}')) });
    assert.equal(response.bodyUsed, true);
  });

  it('lets a body be read once, as a Response does', async () => {
    const response = await httpFetch(`${base}/x`);
    const text = await response.text();
    assert.match(text, /"method":"GET"/);
    await assert.rejects(response.text(), TypeError);
    await assert.rejects(response.json(), TypeError);
    assert.throws(() => response.clone(), TypeError);
  });

  it('reads bytes, a clone, and a stream over the same bytes', async () => {
    const first = await httpFetch(`${base}/x`);
    const copy = first.clone();
    const bytes = new Uint8Array(await first.arrayBuffer());
    assert.equal(new TextDecoder().decode(bytes), await copy.text());

    const streamed = await httpFetch(`${base}/x`);
    const reader = streamed.body!.getReader();
    const parts: Uint8Array[] = [];
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) parts.push(chunk.value);
    assert.match(Buffer.concat(parts).toString('utf8'), /"method":"GET"/);
    assert.equal(streamed.bodyUsed, true);
    await assert.rejects(streamed.text(), TypeError);
  });

  it('rejects json() on a body that is not JSON, and has no body for a 204', async () => {
    const bad = await httpFetch(`${base}/not-json`);
    assert.equal(bad.status, 502);
    assert.equal(bad.ok, false);
    await assert.rejects(bad.json(), SyntaxError);
    const empty = await httpFetch(`${base}/empty`, { method: 'DELETE' });
    assert.equal(empty.status, 204);
    assert.equal(empty.body, null);
    assert.equal(await empty.text(), '');
  });

  it('rejects a refused connection with fetch\'s TypeError and the system error as its cause', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(httpFetch(`http://127.0.0.1:${port}/`), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.equal(error.message, 'fetch failed');
      assert.equal((error.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
      return true;
    });
  });

  it('rejects with the signal\'s reason when it aborts', async () => {
    await assert.rejects(httpFetch(`${base}/x`, { signal: AbortSignal.abort(new Error('stop')) }), /stop/);
  });
});
