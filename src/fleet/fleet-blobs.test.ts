import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, scanKeys } from '../redis/redis-connection.js';
import { startRedisServer, type RedisServer } from '../redis/testing/redis-server.js';
import { FleetBlobs, MissingBlobError } from './fleet-blobs.js';

let server: RedisServer;

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server.stop();
});

describe('FleetBlobs', () => {
  it('keeps a large setting once, by its content, with a time-to-live; a worker gets it back in the settings', async () => {
    const redis = connectRedis(server.url);
    try {
      const files = Array.from({ length: 5000 }, (_, index) => `src/module-${index}.ts`);
      const submitter = new FleetBlobs(redis);
      const first = await submitter.put(files);
      // Another submitter of the same repository state shares the copy.
      const second = await new FleetBlobs(redis).put([...files]);
      expect(second).toEqual(first);
      const keys = await scanKeys(redis, 'lldflow:blob:*');
      expect(keys).toEqual([`lldflow:blob:${first.$blob}`]);
      expect(await redis.ttl(keys[0]!)).toBeGreaterThan(6 * 24 * 60 * 60);
      const settings = { drafter: 'openai:d', files: first };
      expect(JSON.stringify(settings).length).toBeLessThan(200);
      const resolved = await new FleetBlobs(redis).resolve(settings);
      expect(resolved).toEqual({ drafter: 'openai:d', files });
      expect(settings.files).toEqual(first);
    } finally {
      await redis.quit();
    }
  });

  it('a blob that is gone fails the job, naming the setting', async () => {
    const redis = connectRedis(server.url);
    try {
      await expect(new FleetBlobs(redis).resolve({ files: { $blob: 'f'.repeat(64) } })).rejects.toThrow(MissingBlobError);
      await expect(new FleetBlobs(redis).resolve({ files: { $blob: 'f'.repeat(64) } })).rejects.toThrow(
        /the job's files is no longer in Redis/,
      );
    } finally {
      await redis.quit();
    }
  });
});
