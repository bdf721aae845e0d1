import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { requireKeysFor } from './missing-keys.js';
import { ModelRegistry } from './resolve-model.js';

const drafter = { spec: 'anthropic:claude-sonnet-4-5', origin: '--drafter' };
const reviewer = { spec: 'google:gemini-2.5-pro', origin: 'LLDFLOW_REVIEWER' };

function failure(run: () => void): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('requireKeysFor', () => {
  it('names every provider without a key at once, with its variables and the models that need it', () => {
    const error = failure(() => requireKeysFor([drafter, reviewer, { spec: 'openai:gpt-4.1', origin: '--implementer' }], {}));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message.split('\n')).toEqual([
      'API keys missing for 3 providers:',
      '  no Anthropic API key (for --drafter anthropic:claude-sonnet-4-5): set ANTHROPIC_API_KEYS (comma-separated) or ANTHROPIC_API_KEY',
      '  no Gemini API key (for LLDFLOW_REVIEWER google:gemini-2.5-pro): set GEMINI_API_KEYS (comma-separated) or GEMINI_API_KEY',
      '  no OpenAI API key (for --implementer openai:gpt-4.1): set OPENAI_API_KEYS (comma-separated) or OPENAI_API_KEY, or set OPENAI_BASE_URL to a local OpenAI-compatible server that needs none',
    ]);
  });

  it('lists a provider once for every model that needs it, and only the ones without a key', () => {
    const error = failure(() =>
      requireKeysFor([drafter, { spec: 'anthropic:claude-opus-4-1', origin: '--reviewer' }, reviewer], {
        GEMINI_API_KEY: 'gemini-key-0001',
      }),
    );
    expect(error.message).toBe(
      'no Anthropic API key (for --drafter anthropic:claude-sonnet-4-5, --reviewer anthropic:claude-opus-4-1): set ANTHROPIC_API_KEYS (comma-separated) or ANTHROPIC_API_KEY',
    );
  });

  it('passes when every keyed provider has a key, or a keyless local server, and leaves other providers alone', () => {
    expect(() =>
      requireKeysFor(
        [
          drafter,
          { spec: 'openai:llama3', origin: '--reviewer' },
          { spec: 'claude-cli:opus', origin: '--x' },
          { spec: 'replay:dir', origin: '--y' },
        ],
        { ANTHROPIC_API_KEYS: 'anthropic-key-0001', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' },
      ),
    ).not.toThrow();
  });
});

describe('ModelRegistry key checks', () => {
  it('reports every variable holding a key too short to be one, not only the first', () => {
    const error = failure(
      () =>
        new ModelRegistry({
          env: { ANTHROPIC_API_KEY: 'short', OPENAI_API_KEYS: 'openai-key-0001,abc' },
          clock: new FakeClock(),
          perKeyConcurrency: 1,
        }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('ANTHROPIC_API_KEY: the key is shorter than 8 characters');
    expect(error.message).toContain('OPENAI_API_KEYS: key 2 of 2 is shorter than 8 characters');
  });
});
