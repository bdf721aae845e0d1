import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import { listenOnLoopback } from '../providers/testing/listen-on-loopback.js';
import { checkRedisServer, connectRedis, redisKey, redisKeyPattern, scanKeys } from './redis-connection.js';
import { startRedisServer, type RedisServer } from './testing/redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A port nothing listens on: taken from the system, then given back. */
async function closedPort(): Promise<number> {
  const listener = createServer();
  const port = await listenOnLoopback(listener);
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  return port;
}

/** A TCP server on 127.0.0.1 that answers every Redis command with `answer(command)`, for servers Redis cannot be made into. */
async function fakeRedis(answer: (command: string) => string | undefined): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const fake: Server = createServer((socket) => {
    sockets.add(socket);
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      // Requests are arrays of bulk strings: `*N` then N times `$length` and the text.
      for (;;) {
        const lines = pending.split('\r\n');
        const count = Number(/^\*(\d+)$/.exec(lines[0] ?? '')?.[1] ?? Number.NaN);
        if (Number.isNaN(count) || lines.length < 1 + count * 2 + 1) return;
        const command = (lines[2] ?? '').toUpperCase();
        pending = lines.slice(1 + count * 2).join('\r\n');
        const reply = answer(command);
        if (reply !== undefined) socket.write(reply);
      }
    });
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listenOnLoopback(fake);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        fake.close(() => resolve());
      }),
  };
}

function bulk(text: string): string {
  return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
}

describe('redisKey', () => {
  it('puts every key under lldflow: with its parts joined by colons', () => {
    expect(redisKey('checkpoint', 'a3f9', 'lld', '42')).toBe('lldflow:checkpoint:a3f9:lld:42');
    expect(redisKey('checkpoint-set-aside', 'a3f9', 'lld-7.sqlite.corrupt-2026-05-06T07-08-09Z')).toBe(
      'lldflow:checkpoint-set-aside:a3f9:lld-7.sqlite.corrupt-2026-05-06T07-08-09Z',
    );
    expect(redisKeyPattern('checkpoint', 'a3f9')).toBe('lldflow:checkpoint:a3f9:*');
  });

  it('refuses parts that would break the key apart or match more than themselves in a pattern', () => {
    for (const bad of ['', 'a:b', 'a*', 'a?', '[a]', 'a\\b', 'a b', 'line\n', 'x'.repeat(201)]) {
      expect(() => redisKey('checkpoint', bad), JSON.stringify(bad)).toThrow(/refusing Redis key part/);
    }
  });
});

describe('connectRedis', () => {
  it('connects to the database the URL names, under the name given', async () => {
    const first = connectRedis(`${server.url}/3`, { connectionName: 'lldflow-test' });
    const other = connectRedis(server.url);
    try {
      await first.set('lldflow:test:db', 'three');
      expect(await other.get('lldflow:test:db')).toBeNull();
      expect(await first.get('lldflow:test:db')).toBe('three');
      expect(await first.client('GETNAME')).toBe('lldflow-test');
      await first.del('lldflow:test:db');
    } finally {
      first.disconnect();
      other.disconnect();
    }
  });

  it('lets a command fail within seconds when Redis is not there, instead of waiting forever', async () => {
    const redis = connectRedis(`redis://127.0.0.1:${await closedPort()}`);
    const started = Date.now();
    try {
      await expect(redis.ping()).rejects.toThrow(/max retries per request/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      redis.disconnect();
    }
  });
});

describe('scanKeys', () => {
  it('finds every key of a pattern, more than one SCAN answer holds, each once', async () => {
    const redis = connectRedis(server.url);
    try {
      const keys = Array.from({ length: 1_200 }, (_, index) => redisKey('test', 'scan', String(index)));
      await redis.mset(...keys.flatMap((key) => [key, '1']));
      await redis.set(redisKey('test', 'elsewhere'), '1');
      const found = await scanKeys(redis, redisKeyPattern('test', 'scan'));
      expect(found.sort()).toEqual([...keys].sort());
      await redis.del(...keys, redisKey('test', 'elsewhere'));
    } finally {
      redis.disconnect();
    }
  });
});

describe('checkRedisServer', () => {
  it('says which Redis answers', async () => {
    const { version, warnings } = await checkRedisServer(server.url);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(warnings).toEqual([]);
  });

  it('warns of a Redis that evicts keys when full', async () => {
    const evicting = await startRedisServer();
    const admin = connectRedis(evicting.url);
    try {
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const { warnings } = await checkRedisServer(evicting.url);
      expect(warnings).toEqual([
        `the engine at ${evicting.url}/0 evicts keys when its memory is full (maxmemory-policy allkeys-lru): jobs and checkpoints may be lost; set maxmemory-policy noeviction`,
      ]);
    } finally {
      admin.disconnect();
      await evicting.stop();
    }
  });

  it('refuses a database the server does not have', async () => {
    await expect(checkRedisServer(`${server.url}/99`)).rejects.toThrow(
      new ConfigurationError(`the engine at ${server.url}/99 refused lldflow: ERR DB index is out of range`),
    );
  });

  it('names the URL and the reason, quickly, when nothing listens; never the password', async () => {
    const port = await closedPort();
    const started = Date.now();
    const failure = await checkRedisServer(`redis://fleet:hunter2@127.0.0.1:${port}`).catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect((failure as Error).message).toBe(
      `cannot reach the engine at redis://fleet:***@127.0.0.1:${port}/0: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it('refuses a Redis older than 6.2', async () => {
    const old = await fakeRedis((command) => (command === 'INFO' ? bulk('# Server\r\nredis_version:5.0.14\r\n') : '+OK\r\n'));
    try {
      await expect(checkRedisServer(`redis://127.0.0.1:${old.port}`)).rejects.toThrow(
        new ConfigurationError(`the engine at redis://127.0.0.1:${old.port}/0 runs Redis 5.0.14; lldflow needs Redis 6.2 or later`),
      );
    } finally {
      await old.close();
    }
  });

  it('refuses a server that does not say it is Redis', async () => {
    const stranger = await fakeRedis((command) => (command === 'INFO' ? bulk('# Server\r\nversion:1\r\n') : '+OK\r\n'));
    try {
      await expect(checkRedisServer(`redis://127.0.0.1:${stranger.port}`)).rejects.toThrow(/does not say which Redis it is/);
    } finally {
      await stranger.close();
    }
  });

  it('gives up on a server that accepts the connection but never answers', async () => {
    const silent = await fakeRedis(() => undefined);
    const started = Date.now();
    try {
      const failure = checkRedisServer(`redis://127.0.0.1:${silent.port}`, { timeoutMs: 300 });
      await expect(failure).rejects.toThrow(ConfigurationError);
      await expect(failure).rejects.toThrow(
        new RegExp(`^cannot reach the engine at redis://127\\.0\\.0\\.1:${silent.port}/0: no answer within `),
      );
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await silent.close();
    }
  });

  it('fails once the test server is stopped', async () => {
    const ending = await startRedisServer();
    try {
      await checkRedisServer(ending.url);
    } finally {
      await ending.stop();
      await ending.stop();
    }
    await expect(checkRedisServer(ending.url)).rejects.toThrow(/cannot reach the engine/);
  });
});
