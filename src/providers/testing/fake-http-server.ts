import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a fake provider is asked: the parsed JSON body and the key the client sent. */
export interface FakeRequest {
  body: unknown;
  apiKey: string | undefined;
  headers: IncomingHttpHeaders;
  path: string;
}

/** How a fake provider answers one request. */
export type FakeReply =
  | {
      text: string;
      model?: string;
      usage?: { inputTokens: number; outputTokens: number };
      /** Extra response headers (rate-limit headers, for example). */
      headers?: Record<string, string>;
    }
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
  /** 200 with a body that is not JSON. */
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
  /** 'answered' once a reply was written; 'client-closed' when the client hung up first. */
  outcome: 'pending' | 'answered' | 'client-closed';
}

export interface FakeServerOptions {
  respond: FakeResponder;
  /** Delay before each reply, in real milliseconds: it stands for the network and the model. */
  latencyMs?: number;
}

/** How one protocol turns requests and replies into HTTP. */
export interface FakeProtocol {
  /** Whether this server handles the request path (for example POST /v1/messages). */
  matches(method: string, path: string): boolean;
  apiKeyOf(request: IncomingMessage, url: URL): string | undefined;
  successBody(
    reply: { text: string; model?: string; usage?: { inputTokens: number; outputTokens: number } },
    request: FakeRequest,
  ): unknown;
  errorBody(status: number, message: string): unknown;
  /** The path prefix the SDK's baseURL must carry (`/v1`, `/v1beta`). */
  basePath: string;
}

/**
 * A local HTTP server on 127.0.0.1 that speaks one provider protocol, for tests and the benchmark.
 * Real SDKs talk to it through their `baseURL`; `respond` decides each answer.
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
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** What to give the SDK as `baseURL`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}${this.protocol.basePath}`;
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
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"this is": not json');
    } else if ('text' in reply) {
      for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
      sendJson(response, 200, this.protocol.successBody(reply, fakeRequest));
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
