/**
 * Per-key limits like OpenAI's: `requests` and `tokens` per `windowMs`, each a bucket that holds at most
 * the limit and refills continuously at limit / window (OpenAI's limits are per minute; the bench scales
 * the window down so a run takes seconds).
 */
export interface RateLimits {
  requests: number;
  tokens: number;
  windowMs: number;
}

/** What the limiter decided about one request, with the headers its answer carries. */
export type Admission =
  | { admitted: true; headers: Record<string, string> }
  | {
      admitted: false;
      /** The limit that refused it (the tokens one when both did). */
      limit: 'requests' | 'tokens';
      retryAfterMs: number;
      headers: Record<string, string>;
    };

class Bucket {
  private level: number;
  private updatedAt: number;
  private readonly refillPerMs: number;

  constructor(
    readonly capacity: number,
    windowMs: number,
    now: number,
  ) {
    this.level = capacity;
    this.updatedAt = now;
    this.refillPerMs = capacity / windowMs;
  }

  levelAt(now: number): number {
    if (now <= this.updatedAt) return this.level;
    this.level = Math.min(this.capacity, this.level + (now - this.updatedAt) * this.refillPerMs);
    this.updatedAt = now;
    return this.level;
  }

  take(amount: number, now: number): void {
    this.level = this.levelAt(now) - amount;
  }

  /** Until the bucket holds `amount` (0 if it does now). */
  msUntil(amount: number, now: number): number {
    return Math.max(0, (amount - this.levelAt(now)) / this.refillPerMs);
  }

  /** Until the bucket is full again: OpenAI's `x-ratelimit-reset-*`. */
  msUntilFull(now: number): number {
    return this.msUntil(this.capacity, now);
  }
}

/**
 * Token buckets per key and model (the `bucket` given to admit), charged when a request arrives (as OpenAI does: the request itself and its
 * estimated tokens, the prompt's characters / 4 plus the `max_tokens` it asks for). A request either
 * bucket cannot take is refused with the wait until both can.
 */
export class RateLimiter {
  private buckets = new Map<string, { requests: Bucket; tokens: Bucket }>();

  constructor(private readonly limits: RateLimits) {}

  admit(apiKey: string, tokens: number, now: number): Admission {
    const buckets = this.bucketsOf(apiKey, now);
    const requestsWaitMs = buckets.requests.msUntil(1, now);
    const tokensWaitMs = buckets.tokens.msUntil(tokens, now);
    if (requestsWaitMs > 0 || tokensWaitMs > 0) {
      return {
        admitted: false,
        limit: tokensWaitMs > 0 ? 'tokens' : 'requests',
        retryAfterMs: Math.ceil(Math.max(requestsWaitMs, tokensWaitMs)),
        headers: this.headers(apiKey, now),
      };
    }
    buckets.requests.take(1, now);
    buckets.tokens.take(tokens, now);
    return { admitted: true, headers: this.headers(apiKey, now) };
  }

  /** The key's `x-ratelimit-*` headers as of `now`. */
  headers(apiKey: string, now: number): Record<string, string> {
    const { requests, tokens } = this.bucketsOf(apiKey, now);
    return {
      'x-ratelimit-limit-requests': String(requests.capacity),
      'x-ratelimit-remaining-requests': String(Math.max(0, Math.floor(requests.levelAt(now)))),
      'x-ratelimit-reset-requests': formatResetDuration(requests.msUntilFull(now)),
      'x-ratelimit-limit-tokens': String(tokens.capacity),
      'x-ratelimit-remaining-tokens': String(Math.max(0, Math.floor(tokens.levelAt(now)))),
      'x-ratelimit-reset-tokens': formatResetDuration(tokens.msUntilFull(now)),
    };
  }

  /** Every key's buckets full again. */
  refill(): void {
    this.buckets = new Map();
  }

  private bucketsOf(apiKey: string, now: number): { requests: Bucket; tokens: Bucket } {
    let buckets = this.buckets.get(apiKey);
    if (!buckets) {
      buckets = {
        requests: new Bucket(this.limits.requests, this.limits.windowMs, now),
        tokens: new Bucket(this.limits.tokens, this.limits.windowMs, now),
      };
      this.buckets.set(apiKey, buckets);
    }
    return buckets;
  }
}

/** OpenAI's duration format: `250ms`, `1s`, `17.5s`, `6m0s`. */
export function formatResetDuration(ms: number): string {
  const whole = Math.ceil(ms);
  if (whole < 1000) return `${whole}ms`;
  const minutes = Math.floor(whole / 60_000);
  const seconds = Number(((whole % 60_000) / 1000).toFixed(3));
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

/** What OpenAI charges a Chat Completions request against the token limit when it arrives. */
export function chargedTokens(body: unknown): number {
  const request = (typeof body === 'object' && body !== null ? body : {}) as {
    messages?: Array<{ content?: unknown }>;
    max_tokens?: number;
    max_completion_tokens?: number;
  };
  let characters = 0;
  for (const message of request.messages ?? []) characters += contentLength(message.content);
  return Math.ceil(characters / 4) + (request.max_completion_tokens ?? request.max_tokens ?? 0);
}

function contentLength(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  return content.reduce<number>((total, part) => total + contentLength((part as { text?: unknown }).text), 0);
}
