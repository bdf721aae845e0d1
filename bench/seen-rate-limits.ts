/** The request header that tells the fake server how many 429s the client had received on this key. */
export const SEEN_RATE_LIMITS_HEADER = 'x-bench-seen-429s';

/**
 * Counts, per key, the 429s the bench transport has received, and stamps every request with that count.
 * With more than one call per key in flight, a request can reach a key after the server wrote that key
 * a 429 but before the client could have read it; the stamp lets the server tell such a request (in
 * flight, unavoidable) from one sent after the client knew of the cool-down (a violation).
 */
export class SeenRateLimits {
  private readonly counts = new Map<string, number>();

  headerFor(apiKey: string | undefined): Record<string, string> {
    return { [SEEN_RATE_LIMITS_HEADER]: String(this.counts.get(apiKey ?? '') ?? 0) };
  }

  received(apiKey: string | undefined): void {
    this.counts.set(apiKey ?? '', (this.counts.get(apiKey ?? '') ?? 0) + 1);
  }
}
