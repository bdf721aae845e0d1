import { APICallError } from 'ai';
import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../core/errors.js';
import { ModelCallError, RateLimitedError, TransientModelError } from '../model-call/errors.js';
import { translateStreamError } from './stream-errors.js';

function context(signal = new AbortController().signal) {
  return { label: 'anthropic:claude-sonnet-4-5', signal, nowMs: Date.UTC(2026, 0, 1) };
}

/** How the AI SDK's Anthropic provider hands over an error that was the stream's first event. */
function firstEventError(body: unknown, contentType = 'text/event-stream'): APICallError {
  return new APICallError({
    message: 'Overloaded',
    url: 'http://127.0.0.1/v1/messages',
    requestBodyValues: {},
    statusCode: 500,
    responseHeaders: { 'content-type': contentType },
    responseBody: JSON.stringify(body),
  });
}

describe('translateStreamError', () => {
  it('classifies an error event by its type, whichever SDK handed it over', () => {
    const cases: Array<[unknown, new (...args: never[]) => Error]> = [
      [{ type: 'overloaded_error', message: 'Overloaded' }, TransientModelError],
      [{ type: 'api_error', message: 'Internal' }, TransientModelError],
      [{ type: 'rate_limit_error', message: 'Slow down' }, RateLimitedError],
      [firstEventError({ type: 'rate_limit_error', message: 'Slow down' }), RateLimitedError],
      [new APIError(undefined, { message: 'boom', type: 'server_error' }, undefined, new Headers()), TransientModelError],
      [{ type: 'authentication_error', message: 'bad key' }, ModelCallError],
    ];
    for (const [error, expected] of cases) expect(translateStreamError(error, context())).toBeInstanceOf(expected);

    const overloaded = translateStreamError({ type: 'overloaded_error', message: 'Overloaded' }, context());
    expect(overloaded?.message).toBe('anthropic:claude-sonnet-4-5: the stream reported overloaded_error: Overloaded');
    expect((overloaded as TransientModelError).statusCode).toBe(529);
    expect((translateStreamError({ type: 'invalid_request_error', message: 'no' }, context()) as ModelCallError).reason).toBe(
      'bad-request',
    );
  });

  it('reads a first event that is not JSON as malformed-response', () => {
    const error = translateStreamError(firstEventError({ name: 'AI_JSONParseError', text: '{"this is": not json' }), context());

    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).reason).toBe('malformed-response');
  });

  it('treats a connection lost while the body streamed as transient', () => {
    const lost = new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });

    const error = translateStreamError(lost, context());

    expect(error).toBeInstanceOf(TransientModelError);
    expect(error?.message).toBe('anthropic:claude-sonnet-4-5: connection failed (UND_ERR_SOCKET)');
  });

  it('leaves HTTP errors, JSON error bodies and aborted calls to the SDK translations', () => {
    const controller = new AbortController();
    controller.abort(new InterruptedError());
    const http = new APIError(429, { message: 'slow down', type: 'rate_limit_exceeded' }, undefined, new Headers());

    expect(translateStreamError(http, context())).toBeUndefined();
    expect(translateStreamError(firstEventError({ type: 'overloaded_error' }, 'application/json'), context())).toBeUndefined();
    expect(translateStreamError({ type: 'overloaded_error', message: 'Overloaded' }, context(controller.signal))).toBeUndefined();
    expect(translateStreamError(new Error('something else'), context())).toBeUndefined();
  });
});
