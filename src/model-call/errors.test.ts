import { describe, expect, it } from 'vitest';
import { ModelCallError, RateLimitedError, redactError, TransientModelError } from './errors.js';

const redact = (text: string): string => text.replaceAll('the-key', 'openai#1');

describe('redactError', () => {
  it('returns the error itself when its message holds nothing to redact', () => {
    const error = new ModelCallError('timeout', 'no answer in time');
    expect(redactError(error, redact)).toBe(error);
    expect(redactError('a string', redact)).toBe('a string');
  });

  it('rebuilds each model-call error as the same class with its fields, and never mutates the original', () => {
    const cause = new Error('socket said the-key');
    const originals = [
      new RateLimitedError('429 for the-key', 1500, { cause }),
      new TransientModelError('503 for the-key', 503, { cause }),
      new ModelCallError('authentication', '401 for the-key', { cause }),
    ];
    const copies = originals.map((original) => redactError(original, redact) as Error);

    expect(copies.map((copy) => copy.message)).toEqual(['429 for openai#1', '503 for openai#1', '401 for openai#1']);
    expect(originals.map((original) => original.message)).toEqual(['429 for the-key', '503 for the-key', '401 for the-key']);
    expect(copies[0]).toBeInstanceOf(RateLimitedError);
    expect((copies[0] as RateLimitedError).retryAfterMs).toBe(1500);
    expect(copies[1]).toBeInstanceOf(TransientModelError);
    expect((copies[1] as TransientModelError).statusCode).toBe(503);
    expect(copies[2]).toBeInstanceOf(ModelCallError);
    expect((copies[2] as ModelCallError).reason).toBe('authentication');
    expect(copies.map((copy) => copy.name)).toEqual(['RateLimitedError', 'TransientModelError', 'ModelCallError']);
    expect(copies.every((copy) => copy.cause === cause)).toBe(true);
  });

  it('redacts the stack too and keeps the original trace', () => {
    const original = new ModelCallError('bad-request', 'rejected the-key');
    const copy = redactError(original, redact) as Error;
    expect(copy.stack).not.toContain('the-key');
    expect(copy.stack).toBe(original.stack?.replaceAll('the-key', 'openai#1'));
  });

  it('turns another error with a secret in its message into a plain Error of the same name', () => {
    const copy = redactError(new TypeError('fetch failed for the-key'), redact) as Error;
    expect(copy.message).toBe('fetch failed for openai#1');
    expect(copy.name).toBe('TypeError');
    expect('cause' in copy).toBe(false);
  });
});
