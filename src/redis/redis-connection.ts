import { Redis } from 'ioredis';
import { ConfigurationError } from '../core/errors.js';
import { formatDuration } from '../core/format.js';
import { parseEngineUrl, type EngineUrl } from './engine-url.js';

export interface RedisConnectionOptions {
  /**
   * How many reconnects a command waits through before it fails (default 3, so a write to a Redis that
   * is down fails in seconds); null waits forever, which BullMQ requires of a worker's connection.
   */
  maxRetriesPerRequest?: number | null;
  /**
   * Reconnect attempts after which the client gives up and ends (default: never, so a long run rides
   * out a Redis restart).
   */
  maxReconnectAttempts?: number;
  /** How long one connection attempt may take (default 5 s). */
  connectTimeoutMs?: number;
  /** The name CLIENT LIST shows for this connection. */
  connectionName?: string;
}

const DEFAULT_RETRIES_PER_REQUEST = 3;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const LONGEST_RECONNECT_DELAY_MS = 2_000;

/** The last connection error each client reported, so that a failed command can say why. */
const lastErrors = new WeakMap<Redis, Error>();

/** A client of the engine's Redis. The caller owns it: `quit()` it when done. */
export function connectRedis(url: string | EngineUrl, options: RedisConnectionOptions = {}): Redis {
  const engine = typeof url === 'string' ? parseEngineUrl(url) : url;
  const maxReconnectAttempts = options.maxReconnectAttempts ?? Number.POSITIVE_INFINITY;
  const redis = new Redis({
    host: engine.host,
    port: engine.port,
    db: engine.db,
    ...(engine.username === undefined ? {} : { username: engine.username }),
    ...(engine.password === undefined ? {} : { password: engine.password }),
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? DEFAULT_RETRIES_PER_REQUEST : options.maxRetriesPerRequest,
    retryStrategy: (attempt) => (attempt > maxReconnectAttempts ? null : Math.min(attempt * 200, LONGEST_RECONNECT_DELAY_MS)),
  });
  // Failures reach callers through the commands that fail; without a listener ioredis prints each one.
  redis.on('error', (error: Error) => lastErrors.set(redis, error));
  return redis;
}

/** The last connection error of a client made by connectRedis, if it had one. */
export function lastConnectionError(redis: Redis): Error | undefined {
  return lastErrors.get(redis);
}

/** The first part of every key lldflow writes, so that its keys are told apart from anything else in the database. */
export const REDIS_KEY_PREFIX = 'lldflow';

/*
 * Parts are kept to characters that are neither the separator nor special in a SCAN pattern (`*?[]\`),
 * so that a key can be split back into its parts and a pattern built from parts matches only them.
 */
const KEY_PART = /^[A-Za-z0-9_.-]{1,200}$/;

/** `lldflow:<part>:<part>…`; refuses a part that is empty, holds a `:` or a pattern character. */
export function redisKey(...parts: string[]): string {
  for (const part of parts) {
    if (!KEY_PART.test(part)) {
      throw new Error(`refusing Redis key part ${JSON.stringify(part)}: parts are 1-200 letters, digits, '_', '-' or '.'`);
    }
  }
  return [REDIS_KEY_PREFIX, ...parts].join(':');
}

/** The SCAN pattern of every key below `redisKey(...parts)`. */
export function redisKeyPattern(...parts: string[]): string {
  return `${redisKey(...parts)}:*`;
}

/** BullMQ's scripts need Redis 6.2 or later. */
export const MINIMUM_REDIS_VERSION = [6, 2] as const;
const DEFAULT_CHECK_TIMEOUT_MS = 5_000;

/**
 * Checks that the engine's Redis answers and is recent enough, over a connection of its own that tries
 * once and is closed again; throws a ConfigurationError naming the URL (its password masked) when not.
 */
export async function checkRedisServer(
  url: string | EngineUrl,
  options: { timeoutMs?: number } = {},
): Promise<{ version: string; warnings: string[] }> {
  const engine = typeof url === 'string' ? parseEngineUrl(url) : url;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const redis = connectRedis(engine, { maxRetriesPerRequest: 0, maxReconnectAttempts: 0, connectTimeoutMs: timeoutMs });
  let timer: NodeJS.Timeout | undefined;
  try {
    // Selected again by hand: ioredis goes on in database 0 when its own SELECT on connecting fails.
    const answered = redis.select(engine.db).then(async () => `${await redis.info('server')}\n${await redis.info('memory')}`);
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${formatDuration(timeoutMs, 'prose')}`)), timeoutMs);
    });
    const info = await Promise.race([answered, timedOut]).catch((error: unknown) => {
      answered.catch(() => undefined);
      throw new ConfigurationError(describeFailure(engine.url, error, lastConnectionError(redis)), { cause: error });
    });
    return { version: checkVersion(engine.url, info), warnings: evictionWarnings(engine.url, info) };
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

/**
 * A Redis that evicts keys when full may drop a job, a checkpoint or a key hold: work is lost or run
 * twice, silently. BullMQ needs `noeviction` too. Said, not refused: a managed Redis may not let the
 * user change it, and a Redis that never fills up never evicts.
 */
function evictionWarnings(url: string, info: string): string[] {
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
  if (policy === undefined || policy === 'noeviction') return [];
  return [
    `the engine at ${url} evicts keys when its memory is full (maxmemory-policy ${policy}): jobs and checkpoints may be lost; set maxmemory-policy noeviction`,
  ];
}

function describeFailure(url: string, error: unknown, connectionError: Error | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'ReplyError') {
    return `the engine at ${url} refused lldflow: ${message}`;
  }
  // "Connection is closed." says nothing; the connection's own error says why.
  return `cannot reach the engine at ${url}: ${connectionError?.message ?? message}`;
}

function checkVersion(url: string, info: string): string {
  const version = /^redis_version:(\S+)/m.exec(info)?.[1];
  const [major, minor] = (version ?? '').split('.').map(Number);
  if (version === undefined || major === undefined || minor === undefined || Number.isNaN(major) || Number.isNaN(minor)) {
    throw new ConfigurationError(`the engine at ${url} does not say which Redis it is (no redis_version in INFO server)`);
  }
  const [neededMajor, neededMinor] = MINIMUM_REDIS_VERSION;
  if (major < neededMajor || (major === neededMajor && minor < neededMinor)) {
    throw new ConfigurationError(`the engine at ${url} runs Redis ${version}; lldflow needs Redis ${neededMajor}.${neededMinor} or later`);
  }
  return version;
}

/** Every key matching `pattern`, by SCAN (never KEYS, which blocks the server); each key once. */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    // SCAN may return a key more than once while the keyspace is resized.
    for (const key of keys) found.add(key);
    cursor = next;
  } while (cursor !== '0');
  return [...found];
}
