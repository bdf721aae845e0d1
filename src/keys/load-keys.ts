export type KeyedProvider = 'anthropic' | 'google' | 'openai';

const ENVIRONMENT_NAMES: Record<KeyedProvider, readonly [plural: string, singular: string]> = {
  anthropic: ['ANTHROPIC_API_KEYS', 'ANTHROPIC_API_KEY'],
  google: ['GEMINI_API_KEYS', 'GEMINI_API_KEY'],
  openai: ['OPENAI_API_KEYS', 'OPENAI_API_KEY'],
};

/** The environment variables a provider's keys come from, plural (comma list) first; for error messages. */
export function keyEnvironmentNames(provider: KeyedProvider): [plural: string, singular: string] {
  const [plural, singular] = ENVIRONMENT_NAMES[provider];
  return [plural, singular];
}

/**
 * A provider's API keys from the environment: the plural variable (comma list) when it holds at least
 * one key, else the singular one. Trimmed, empties dropped, duplicates removed, order kept (the order
 * gives the masked names `openai#1`, `openai#2`, …). An empty list means "no key configured".
 */
export function loadKeys(provider: KeyedProvider, env: Record<string, string | undefined>): string[] {
  const [plural, singular] = ENVIRONMENT_NAMES[provider];
  const fromList = uniqueKeys((env[plural] ?? '').split(','));
  if (fromList.length > 0) return fromList;
  return uniqueKeys([env[singular] ?? '']);
}

function uniqueKeys(candidates: readonly string[]): string[] {
  const keys: string[] = [];
  for (const candidate of candidates) {
    const key = candidate.trim();
    if (key !== '' && !keys.includes(key)) keys.push(key);
  }
  return keys;
}
