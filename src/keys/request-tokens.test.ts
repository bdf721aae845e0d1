import { describe, expect, it } from 'vitest';
import { estimateRequestDemand, estimateRequestTokens } from './request-tokens.js';

describe('estimateRequestTokens', () => {
  it('counts a token per four characters of system and messages, rounded up', () => {
    const request = {
      system: 'You write designs.', // 18 characters
      messages: [
        { role: 'user' as const, content: 'Draft it.' }, // 9
        { role: 'assistant' as const, content: 'ok' }, // 2
      ],
    };
    expect(estimateRequestTokens(request)).toBe(8);
    expect(estimateRequestTokens({ messages: [{ role: 'user', content: 'abcde' }] })).toBe(2);
    expect(estimateRequestTokens({ messages: [] })).toBe(0);
  });

  it('adds the requested maximum output, which the providers count against the limit up front', () => {
    const messages = [{ role: 'user' as const, content: 'x'.repeat(4000) }];
    expect(estimateRequestTokens({ messages, maxOutputTokens: 8192 })).toBe(1000 + 8192);
    for (const maxOutputTokens of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(estimateRequestTokens({ messages, maxOutputTokens }), String(maxOutputTokens)).toBe(1000);
    }
  });
});

describe('estimateRequestDemand', () => {
  it('names the output part of the estimate', () => {
    const messages = [{ role: 'user' as const, content: 'x'.repeat(400) }];
    expect(estimateRequestDemand({ system: 'y'.repeat(400), messages, maxOutputTokens: 1024 })).toEqual({
      tokens: 1224,
      outputTokens: 1024,
    });
    expect(estimateRequestDemand({ messages })).toEqual({ tokens: 100, outputTokens: 0 });
  });
});
