import { once } from 'node:events';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Clock } from '../clock/clock.js';
import { abortReason } from '../core/abort.js';
import type { Redact } from '../core/redact.js';
import { endLeaseForKeyFailure, type KeyEvent } from '../keys/call-with-key.js';
import type { KeyLease, KeySource } from '../keys/key-lease.js';
import { classifyHttpFailure } from './http-failure.js';
import type { FetchFunction } from './http-stack.js';
import { errorBody, KEY_HEADERS, keyHeader, requestDemand, type ProxyErrorKind, type ProxyProtocol } from './key-leasing-proxy-protocol.js';
import { serverMessage } from './sdk-errors.js';

/** What forwarding needs of the proxy: the same for every request. */
export interface ForwardContext {
  protocol: ProxyProtocol;
  /** The API root without a trailing slash; the agent's path is appended to it. */
  upstream: string;
  pool: KeySource;
  fetch: FetchFunction;
  clock: Clock;
  /** The run's redactor (its configured keys only) or none. */
  redact: Redact;
  onEvent?: (event: KeyEvent) => void;
  onRefused?: ((error: unknown) => void) | undefined;
  /** The item whose agent sends the requests, named with each lease. */
  itemId?: string | undefined;
}

/** One request of the agent, its body read in full: a 429 or a rejected key sends it again. */
export interface AgentRequest {
  method: string;
  /** Origin-form: the path and query the agent asked for. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Hop-by-hop headers belong to one connection, not the request (RFC 9110 §7.6.1). `host` and the
 * length are the fetch's own; `accept-encoding` too, because fetch decodes what it asked for and the
 * agent must get bytes that match the headers it is sent.
 */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'host',
  'content-length',
  'accept-encoding',
  ...KEY_HEADERS,
]);

/** Fetch hands the body over decoded and unframed: its encoding and length no longer describe it. */
const NOT_RETURNED = new Set([...NOT_FORWARDED, 'content-encoding', 'content-length']);

/**
 * Sends the agent's request upstream on leased keys until it gets an answer the agent should see: a
 * 429 rests the key and a rejected or exhausted key is set aside, each moving the same request to the
 * next key the pool gives (the agent never sees those); anything else goes back as the upstream sent
 * it, a success streamed chunk by chunk. `signal` ends the wait and the request (the agent hung up,
 * or the run stops); every lease is returned whatever happens.
 */
export async function forwardRequest(
  context: ForwardContext,
  request: AgentRequest,
  response: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const { pool, onEvent } = context;
  const demand = { ...requestDemand(request.body), ...(context.itemId === undefined ? {} : { itemId: context.itemId }) };
  for (;;) {
    let lease: KeyLease;
    try {
      lease = await pool.acquire(signal, (info) => onEvent?.({ type: 'waiting-for-key', info }), demand);
    } catch (error) {
      // Every key set aside, none free in time, or the run stopping: retrying cannot help the agent.
      if (!signal.aborted) context.onRefused?.(error);
      sendProxyError(context, response, 503, 'unavailable', error instanceof Error ? error.message : String(error));
      return;
    }
    const answered = await attempt(context, request, response, signal, lease, demand.model);
    if (answered) return;
  }
}

/** One try on one key. Resolves false when the request must go to another key. */
async function attempt(
  context: ForwardContext,
  request: AgentRequest,
  response: ServerResponse,
  signal: AbortSignal,
  lease: KeyLease,
  model: string | undefined,
): Promise<boolean> {
  const { pool, onEvent } = context;
  const hideKey = (text: string): string => context.redact(lease.value === undefined ? text : text.split(lease.value).join(lease.name));
  let upstream: Response;
  try {
    upstream = await context.fetch(`${context.upstream}${request.path}`, {
      method: request.method,
      headers: forwardedHeaders(context.protocol, request.headers, lease.value),
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
      signal,
      // A redirect would carry the key to wherever it points; the agent decides about it instead.
      redirect: 'manual',
    });
  } catch (error) {
    lease.release(false);
    if (signal.aborted) {
      sendProxyError(context, response, 503, 'unavailable', abortReason(signal).message);
      return true;
    }
    const reason = error instanceof Error ? error.message : String(error);
    sendProxyError(context, response, 502, 'upstream-unreachable', hideKey(`lldflow could not reach ${pool.provider}: ${reason}`));
    return true;
  }
  const headers = Object.fromEntries(upstream.headers);
  lease.observeHeaders(headers);

  if (upstream.status >= 400) {
    let text: string;
    try {
      text = await upstream.text();
    } catch {
      lease.release(false);
      response.destroy();
      return true;
    }
    const failure = classifyHttpFailure(
      { status: upstream.status, detail: serverMessage(errorMessageOf(text)), headers, body: text },
      { label: `${pool.provider}:${model ?? 'unknown model'}`, nowMs: context.clock.now() },
      { cause: undefined },
    );
    if (endLeaseForKeyFailure(pool.provider, lease, failure, onEvent)) return false;
    lease.release(false);
    if (!response.destroyed) response.writeHead(upstream.status, returnedHeaders(headers, hideKey)).end(hideKey(text));
    return true;
  }

  await streamBack(upstream, response, signal, lease, hideKey);
  return true;
}

/** Relays the body as it arrives, so the agent sees the first events of a stream before its end. */
async function streamBack(
  upstream: Response,
  response: ServerResponse,
  signal: AbortSignal,
  lease: KeyLease,
  hideKey: Redact,
): Promise<void> {
  response.writeHead(upstream.status, returnedHeaders(Object.fromEntries(upstream.headers), hideKey));
  response.flushHeaders();
  try {
    if (upstream.body) {
      for await (const chunk of upstream.body) {
        if (!response.write(chunk)) await once(response, 'drain', { signal });
      }
    }
    response.end();
    lease.release(upstream.ok);
  } catch {
    lease.release(false);
    response.destroy();
  }
}

/** Answers with lldflow's own message in the provider's error format, unless the agent is gone. */
export function sendProxyError(
  context: Pick<ForwardContext, 'protocol' | 'redact'>,
  response: ServerResponse,
  status: number,
  kind: ProxyErrorKind,
  message: string,
): void {
  if (response.destroyed || response.headersSent) return;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  // Both SDKs honour it: a pool with no key to give will not have one on the SDK's next try either.
  if (kind === 'unavailable') headers['x-should-retry'] = 'false';
  response.writeHead(status, headers).end(JSON.stringify(errorBody(context.protocol, kind, context.redact(message))));
}

function forwardedHeaders(protocol: ProxyProtocol, incoming: IncomingHttpHeaders, key: string | undefined): Headers {
  const connectionScoped = new Set(
    String(incoming.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase()),
  );
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || NOT_FORWARDED.has(name) || connectionScoped.has(name)) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  if (key !== undefined) headers.set(...keyHeader(protocol, key));
  return headers;
}

function returnedHeaders(headers: Record<string, string>, hideKey: Redact): Record<string, string> {
  const returned: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!NOT_RETURNED.has(name)) returned[name] = hideKey(value);
  }
  return returned;
}

/** The provider's `error.message` (both protocols put it there), else the body itself. */
function errorMessageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } } | null;
    const message = parsed?.error?.message;
    return typeof message === 'string' ? message : text;
  } catch {
    return text;
  }
}
