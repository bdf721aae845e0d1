import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { listenOnLoopback } from './listen-on-loopback.js';
import { splitText, writeStream, type FakeStreamOptions, type StreamEvents } from './fake-stream.js';

/** What a fake provider is asked: the parsed JSON body and the key the client sent. */
export interface FakeRequest {
  body: unknown;
  apiKey: string | undefined;
  headers: IncomingHttpHeaders;
  path: string;
}

/** A successful answer. */
export interface FakeAnswer {
  text: string;
  model?: string;
  usage?: { inputTokens: number; outputTokens: number };
  /** Extra response headers (rate-limit headers, for example). */
  headers?: Record<string, string>;
  /** How the answer streams when the client asked for a stream (in the protocol's own events). */
  stream?: FakeStreamOptions;
  /** Tools the model calls after its text (Anthropic: `tool_use` blocks, and the stop reason `tool_use`). */
  toolUses?: ReadonlyArray<{ name: string; input: Record<string, unknown> }>;
}

/** How a fake provider answers one request. */
export type FakeReply =
  | FakeAnswer
  | {
      /** Any error status: 429 (with optional retry-after), 500, 503, 529, 401, 400, … */
      status: number;
      retryAfterSeconds?: number;
      retryAfterMs?: number;
      retryAfterDate?: Date;
      message?: string;
      /** Extra response headers (`x-should-retry`, rate-limit headers, …). */
      headers?: Record<string, string>;
      /** The whole JSON error body, instead of the protocol's default one built from `message`. */
      body?: unknown;
    }
  /** 200 with a body that is not JSON (an event whose data is not JSON, when a stream was asked for). */
  | { malformed: true }
  /** Never answers; the connection stays open until the client gives up or the server closes. */
  | { hang: true };

export type FakeResponder = (request: FakeRequest) => Promise<FakeReply> | FakeReply;

/** One request as the fake server saw it, so tests can count calls per key. */
export interface FakeRequestRecord {
  apiKey: string | undefined;
  path: string;
  body: unknown;
  /** Real time (Date.now()) the request arrived. */
  receivedAt: number;
  /** The client's port: which connection (a proxy's, for example) the request came over. */
  remotePort: number | undefined;
  /** 'answered' once a reply was written; 'client-closed' when the client hung up first. */
  outcome: 'pending' | 'answered' | 'client-closed';
}

export interface FakeServerOptions {
  respond: FakeResponder;
  /** Delay before each reply, in real milliseconds: it stands for the network and the model. */
  latencyMs?: number;
  /** Serve HTTPS with this key and certificate (PEM) instead of plain HTTP. */
  tls?: { key: string; cert: string };
}

/** How one protocol turns requests and replies into HTTP. */
export interface FakeProtocol {
  /** Whether this server handles the request path (for example POST /v1/messages). */
  matches(method: string, path: string): boolean;
  apiKeyOf(request: IncomingMessage, url: URL): string | undefined;
  successBody(reply: FakeAnswer, request: FakeRequest): unknown;
  errorBody(status: number, message: string): unknown;
  /** Whether the request asks for a streamed answer (`stream: true`, a streaming path). */
  wantsStream(request: FakeRequest): boolean;
  /** The server-sent events of a streamed answer whose text comes in these pieces. */
  streamEvents(reply: FakeAnswer, request: FakeRequest, pieces: string[]): StreamEvents;
  /** The event a real server sends when the answer fails after the stream began. */
  streamErrorEvent(): string;
  /** The path prefix the SDK's baseURL must carry (`/v1`, `/v1beta`). */
  basePath: string;
}

/**
 * A local HTTP server on 127.0.0.1 that speaks one provider protocol, for tests and the benchmark.
 * Real SDKs talk to it through their `baseURL`; `respond` decides each answer. A request that asks
 * for a stream gets the protocol's server-sent events; errors are plain JSON bodies with their status,
 * as real servers send them before any stream begins.
 */
export class FakeHttpServer {
  readonly requests: FakeRequestRecord[] = [];
  private readonly server: Server;
  private readonly openResponses = new Set<ServerResponse>();
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];
  private outcomeWaiters: Array<{ record: FakeRequestRecord; resolve: (outcome: FakeRequestRecord['outcome']) => void }> = [];
  private port = 0;

  constructor(
    private readonly protocol: FakeProtocol,
    private readonly options: FakeServerOptions,
  ) {
    const handler = (request: IncomingMessage, response: ServerResponse): void => void this.handle(request, response);
    this.server = options.tls ? createHttpsServer(options.tls, handler) : createServer(handler);
  }

  async start(): Promise<this> {
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  /** What to give the SDK as `baseURL`. */
  get baseUrl(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.port}${this.protocol.basePath}`;
  }

  /** Requests received per key (`undefined` counted under the empty string). */
  countsByKey(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const record of this.requests) counts.set(record.apiKey ?? '', (counts.get(record.apiKey ?? '') ?? 0) + 1);
    return counts;
  }

  /** Resolves once `count` requests have arrived in total. */
  waitForRequests(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Resolves once the request with this index has ended, answered or hung up on. */
  async waitForOutcome(index: number): Promise<FakeRequestRecord['outcome']> {
    await this.waitForRequests(index + 1);
    const record = this.requests[index]!;
    if (record.outcome !== 'pending') return record.outcome;
    return new Promise((resolve) => this.outcomeWaiters.push({ record, resolve }));
  }

  /** Stops listening and ends every open (also hung) connection. */
  async close(): Promise<void> {
    for (const response of this.openResponses) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const rawBody = await readBody(request);
    if (!this.protocol.matches(request.method ?? 'GET', url.pathname)) {
      sendJson(response, 404, this.protocol.errorBody(404, `no route for ${request.method ?? ''} ${url.pathname}`));
      return;
    }
    const record: FakeRequestRecord = {
      apiKey: this.protocol.apiKeyOf(request, url),
      path: url.pathname,
      body: parseJson(rawBody),
      receivedAt: Date.now(),
      remotePort: request.socket.remotePort,
      outcome: 'pending',
    };
    this.requests.push(record);
    this.openResponses.add(response);
    response.on('close', () => {
      this.openResponses.delete(response);
      if (record.outcome === 'pending') this.settle(record, response.writableFinished ? 'answered' : 'client-closed');
    });
    response.on('finish', () => {
      if (record.outcome === 'pending') this.settle(record, 'answered');
    });
    this.notifyWaiters();

    const fakeRequest: FakeRequest = { body: record.body, apiKey: record.apiKey, headers: request.headers, path: url.pathname };
    const reply = await this.options.respond(fakeRequest);
    if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
    if (response.destroyed || 'hang' in reply) return;
    if ('malformed' in reply) {
      const streamed = this.protocol.wantsStream(fakeRequest);
      response.writeHead(200, { 'content-type': streamed ? 'text/event-stream' : 'application/json' });
      response.end(streamed ? 'data: {"this is": not json\n\n' : '{"this is": not json');
    } else if ('text' in reply) {
      for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
      if (!this.protocol.wantsStream(fakeRequest)) {
        sendJson(response, 200, this.protocol.successBody(reply, fakeRequest));
        return;
      }
      const events = this.protocol.streamEvents(reply, fakeRequest, splitText(reply.text, reply.stream?.chunks));
      await writeStream(response, events, reply.stream ?? {}, () => this.protocol.streamErrorEvent());
    } else {
      response.setHeader('content-type', 'application/json');
      if (reply.retryAfterSeconds !== undefined) response.setHeader('retry-after', String(reply.retryAfterSeconds));
      if (reply.retryAfterMs !== undefined) response.setHeader('retry-after-ms', String(reply.retryAfterMs));
      if (reply.retryAfterDate !== undefined) response.setHeader('retry-after', reply.retryAfterDate.toUTCString());
      for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
      sendJson(response, reply.status, reply.body ?? this.protocol.errorBody(reply.status, reply.message ?? defaultMessage(reply.status)));
    }
  }

  private settle(record: FakeRequestRecord, outcome: FakeRequestRecord['outcome']): void {
    record.outcome = outcome;
    const due = this.outcomeWaiters.filter((waiter) => waiter.record === record);
    this.outcomeWaiters = this.outcomeWaiters.filter((waiter) => waiter.record !== record);
    for (const waiter of due) waiter.resolve(outcome);
  }

  private notifyWaiters(): void {
    for (const waiter of [...this.waiters]) {
      if (this.requests.length < waiter.count) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}

/** Rough token count for fake usage: four characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function defaultMessage(status: number): string {
  if (status === 429) return 'Rate limit reached, please retry later.';
  if (status === 401) return 'Invalid API key.';
  if (status >= 500) return 'The server had an error while processing your request.';
  return 'Bad request.';
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
