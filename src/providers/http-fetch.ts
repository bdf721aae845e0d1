import http from 'node:http';
import https from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { settleOnce } from '../cancellation/settle-once.js';
import { abortReason } from '../core/abort.js';
import type { FetchFunction } from './sdk-generate.js';

const IDLE_SOCKET_TIMEOUT_MS = 4_000;

/** Statuses whose response has no body by definition (a Response with one would throw). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The `fetch` the HTTP providers' SDKs are given: Node's own http/https client with kept-alive
 * connections, behind the standard fetch signature (real Headers and Response objects).
 *
 * Why not Node's built-in fetch (undici): its header time-out fails a long non-streaming model call,
 * which sends no header until the whole answer is written; here the per-call time-out of
 * PooledModelClient and the item's AbortSignal are what bound a call. (Node 20's fetch also ignores
 * HTTPS_PROXY, which this client does not handle yet either.)
 *
 * Redirects are not followed (model APIs do not redirect; a 3xx reaches the SDK as an HTTP error).
 * Network failures reject with `TypeError('fetch failed', { cause })`, as fetch does, so the SDKs
 * classify them the same way.
 */
export function createHttpFetch(options: { idleSocketTimeoutMs?: number } = {}): FetchFunction {
  // An idle kept-alive connection is closed after a few seconds, as undici does: a server or load
  // balancer drops idle connections on its own schedule, and a request written to one it just dropped
  // fails. Node's agent applies this time-out to free sockets only; a long call is never cut by it.
  // The most recently freed connection is reused first ('lifo'), the one least likely to be stale.
  const settings = { keepAlive: true, timeout: options.idleSocketTimeoutMs ?? IDLE_SOCKET_TIMEOUT_MS, scheduling: 'lifo' as const };
  const agents = { http: new http.Agent(settings), https: new https.Agent(settings) };
  return async (input, init) => {
    const request = await normalize(input, init);
    return send(request, request.url.protocol === 'https:' ? agents.https : agents.http);
  };
}

let shared: FetchFunction | undefined;

/** One process-wide instance, so every transport built without an explicit fetch shares connections. */
export function sharedHttpFetch(): FetchFunction {
  shared ??= createHttpFetch();
  return shared;
}

interface OutgoingRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  signal: AbortSignal | undefined;
}

async function normalize(input: Parameters<FetchFunction>[0], init: RequestInit | undefined): Promise<OutgoingRequest> {
  const body = init?.body;
  // The SDKs pass a URL string and a JSON string: that path builds no Request and reads no stream.
  if (!(input instanceof Request) && (body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array)) {
    const url = new URL(input instanceof URL ? input.href : input);
    return {
      url,
      method: (init?.method ?? 'GET').toUpperCase(),
      headers: headerRecord(new Headers(init?.headers)),
      body: body ?? undefined,
      signal: init?.signal ?? undefined,
    };
  }
  const request = new Request(input, init);
  const bytes = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
  return {
    url: new URL(request.url),
    method: request.method,
    headers: headerRecord(request.headers),
    body: bytes,
    signal: init?.signal ?? request.signal,
  };
}

function send(outgoing: OutgoingRequest, agent: http.Agent): Promise<Response> {
  const { signal } = outgoing;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (outgoing.url.protocol !== 'http:' && outgoing.url.protocol !== 'https:') {
    return Promise.reject(new TypeError(`fetch failed: unsupported protocol ${outgoing.url.protocol}`));
  }
  return new Promise<Response>((resolve, reject) => {
    const finish = settleOnce(signal, () => {
      finish(() => reject(abortReason(signal!)));
      request.destroy();
    });
    const fail = (error: unknown): void => finish(() => reject(new TypeError('fetch failed', { cause: error })));
    const client = outgoing.url.protocol === 'https:' ? https : http;
    const request = client.request(outgoing.url, { method: outgoing.method, headers: outgoing.headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        const bodyAllowed = outgoing.method !== 'HEAD' && !NULL_BODY_STATUSES.has(status);
        try {
          const reply = new Response(bodyAllowed ? decode(Buffer.concat(chunks), response.headers['content-encoding']) : null, {
            status,
            statusText: response.statusMessage ?? '',
            headers: responseHeaders(response.rawHeaders),
          });
          finish(() => resolve(reply));
        } catch (error) {
          fail(error);
        }
      });
      // A connection closed before the body ended is a failure, not a short body.
      response.on('close', () => {
        if (!response.complete) fail(Object.assign(new Error('the connection closed before the response ended'), { code: 'ECONNRESET' }));
      });
    });
    request.on('error', fail);
    request.end(outgoing.body);
  });
}

/** As fetch does: ask for a compressed answer unless the caller chose, and decode it (see decode). */
function headerRecord(headers: Headers): Record<string, string> {
  return { 'accept-encoding': 'gzip, deflate, br', ...Object.fromEntries(headers) };
}

function responseHeaders(rawHeaders: readonly string[]): Headers {
  const headers = new Headers();
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) headers.append(rawHeaders[index]!, rawHeaders[index + 1]!);
  return headers;
}

/**
 * The body without its content coding (gzip, deflate, br, or a list of them, applied in order), as
 * fetch hands it over. Synchronous: model answers are small, and a thread-pool round trip would cost
 * more than the decoding.
 */
function decode(body: Buffer, contentEncoding: string | undefined): Buffer {
  if (contentEncoding === undefined) return body;
  const codings = contentEncoding
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  let decoded = body;
  for (const coding of codings.reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') decoded = gunzipSync(decoded);
    else if (coding === 'deflate') decoded = inflateSync(decoded);
    else if (coding === 'br') decoded = brotliDecompressSync(decoded);
    else throw new Error(`unsupported content-encoding ${coding}`);
  }
  return decoded;
}
