import { ConfigurationError } from '../core/errors.js';

/**
 * The shortest value accepted as an API key. Real keys are far longer; a shorter one is a mistake
 * (`OPENAI_API_KEYS=a,b`), and redacting it would rewrite ordinary words in everything lldflow writes.
 */
export const MIN_KEY_LENGTH = 8;

/**
 * API keys from the environment: the plural variable (comma list) when it holds at least one key,
 * else the singular one. Trimmed, empties dropped, duplicates removed, order kept (the order gives the
 * masked names `openai#1`, `openai#2`, …). An empty list means "no key configured". Which variables a
 * provider uses is the provider table's business.
 *
 * Throws ConfigurationError when a key of the variable read is shorter than MIN_KEY_LENGTH, naming the
 * variable and the key's place in it (its masked number), never the value.
 */
export function loadKeys(variables: readonly [plural: string, singular: string], env: Record<string, string | undefined>): string[] {
  const [plural, singular] = variables;
  const fromList = uniqueKeys((env[plural] ?? '').split(','));
  if (fromList.length > 0) return checkedLengths(plural, fromList);
  return checkedLengths(singular, uniqueKeys([env[singular] ?? '']));
}

function uniqueKeys(candidates: readonly string[]): string[] {
  const keys: string[] = [];
  for (const candidate of candidates) {
    const key = candidate.trim();
    if (key !== '' && !keys.includes(key)) keys.push(key);
  }
  return keys;
}

function checkedLengths(variable: string, keys: string[]): string[] {
  const short = keys.flatMap((key, index) => (key.length < MIN_KEY_LENGTH ? [index + 1] : []));
  if (short.length === 0) return keys;
  const which =
    keys.length === 1
      ? 'the key is'
      : short.length === 1
        ? `key ${short.join(', ')} of ${keys.length} is`
        : `keys ${short.join(', ')} of ${keys.length} are`;
  throw new ConfigurationError(`${variable}: ${which} shorter than ${MIN_KEY_LENGTH} characters, too short to be an API key`);
}
