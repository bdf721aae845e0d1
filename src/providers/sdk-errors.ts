import {
  APICallError,
  EmptyResponseBodyError,
  InvalidResponseDataError,
  JSONParseError,
  NoContentGeneratedError,
  RetryError,
  TypeValidationError,
} from 'ai';
import { abortReason } from '../core/abort.js';
import { parseRetryAfter } from '../keys/retry-after.js';
import { ModelCallError, RateLimitedError, TransientModelError } from '../model-call/errors.js';

export interface SdkErrorContext {
  /** `provider:model`, the start of every message. */
  label: string;
  /** The caller's signal: when it aborted, its reason is what the caller expects back. */
  signal: AbortSignal;
  /** Wall-clock now for `retry-after` HTTP dates (they are real dates, not the injected clock's). */
  nowMs: number;
}

/** Socket-level failures worth another attempt. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);
/** Node's fetch gave up waiting for the server (headers or body): retrying would wait just as long. */
export const FETCH_TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const MAX_SERVER_MESSAGE = 400;

/**
 * Turns whatever an AI SDK call threw into the transport contract: RateLimitedError (429),
 * TransientModelError (5xx, 529 overloaded, connection failures), ModelCallError otherwise, or the
 * caller's abort reason as is. Messages keep the server's words (a key it echoed too): the model
 * client redacts every error it throws with the run's redactor (src/keys/redact.ts).
 */
export function translateSdkError(error: unknown, context: SdkErrorContext): Error {
  if (context.signal.aborted) return abortReason(context.signal);
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  const fail = (reason: ConstructorParameters<typeof ModelCallError>[0], detail: string): ModelCallError =>
    new ModelCallError(reason, `${context.label}: ${detail}`, { cause });

  if (APICallError.isInstance(cause)) return fromApiCallError(cause, context);
  if (isAbortError(cause)) return fail('timeout', 'the request was aborted before the model answered');
  if (
    JSONParseError.isInstance(cause) ||
    TypeValidationError.isInstance(cause) ||
    InvalidResponseDataError.isInstance(cause) ||
    EmptyResponseBodyError.isInstance(cause) ||
    NoContentGeneratedError.isInstance(cause)
  ) {
    return fail('malformed-response', `the response could not be read (${errorMessage(cause)})`);
  }
  const code = networkCode(cause);
  if (code !== undefined && FETCH_TIMEOUT_CODES.has(code)) return fail('timeout', `the server did not answer in time (${code})`);
  if (code !== undefined) return new TransientModelError(`${context.label}: connection failed (${code})`, undefined, { cause });
  return fail('bad-request', `the call could not be made: ${errorMessage(cause)}`);
}

function fromApiCallError(error: APICallError, context: SdkErrorContext): Error {
  const status = error.statusCode;
  const detail = serverMessage(error.message);
  const options = { cause: error };

  if (status === undefined || (status >= 200 && status < 300)) {
    const message = (text: string): string => `${context.label}: ${text}`;
    if (isUnreadableBody(error))
      return new ModelCallError('malformed-response', message(`the response could not be read (${detail})`), options);
    const code = networkCode(error);
    if (code !== undefined && FETCH_TIMEOUT_CODES.has(code))
      return new ModelCallError('timeout', message(`the server did not answer in time (${code})`), options);
    return new TransientModelError(message(`connection failed (${code ?? detail})`), status, options);
  }
  return fromHttpStatus(status, detail, error.responseHeaders, context, options);
}

/**
 * An HTTP error status in the transport contract: 429 → RateLimitedError with the announced wait,
 * 5xx and 408 → TransientModelError, 401/403 → authentication, anything else → bad-request.
 */
export function fromHttpStatus(
  status: number,
  detail: string,
  headers: Record<string, string | undefined> | undefined,
  context: SdkErrorContext,
  options: { cause: unknown },
): Error {
  const message = (text: string): string => `${context.label}: ${text}`;
  if (status === 429)
    return new RateLimitedError(message(`HTTP 429 rate limited: ${detail}`), parseRetryAfter(headers, context.nowMs), options);
  if (status >= 500 || status === 408) return new TransientModelError(message(`HTTP ${status}: ${detail}`), status, options);
  if (status === 401 || status === 403)
    return new ModelCallError('authentication', message(`HTTP ${status} authentication failed: ${detail}`), options);
  return new ModelCallError('bad-request', message(`HTTP ${status}: ${detail}`), options);
}

function isUnreadableBody(error: APICallError): boolean {
  const cause: unknown = error.cause;
  return (
    JSONParseError.isInstance(cause) || TypeValidationError.isInstance(cause) || /invalid json|response body is empty/i.test(error.message)
  );
}

/** The server's message, cut to a readable length. */
export function serverMessage(text: string): string {
  const trimmed = text.trim() || 'no message';
  return trimmed.length > MAX_SERVER_MESSAGE ? `${trimmed.slice(0, MAX_SERVER_MESSAGE)}…` : trimmed;
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** The first `code` in the cause chain that names a network or fetch-timeout failure. */
export function networkCode(error: unknown): string | undefined {
  for (const link of causeChain(error)) {
    const code: unknown = (link as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || FETCH_TIMEOUT_CODES.has(code))) return code;
  }
  return undefined;
}

/** The error, its cause, that one's cause, …: the errors only, each once (a cycle ends the chain). */
export function causeChain(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let current: unknown = error; current instanceof Error && !chain.includes(current); current = current.cause) chain.push(current);
  return chain;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
