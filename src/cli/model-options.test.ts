import { describe, expect, it } from 'vitest';
import type { ModelClient } from '../model-call/model-client.js';
import { budgetWarnings, requireModelSpec } from './model-options.js';

const client = (provider: string, model: string): ModelClient => ({
  provider,
  model,
  label: `${provider}:${model}`,
  complete: () => Promise.reject(new Error('not called')),
});

describe('budgetWarnings', () => {
  it('warns only when a budget is set and an API model has no known price', () => {
    const priced = client('anthropic', 'claude-sonnet-4-5');
    const unpriced = client('openai', 'my-local-llama');
    expect(budgetWarnings(undefined, [unpriced])).toEqual([]);
    expect(budgetWarnings(1, [priced, client('claude-cli', 'sonnet'), client('replay', 'demo')])).toEqual([]);
    expect(budgetWarnings(1, [priced, unpriced, unpriced])).toEqual([
      '--budget cannot limit openai:my-local-llama: lldflow has no price for that model, so its calls count as $0',
    ]);
  });
});

describe('requireModelSpec', () => {
  it('takes the flag, else the environment variable, and names both when neither is set', () => {
    expect(requireModelSpec('openai:a', '--drafter', 'LLDFLOW_DRAFTER', { LLDFLOW_DRAFTER: 'openai:b' })).toEqual({
      spec: 'openai:a',
      origin: '--drafter',
    });
    expect(requireModelSpec(undefined, '--drafter', 'LLDFLOW_DRAFTER', { LLDFLOW_DRAFTER: ' openai:b ' })).toEqual({
      spec: 'openai:b',
      origin: 'LLDFLOW_DRAFTER',
    });
    expect(() => requireModelSpec(undefined, '--reviewer', 'LLDFLOW_REVIEWER', {})).toThrow(
      /pass --reviewer <provider:model> or set LLDFLOW_REVIEWER/,
    );
  });
});
