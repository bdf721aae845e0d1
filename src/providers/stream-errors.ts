import { APICallError } from 'ai';
import { APIError } from 'openai';
import { ModelCallError, RateLimitedError, TransientModelError } from '../model-call/errors.js';
import { connectionFailure } from './endpoint.js';
import { FETCH_TIMEOUT_CODES, networkCode, serverMessage, type SdkErrorContext } from './sdk-errors.js';

/**
 * A failure inside an answer that had already begun streaming (HTTP 200), in the transport contract;
 * undefined for anything else, which the SDK's own translation handles (HTTP statuses, aborts).
 *
 * - An error event in the stream: Anthropic `event: error` (`{ type: 'overloaded_error', message }`;
 *   the AI SDK hands a first event over as an APICallError it numbers 500 or 529, later ones as the
 *   bare object), OpenAI `data: {"error": {…}}` (an APIError without a status). Overloaded, server
 *   and unknown errors are transient (the answer broke off; asking again usually works), a rate limit
 *   is a RateLimitedError, a rejected key or request a ModelCallError.
 * - A first event that is not JSON: malformed-response, as a body that is not JSON is.
 * - The connection lost while the body streamed (undici's `TypeError: terminated` with a socket
 *   error as cause): transient, where the OpenAI SDK would pass it on as an unknown failure.
 */
export function translateStreamError(error: unknown, context: SdkErrorContext): Error | undefined {
  if (context.signal.aborted) return undefined;
  const options = { cause: error };
  const body = eventBody(error);
  if (isParseFailure(body)) {
    return new ModelCallError(
      'malformed-response',
      `${context.label}: the response could not be read (an event of the stream is not JSON)`,
      options,
    );
  }
  const event = errorEvent(body);
  if (event !== undefined) return fromErrorEvent(event, context, options);
  if (error instanceof APIError || !(error instanceof TypeError)) return undefined;
  const code = networkCode(error);
  if (code === undefined || FETCH_TIMEOUT_CODES.has(code)) return undefined;
  return new TransientModelError(connectionFailure(context.label, code, context.endpoint), undefined, options);
}

interface ErrorEvent {
  type: string;
  message: string;
}

/** What the stream's error event said, if `error` came from one. */
function eventBody(error: unknown): unknown {
  if (error instanceof APIError) return error.status === undefined ? (error.error as unknown) : undefined;
  if (APICallError.isInstance(error)) return streamedBody(error);
  return error instanceof Error ? undefined : error;
}

/** An APICallError the SDK made of a stream's first event (the response itself was a 200 stream). */
function streamedBody(error: APICallError): unknown {
  const contentType = error.responseHeaders?.['content-type'] ?? '';
  if (!contentType.includes('text/event-stream') || error.responseBody === undefined) return undefined;
  try {
    return JSON.parse(error.responseBody) as unknown;
  } catch {
    return undefined;
  }
}

function isParseFailure(body: unknown): boolean {
  const name = typeof body === 'object' && body !== null ? (body as { name?: unknown }).name : undefined;
  return name === 'AI_JSONParseError' || name === 'AI_TypeValidationError';
}

function errorEvent(body: unknown): ErrorEvent | undefined {
  if (typeof body !== 'object' || body === null || body instanceof Error) return undefined;
  const record = body as { type?: unknown; code?: unknown; message?: unknown };
  const type = typeof record.type === 'string' ? record.type : typeof record.code === 'string' ? record.code : undefined;
  if (type === undefined && typeof record.message !== 'string') return undefined;
  return { type: type ?? 'error', message: typeof record.message === 'string' ? record.message : '' };
}

function fromErrorEvent(event: ErrorEvent, context: SdkErrorContext, options: { cause: unknown }): Error {
  const message = `${context.label}: the stream reported ${event.type}: ${serverMessage(event.message)}`;
  if (/rate_limit/.test(event.type)) return new RateLimitedError(message, undefined, options);
  if (/authentication|permission/.test(event.type)) return new ModelCallError('authentication', message, options);
  if (/invalid_request|not_found|too_large/.test(event.type)) return new ModelCallError('bad-request', message, options);
  return new TransientModelError(message, event.type === 'overloaded_error' ? 529 : undefined, options);
}
