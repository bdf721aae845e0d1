import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { SecretRedactor } from '../keys/redact.js';
import { KeyUnusableError, ModelCallError, RateLimitedError, TransientModelError, redactError } from '../model-call/errors.js';
import { translateOpenAIError } from './openai-errors.js';
import { instructionRole } from './openai-transport.js';

const KEY = 'live-secret-abcdef123456';
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function context(signal = new AbortController().signal) {
  return { label: 'openai:gpt-4o', signal, nowMs: NOW };
}

function httpError(status: number, headers: Record<string, string> = {}, message = 'server says no'): APIError {
  return APIError.generate(status, { error: { message } }, message, new Headers(headers));
}

describe('translateOpenAIError', () => {
  it('turns a 429 into RateLimitedError with the wait from retry-after-ms, retry-after seconds or an HTTP date', () => {
    const cases: Array<Record<string, string>> = [
      { 'retry-after-ms': '1500', 'retry-after': '12' },
      { 'retry-after': '12' },
      { 'retry-after': new Date(NOW + 30_000).toUTCString() },
      {},
    ];
    const waits = cases.map((headers) => {
      const error = translateOpenAIError(httpError(429, headers), context());
      expect(error).toBeInstanceOf(RateLimitedError);
      return (error as RateLimitedError).retryAfterMs;
    });
    expect(waits).toEqual([1500, 12_000, 30_000, undefined]);
  });

  it('classifies statuses as the AI SDK translator does (shared), with the API message once, not the SDK status prefix', () => {
    const overloaded = translateOpenAIError(httpError(503, {}, 'overloaded'), context());
    const unauthorised = translateOpenAIError(httpError(401, {}, 'bad key'), context());
    const missing = translateOpenAIError(httpError(404, {}, 'model not found'), context());
    expect(overloaded).toBeInstanceOf(TransientModelError);
    expect((overloaded as TransientModelError).statusCode).toBe(503);
    expect(unauthorised).toBeInstanceOf(KeyUnusableError);
    expect((unauthorised as KeyUnusableError).kind).toBe('rejected');
    expect((missing as ModelCallError).reason).toBe('unknown-model');
    expect(missing.message).toBe('openai:gpt-4o: the provider does not know this model (HTTP 404 error: model not found)');
  });

  it('treats a refused connection as transient and names its code', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const error = translateOpenAIError(new APIConnectionError({ cause: new TypeError('fetch failed', { cause: refused }) }), context());
    expect(error).toBeInstanceOf(TransientModelError);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('names the deepest cause of a connection failure without a network code', () => {
    const reset = new Error('socket hang up');
    const error = translateOpenAIError(new APIConnectionError({ cause: new TypeError('fetch failed', { cause: reset }) }), context());
    expect(error).toBeInstanceOf(TransientModelError);
    expect(error.message).toBe('openai:gpt-4o: connection failed (socket hang up)');
  });

  it('fails an untrusted certificate without retrying, naming NODE_EXTRA_CA_CERTS', () => {
    const certificate = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    const error = translateOpenAIError(new APIConnectionError({ cause: new TypeError('fetch failed', { cause: certificate }) }), context());
    expect((error as ModelCallError).reason).toBe('untrusted-certificate');
    expect(error.message).toBe(
      "openai:gpt-4o: the server's TLS certificate is not trusted (SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain); if a proxy or gateway signs with its own CA, point NODE_EXTRA_CA_CERTS at that CA's PEM file",
    );
  });

  it('calls the SDK time-out or an abort the caller did not ask for a timeout', () => {
    const error = translateOpenAIError(new APIConnectionTimeoutError(), context());
    expect((error as ModelCallError).reason).toBe('timeout');
  });

  it('returns the caller abort reason as is when the signal aborted', () => {
    const controller = new AbortController();
    const reason = new Error('interrupted by Ctrl+C');
    controller.abort(reason);
    expect(translateOpenAIError(new APIConnectionError({ cause: reason }), context(controller.signal))).toBe(reason);
  });

  it('treats a body that is not JSON as malformed-response', () => {
    const error = translateOpenAIError(new SyntaxError('Unexpected token t in JSON at position 1'), context());
    expect((error as ModelCallError).reason).toBe('malformed-response');
  });

  it('never puts the key in a message once redacted as the model client does, even when the server echoes it', () => {
    const translated = translateOpenAIError(httpError(401, {}, `Incorrect API key provided: ${KEY}`), context());
    const error = redactError(translated, new SecretRedactor([{ value: KEY, name: 'openai#1' }]).redact) as KeyUnusableError;
    expect(error.message).not.toContain(KEY);
    expect(error.message).toContain('Incorrect API key provided: openai#1');
    expect(error).toBeInstanceOf(KeyUnusableError);
    expect(error.kind).toBe('rejected');
  });
});

describe('instructionRole', () => {
  it.each([
    ['gpt-4o', 'system'],
    ['gpt-4.1-mini', 'system'],
    ['gpt-5', 'developer'],
    ['gpt-5-mini', 'developer'],
    ['gpt-5-chat-latest', 'system'],
    ['o3', 'developer'],
    ['o4-mini', 'developer'],
    ['llama3.1:8b', 'system'],
    ['omni-model', 'system'],
  ] as const)('%s takes its instructions as %s', (model, role) => {
    expect(instructionRole(model)).toBe(role);
  });
});
