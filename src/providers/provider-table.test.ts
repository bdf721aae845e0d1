import { describe, expect, it } from 'vitest';
import { loadKeys } from '../keys/load-keys.js';
import { HTTP_PROVIDERS, PROVIDERS } from './provider-table.js';

const keysOf = (provider: keyof typeof HTTP_PROVIDERS, env: Record<string, string | undefined>): string[] =>
  loadKeys(HTTP_PROVIDERS[provider].keyVariables, env);

describe('loadKeys with the provider table', () => {
  it('reads the comma list, trimmed, without empties or duplicates, in order', () => {
    const env = { OPENAI_API_KEYS: ' sk-key-b , sk-key-a,,sk-key-b ,  ,sk-key-c' };
    expect(keysOf('openai', env)).toEqual(['sk-key-b', 'sk-key-a', 'sk-key-c']);
  });

  it('falls back to the single-key variable', () => {
    expect(keysOf('anthropic', { ANTHROPIC_API_KEY: '  ant-key-1  ' })).toEqual(['ant-key-1']);
  });

  it('prefers the plural variable when both are set', () => {
    expect(keysOf('google', { GEMINI_API_KEYS: 'gem-key-1,gem-key-2', GEMINI_API_KEY: 'gem-key-0' })).toEqual(['gem-key-1', 'gem-key-2']);
  });

  it('uses the singular variable when the plural one holds no key', () => {
    expect(keysOf('openai', { OPENAI_API_KEYS: ' , ', OPENAI_API_KEY: 'sk-key-1' })).toEqual(['sk-key-1']);
  });

  it('gives an empty list when nothing is configured', () => {
    expect(keysOf('openai', {})).toEqual([]);
    expect(keysOf('openai', { OPENAI_API_KEY: '   ' })).toEqual([]);
  });

  it('reads each provider from its own variables only', () => {
    const env = { ANTHROPIC_API_KEY: 'ant-key-a', GEMINI_API_KEY: 'gem-key-g', OPENAI_API_KEY: 'oai-key-o' };
    expect(keysOf('anthropic', env)).toEqual(['ant-key-a']);
    expect(keysOf('google', env)).toEqual(['gem-key-g']);
    expect(keysOf('openai', env)).toEqual(['oai-key-o']);
  });

  it('names the variables for error messages', () => {
    expect(HTTP_PROVIDERS.anthropic.keyVariables).toEqual(['ANTHROPIC_API_KEYS', 'ANTHROPIC_API_KEY']);
    expect(HTTP_PROVIDERS.google.keyVariables).toEqual(['GEMINI_API_KEYS', 'GEMINI_API_KEY']);
    expect(HTTP_PROVIDERS.openai.keyVariables).toEqual(['OPENAI_API_KEYS', 'OPENAI_API_KEY']);
  });
});

describe('the provider table', () => {
  it('lists every provider a model spec may name, and where each keyed one is pointed elsewhere', () => {
    expect(PROVIDERS).toEqual(['anthropic', 'google', 'openai', 'claude-cli', 'replay']);
    expect(Object.fromEntries(Object.entries(HTTP_PROVIDERS).map(([name, provider]) => [name, provider.baseUrlVariable]))).toEqual({
      anthropic: 'ANTHROPIC_BASE_URL',
      google: 'GEMINI_BASE_URL',
      openai: 'OPENAI_BASE_URL',
    });
  });

  it("builds each provider's transport", () => {
    for (const [name, provider] of Object.entries(HTTP_PROVIDERS)) {
      const transport = provider.transport({
        model: 'm',
        baseUrl: 'http://127.0.0.1:1',
        fetch: () => Promise.reject(new Error('no network')),
      });
      expect(transport).toMatchObject({ provider: name, model: 'm', needsKey: true });
    }
  });
});
