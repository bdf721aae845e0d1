import { APICallError, JSONParseError, RetryError } from 'ai';
import { describe, expect, it } from 'vitest';
import { SecretRedactor } from '../keys/redact.js';
import { KeyUnusableError, ModelCallError, RateLimitedError, TransientModelError, redactError } from '../model-call/errors.js';
import { OpenAITransport } from './openai-transport.js';
import { translateSdkError } from './sdk-errors.js';
import { fakeOpenAIServer } from './testing/fake-openai-server.js';

const KEY = 'live-secret-abcdef123456';
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function context(signal = new AbortController().signal) {
  return { label: 'openai:gpt-4o', signal, nowMs: NOW };
}

function apiError(
  statusCode: number | undefined,
  options: { headers?: Record<string, string>; message?: string; cause?: unknown } = {},
): APICallError {
  return new APICallError({
    message: options.message ?? 'server says no',
    url: 'http://127.0.0.1/v1/chat/completions',
    requestBodyValues: {},
    statusCode,
    responseHeaders: options.headers,
    cause: options.cause,
  });
}

describe('translateSdkError', () => {
  it('turns a 429 into RateLimitedError with the announced wait', () => {
    const seconds = translateSdkError(apiError(429, { headers: { 'retry-after': '12' } }), context());
    const milliseconds = translateSdkError(apiError(429, { headers: { 'retry-after-ms': '1500', 'retry-after': '12' } }), context());
    const date = translateSdkError(apiError(429, { headers: { 'retry-after': new Date(NOW + 30_000).toUTCString() } }), context());
    const none = translateSdkError(apiError(429), context());

    expect(seconds).toBeInstanceOf(RateLimitedError);
    expect((seconds as RateLimitedError).retryAfterMs).toBe(12_000);
    expect((milliseconds as RateLimitedError).retryAfterMs).toBe(1500);
    expect((date as RateLimitedError).retryAfterMs).toBe(30_000);
    expect((none as RateLimitedError).retryAfterMs).toBeUndefined();
  });

  it.each([500, 502, 503, 529, 408])('treats HTTP %i as transient', (status) => {
    const error = translateSdkError(apiError(status), context());
    expect(error).toBeInstanceOf(TransientModelError);
    expect((error as TransientModelError).statusCode).toBe(status);
  });

  it.each([401, 403])('sets the key aside on HTTP %i (rejected)', (status) => {
    const error = translateSdkError(apiError(status), context());
    expect(error).toBeInstanceOf(KeyUnusableError);
    expect((error as KeyUnusableError).kind).toBe('rejected');
    expect(error.message).toContain(`HTTP ${status}`);
  });

  it.each([
    [400, 'bad-request'],
    [404, 'bad-request'],
    [422, 'bad-request'],
  ] as const)('maps HTTP %i to %s', (status, reason) => {
    const error = translateSdkError(apiError(status), context());
    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).reason).toBe(reason);
    expect(error.message).toContain(`HTTP ${status}`);
  });

  it('treats an unreadable 200 body as malformed-response', () => {
    const cause = new JSONParseError({ text: '{oops', cause: new SyntaxError('bad') });
    const error = translateSdkError(apiError(200, { message: 'Invalid JSON response', cause }), context());
    expect((error as ModelCallError).reason).toBe('malformed-response');
  });

  it('treats a refused or reset connection as transient and a fetch headers time-out as timeout', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const headersTimeout = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });

    expect(translateSdkError(new TypeError('fetch failed', { cause: refused }), context())).toBeInstanceOf(TransientModelError);
    expect(
      translateSdkError(
        apiError(undefined, { message: 'Cannot connect to API: reset', cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }),
        context(),
      ),
    ).toBeInstanceOf(TransientModelError);
    const timeout = translateSdkError(
      apiError(undefined, { message: 'Cannot connect to API: Headers Timeout Error', cause: headersTimeout }),
      context(),
    );
    expect((timeout as ModelCallError).reason).toBe('timeout');
  });

  it('returns the caller abort reason as is when the signal aborted', () => {
    const controller = new AbortController();
    const reason = new Error('interrupted by the user');
    controller.abort(reason);
    expect(translateSdkError(new DOMException('aborted', 'AbortError'), context(controller.signal))).toBe(reason);
  });

  it('calls an abort the caller did not ask for a timeout', () => {
    const error = translateSdkError(new DOMException('The operation timed out', 'TimeoutError'), context());
    expect((error as ModelCallError).reason).toBe('timeout');
  });

  it('looks through a RetryError to the last failure', () => {
    const retry = new RetryError({
      message: 'Failed after 3 attempts',
      reason: 'maxRetriesExceeded',
      errors: [apiError(500), apiError(429)],
    });
    expect(translateSdkError(retry, context())).toBeInstanceOf(RateLimitedError);
  });

  it('never puts the key in a message once redacted as the model client does, even when the server echoes it', () => {
    const redactor = new SecretRedactor([{ value: KEY, name: 'openai#1' }]);
    for (const status of [400, 401, 429, 500, undefined]) {
      const translated = translateSdkError(apiError(status, { message: `bad key ${KEY} given` }), context());
      const error = redactError(translated, redactor.redact) as Error;
      expect(error.message).not.toContain(KEY);
      expect(error.message).toContain('bad key openai#1 given');
      expect(error.constructor).toBe(translated.constructor);
    }
  });
});

describe('connection failures through the real SDK', () => {
  it('reports a refused connection as TransientModelError', async () => {
    const server = await fakeOpenAIServer({ respond: () => ({ text: 'unused' }) });
    const baseUrl = server.baseUrl;
    await server.close();
    const transport = new OpenAITransport({ model: 'gpt-4o', baseUrl });
    const signal = new AbortController().signal;

    const error = await transport
      .call({ role: 'drafter', trace: { itemId: '1', step: 'draft-1' }, messages: [{ role: 'user', content: 'hi' }], signal }, KEY, signal)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TransientModelError);
    expect((error as Error).message).toBe(`openai:gpt-4o: connection refused at ${baseUrl}`);
    expect((error as Error).message).not.toContain(KEY);
  });

  it('reports a connection the server drops mid-request as TransientModelError', async () => {
    const server = await fakeOpenAIServer({ respond: () => ({ hang: true }) });
    const transport = new OpenAITransport({ model: 'gpt-4o', baseUrl: server.baseUrl });
    const signal = new AbortController().signal;

    const pending = transport
      .call({ role: 'drafter', trace: { itemId: '1', step: 'draft-1' }, messages: [{ role: 'user', content: 'hi' }], signal }, KEY, signal)
      .catch((caught: unknown) => caught);
    await server.waitForRequests(1);
    await server.close();
    const error = await pending;

    expect(error).toBeInstanceOf(TransientModelError);
    expect((error as Error).message).not.toContain(KEY);
  });
});
