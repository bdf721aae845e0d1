/**
 * API keys from the environment: the plural variable (comma list) when it holds at least one key,
 * else the singular one. Trimmed, empties dropped, duplicates removed, order kept (the order gives the
 * masked names `openai#1`, `openai#2`, …). An empty list means "no key configured". Which variables a
 * provider uses is the provider table's business.
 */
export function loadKeys(variables: readonly [plural: string, singular: string], env: Record<string, string | undefined>): string[] {
  const [plural, singular] = variables;
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
