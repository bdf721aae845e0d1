import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { KeyUnusableError, RateLimitedError } from '../model-call/errors.js';
import { callWithKey } from './call-with-key.js';
import type { KeyActivity } from './key-activity.js';
import { KeyActivityRelay } from './key-activity.js';
import { KeyPool } from './key-pool.js';
import { ObservedKeySource } from './observed-key-source.js';
import { FleetKeyPool } from './fleet-key-pool.js';
import { MemoryKeyLedger } from './testing/memory-key-ledger.js';

const KEYS = ['sk-observed-first-key-0001', 'sk-observed-second-key-0002'];
const never = new AbortController().signal;

function setup(keys: readonly string[] = KEYS) {
  const clock = new FakeClock();
  const activity: KeyActivity[] = [];
  const pool = new KeyPool({ provider: 'openai', keys, clock, random: () => 0.5 });
  const observed = new ObservedKeySource(pool, clock, (entry) => activity.push(entry));
  return { clock, pool, observed, activity };
}

describe('ObservedKeySource', () => {
  it('reports a lease from start to end, naming the key and the item, never the key itself', async () => {
    const { clock, observed, activity } = setup();
    const result = await callWithKey(observed, { signal: never, clock, demand: { tokens: 10, itemId: '42' } }, async (lease) => {
      await clock.advance(1500);
      return lease.name;
    });
    expect(result).toBe('openai#1');
    const start = clock.now() - 1500;
    expect(activity).toEqual([
      { at: start, key: 'openai#1', lease: 1, id: '42', kind: 'lease-start' },
      { at: start + 1500, key: 'openai#1', lease: 1, id: '42', kind: 'lease-end' },
    ]);
    expect(JSON.stringify(activity)).not.toContain('sk-observed');
  });

  it('reports a 429 with the rest it causes, then the lease that moved to the other key', async () => {
    const { clock, observed, activity } = setup();
    const result = await callWithKey(observed, { signal: never, clock, demand: { tokens: 10, itemId: '7' } }, (lease) =>
      lease.name === 'openai#1' ? Promise.reject(new RateLimitedError('429', 2000)) : Promise.resolve(lease.name),
    );
    expect(result).toBe('openai#2');
    const now = clock.now();
    expect(activity).toEqual([
      { at: now, key: 'openai#1', lease: 1, id: '7', kind: 'lease-start' },
      { at: now, key: 'openai#1', lease: 1, id: '7', kind: 'rate-limited', untilMs: now + 2000 },
      { at: now, key: 'openai#1', lease: 1, id: '7', kind: 'cooldown', untilMs: now + 2000, reason: 'HTTP 429: retry-after 2 s' },
      { at: now, key: 'openai#1', lease: 1, id: '7', kind: 'lease-end' },
      { at: now, key: 'openai#2', lease: 2, id: '7', kind: 'lease-start' },
      { at: now, key: 'openai#2', lease: 2, id: '7', kind: 'lease-end' },
    ]);
  });

  it('names a rest the provider did not announce as the back-off', async () => {
    const { clock, observed, activity } = setup(KEYS.slice(0, 1));
    const lease = await observed.acquire(never);
    lease.rateLimited(undefined);
    expect(activity.find((entry) => entry.kind === 'cooldown')?.reason).toMatch(/^HTTP 429: back-off \d/);
    expect(activity.find((entry) => entry.kind === 'cooldown')?.untilMs).toBeGreaterThan(clock.now());
  });

  it('reports a key set aside once, with why, and ends each lease once', async () => {
    const { clock, observed, activity } = setup();
    const revoked = new KeyUnusableError(`401 Incorrect API key provided: ${KEYS[0]}`, 'rejected', '401 invalid_api_key');
    await callWithKey(observed, { signal: never, clock }, (lease) =>
      lease.name === 'openai#1' ? Promise.reject(revoked) : Promise.resolve(lease.name),
    );
    const second = await observed.acquire(never);
    second.release(true);
    second.release(true);
    expect(activity.map((entry) => `${entry.key} ${entry.kind}`)).toEqual([
      'openai#1 lease-start',
      'openai#1 set-aside',
      'openai#1 lease-end',
      'openai#2 lease-start',
      'openai#2 lease-end',
      'openai#2 lease-start',
      'openai#2 lease-end',
    ]);
    expect(activity[1]?.reason).toBe('openai#1 rejected (401 invalid_api_key)');
    expect(activity.some((entry) => 'id' in entry)).toBe(false);
  });

  it('changes nothing about leasing: the pool sees the same calls, and a listener that throws is ignored', async () => {
    const { clock, pool } = setup();
    const observed = new ObservedKeySource(pool, clock, () => {
      throw new Error('reporter broke');
    });
    const lease = await observed.acquire(never);
    expect(pool.snapshot().map((key) => key.inFlight)).toEqual([1, 0]);
    lease.release(true);
    expect(pool.snapshot().map((key) => key.inFlight)).toEqual([0, 0]);
    expect(observed.provider).toBe('openai');
    expect(observed.size).toBe(2);
  });

  it("reports a fleet pool's leases as its caller gets them", async () => {
    const clock = new FakeClock();
    const ledger = new MemoryKeyLedger(clock);
    const fleet = new FleetKeyPool({ provider: 'openai', keys: KEYS, clock, ledger, holderPrefix: 'worker-a' });
    const relay = new KeyActivityRelay();
    const activity: KeyActivity[] = [];
    const stop = relay.listen((entry) => activity.push(entry));
    const observed = new ObservedKeySource(fleet, clock, relay.emit);
    const lease = await observed.acquire(never, undefined, { tokens: 0, itemId: '3' });
    lease.release(true);
    stop();
    await observed.acquire(never);
    fleet.close();
    expect(activity.map((entry) => `${entry.key} ${entry.kind} ${entry.id ?? '-'}`)).toEqual([
      'openai#1 lease-start 3',
      'openai#1 lease-end 3',
    ]);
  });
});
