import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import { loadKeys, MIN_KEY_LENGTH } from './load-keys.js';

const VARIABLES = ['OPENAI_API_KEYS', 'OPENAI_API_KEY'] as const;

function failure(env: Record<string, string | undefined>): Error {
  try {
    loadKeys(VARIABLES, env);
  } catch (error) {
    return error as Error;
  }
  throw new Error('loadKeys accepted the keys');
}

describe('loadKeys: keys shorter than a word', () => {
  it('refuses OPENAI_API_KEYS=a,b as a configuration error naming the variable, not the values', () => {
    const error = failure({ OPENAI_API_KEYS: 'a,b' });
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe('OPENAI_API_KEYS: keys 1, 2 of 2 are shorter than 8 characters, too short to be an API key');
    expect(error.message).not.toMatch(/\ba\b|\bb\b|'a'|"a"/);
  });

  it('names which key of the list is short, counted as the masked names count (trimmed, empties and repeats left out)', () => {
    const error = failure({ OPENAI_API_KEYS: ' sk-long-key-1 ,, sk-long-key-1, tiny7, sk-long-key-2' });
    expect(error.message).toBe('OPENAI_API_KEYS: key 2 of 3 is shorter than 8 characters, too short to be an API key');
    expect(error.message).not.toContain('tiny7');
  });

  it('checks the singular variable when it is the one read', () => {
    const error = failure({ OPENAI_API_KEY: ' k3y-12 ' });
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe('OPENAI_API_KEY: the key is shorter than 8 characters, too short to be an API key');
    expect(error.message).not.toContain('k3y');
  });

  it('ignores the singular variable while the plural one holds keys', () => {
    expect(loadKeys(VARIABLES, { OPENAI_API_KEYS: 'sk-long-key-1', OPENAI_API_KEY: 'x' })).toEqual(['sk-long-key-1']);
  });

  it(`accepts a key of exactly ${MIN_KEY_LENGTH} characters`, () => {
    expect(MIN_KEY_LENGTH).toBe(8);
    expect(loadKeys(VARIABLES, { OPENAI_API_KEYS: '12345678, abcdefgh ' })).toEqual(['12345678', 'abcdefgh']);
    expect(failure({ OPENAI_API_KEYS: '1234567' }).message).toContain('OPENAI_API_KEYS: the key is shorter');
  });
});
