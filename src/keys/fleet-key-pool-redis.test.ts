import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { KeyUnusableError } from '../model-call/errors.js';
import { connectRedis, scanKeys } from '../redis/redis-connection.js';
import { contentOf } from '../redis/testing/redis-contents.js';
import { startRedisServer, type RedisServer } from '../redis/testing/redis-server.js';
import { FleetKeyPool, type FleetKeyPoolOptions } from './fleet-key-pool.js';
import type { KeyLease } from './key-lease.js';
import { RedisKeyLedger } from './redis-key-ledger.js';
import { fingerprintOf } from './shared-key-ledger.js';

/*
 * Two workers of one fleet, each with its own connections and ledger, on a real Redis and the real
 * clock (short times-to-live): what one worker does to a key, the other sees.
 */

const KEYS = ['sk-test-fleet-first-0123456789', 'sk-test-fleet-second-0123456789', 'sk-test-fleet-third-0123456789'];
const never = new AbortController().signal;
const sleep = (ms: number) => systemClock.sleep(ms);

let server: RedisServer;
const connections: Redis[] = [];
const ledgers: RedisKeyLedger[] = [];
const pools: FleetKeyPool[] = [];
/** Everything published on the server while the tests run. */
const published: string[] = [];
let fleets = 0;

beforeAll(async () => {
  server = await startRedisServer();
  const listener = connect();
  listener.on('pmessage', (_pattern: string, channel: string, message: string) => published.push(`${channel} ${message}`));
  await listener.psubscribe('*');
});

afterAll(async () => {
  for (const pool of pools) pool.close();
  await Promise.all(ledgers.map((ledger) => ledger.close()));
  await Promise.all(connections.map((redis) => redis.quit()));
  await server.stop();
});

function connect(): Redis {
  const redis = connectRedis(server.url);
  connections.push(redis);
  return redis;
}

function ledgerOf(namespace: string): RedisKeyLedger {
  const ledger = new RedisKeyLedger({ redis: connect(), namespace, clock: systemClock });
  ledgers.push(ledger);
  return ledger;
}

/** Two workers of a fleet of its own; each lease of theirs is held 3 s unless renewed. */
async function twoWorkers(overrides: Partial<FleetKeyPoolOptions> = {}) {
  fleets += 1;
  const namespace = `fleet-test-${fleets}`;
  const worker = (name: string): FleetKeyPool => {
    const pool = new FleetKeyPool({
      provider: 'openai',
      keys: KEYS.slice(0, 2),
      clock: systemClock,
      ledger: ledgerOf(namespace),
      holderPrefix: name,
      holdTtlMs: 3_000,
      ...overrides,
    });
    pools.push(pool);
    return pool;
  };
  const workers = { a: worker('worker-a'), b: worker('worker-b'), namespace };
  // Each worker listens for releases on a connection of its own: wait until both do.
  const channel = `lldflow:keys:${namespace}:released`;
  const redis = connect();
  await eventually(async () => {
    const [, listeners] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
    return listeners === 2;
  });
  return workers;
}

/** Resolves once `check` holds, polling; fails the test after `withinMs`. */
async function eventually(check: () => boolean | Promise<boolean>, withinMs = 2_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms`);
    await sleep(10);
  }
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const startedAt = Date.now();
  const value = await work;
  return { value, ms: Date.now() - startedAt };
}

describe('FleetKeyPool on Redis', () => {
  it('never lets both workers hold one key at once with per-key concurrency 1', async () => {
    const { a, b } = await twoWorkers();
    const holding = new Map<string, number>();
    let mostOnOneKey = 0;
    let mostInAll = 0;
    const calls: string[] = [];
    const caller = async (pool: FleetKeyPool, rounds: number): Promise<void> => {
      for (let round = 0; round < rounds; round++) {
        const lease = await pool.acquire(never);
        const now = (holding.get(lease.name) ?? 0) + 1;
        holding.set(lease.name, now);
        mostOnOneKey = Math.max(mostOnOneKey, now);
        mostInAll = Math.max(
          mostInAll,
          [...holding.values()].reduce((sum, count) => sum + count, 0),
        );
        calls.push(lease.name);
        await sleep(50);
        holding.set(lease.name, (holding.get(lease.name) ?? 1) - 1);
        lease.release(true);
      }
    };
    const { ms } = await timed(Promise.all([caller(a, 3), caller(a, 3), caller(b, 3), caller(b, 3)]));
    expect(calls).toHaveLength(12);
    expect(mostOnOneKey).toBe(1);
    expect(mostInAll).toBe(2);
    // Six rounds of 50 ms on two keys: released keys are announced, nobody waits out a 3 s hold.
    expect(ms).toBeLessThan(2_000);
  });

  it('rests a key on worker b after a 429 on worker a: b takes the other key, then waits out the rest', async () => {
    const { a, b, namespace } = await twoWorkers();
    const limited = await a.acquire(never);
    expect(limited.name).toBe('openai#1');
    limited.rateLimited(800);
    const restOf = () => ledgerOf(namespace).restUntil(fingerprintOf(KEYS[0]!));
    await eventually(async () => (await restOf()) !== undefined);

    const other = await b.acquire(never);
    expect(other.name).toBe('openai#2');
    expect(b.snapshot()[0]?.coolingUntil).toBeGreaterThan(Date.now() + 500);
    const { value: rested, ms } = await timed(b.acquire(never));
    expect(rested.name).toBe('openai#1');
    expect(ms).toBeGreaterThan(500);
    expect(ms).toBeLessThan(1_500);
    other.release(true);
    rested.release(true);
  });

  it("frees a dead worker's slot once its hold expires, and keeps a living worker's slot by renewing it", async () => {
    const { a, b, namespace } = await twoWorkers({ keys: KEYS.slice(0, 1), holdTtlMs: 300 });
    // A worker that took the key and died: its hold is never renewed.
    await ledgerOf(namespace).tryHold(fingerprintOf(KEYS[0]!), 1, 'dead-worker/1', 400);
    const { value: freed, ms: waitedForDead } = await timed(a.acquire(never));
    expect(waitedForDead).toBeGreaterThan(300);
    expect(waitedForDead).toBeLessThan(1_500);

    // a holds the key for 1 s, over three times its hold's time-to-live: b waits for the release.
    setTimeout(() => freed.release(true), 1_000);
    const { value: next, ms: waitedForLiving } = await timed(b.acquire(never));
    expect(waitedForLiving).toBeGreaterThan(900);
    next.release(true);
  });

  it('sets a rejected key aside on the other worker too', async () => {
    const { a, b } = await twoWorkers();
    const rejected = await a.acquire(never);
    expect(rejected.name).toBe('openai#1');
    rejected.setAside(new KeyUnusableError('401 Incorrect API key provided', 'rejected', '401 invalid_api_key'));
    await sleep(100);
    const names: string[] = [];
    for (let round = 0; round < 2; round++) {
      const lease = await b.acquire(never);
      names.push(lease.name);
      lease.release(true);
      await eventually(() => b.snapshot()[1]?.inFlight === 0);
    }
    expect(names).toEqual(['openai#2', 'openai#2']);
    expect(b.snapshot()[0]?.setAside).toEqual({ kind: 'rejected', why: '401 invalid_api_key' });
  });

  it('keeps every key value out of Redis: keys, values and messages hold fingerprints only', async () => {
    const { a, namespace } = await twoWorkers({ keys: KEYS, perKeyConcurrency: 2 });
    const leases: KeyLease[] = [await a.acquire(never), await a.acquire(never), await a.acquire(never)];
    leases[1]!.rateLimited(60_000);
    leases[2]!.setAside(new KeyUnusableError(`401 key ${KEYS[2]!} revoked`, 'rejected', `401 invalid_api_key ${KEYS[2]!}`));
    await sleep(100);

    const redis = connect();
    const names = await scanKeys(redis, '*');
    const stored: string[] = [...names];
    for (const name of names) stored.push(...(await contentOf(redis, name)));
    for (const part of ['slots', 'rest', 'set-aside']) {
      expect(names).toContain(`lldflow:keys:${namespace}:${part}:${fingerprintOf(KEYS[part === 'slots' ? 0 : part === 'rest' ? 1 : 2]!)}`);
    }
    expect(published.length).toBeGreaterThan(0);
    for (const text of [...stored, ...published]) {
      for (const key of KEYS) {
        expect(text).not.toContain(key);
        expect(text).not.toContain(key.slice(8));
      }
    }
    leases[0]!.release(true);
  });
});
