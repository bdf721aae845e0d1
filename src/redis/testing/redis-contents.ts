import type { Redis } from 'ioredis';
import { scanKeys } from '../redis-connection.js';

/** Every value under one key, whatever its type, as text: for tests that look for what must never be in Redis. */
export async function contentOf(redis: Redis, name: string): Promise<string[]> {
  const type = await redis.type(name);
  switch (type) {
    case 'string':
      return [(await redis.get(name)) ?? ''];
    case 'zset':
      return redis.zrange(name, 0, -1, 'WITHSCORES');
    case 'hash':
      return Object.entries(await redis.hgetall(name)).flat();
    case 'set':
      return redis.smembers(name);
    case 'list':
      return redis.lrange(name, 0, -1);
    case 'stream':
      return (await redis.xrange(name, '-', '+')).flatMap(([id, fields]) => [id, ...fields]);
    case 'none':
      return [];
    default:
      throw new Error(`a ${type} at ${name}: add a reader for it`);
  }
}

/** Every key of the database with its contents, as one text. */
export async function everythingIn(redis: Redis): Promise<string> {
  const parts: string[] = [];
  for (const name of await scanKeys(redis, '*')) parts.push(name, ...(await contentOf(redis, name)));
  return parts.join('\n');
}
