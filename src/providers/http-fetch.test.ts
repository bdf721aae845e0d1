import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpFetch } from './http-fetch.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  server = undefined;
});

interface Seen {
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
  remotePort: number | undefined;
}

/** A local server that records what it got and answers through `handle`. */
async function serve(
  handle: (request: IncomingMessage, response: ServerResponse, seen: Seen) => void,
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const record = {
        method: request.method ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        remotePort: request.socket.remotePort,
      };
      seen.push(record);
      handle(request, response, record);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat`, seen };
}

describe('createHttpFetch', () => {
  it('sends method, headers and body and returns a standard Response with status, headers and body', async () => {
    const { url, seen } = await serve((_request, response) => {
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      response.writeHead(201, { 'content-type': 'application/json', 'retry-after': '7' }).end('{"ok":true}');
    });
    const response = await createHttpFetch()(url, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
      body: '{"q":1}',
    });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(201);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ ok: true });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      body: '{"q":1}',
      headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
    });
  });

  it('asks for a compressed answer and hands over the decoded body, as fetch does', async () => {
    const { url, seen } = await serve((request, response) => {
      const json = JSON.stringify({ choices: [{ message: { content: 'x'.repeat(2000) } }] });
      const brotli = request.method === 'PUT';
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': brotli ? 'br' : 'gzip' });
      response.end(brotli ? brotliCompressSync(json) : gzipSync(json));
    });
    const fetch = createHttpFetch();
    for (const method of ['POST', 'PUT']) {
      const body = (await (await fetch(url, { method, body: '{}' })).json()) as { choices: Array<{ message: { content: string } }> };
      expect(body.choices[0]?.message.content).toHaveLength(2000);
    }
    expect(seen[0]?.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('accepts a Request object and a non-string body', async () => {
    const { url, seen } = await serve((_request, response) => response.end('done'));
    const response = await createHttpFetch()(new Request(url, { method: 'PUT', body: new URLSearchParams({ a: 'b' }) }));
    expect(await response.text()).toBe('done');
    expect(seen[0]).toMatchObject({ method: 'PUT', body: 'a=b' });
    expect(seen[0]?.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('keeps the connection alive: a request right after an answer reuses the same socket', async () => {
    const { url, seen } = await serve((_request, response) => response.end('{}'));
    const fetch = createHttpFetch();
    for (let index = 0; index < 3; index += 1) await (await fetch(url, { method: 'POST', body: '{}' })).text();
    expect(new Set(seen.map((record) => record.remotePort)).size).toBe(1);
  });

  it('closes a connection left idle past its time-out, but never cuts a call slower than that', async () => {
    // Real time on purpose: socket time-outs run on Node's own timers, which no fake clock drives; the
    // slow answer (300 ms) must outlast the idle time-out (100 ms) to show a call is never cut.
    const { url, seen } = await serve((request, response) => {
      if (request.method === 'PUT') setTimeout(() => response.end('{"slow":true}'), 300);
      else response.end('{}');
    });
    const closed: Array<number | undefined> = [];
    server?.on('connection', (socket: Socket) => {
      const port = socket.remotePort;
      socket.on('close', () => closed.push(port));
    });
    const fetch = createHttpFetch({ idleSocketTimeoutMs: 100 });
    expect(await (await fetch(url, { method: 'PUT', body: '{}' })).json()).toEqual({ slow: true });
    await (await fetch(url, { method: 'POST', body: '{}' })).text();
    // Waits for the client to close the idle connection (the server sees it go), not for a fixed time.
    await expect.poll(() => closed.includes(seen[1]?.remotePort), { timeout: 5_000 }).toBe(true);
    await (await fetch(url, { method: 'POST', body: '{}' })).text();
    const ports = seen.map((record) => record.remotePort);
    expect(ports[1]).toBe(ports[0]);
    expect(ports[2]).not.toBe(ports[1]);
  });

  it('gives a null body for 204 and for HEAD', async () => {
    const { url } = await serve((request, response) => {
      response.writeHead(request.method === 'HEAD' ? 200 : 204, { 'content-length': request.method === 'HEAD' ? '5' : '0' }).end();
    });
    const fetch = createHttpFetch();
    expect((await fetch(url, { method: 'DELETE' })).body).toBeNull();
    expect((await fetch(url, { method: 'HEAD' })).body).toBeNull();
  });

  it('rejects like fetch when nothing listens: TypeError "fetch failed" with the connection error as cause', async () => {
    const { url } = await serve(() => undefined);
    server?.close();
    const error: unknown = await createHttpFetch()(url, { method: 'POST', body: '{}' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect(((error as TypeError).cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('rejects when the connection drops in the middle of the body', async () => {
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('{"partial":');
      setImmediate(() => (response.socket as Socket).destroy());
    });
    await expect(createHttpFetch()(url, { method: 'POST', body: '{}' })).rejects.toThrow('fetch failed');
  });

  it('rejects with the signal reason when aborted while waiting, and closes the request', async () => {
    let closed = false;
    const { url, seen } = await serve((request) => request.socket.on('close', () => (closed = true)));
    const controller = new AbortController();
    const pending = createHttpFetch()(url, { method: 'POST', body: '{}', signal: controller.signal });
    await expect.poll(() => seen.length).toBe(1);
    const reason = new Error('item interrupted');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect.poll(() => closed).toBe(true);
  });

  it('does not send at all when the signal is already aborted', async () => {
    const { url, seen } = await serve((_request, response) => response.end('{}'));
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(createHttpFetch()(url, { method: 'POST', body: '{}', signal: controller.signal })).rejects.toThrow('too late');
    expect(seen).toHaveLength(0);
  });
});
