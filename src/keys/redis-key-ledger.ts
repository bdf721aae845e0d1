import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock/clock.js';
import { redisKey } from '../redis/redis-connection.js';
import type { LedgerHold, SetAsideMark, SharedKeyLedger } from './shared-key-ledger.js';

export interface RedisKeyLedgerOptions {
  /** For the commands; the caller owns it. */
  redis: Redis;
  /** The fleet's name: workers share key state only within it. Letters, digits, `_`, `-`, `.`. */
  namespace: string;
  /** This worker's clock: answers are turned into moments on it. */
  clock: Clock;
  /** How long a key set aside stays so for the fleet (a quota may be topped up, a key replaced). Default 24 hours. */
  setAsideTtlMs?: number;
  /** The release listener's connection failed; it reconnects by itself, meanwhile waiters fall back on the holds' expiry. */
  onError?: (error: Error) => void;
}

const DEFAULT_SET_ASIDE_TTL_MS = 24 * 60 * 60_000;

/*
 * Each key's slots are a sorted set of holder ids scored by the moment their hold expires, on the Redis
 * server's own clock (TIME), so the workers' clocks need not agree: only durations cross the wire. The
 * set itself expires with its last hold, so a fleet that stops leaves nothing behind.
 */
const NOW_AND_TRIM = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local function take(capacity, holder, ttl)
  if not redis.call('ZSCORE', KEYS[1], holder) and redis.call('ZCARD', KEYS[1]) >= capacity then return false end
  redis.call('ZADD', KEYS[1], now + ttl, holder)
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', KEYS[1], tonumber(last[2]) - now)
  return true
end
`;

/** KEYS: slots, rest, set-aside. ARGV: capacity, holder, ttl ms. */
const TRY_HOLD = `${NOW_AND_TRIM}
local kind = redis.call('HGET', KEYS[3], 'kind')
if kind then return {'set-aside', kind, redis.call('HGET', KEYS[3], 'why') or ''} end
local resting = redis.call('PTTL', KEYS[2])
if resting > 0 then return {'resting', resting} end
if take(tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])) then return {'held'} end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {'busy', tonumber(first[2] or (now + tonumber(ARGV[3]))) - now}
`;

/** KEYS: slots. ARGV: capacity, holder, ttl ms. */
const RENEW = `${NOW_AND_TRIM}
if take(tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])) then return 1 end
return 0
`;

/** KEYS: slots. ARGV: holder, channel, fingerprint. */
const RELEASE = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
return 1
`;

/** KEYS: rest. ARGV: ms. The later end wins: a shorter rest never cuts a longer one short. */
const REST = `
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 1
`;

/**
 * The fleet's shared key ledger on Redis, every key under `lldflow:keys:<namespace>:`: `slots:<fp>` (a
 * sorted set of holder ids, trimmed and checked against the capacity in one script, so two workers
 * can never both take a key's last slot), `rest:<fp>` (a marker that expires when the rest ends),
 * `set-aside:<fp>` (a hash of kind and why, with an expiry) and the channel `released`.
 *
 * A release is published on the channel, so a worker waiting for that key tries again at once; a hold
 * that expires (a worker died) is published by nobody, and pub/sub drops messages while a connection
 * is down, so waiting workers also retry when the first hold on the key would expire: pub/sub for
 * promptness, the expiry as the bound.
 */
export class RedisKeyLedger implements SharedKeyLedger {
  private readonly listeners = new Set<(fingerprint: string) => void>();
  private readonly channel: string;
  private subscriber: Redis | undefined;
  private readonly setAsideTtlMs: number;

  constructor(private readonly options: RedisKeyLedgerOptions) {
    this.channel = this.key('released');
    this.setAsideTtlMs = options.setAsideTtlMs ?? DEFAULT_SET_ASIDE_TTL_MS;
  }

  async tryHold(fingerprint: string, capacity: number, holderId: string, ttlMs: number): Promise<LedgerHold> {
    const keys = [this.key('slots', fingerprint), this.key('rest', fingerprint), this.key('set-aside', fingerprint)];
    const answer = await runScript(this.options.redis, TRY_HOLD, keys, [capacity, holderId, Math.ceil(ttlMs)]);
    if (!Array.isArray(answer)) throw new Error(`unexpected answer from the key ledger: ${JSON.stringify(answer)}`);
    const [what, first, second] = answer as unknown[];
    const now = this.options.clock.now();
    if (what === 'held') return { held: true };
    if (what === 'busy') return { held: false, why: 'busy', retryAt: now + Number(first) };
    if (what === 'resting') return { held: false, why: 'resting', until: now + Number(first) };
    if (what === 'set-aside') return { held: false, why: 'set-aside', mark: { kind: setAsideKind(first), why: String(second) } };
    throw new Error(`unexpected answer from the key ledger: ${JSON.stringify(answer)}`);
  }

  async renew(fingerprint: string, capacity: number, holderId: string, ttlMs: number): Promise<boolean> {
    const answer = await runScript(this.options.redis, RENEW, [this.key('slots', fingerprint)], [capacity, holderId, Math.ceil(ttlMs)]);
    return answer === 1;
  }

  async release(fingerprint: string, holderId: string): Promise<void> {
    await runScript(this.options.redis, RELEASE, [this.key('slots', fingerprint)], [holderId, this.channel, fingerprint]);
  }

  async rest(fingerprint: string, untilMs: number): Promise<void> {
    const ms = Math.ceil(untilMs - this.options.clock.now());
    if (ms <= 0) return;
    await runScript(this.options.redis, REST, [this.key('rest', fingerprint)], [ms]);
  }

  async restUntil(fingerprint: string): Promise<number | undefined> {
    const ms = await this.options.redis.pttl(this.key('rest', fingerprint));
    return ms > 0 ? this.options.clock.now() + ms : undefined;
  }

  async setAside(fingerprint: string, mark: SetAsideMark): Promise<void> {
    const key = this.key('set-aside', fingerprint);
    await this.options.redis.multi().hset(key, { kind: mark.kind, why: mark.why }).pexpire(key, this.setAsideTtlMs).exec();
  }

  /** Subscribes on a connection of its own (one in subscriber mode takes no other commands), made at the first listener. */
  onRelease(listener: (fingerprint: string) => void): () => void {
    this.listeners.add(listener);
    this.subscribe();
    return () => this.listeners.delete(listener);
  }

  /** Ends the release listener's connection; the command connection stays the caller's. */
  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.listeners.clear();
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private subscribe(): void {
    if (this.subscriber) return;
    const subscriber = this.options.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (error: Error) => this.options.onError?.(error));
    subscriber.on('message', (channel: string, fingerprint: string) => {
      if (channel !== this.channel) return;
      for (const listener of [...this.listeners]) listener(fingerprint);
    });
    subscriber
      .subscribe(this.channel)
      .catch((error: unknown) => this.options.onError?.(error instanceof Error ? error : new Error(String(error))));
  }

  private key(...parts: string[]): string {
    return redisKey('keys', this.options.namespace, ...parts);
  }
}

function setAsideKind(value: unknown): SetAsideMark['kind'] {
  return value === 'quota-exhausted' ? 'quota-exhausted' : 'rejected';
}

const shas = new Map<string, string>();

/** EVALSHA, and EVAL when the server does not have the script yet (a restart, SCRIPT FLUSH). */
async function runScript(redis: Redis, source: string, keys: string[], args: Array<string | number>): Promise<unknown> {
  let sha = shas.get(source);
  if (sha === undefined) {
    sha = createHash('sha1').update(source).digest('hex');
    shas.set(source, sha);
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    return redis.eval(source, keys.length, ...keys, ...args);
  }
}
