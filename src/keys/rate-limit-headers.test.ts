import { describe, expect, it } from 'vitest';
import { parseProviderDuration, parseRateLimitHeaders } from './rate-limit-headers.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('parseRateLimitHeaders', () => {
  it("reads OpenAI's x-ratelimit-* headers for requests and tokens", () => {
    // As OpenAI documents them, with the headers of a real response around them.
    const headers = {
      'content-type': 'application/json',
      'openai-processing-ms': '412',
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-limit-tokens': '150000',
      'x-ratelimit-remaining-requests': '59',
      'x-ratelimit-remaining-tokens': '149984',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-reset-tokens': '6m0s',
    };
    expect(parseRateLimitHeaders(headers, NOW)).toEqual([
      { resource: 'requests', limit: 60, remaining: 59, resetInMs: 1000 },
      { resource: 'tokens', limit: 150_000, remaining: 149_984, resetInMs: 360_000 },
    ]);
  });

  it("reads Anthropic's anthropic-ratelimit-* headers, their RFC 3339 resets measured from wall time", () => {
    const headers = {
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '49',
      'anthropic-ratelimit-requests-reset': '2026-01-01T12:00:01Z',
      'anthropic-ratelimit-tokens-limit': '48000',
      'anthropic-ratelimit-tokens-remaining': '47000',
      'anthropic-ratelimit-tokens-reset': '2026-01-01T12:00:01.250Z',
      'anthropic-ratelimit-input-tokens-limit': '40000',
      'anthropic-ratelimit-input-tokens-remaining': '39500',
      'anthropic-ratelimit-input-tokens-reset': '2026-01-01T13:00:00+01:00',
      'anthropic-ratelimit-output-tokens-limit': '8000',
      'anthropic-ratelimit-output-tokens-remaining': '7500',
      'anthropic-ratelimit-output-tokens-reset': '2026-01-01T12:00:06Z',
      'request-id': 'req_011CSHoEeqs5C35K2UUqR7Fy',
    };
    expect(parseRateLimitHeaders(headers, NOW)).toEqual([
      { resource: 'requests', limit: 50, remaining: 49, resetInMs: 1000 },
      { resource: 'tokens', limit: 48_000, remaining: 47_000, resetInMs: 1250 },
      { resource: 'input-tokens', limit: 40_000, remaining: 39_500, resetInMs: 0 },
      { resource: 'output-tokens', limit: 8000, remaining: 7500, resetInMs: 6000 },
    ]);
  });

  it('reads a reset date already past as 0 and matches names case-insensitively', () => {
    const headers = {
      'Anthropic-RateLimit-Requests-Remaining': '0',
      'Anthropic-RateLimit-Requests-Reset': '2025-12-31T23:59:59Z',
    };
    expect(parseRateLimitHeaders(headers, NOW)).toEqual([{ resource: 'requests', limit: undefined, remaining: 0, resetInMs: 0 }]);
  });

  it('drops a limit without a well-formed remaining count or reset, and a malformed limit alone', () => {
    const headers = {
      'x-ratelimit-limit-requests': 'sixty',
      'x-ratelimit-remaining-requests': ' 3 ',
      'x-ratelimit-reset-requests': '2s',
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '-5',
      'x-ratelimit-reset-tokens': '1s',
      'anthropic-ratelimit-requests-remaining': '4',
      'anthropic-ratelimit-requests-reset': 'tomorrow',
      'anthropic-ratelimit-tokens-remaining': '4.5',
      'anthropic-ratelimit-tokens-reset': '1s',
      'anthropic-ratelimit-input-tokens-remaining': '10',
      'anthropic-ratelimit-input-tokens-reset': '2026-13-45T99:00:00Z',
      'anthropic-ratelimit-output-tokens-remaining': '10',
      'anthropic-ratelimit-output-tokens-reset': undefined,
    };
    expect(parseRateLimitHeaders(headers, NOW)).toEqual([{ resource: 'requests', limit: undefined, remaining: 3, resetInMs: 2000 }]);
  });

  it('treats a limit of 0 as unknown, since it gives no refill rate', () => {
    const headers = { 'x-ratelimit-limit-requests': '0', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '20ms' };
    expect(parseRateLimitHeaders(headers, NOW)).toEqual([{ resource: 'requests', limit: undefined, remaining: 0, resetInMs: 20 }]);
  });

  it('finds nothing in a response without rate-limit headers', () => {
    expect(parseRateLimitHeaders({ 'retry-after': '20', 'content-type': 'application/json' }, NOW)).toEqual([]);
  });
});

describe('parseProviderDuration', () => {
  it("reads OpenAI's durations in whole milliseconds", () => {
    const cases: Array<[string, number]> = [
      ['1s', 1000],
      ['6m0s', 360_000],
      ['20ms', 20],
      ['1h30m', 5_400_000],
      ['0.5s', 500],
      ['59.99s', 59_990],
      ['2m59.56s', 179_560],
      ['1h2m3s4ms', 3_723_004],
      ['0s', 0],
      ['1.5ms', 2],
    ];
    for (const [text, ms] of cases) expect(parseProviderDuration(text), text).toBe(ms);
  });

  it('rejects anything else', () => {
    for (const text of ['', '5', '-1s', '1s2m', '1m1m', 's', '1 s', '1e3s', '1d', '10us', 'soon', '1.s']) {
      expect(parseProviderDuration(text), text).toBeUndefined();
    }
  });
});
