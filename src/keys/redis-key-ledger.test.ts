import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { connectRedis } from '../redis/redis-connection.js';
import { startRedisServer, type RedisServer } from '../redis/testing/redis-server.js';
import { RedisKeyLedger } from './redis-key-ledger.js';
import { fingerprintOf } from './shared-key-ledger.js';

const FINGERPRINT = fingerprintOf('sk-test-ledger-key');

let server: RedisServer;
const connections: Redis[] = [];
const ledgers: RedisKeyLedger[] = [];
let namespaces = 0;

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await Promise.all(ledgers.map((ledger) => ledger.close()));
  await Promise.all(connections.map((redis) => redis.quit()));
  await server.stop();
});

/** A ledger on a connection of its own, as each worker has; `namespace` shared to make them one fleet. */
function ledgerOf(namespace: string): RedisKeyLedger {
  const redis = connectRedis(server.url);
  connections.push(redis);
  const ledger = new RedisKeyLedger({ redis, namespace, clock: systemClock });
  ledgers.push(ledger);
  return ledger;
}

function freshNamespace(): string {
  namespaces += 1;
  return `ledger-test-${namespaces}`;
}

const sleep = (ms: number) => systemClock.sleep(ms);

describe('RedisKeyLedger', () => {
  it('gives out at most `capacity` slots of a key across workers, and says when the first one expires', async () => {
    const namespace = freshNamespace();
    const [one, two] = [ledgerOf(namespace), ledgerOf(namespace)];
    expect(await one.tryHold(FINGERPRINT, 2, 'worker-1/a', 5_000)).toEqual({ held: true });
    expect(await two.tryHold(FINGERPRINT, 2, 'worker-2/a', 5_000)).toEqual({ held: true });
    const before = Date.now();
    const busy = await two.tryHold(FINGERPRINT, 2, 'worker-2/b', 5_000);
    expect(busy).toMatchObject({ held: false, why: 'busy' });
    const retryInMs = busy.held || busy.why !== 'busy' ? Number.NaN : busy.retryAt - before;
    expect(retryInMs).toBeGreaterThan(4_000);
    expect(retryInMs).toBeLessThanOrEqual(5_100);

    // Holding again under the same id extends the hold instead of taking a second slot.
    expect(await one.tryHold(FINGERPRINT, 2, 'worker-1/a', 5_000)).toEqual({ held: true });
    await one.release(FINGERPRINT, 'worker-1/a');
    expect(await two.tryHold(FINGERPRINT, 2, 'worker-2/b', 5_000)).toEqual({ held: true });
  });

  it('drops a hold that is not renewed within its time-to-live; a renewed one stays', async () => {
    const namespace = freshNamespace();
    const ledger = ledgerOf(namespace);
    expect(await ledger.tryHold(FINGERPRINT, 1, 'renewing', 300)).toEqual({ held: true });
    for (let round = 0; round < 4; round++) {
      await sleep(100);
      expect(await ledger.renew(FINGERPRINT, 1, 'renewing', 300)).toBe(true);
    }
    expect(await ledger.tryHold(FINGERPRINT, 1, 'other', 300)).toMatchObject({ why: 'busy' });
    await sleep(400);
    expect(await ledger.tryHold(FINGERPRINT, 1, 'other', 5_000)).toEqual({ held: true });
    // The lapsed holder cannot take the slot back while the key is full.
    expect(await ledger.renew(FINGERPRINT, 1, 'renewing', 300)).toBe(false);
  });

  it('rests a key for every worker; a shorter rest does not cut a longer one short', async () => {
    const namespace = freshNamespace();
    const [one, two] = [ledgerOf(namespace), ledgerOf(namespace)];
    await one.rest(FINGERPRINT, Date.now() + 5_000);
    await two.rest(FINGERPRINT, Date.now() + 1_000);
    const until = await two.restUntil(FINGERPRINT);
    expect(until! - Date.now()).toBeGreaterThan(4_000);
    expect(await two.tryHold(FINGERPRINT, 1, 'worker-2/a', 5_000)).toMatchObject({ held: false, why: 'resting' });
    expect(await ledgerOf(freshNamespace()).restUntil(FINGERPRINT)).toBeUndefined();
  });

  it('sets a key aside for every worker of the fleet, and only of that fleet', async () => {
    const namespace = freshNamespace();
    await ledgerOf(namespace).setAside(FINGERPRINT, { kind: 'quota-exhausted', why: '429 insufficient_quota' });
    expect(await ledgerOf(namespace).tryHold(FINGERPRINT, 1, 'worker-2/a', 5_000)).toEqual({
      held: false,
      why: 'set-aside',
      mark: { kind: 'quota-exhausted', why: '429 insufficient_quota' },
    });
    expect(await ledgerOf(freshNamespace()).tryHold(FINGERPRINT, 1, 'worker-3/a', 5_000)).toEqual({ held: true });
  });

  it("tells another worker's listeners of a release, and nothing of a release of a slot not held", async () => {
    const namespace = freshNamespace();
    const [one, two] = [ledgerOf(namespace), ledgerOf(namespace)];
    const heard: string[] = [];
    two.onRelease((fingerprint) => heard.push(fingerprint));
    // SUBSCRIBE is on its own connection: give it the moment it takes.
    await sleep(100);
    await one.tryHold(FINGERPRINT, 1, 'worker-1/a', 5_000);
    await one.release(FINGERPRINT, 'worker-1/a');
    await one.release(FINGERPRINT, 'worker-1/a');
    await sleep(100);
    expect(heard).toEqual([FINGERPRINT]);
  });

  it('leaves nothing behind once the holds have expired', async () => {
    const namespace = freshNamespace();
    const ledger = ledgerOf(namespace);
    await ledger.tryHold(FINGERPRINT, 1, 'worker-1/a', 200);
    const redis = connections.at(-1)!;
    expect(await redis.exists(`lldflow:keys:${namespace}:slots:${FINGERPRINT}`)).toBe(1);
    await sleep(300);
    expect(await redis.exists(`lldflow:keys:${namespace}:slots:${FINGERPRINT}`)).toBe(0);
  });
});
