import { describe, expect, it } from 'vitest';
import { keyEnvironmentNames, loadKeys } from './load-keys.js';

describe('loadKeys', () => {
  it('reads the comma list, trimmed, without empties or duplicates, in order', () => {
    const env = { OPENAI_API_KEYS: ' sk-b , sk-a,,sk-b ,  ,sk-c' };
    expect(loadKeys('openai', env)).toEqual(['sk-b', 'sk-a', 'sk-c']);
  });

  it('falls back to the single-key variable', () => {
    expect(loadKeys('anthropic', { ANTHROPIC_API_KEY: '  ant-1  ' })).toEqual(['ant-1']);
  });

  it('prefers the plural variable when both are set', () => {
    expect(loadKeys('google', { GEMINI_API_KEYS: 'g1,g2', GEMINI_API_KEY: 'g0' })).toEqual(['g1', 'g2']);
  });

  it('uses the singular variable when the plural one holds no key', () => {
    expect(loadKeys('openai', { OPENAI_API_KEYS: ' , ', OPENAI_API_KEY: 'sk-1' })).toEqual(['sk-1']);
  });

  it('gives an empty list when nothing is configured', () => {
    expect(loadKeys('openai', {})).toEqual([]);
    expect(loadKeys('openai', { OPENAI_API_KEY: '   ' })).toEqual([]);
  });

  it('reads each provider from its own variables only', () => {
    const env = { ANTHROPIC_API_KEY: 'a', GEMINI_API_KEY: 'g', OPENAI_API_KEY: 'o' };
    expect(loadKeys('anthropic', env)).toEqual(['a']);
    expect(loadKeys('google', env)).toEqual(['g']);
    expect(loadKeys('openai', env)).toEqual(['o']);
  });

  it('names the variables for error messages', () => {
    expect(keyEnvironmentNames('anthropic')).toEqual(['ANTHROPIC_API_KEYS', 'ANTHROPIC_API_KEY']);
    expect(keyEnvironmentNames('google')).toEqual(['GEMINI_API_KEYS', 'GEMINI_API_KEY']);
    expect(keyEnvironmentNames('openai')).toEqual(['OPENAI_API_KEYS', 'OPENAI_API_KEY']);
  });
});
