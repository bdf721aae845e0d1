import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/*
 * The writes of the Redis checkpoint store, each one Lua script so that it is atomic: the lease check,
 * the check of what is stored and the write happen with no other command in between.
 *
 * Every script takes the checkpoint key as KEYS[1] and the lease token as ARGV[1]. An empty token means
 * unfenced; otherwise the job lock is the last key and the script writes nothing unless the lock holds
 * the token, answering `lost-lease`.
 */
const HOLDS_LEASE = `
local function holds_lease()
  if ARGV[1] == '' then return true end
  -- pcall: a lock key of another type is no lock this worker holds, not a failure of the script.
  return redis.pcall('GET', KEYS[#KEYS]) == ARGV[1]
end
`;

/*
 * The step of the checkpoint at `key` when it is one this lldflow may write on (a hash of this schema
 * version, of this item), else nil: the caller answers `refused` and reads the key to say what is wrong.
 */
const CURRENT_STEP = `
local function current_step(key, version, workflow, item_id)
  local meta = redis.call('HMGET', key, 'schema_version', 'workflow', 'item_id', 'step')
  if meta[1] ~= version or meta[2] ~= workflow or meta[3] ~= item_id then return nil end
  return tonumber(meta[4])
end
`;

/** ARGV: token, schema version, workflow, item id, stage, state JSON, time. */
const COMMIT = `${HOLDS_LEASE}${CURRENT_STEP}
if not holds_lease() then return 'lost-lease' end
local step = 0
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'none' then
  if kind ~= 'hash' then return 'refused' end
  step = current_step(KEYS[1], ARGV[2], ARGV[3], ARGV[4])
  if not step then return 'refused' end
end
redis.call('HSET', KEYS[1], 'schema_version', ARGV[2], 'workflow', ARGV[3], 'item_id', ARGV[4],
  'step', tostring(step + 1), 'stage', ARGV[5], 'state', ARGV[6], 'status', 'running', 'updated_at', ARGV[7])
redis.call('HDEL', KEYS[1], 'error')
return 'ok'
`;

/** ARGV: token, schema version, workflow, item id, status, time, '1' when an error follows, the error. */
const SET_STATUS = `${HOLDS_LEASE}${CURRENT_STEP}
if not holds_lease() then return 'lost-lease' end
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'none' then return 'none' end
if kind ~= 'hash' or not current_step(KEYS[1], ARGV[2], ARGV[3], ARGV[4]) then return 'refused' end
redis.call('HSET', KEYS[1], 'status', ARGV[5], 'updated_at', ARGV[6])
if ARGV[7] == '1' then redis.call('HSET', KEYS[1], 'error', ARGV[8]) else redis.call('HDEL', KEYS[1], 'error') end
return 'ok'
`;

/** ARGV: token. */
const REMOVE = `${HOLDS_LEASE}
if not holds_lease() then return 'lost-lease' end
redis.call('DEL', KEYS[1])
return 'ok'
`;

/**
 * KEYS[2]: where to move the checkpoint; when that key exists, `-2`, `-3`… is appended. ARGV: token.
 * Answers the key it moved to, or `none`. The numbered names are not declared keys, which is fine on one
 * Redis server (not on a cluster).
 */
const SET_ASIDE = `${HOLDS_LEASE}
if not holds_lease() then return 'lost-lease' end
if redis.call('EXISTS', KEYS[1]) == 0 then return 'none' end
local target = KEYS[2]
local counter = 2
while redis.call('EXISTS', target) == 1 do
  target = KEYS[2] .. '-' .. counter
  counter = counter + 1
end
redis.call('RENAME', KEYS[1], target)
return target
`;

class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs by hash, sending the source only when the server does not know the script yet (restarted, flushed). */
  async run(redis: Redis, keys: string[], args: string[]): Promise<string> {
    let answer: unknown;
    try {
      answer = await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      answer = await redis.eval(this.source, keys.length, ...keys, ...args);
    }
    if (typeof answer !== 'string') throw new Error(`a checkpoint script answered ${JSON.stringify(answer)}`);
    return answer;
  }
}

export const checkpointScripts = {
  commit: new LuaScript(COMMIT),
  setStatus: new LuaScript(SET_STATUS),
  remove: new LuaScript(REMOVE),
  setAside: new LuaScript(SET_ASIDE),
};

/** The fence's part of a script call: its lock as the last key, its token as ARGV[1] ('' when unfenced). */
export function fenceArguments(fence: { lockKey: string; token: string } | undefined): { keys: string[]; token: string } {
  return fence === undefined ? { keys: [], token: '' } : { keys: [fence.lockKey], token: fence.token };
}
