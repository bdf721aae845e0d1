import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../clock/clock.js';
import { isValidItemId, validateItemId } from '../core/item-id.js';
import { WORKFLOW_NAMES, type WorkflowName } from '../core/items.js';
import { redisKey, redisKeyPattern, scanKeys } from '../redis/redis-connection.js';
import { compareListEntries } from './list-order.js';
import { LostLeaseError } from './lost-lease-error.js';
import { promiseOf } from './promise-of.js';
import { readCheckpointHash, readSetAsideName, redisCheckpointError, setAsideName } from './redis-record.js';
import { checkpointScripts, fenceArguments } from './redis-scripts.js';
import {
  CHECKPOINT_SCHEMA_VERSION,
  CheckpointIoError,
  CheckpointSchemaError,
  type Checkpoint,
  type CheckpointInspection,
  type CheckpointStatus,
  type CheckpointStore,
  type CheckpointStoreFactory,
} from './store.js';

const CHECKPOINT = 'checkpoint';
const SET_ASIDE = 'checkpoint-set-aside';

/** A fleet worker's hold on an item: the BullMQ job lock (`<prefix>:<queue>:<job id>:lock`) and the token it holds. */
export interface LeaseFence {
  lockKey: string;
  token: string;
}

export interface RedisCheckpointStoreOptions {
  /** The caller's client, which it closes; the stores never do. */
  redis: Redis;
  /** The repository's identity (a hash), so that two repositories sharing one Redis never share checkpoints. */
  namespace: string;
  clock?: Clock;
  /** When given, every write is refused unless the lock holds the token (see `fenced`). */
  fence?: LeaseFence;
}

/**
 * Checkpoints in the engine's Redis, one hash per item at `lldflow:checkpoint:<namespace>:<workflow>:<id>`,
 * shared by every worker of a fleet. Each write is one Lua script, so a commit is atomic and a crash
 * leaves the last one.
 */
export class RedisCheckpointStoreFactory implements CheckpointStoreFactory {
  private readonly redis: Redis;
  private readonly namespace: string;
  private readonly clock: Clock;
  private readonly fence: LeaseFence | undefined;

  constructor(private readonly options: RedisCheckpointStoreOptions) {
    this.redis = options.redis;
    // Built once here so that a namespace that cannot be a key part fails at construction.
    redisKey(CHECKPOINT, options.namespace);
    this.namespace = options.namespace;
    this.clock = options.clock ?? systemClock;
    if (options.fence !== undefined && (options.fence.lockKey === '' || options.fence.token === '')) {
      throw new Error('a checkpoint fence needs a lock key and a token');
    }
    this.fence = options.fence;
  }

  /**
   * The same checkpoints, written only while `fence.lockKey` holds `fence.token`: each write checks the
   * lock in the script that writes, so a worker whose job lock expired or was taken over writes nothing
   * and gets a LostLeaseError.
   */
  fenced(fence: LeaseFence): RedisCheckpointStoreFactory {
    return new RedisCheckpointStoreFactory({ ...this.options, fence });
  }

  /** The key of one item's checkpoint (it may not exist). */
  keyOf(workflow: WorkflowName, itemId: string): string {
    if (!WORKFLOW_NAMES.includes(workflow)) throw new Error(`refusing checkpoint key for workflow ${JSON.stringify(workflow)}`);
    validateItemId(itemId, 'checkpoint store');
    return redisKey(CHECKPOINT, this.namespace, workflow, itemId);
  }

  open(workflow: WorkflowName, itemId: string): Promise<CheckpointStore> {
    return promiseOf(() => this.openNow(workflow, itemId));
  }

  private openNow(workflow: WorkflowName, itemId: string): CheckpointStore {
    const key = this.keyOf(workflow, itemId);
    return new RedisCheckpointStore({
      redis: this.redis,
      key,
      setAsideKey: () => redisKey(SET_ASIDE, this.namespace, setAsideName(workflow, itemId, this.clock.now())),
      workflow,
      itemId,
      clock: this.clock,
      fence: this.fence,
    });
  }

  async peek(workflow: WorkflowName, itemId: string): Promise<Checkpoint | undefined> {
    const inspection = await this.inspect(workflow, itemId);
    return inspection.kind === 'ok' ? inspection.checkpoint : undefined;
  }

  async inspect(workflow: WorkflowName, itemId: string): Promise<CheckpointInspection> {
    const key = this.keyOf(workflow, itemId);
    try {
      const checkpoint = await readCheckpoint(this.redis, key, workflow, itemId);
      return checkpoint === undefined ? { kind: 'none' } : { kind: 'ok', checkpoint };
    } catch (error) {
      if (error instanceof CheckpointSchemaError) return { kind: 'damaged', problem: error.kind, path: key, message: error.message };
      if (error instanceof CheckpointIoError) return { kind: 'damaged', problem: 'io', path: key, message: error.message };
      throw error;
    }
  }

  async list(workflow?: WorkflowName): Promise<Array<{ workflow: WorkflowName; itemId: string }>> {
    const prefix = `${redisKey(CHECKPOINT, this.namespace)}:`;
    const pattern =
      workflow === undefined ? redisKeyPattern(CHECKPOINT, this.namespace) : redisKeyPattern(CHECKPOINT, this.namespace, workflow);
    const entries: Array<{ workflow: WorkflowName; itemId: string }> = [];
    for (const key of await this.scan(pattern)) {
      const [keyWorkflow, itemId, ...rest] = key.slice(prefix.length).split(':');
      // Only keys this store writes: a stranger's key under the prefix is no item.
      if (rest.length === 0 && WORKFLOW_NAMES.includes(keyWorkflow as WorkflowName) && itemId !== undefined && isValidItemId(itemId)) {
        entries.push({ workflow: keyWorkflow as WorkflowName, itemId });
      }
    }
    return entries.sort(compareListEntries);
  }

  async listSetAside(): Promise<Array<{ workflow: WorkflowName; itemId: string; path: string }>> {
    const prefix = `${redisKey(SET_ASIDE, this.namespace)}:`;
    const found = (await this.scan(redisKeyPattern(SET_ASIDE, this.namespace))).flatMap((key) => {
      const name = readSetAsideName(key.slice(prefix.length));
      return name === undefined ? [] : [{ ...name, path: key }];
    });
    found.sort(
      (left, right) => compareText(left.order[0], right.order[0]) || left.order[1] - right.order[1] || compareText(left.path, right.path),
    );
    return found.map(({ workflow, itemId, path }) => ({ workflow, itemId, path }));
  }

  private async scan(pattern: string): Promise<string[]> {
    try {
      return await scanKeys(this.redis, pattern);
    } catch (error) {
      throw redisCheckpointError(error, this.redis, pattern, 'read');
    }
  }
}

interface StoreContext {
  redis: Redis;
  key: string;
  setAsideKey: () => string;
  workflow: WorkflowName;
  itemId: string;
  clock: Clock;
  fence: LeaseFence | undefined;
}

class RedisCheckpointStore implements CheckpointStore {
  private closed = false;

  constructor(private readonly context: StoreContext) {}

  async load(): Promise<Checkpoint | undefined> {
    this.assertOpen();
    const { redis, key, workflow, itemId } = this.context;
    return readCheckpoint(redis, key, workflow, itemId);
  }

  async commit(step: { stage: string; state: unknown }): Promise<void> {
    this.assertOpen();
    // Serialised before anything is sent, so unserialisable state fails without a write.
    const stateJson = JSON.stringify(step.state) ?? 'null';
    const { workflow, itemId } = this.context;
    const answer = await this.write(
      checkpointScripts.commit,
      [],
      [String(CHECKPOINT_SCHEMA_VERSION), workflow, itemId, step.stage, stateJson, this.now()],
    );
    if (answer !== 'ok') throw new Error(`unexpected answer of the commit script: ${answer}`);
  }

  async setStatus(status: CheckpointStatus, error?: string): Promise<void> {
    this.assertOpen();
    const { workflow, itemId } = this.context;
    await this.write(
      checkpointScripts.setStatus,
      [],
      [String(CHECKPOINT_SCHEMA_VERSION), workflow, itemId, status, this.now(), error === undefined ? '0' : '1', error ?? ''],
    );
  }

  async remove(): Promise<void> {
    this.assertOpen();
    await this.write(checkpointScripts.remove, [], []);
  }

  async setAside(): Promise<string | undefined> {
    this.assertOpen();
    const answer = await this.write(checkpointScripts.setAside, [this.context.setAsideKey()], []);
    return answer === 'none' ? undefined : answer;
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /**
   * Runs one write script with the checkpoint key first and the fence last; `lost-lease` becomes a
   * LostLeaseError and `refused` (what is stored is not this lldflow's checkpoint of this item) the
   * error reading it gives.
   */
  private async write(script: (typeof checkpointScripts)[keyof typeof checkpointScripts], keys: string[], args: string[]): Promise<string> {
    const { redis, key, workflow, itemId, fence } = this.context;
    const fenceParts = fenceArguments(fence);
    let answer: string;
    try {
      answer = await script.run(redis, [key, ...keys, ...fenceParts.keys], [fenceParts.token, ...args]);
    } catch (error) {
      throw redisCheckpointError(error, redis, key, 'write');
    }
    if (answer === 'lost-lease') throw new LostLeaseError(workflow, itemId, fence?.lockKey ?? '');
    if (answer === 'refused') {
      await readCheckpoint(redis, key, workflow, itemId);
      throw new CheckpointSchemaError(`checkpoint ${key} changed while it was written; nothing was written`);
    }
    return answer;
  }

  private now(): string {
    return new Date(this.context.clock.now()).toISOString();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`checkpoint store ${this.context.key} is closed`);
  }
}

async function readCheckpoint(redis: Redis, key: string, workflow: WorkflowName, itemId: string): Promise<Checkpoint | undefined> {
  let fields: Record<string, string>;
  try {
    fields = await redis.hgetall(key);
  } catch (error) {
    throw redisCheckpointError(error, redis, key, 'read');
  }
  return readCheckpointHash(fields, key, workflow, itemId);
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
