import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createSocketServer, type AddressInfo, type Server as SocketServer } from 'node:net';
import type { Clock } from '../clock/clock.js';
import { abortReason } from '../core/abort.js';
import { noRedaction } from '../core/redact.js';
import type { KeyEvent } from '../keys/call-with-key.js';
import type { KeySource } from '../keys/key-lease.js';
import type { SecretRedactor } from '../keys/redact.js';
import type { FetchFunction } from './http-stack.js';
import { forwardRequest, sendProxyError, type ForwardContext } from './key-leasing-proxy-forward.js';
import { presentedKey, type ProxyProtocol } from './key-leasing-proxy-protocol.js';

export type { ProxyProtocol } from './key-leasing-proxy-protocol.js';

/** Above the providers' own request limits (Anthropic's is 32 MB): a larger body is no API call. */
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

export interface KeyLeasingProxyOptions {
  /** The API the agent speaks: where its key travels (`x-api-key` or `authorization: Bearer`) and how errors look. */
  protocol: ProxyProtocol;
  /** The API root the agent's paths are appended to: `https://api.anthropic.com`, `https://api.openai.com/v1`. */
  upstream: string;
  /** The provider's shared pool: the agent's requests lease from it like every other call of the run. */
  pool: KeySource;
  /** The run's HTTP stack (createHttpStack), so proxies and certificates apply to agent traffic too. */
  fetch: FetchFunction;
  /** Wall-clock now, for `retry-after` HTTP dates. */
  clock: Clock;
  /** Stops the proxy's work (Ctrl+C): requests waiting or in flight end, their leases are returned. */
  signal: AbortSignal;
  /** The run's redactor: lldflow's messages and passed-through error bodies go through its known keys. Default: none. */
  redactor?: SecretRedactor;
  /** Rate limits, keys set aside and waits for a key, as callWithKey reports them. */
  onEvent?: (event: KeyEvent) => void;
  /** The pool refused a request (every key set aside, none free in time): the error the agent was answered with. */
  onRefused?: (error: unknown) => void;
  /** The item whose agent this is: its leases name it in the run's key activity. */
  itemId?: string;
}

/** Where the agent's SDK is pointed, and the stand-in key it is given instead of a real one. */
export interface KeyLeasingProxyAddress {
  /** `http://127.0.0.1:<port>`: the upstream's paths are served under it unchanged. */
  baseUrl: string;
  /** A random token valid for this proxy only: it leases keys, but is worth nothing anywhere else. */
  credential: string;
  /** The Unix socket it also listens on, when asked to (a sandbox without a network reaches it there). */
  socketPath?: string;
}

/**
 * A loopback HTTP proxy for a coding agent's model traffic: the agent process runs model-written
 * commands, so it never holds a real key. It is given `credential` as its API key and `baseUrl` as its
 * API root; each request it makes is buffered, leases a key from the pool (per-key concurrency, pacing,
 * cool-downs, set-aside keys: the same rules as lldflow's own calls) and goes to the upstream with the
 * leased key. 429s and rejected keys move the request to another key without the agent seeing them;
 * every other answer reaches it as the upstream sent it, streamed. Requests without the credential get
 * 401 and go nowhere.
 */
export class KeyLeasingProxy {
  private readonly server: Server;
  private socketServer: SocketServer | undefined;
  private readonly context: ForwardContext;
  private readonly credential = `lldflow-${randomBytes(32).toString('base64url')}`;
  /** Every request being handled, so close() can end them and wait until their leases are back. */
  private readonly handling = new Map<Promise<void>, AbortController>();

  constructor(private readonly options: KeyLeasingProxyOptions) {
    const upstream = new URL(options.upstream);
    if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') {
      throw new RangeError(`upstream must be an http:// or https:// URL, received ${options.upstream}`);
    }
    this.context = {
      protocol: options.protocol,
      upstream: options.upstream.replace(/\/+$/, ''),
      pool: options.pool,
      fetch: options.fetch,
      clock: options.clock,
      redact: options.redactor?.redactKnownSecrets ?? noRedaction,
      onEvent: options.onEvent,
      onRefused: options.onRefused,
      itemId: options.itemId,
    };
    this.server = createServer((request, response) => this.track(request, response));
  }

  /**
   * Listens on 127.0.0.1 on a free port (nothing off this machine can reach it) and, with `socketPath`,
   * on that Unix socket too: the same requests, for a sandboxed agent that has no network of its own.
   */
  async start(options: { socketPath?: string } = {}): Promise<KeyLeasingProxyAddress> {
    await listen(this.server, (server, done) => server.listen(0, '127.0.0.1', done));
    const { port } = this.server.address() as AddressInfo;
    const address: KeyLeasingProxyAddress = { baseUrl: `http://127.0.0.1:${port}`, credential: this.credential };
    if (options.socketPath === undefined) return address;
    const socketServer = createSocketServer((socket) => this.server.emit('connection', socket));
    this.socketServer = socketServer;
    const { socketPath } = options;
    await listen(socketServer, (server, done) => server.listen(socketPath, done));
    return { ...address, socketPath };
  }

  /** Stops listening, ends every open connection and request, and resolves once every lease is returned. */
  async close(): Promise<void> {
    for (const controller of this.handling.values()) controller.abort(new Error('the key-leasing proxy closed'));
    this.server.closeAllConnections();
    const socketServer = this.socketServer;
    await Promise.all([
      new Promise<void>((resolve) => this.server.close(() => resolve())),
      ...(socketServer ? [new Promise<void>((resolve) => socketServer.close(() => resolve()))] : []),
      ...this.handling.keys(),
    ]);
  }

  private track(request: IncomingMessage, response: ServerResponse): void {
    const controller = new AbortController();
    const { signal: stop } = this.options;
    const onStop = (): void => controller.abort(abortReason(stop));
    if (stop.aborted) onStop();
    else stop.addEventListener('abort', onStop, { once: true });
    // The agent hanging up ends the request upstream too; `close` after a finished answer changes nothing.
    response.on('close', () => controller.abort(new Error('the agent hung up')));
    const handled = this.handle(request, response, controller.signal).catch(() => {
      response.destroy();
    });
    this.handling.set(handled, controller);
    void handled.finally(() => {
      stop.removeEventListener('abort', onStop);
      this.handling.delete(handled);
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse, signal: AbortSignal): Promise<void> {
    const path = request.url ?? '';
    if (!this.holdsCredential(request)) {
      request.resume();
      const where = this.options.protocol === 'anthropic' ? 'x-api-key' : 'authorization: Bearer';
      sendProxyError(this.context, response, 401, 'missing-credential', `lldflow's key-leasing proxy needs its credential in ${where}`);
      return;
    }
    // Origin-form only: an absolute URL would send the leased key to another host.
    if (!path.startsWith('/') || new URL(`${this.context.upstream}${path}`).origin !== new URL(this.context.upstream).origin) {
      request.resume();
      sendProxyError(this.context, response, 400, 'bad-request', 'lldflow forwards only paths of its upstream API');
      return;
    }
    const body = await readBody(request, MAX_REQUEST_BYTES);
    if (body === undefined) {
      sendProxyError(this.context, response, 413, 'too-large', `request body above ${MAX_REQUEST_BYTES} bytes`);
      return;
    }
    await forwardRequest(this.context, { method: request.method ?? 'GET', path, headers: request.headers, body }, response, signal);
  }

  private holdsCredential(request: IncomingMessage): boolean {
    const presented = presentedKey(this.options.protocol, request.headers);
    if (presented === undefined) return false;
    const expected = Buffer.from(this.credential);
    const given = Buffer.from(presented);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

function listen<T extends Server | SocketServer>(server: T, start: (server: T, done: () => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    start(server, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The whole body, or undefined when it passes `limit` bytes (the rest is read and dropped, so the answer can still be sent). */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}
