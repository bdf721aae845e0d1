import { setMaxListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { RateLimitedError } from '../model-call/errors.js';
import { callWithKey } from './call-with-key.js';
import type { KeyDemand } from './key-lease.js';
import { KeyPool } from './key-pool.js';

/** Small seeded generator (mulberry32) so a failing seed can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Floating-point slack shared with the pool, so rounding alone never counts as a refusal. */
const TOLERANCE = 1e-6;

/** One limit of one key on the server's side: the exact bucket the pool can only estimate. */
class ServerBucket {
  private level: number;
  private at: number;

  constructor(
    private readonly limit: number,
    private readonly refillPerMs: number,
    now: number,
  ) {
    this.level = limit;
    this.at = now;
  }

  levelAt(now: number): number {
    this.level = Math.min(this.limit, this.level + this.refillPerMs * (now - this.at));
    this.at = now;
    return this.level;
  }

  take(amount: number, now: number): void {
    this.level = this.levelAt(now) - amount;
  }

  /** As OpenAI reports it: whole units left, and the time until those would be full again. */
  headers(now: number): { remaining: string; reset: string } {
    const remaining = Math.max(0, Math.floor(this.levelAt(now)));
    return { remaining: String(remaining), reset: `${Math.ceil((this.limit - remaining) / this.refillPerMs)}ms` };
  }
}

const WINDOW_MS = 10_000;
const REQUEST_LIMIT = 5;
const TOKEN_LIMIT = 20_000;
const CALLS = 40;

async function run(seed: number, perKeyConcurrency: number, pacing: boolean) {
  const random = seededRandom(seed);
  const clock = new FakeClock();
  const keys = ['sk-pace-a', 'sk-pace-b', 'sk-pace-c'];
  const pool = new KeyPool({ provider: 'openai', keys, perKeyConcurrency, clock, random, pacing });
  const server = new Map(
    keys.map((key) => [
      key,
      {
        requests: new ServerBucket(REQUEST_LIMIT, REQUEST_LIMIT / WINDOW_MS, clock.now()),
        tokens: new ServerBucket(TOKEN_LIMIT, TOKEN_LIMIT / WINDOW_MS, clock.now()),
      },
    ]),
  );
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const refusals: string[] = [];

  const callOnce = (demand: KeyDemand) =>
    callWithKey(pool, { signal: controller.signal, clock, random, demand }, async (lease) => {
      const buckets = server.get(lease.value ?? '');
      if (!buckets) throw new Error(`unknown key ${lease.name}`);
      const now = clock.now();
      const fits = buckets.requests.levelAt(now) >= 1 - TOLERANCE && buckets.tokens.levelAt(now) >= demand.tokens - TOLERANCE;
      if (fits) {
        buckets.requests.take(1, now);
        buckets.tokens.take(demand.tokens, now);
      } else {
        refusals.push(`${lease.name} at ${now}: ${demand.tokens} tokens`);
      }
      await clock.sleep(50 + Math.floor(random() * 3000), controller.signal);
      const requests = buckets.requests.headers(clock.now());
      const tokens = buckets.tokens.headers(clock.now());
      lease.observeHeaders({
        'x-ratelimit-limit-requests': String(REQUEST_LIMIT),
        'x-ratelimit-remaining-requests': requests.remaining,
        'x-ratelimit-reset-requests': requests.reset,
        'x-ratelimit-limit-tokens': String(TOKEN_LIMIT),
        'x-ratelimit-remaining-tokens': tokens.remaining,
        'x-ratelimit-reset-tokens': tokens.reset,
      });
      if (!fits) throw new RateLimitedError('429 rate limit reached', 1000);
      return lease.name;
    });

  const outcomes = Array.from({ length: CALLS }, (): { settled: boolean; error?: unknown } => ({ settled: false }));
  for (const outcome of outcomes) {
    // Every call fits the first burst (each key full, `perKeyConcurrency` calls at once) but not many more.
    const demand = { tokens: 500 + Math.floor(random() * (TOKEN_LIMIT / perKeyConcurrency - 500)) };
    callOnce(demand).then(
      () => Object.assign(outcome, { settled: true }),
      (error: unknown) => Object.assign(outcome, { settled: true, error }),
    );
  }
  let steps = 0;
  while (outcomes.some((outcome) => !outcome.settled)) {
    expect(await clock.advanceToNext(), 'calls stuck with nothing scheduled').toBe(true);
    expect(++steps).toBeLessThan(100_000);
  }
  expect(outcomes.map((outcome) => outcome.error)).toEqual(Array<unknown>(CALLS).fill(undefined));
  expect(clock.pendingSleeps).toBe(0);
  return refusals;
}

describe.each([1, 2])('pacing against a server with exact token buckets (per-key concurrency %i)', (perKeyConcurrency) => {
  it.each([1, 7, 42, 1234, 99_999])('seed %i: no key is leased while its limits cannot take the call', async (seed) => {
    expect(await run(seed, perKeyConcurrency, true)).toEqual([]);
  });

  it('without pacing the same calls are refused, so the check above can fail', async () => {
    expect((await run(42, perKeyConcurrency, false)).length).toBeGreaterThan(0);
  });
});
