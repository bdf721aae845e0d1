import { createHash, randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { connectRedis } from '../redis/redis-connection.js';
import { startRedisServer, type RedisServer } from '../redis/testing/redis-server.js';
import { LostLeaseError } from './lost-lease-error.js';
import { RedisCheckpointStoreFactory } from './redis-store.js';
import { CHECKPOINT_SCHEMA_VERSION, CheckpointIoError, CheckpointSchemaError } from './store.js';
import { describeCheckpointStoreContract } from './store-contract.test-suite.js';

let server: RedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await startRedisServer();
  redis = connectRedis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

/** A repository identity as the fleet makes them: a hash. */
function newNamespace(): string {
  return createHash('sha256').update(randomUUID()).digest('hex');
}

describeCheckpointStoreContract('RedisCheckpointStoreFactory', () =>
  Promise.resolve({
    factory: new RedisCheckpointStoreFactory({ redis, namespace: newNamespace() }),
    cleanup: async () => {
      await redis.flushdb();
    },
  }),
);

describe('RedisCheckpointStoreFactory in Redis', () => {
  let namespace: string;
  let clock: FakeClock;
  let factory: RedisCheckpointStoreFactory;

  beforeEach(() => {
    namespace = newNamespace();
    clock = new FakeClock(Date.UTC(2026, 4, 6, 7, 8, 9));
    factory = new RedisCheckpointStoreFactory({ redis, namespace, clock });
  });
  afterEach(async () => {
    await redis.flushdb();
  });

  it('keeps one hash per item under lldflow:checkpoint:<namespace>, with the schema version; remove deletes it', async () => {
    const store = await factory.open('issue', 'dark-mode');
    await store.setStatus('failed', 'never started');
    expect(await redis.dbsize()).toBe(0);
    await store.commit({ stage: 'draft', state: { round: 1 } });
    await clock.advance(60_000);
    await store.commit({ stage: 'review', state: { round: 2 } });
    await store.setStatus('blocked', 'needs a human');

    const key = `lldflow:checkpoint:${namespace}:issue:dark-mode`;
    expect(factory.keyOf('issue', 'dark-mode')).toBe(key);
    expect(await redis.hgetall(key)).toEqual({
      schema_version: String(CHECKPOINT_SCHEMA_VERSION),
      workflow: 'issue',
      item_id: 'dark-mode',
      step: '2',
      stage: 'review',
      state: '{"round":2}',
      status: 'blocked',
      error: 'needs a human',
      updated_at: '2026-05-06T07:09:09.000Z',
    });
    await store.setStatus('interrupted');
    expect(await redis.hexists(key, 'error')).toBe(0);

    await store.remove();
    expect(await redis.dbsize()).toBe(0);
    await store.close();
  });

  it('keeps two repositories apart even when they share one Redis', async () => {
    const other = new RedisCheckpointStoreFactory({ redis, namespace: newNamespace(), clock });
    const mine = await factory.open('lld', '7');
    const theirs = await other.open('lld', '7');
    await mine.commit({ stage: 'draft', state: { owner: 'mine' } });
    await theirs.commit({ stage: 'review', state: { owner: 'theirs' } });
    await theirs.commit({ stage: 'revise', state: { owner: 'theirs' } });
    expect(await mine.load()).toMatchObject({ step: 1, state: { owner: 'mine' } });
    expect(await factory.list()).toEqual([{ workflow: 'lld', itemId: '7' }]);

    await theirs.setAside();
    expect(await factory.listSetAside()).toEqual([]);
    expect(await other.listSetAside()).toHaveLength(1);
    await mine.remove();
    expect(await other.list()).toEqual([]);
    expect(await factory.list()).toEqual([]);
  });

  it('refuses a namespace that cannot be part of a key', () => {
    for (const bad of ['', 'a:b', 'repo*']) {
      expect(() => new RedisCheckpointStoreFactory({ redis, namespace: bad })).toThrow(/refusing Redis key part/);
    }
  });

  it('refuses a checkpoint of a newer schema version, naming the key and what to do, and leaves it untouched', async () => {
    const key = factory.keyOf('lld', '3');
    const stored = {
      schema_version: '99',
      workflow: 'lld',
      item_id: '3',
      step: '4',
      stage: 'draft',
      state: '{}',
      status: 'running',
      updated_at: 'x',
    };
    await redis.hset(key, stored);

    expect(await factory.peek('lld', '3')).toBeUndefined();
    const inspection = await factory.inspect('lld', '3');
    expect(inspection).toMatchObject({ kind: 'damaged', problem: 'newer-schema', path: key });
    expect(inspection.kind === 'damaged' && inspection.message).toMatch(/schema version 99, written by a newer lldflow.*delete the key/);
    const store = await factory.open('lld', '3');
    await expect(store.load()).rejects.toMatchObject({ name: 'CheckpointSchemaError', kind: 'newer-schema' });
    await expect(store.load()).rejects.toThrow(key);
    await expect(store.commit({ stage: 'review', state: {} })).rejects.toMatchObject({ kind: 'newer-schema' });
    await expect(store.setStatus('failed', 'x')).rejects.toMatchObject({ kind: 'newer-schema' });
    expect(await redis.hgetall(key)).toEqual(stored);
    await store.close();
  });

  it('reads what is not a checkpoint of this item as unreadable, and moves it aside when asked', async () => {
    const base = {
      schema_version: String(CHECKPOINT_SCHEMA_VERSION),
      workflow: 'lld',
      step: '1',
      stage: 'draft',
      state: '{}',
      status: 'running',
      updated_at: 'x',
    };
    await redis.set(factory.keyOf('lld', 'text'), 'not a hash at all');
    await redis.hset(factory.keyOf('lld', 'unversioned'), { note: 'a stranger' });
    await redis.hset(factory.keyOf('lld', 'old'), { ...base, item_id: 'old', schema_version: '0' });
    await redis.hset(factory.keyOf('lld', 'cut'), { ...base, item_id: 'cut', state: '{"draft": "half' });
    await redis.hset(factory.keyOf('lld', 'stepless'), { ...base, item_id: 'stepless', step: 'many' });
    await redis.hset(factory.keyOf('lld', 'copied'), { ...base, item_id: '1' });

    for (const [itemId, message] of [
      ['text', /another type than hash/],
      ['unversioned', /not an lldflow checkpoint \(no schema version\)/],
      ['old', /schema version 0, which no lldflow writes/],
      ['cut', /holds unreadable state at step 1/],
      ['stepless', /its step is missing or invalid/],
      ['copied', /belongs to lld item 1, not lld item copied/],
    ] as const) {
      const key = factory.keyOf('lld', itemId);
      expect(await factory.peek('lld', itemId), itemId).toBeUndefined();
      expect(await factory.inspect('lld', itemId), itemId).toMatchObject({ kind: 'damaged', problem: 'unreadable', path: key });
      const store = await factory.open('lld', itemId);
      await expect(store.load(), itemId).rejects.toMatchObject({ name: 'CheckpointSchemaError', kind: 'unreadable' });
      await expect(store.load(), itemId).rejects.toThrow(message);
      await expect(store.load(), itemId).rejects.toThrow(key);
      // Only damaged state is written over, as the SQLite store appends a step after it: the rest is refused.
      if (itemId !== 'cut') await expect(store.commit({ stage: 'review', state: {} }), itemId).rejects.toThrow(CheckpointSchemaError);
      await store.close();
    }
    expect((await factory.list()).map((entry) => entry.itemId)).toEqual(['copied', 'cut', 'old', 'stepless', 'text', 'unversioned']);

    const store = await factory.open('lld', 'text');
    const movedTo = await store.setAside();
    expect(await redis.get(movedTo!)).toBe('not a hash at all');
    await store.commit({ stage: 'draft', state: { fresh: true } });
    expect(await store.load()).toMatchObject({ step: 1, state: { fresh: true } });
  });

  it('setAside renames the key with the time; a second one in the same second gets a counter; list never shows them', async () => {
    const store = await factory.open('lld', '5');
    await store.commit({ stage: 'draft', state: { text: 'v1' } });
    const movedTo = await store.setAside();
    expect(movedTo).toBe(`lldflow:checkpoint-set-aside:${namespace}:lld-5.sqlite.corrupt-2026-05-06T07-08-09Z`);
    expect(await redis.hget(movedTo!, 'state')).toBe('{"text":"v1"}');
    await store.commit({ stage: 'draft', state: { text: 'v2' } });
    expect(await store.setAside()).toBe(`${movedTo!}-2`);
    await clock.advance(1_000);
    const other = await factory.open('issue', 'a-first');
    await other.commit({ stage: 'draft', state: {} });
    const later = await other.setAside();
    expect(await factory.list()).toEqual([]);
    // Oldest first, whatever the item: the time decides, not the name.
    expect(await factory.listSetAside()).toEqual([
      { workflow: 'lld', itemId: '5', path: movedTo },
      { workflow: 'lld', itemId: '5', path: `${movedTo!}-2` },
      { workflow: 'issue', itemId: 'a-first', path: later },
    ]);
  });

  it('lists every item by SCAN, past one answer, and ignores keys it did not write', async () => {
    const ids = Array.from({ length: 600 }, (_, index) => String(index + 1));
    await Promise.all(
      ids.map(async (itemId) => {
        const store = await factory.open('implement', itemId);
        await store.commit({ stage: 'start', state: null });
      }),
    );
    const prefix = `lldflow:checkpoint:${namespace}`;
    for (const stranger of [`${prefix}:deploy:1`, `${prefix}:lld:bad.id`, `${prefix}:lld:1:extra`, `${prefix}:lld`])
      await redis.set(stranger, 'x');
    const listed = await factory.list();
    expect(listed).toHaveLength(600);
    expect(listed.slice(0, 3)).toEqual(['1', '2', '3'].map((itemId) => ({ workflow: 'implement', itemId })));
    expect(await factory.list('lld')).toEqual([]);
  });

  it('numbers commits of many workers racing on one item without losing one (each commit is one script)', async () => {
    const stores = await Promise.all(Array.from({ length: 5 }, () => factory.open('lld', '11')));
    await Promise.all(
      stores.flatMap((store, worker) =>
        Array.from({ length: 20 }, (_, round) => store.commit({ stage: 'draft', state: { worker, round } })),
      ),
    );
    expect(await factory.peek('lld', '11')).toMatchObject({ step: 100, status: 'running' });
  });

  it('rejects state that JSON cannot hold without writing anything', async () => {
    const store = await factory.open('lld', '9');
    await expect(store.commit({ stage: 'draft', state: { big: 1n } })).rejects.toThrow(TypeError);
    expect(await redis.dbsize()).toBe(0);
  });

  it('rejects calls on a closed store', async () => {
    const store = await factory.open('lld', '1');
    await store.close();
    await expect(store.load()).rejects.toThrow(/closed/);
    await expect(store.commit({ stage: 'draft', state: {} })).rejects.toThrow(/closed/);
  });
});

describe('RedisCheckpointStoreFactory fenced by a job lock', () => {
  const lockKey = 'bull:items:42:lock';
  let factory: RedisCheckpointStoreFactory;

  beforeEach(() => {
    factory = new RedisCheckpointStoreFactory({ redis, namespace: newNamespace() });
  });
  afterEach(async () => {
    await redis.flushdb();
  });

  it('writes while the lock holds the token; once another worker holds it or it is gone, writes nothing and says so', async () => {
    await redis.set(lockKey, 'worker-a:0');
    const store = await factory.fenced({ lockKey, token: 'worker-a:0' }).open('lld', '42');
    await store.commit({ stage: 'draft', state: { text: 'v1' } });
    await store.commit({ stage: 'review', state: { text: 'v2' } });
    await store.setStatus('failed', 'reviewer timed out');
    const key = factory.keyOf('lld', '42');
    const written = await redis.hgetall(key);
    expect(written).toMatchObject({ step: '2', status: 'failed' });

    const takeOvers = [
      () => redis.set(lockKey, 'worker-b:7'),
      () => redis.del(lockKey),
      () => redis.hset(lockKey, { token: 'worker-a:0' }),
    ];
    for (const takeOver of takeOvers) {
      await redis.del(lockKey);
      await takeOver();
      await expect(store.commit({ stage: 'revise', state: { text: 'v3' } })).rejects.toThrow(LostLeaseError);
      await expect(store.setStatus('interrupted')).rejects.toThrow(LostLeaseError);
      await expect(store.remove()).rejects.toThrow(LostLeaseError);
      await expect(store.setAside()).rejects.toThrow(LostLeaseError);
      expect(await redis.hgetall(key)).toEqual(written);
      // Reading needs no lease: the new holder and `lldflow status` read the same checkpoint.
      expect(await store.load()).toMatchObject({ step: 2, stage: 'review', state: { text: 'v2' } });
    }
    expect(await factory.listSetAside()).toEqual([]);
    await expect(store.commit({ stage: 'revise', state: {} })).rejects.toThrow(
      `lost the lease on lld item 42 to another worker (its job lock ${lockKey} no longer holds this worker's token): nothing was written`,
    );

    // The worker that holds the lock now writes on, from the last commit.
    await redis.set(lockKey, 'worker-b:7');
    const taker = await factory.fenced({ lockKey, token: 'worker-b:7' }).open('lld', '42');
    await taker.commit({ stage: 'revise', state: { text: 'v3 by b' } });
    expect(await taker.load()).toMatchObject({ step: 3, status: 'running', state: { text: 'v3 by b' } });
    await taker.remove();
    expect(await redis.exists(key)).toBe(0);
  });

  it('refuses a first commit without the lease, creating nothing', async () => {
    const store = await factory.fenced({ lockKey, token: 'worker-a:0' }).open('lld', '42');
    await expect(store.commit({ stage: 'draft', state: {} })).rejects.toThrow(LostLeaseError);
    expect(await redis.dbsize()).toBe(0);
  });

  it("holds with a BullMQ worker's own job lock and token, and not after the job ended", async () => {
    const connection = connectRedis(server.url, { maxRetriesPerRequest: null });
    const queue = new Queue('items', { connection });
    let worker: Worker | undefined;
    try {
      let inside: { lockKey: string; token: string; step: number | undefined } | undefined;
      const completed = new Promise<void>((resolve, reject) => {
        worker = new Worker(
          'items',
          async (job, token) => {
            const fence = { lockKey: `${worker!.toKey(job.id!)}:lock`, token: token! };
            const store = await factory.fenced(fence).open('lld', '42');
            await store.commit({ stage: 'draft', state: { by: 'the job' } });
            inside = { ...fence, step: (await store.load())?.step };
          },
          { connection },
        );
        worker.on('completed', () => resolve());
        worker.on('failed', (_job, error) => reject(error));
      });
      await queue.add('lld', { itemId: '42' });
      await completed;
      expect(inside).toMatchObject({ lockKey: expect.stringMatching(/^bull:items:\d+:lock$/) as unknown, step: 1 });

      // Completing the job released its lock: the worker holds the item no more.
      const late = await factory.fenced({ lockKey: inside!.lockKey, token: inside!.token }).open('lld', '42');
      await expect(late.commit({ stage: 'review', state: {} })).rejects.toThrow(LostLeaseError);
      expect(await late.load()).toMatchObject({ step: 1, state: { by: 'the job' } });
    } finally {
      await worker?.close();
      await queue.close();
      connection.disconnect();
    }
  });
});

describe('RedisCheckpointStoreFactory when Redis goes down', () => {
  it('fails writes and reads naming the key and why, and inspect says it is an I/O problem', async () => {
    const ending = await startRedisServer();
    const client = connectRedis(ending.url, { maxRetriesPerRequest: 0 });
    try {
      const factory = new RedisCheckpointStoreFactory({ redis: client, namespace: newNamespace() });
      const store = await factory.open('lld', '4');
      await store.commit({ stage: 'draft', state: { text: 'small' } });
      await ending.kill();

      const key = factory.keyOf('lld', '4');
      const failure = await store.commit({ stage: 'review', state: { text: 'lost' } }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(CheckpointIoError);
      expect((failure as CheckpointIoError).path).toBe(key);
      expect((failure as Error).message).toMatch(
        new RegExp(`^could not write checkpoint ${key}: Redis is unreachable: .*ECONNREFUSED.* \\(ECONNREFUSED\\)$`),
      );
      await expect(store.setStatus('failed')).rejects.toThrow(CheckpointIoError);
      await expect(store.load()).rejects.toThrow(`could not read checkpoint ${key}`);
      expect(await factory.inspect('lld', '4')).toMatchObject({ kind: 'damaged', problem: 'io', path: key });
      await expect(factory.list()).rejects.toThrow(CheckpointIoError);
    } finally {
      client.disconnect();
      await ending.stop();
    }
  });
});
