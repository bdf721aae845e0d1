import { describe, expect, it } from 'vitest';
import { costOf, isPriced, priceOf } from './pricing.js';

describe('pricing', () => {
  it.each([
    ['anthropic', 'claude-sonnet-4-5-20250929', 3, 15],
    ['anthropic', 'claude-opus-4-1', 15, 75],
    ['anthropic', 'claude-opus-4-20250514', 15, 75],
    ['anthropic', 'claude-opus-4-5', 5, 25],
    ['anthropic', 'claude-haiku-4-5', 1, 5],
    ['claude-cli', 'claude-3-5-haiku-latest', 0.8, 4],
    ['openai', 'gpt-4o-2024-08-06', 2.5, 10],
    ['openai', 'gpt-4o-mini', 0.15, 0.6],
    ['openai', 'gpt-4.1-mini-2025-04-14', 0.4, 1.6],
    ['openai', 'gpt-5', 1.25, 10],
    ['openai', 'gpt-5-mini', 0.25, 2],
    ['google', 'gemini-2.5-pro', 1.25, 10],
    ['google', 'models/gemini-2.5-flash-lite', 0.1, 0.4],
    ['google', 'gemini-2.0-flash-001', 0.1, 0.4],
  ])('prices %s %s by its longest matching prefix', (provider, model, input, output) => {
    expect(priceOf(provider, model)).toEqual({ inputPerMillion: input, outputPerMillion: output });
    expect(isPriced(provider, model)).toBe(true);
  });

  it('computes the cost from the usage', () => {
    expect(costOf('anthropic', 'claude-sonnet-4-5', { inputTokens: 1_000_000, outputTokens: 0 })).toBe(3);
    expect(costOf('openai', 'gpt-4o', { inputTokens: 2000, outputTokens: 500 })).toBeCloseTo(0.005 + 0.005, 10);
  });

  it('costs unknown models and replayed calls nothing, and says they are not priced', () => {
    expect(costOf('openai', 'llama3.1:8b', { inputTokens: 5000, outputTokens: 5000 })).toBe(0);
    expect(isPriced('openai', 'llama3.1:8b')).toBe(false);
    expect(costOf('replay', 'gpt-4o', { inputTokens: 5000, outputTokens: 5000 })).toBe(0);
    expect(isPriced('replay', 'gpt-4o')).toBe(false);
  });
});
