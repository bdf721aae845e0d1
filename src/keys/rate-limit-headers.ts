/** What a provider's response says about one of a key's rate limits. */
export type RateLimitResource = 'requests' | 'tokens' | 'input-tokens' | 'output-tokens';

export interface RateLimitObservation {
  resource: RateLimitResource;
  /** The most the limit allows at once; undefined when the header is missing or malformed. */
  limit: number | undefined;
  /** What is left right now, the answered call already counted. */
  remaining: number;
  /** Until the limit is full again, in ms (the providers refill continuously, like a token bucket). */
  resetInMs: number;
}

interface HeaderNames {
  resource: RateLimitResource;
  limit: string;
  remaining: string;
  reset: string;
}

const OPENAI: HeaderNames[] = (['requests', 'tokens'] as const).map((resource) => ({
  resource,
  limit: `x-ratelimit-limit-${resource}`,
  remaining: `x-ratelimit-remaining-${resource}`,
  reset: `x-ratelimit-reset-${resource}`,
}));

const ANTHROPIC: HeaderNames[] = (['requests', 'tokens', 'input-tokens', 'output-tokens'] as const).map((resource) => ({
  resource,
  limit: `anthropic-ratelimit-${resource}-limit`,
  remaining: `anthropic-ratelimit-${resource}-remaining`,
  reset: `anthropic-ratelimit-${resource}-reset`,
}));

const COUNT = /^\d+$/;
/** OpenAI's (Go-style) durations: `1s`, `6m0s`, `20ms`, `1h30m`, `0.5s`; units in this order, each once. */
const DURATION = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/;
const UNIT_MS = [3_600_000, 60_000, 1000, 1] as const;
/** Anthropic's RFC 3339 reset times: `2026-01-01T12:00:30Z`, with fractions or an offset. */
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * The rate limits OpenAI's `x-ratelimit-*` and Anthropic's `anthropic-ratelimit-*` headers describe.
 * A limit is kept only with a well-formed remaining count and reset; a malformed limit is dropped
 * alone. Resets given as a date are measured from `wallNowMs`, and one already past reads 0. Header
 * names are case-insensitive.
 */
export function parseRateLimitHeaders(headers: Record<string, string | undefined>, wallNowMs: number): RateLimitObservation[] {
  const byName = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) byName.set(name.toLowerCase(), value.trim());
  }
  const observations: RateLimitObservation[] = [];
  for (const names of [...OPENAI, ...ANTHROPIC]) {
    const remaining = parseCount(byName.get(names.remaining));
    const resetInMs = parseReset(byName.get(names.reset), wallNowMs);
    if (remaining === undefined || resetInMs === undefined) continue;
    const limit = parseCount(byName.get(names.limit));
    observations.push({ resource: names.resource, limit: limit === 0 ? undefined : limit, remaining, resetInMs });
  }
  return observations;
}

/** A reset as a duration (`6m0s`) or an RFC 3339 date; undefined when it is neither. */
export function parseReset(text: string | undefined, wallNowMs: number): number | undefined {
  if (text === undefined) return undefined;
  const duration = parseProviderDuration(text);
  if (duration !== undefined) return duration;
  if (!RFC_3339.test(text)) return undefined;
  const date = Date.parse(text);
  if (!Number.isFinite(date)) return undefined;
  return Math.max(0, Math.ceil(date - wallNowMs));
}

/** `1h30m`, `6m0s`, `59.99s`, `20ms` in whole milliseconds (rounded up); undefined when malformed. */
export function parseProviderDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match || text === '') return undefined;
  let total = 0;
  UNIT_MS.forEach((unitMs, index) => {
    const amount = match[index + 1];
    if (amount !== undefined) total += Number(amount) * unitMs;
  });
  // Binary fractions: 59.99 s is 59989.999… or 59990.000…1 ms, and either must read 59990.
  return Number.isFinite(total) ? Math.max(0, Math.ceil(total - 1e-6)) : undefined;
}

function parseCount(text: string | undefined): number | undefined {
  if (text === undefined || !COUNT.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
