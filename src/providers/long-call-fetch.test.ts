import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLongCallFetch } from './long-call-fetch.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  server = undefined;
});

/** Answers after `delayMs`, sending nothing before that, like a non-streaming model call. */
async function slowServer(delayMs: number): Promise<string> {
  server = createServer((_request, response) => {
    setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), delayMs);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('createLongCallFetch', () => {
  // Real time: undici's own timers (about 1 s resolution) and a real socket, which no fake clock drives.
  it('is bound by its header limit: a short one fails a slow answer, the default (none) waits for it', async () => {
    const url = await slowServer(2500);
    await expect(createLongCallFetch({ headersTimeoutMs: 100 })(url, { method: 'POST', body: '{}' })).rejects.toThrow('fetch failed');
    const response = await createLongCallFetch()(url, { method: 'POST', body: '{}' });
    expect(await response.json()).toEqual({ ok: true });
  });

  it('honours the caller’s AbortSignal', async () => {
    const url = await slowServer(5000);
    const controller = new AbortController();
    const pending = createLongCallFetch()(url, { method: 'POST', body: '{}', signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow();
  });
});
