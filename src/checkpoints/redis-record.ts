import type { Redis } from 'ioredis';
import type { WorkflowName } from '../core/items.js';
import { lastConnectionError } from '../redis/redis-connection.js';
import { CHECKPOINT_SCHEMA_VERSION, CheckpointIoError, CheckpointSchemaError, type Checkpoint, type CheckpointStatus } from './store.js';

/*
 * One item's checkpoint in Redis: one hash holding what the SQLite store keeps in its meta row and its
 * last step (schema_version, workflow, item_id, step, stage, state as JSON, status, error, updated_at;
 * `error` absent for none). Earlier steps are not kept: resuming needs only the last. Bump
 * CHECKPOINT_SCHEMA_VERSION when this changes (and the scripts in redis-scripts.ts with it).
 */

const STATUSES: readonly CheckpointStatus[] = ['running', 'failed', 'interrupted', 'blocked'];

/** The checkpoint in a hash as HGETALL returns it (empty: no key), or a CheckpointSchemaError naming the key. */
export function readCheckpointHash(
  fields: Record<string, string>,
  key: string,
  workflow: WorkflowName,
  itemId: string,
): Checkpoint | undefined {
  if (Object.keys(fields).length === 0) return undefined;
  const version = fields.schema_version;
  if (version === undefined || !/^\d+$/.test(version)) {
    throw new CheckpointSchemaError(`${key} is not an lldflow checkpoint (no schema version)`);
  }
  if (Number(version) > CHECKPOINT_SCHEMA_VERSION) {
    throw new CheckpointSchemaError(
      `checkpoint ${key} has schema version ${version}, written by a newer lldflow (this one reads version ${CHECKPOINT_SCHEMA_VERSION}): resume the item with that lldflow, or delete the key to start the item afresh`,
      { kind: 'newer-schema' },
    );
  }
  if (Number(version) !== CHECKPOINT_SCHEMA_VERSION) {
    throw new CheckpointSchemaError(
      `checkpoint ${key} has schema version ${version}, which no lldflow writes (this one reads version ${CHECKPOINT_SCHEMA_VERSION})`,
    );
  }
  if (fields.workflow !== workflow || fields.item_id !== itemId) {
    throw new CheckpointSchemaError(
      `checkpoint ${key} belongs to ${String(fields.workflow)} item ${String(fields.item_id)}, not ${workflow} item ${itemId}`,
    );
  }
  const step = Number(fields.step);
  const { stage, status, updated_at: updatedAt } = fields;
  const damaged = (field: string): never => {
    throw new CheckpointSchemaError(`checkpoint ${key} is damaged: its ${field} is missing or invalid`);
  };
  if (!Number.isSafeInteger(step) || step < 1) damaged('step');
  if (stage === undefined) return damaged('stage');
  if (status === undefined || !STATUSES.includes(status as CheckpointStatus)) return damaged('status');
  if (updatedAt === undefined) return damaged('updated_at');
  let state: unknown;
  try {
    state = JSON.parse(fields.state ?? '');
  } catch (error) {
    throw new CheckpointSchemaError(`checkpoint ${key} holds unreadable state at step ${step}`, { cause: error });
  }
  return { workflow, itemId, step, stage, state, status: status as CheckpointStatus, error: fields.error ?? null, updatedAt };
}

/**
 * What went wrong with a Redis command on a checkpoint, named: a key of another type is an `unreadable`
 * CheckpointSchemaError; anything else Redis or the connection says is a CheckpointIoError naming the key.
 */
export function redisCheckpointError(error: unknown, redis: Redis, key: string, action: 'read' | 'write'): unknown {
  if (error instanceof CheckpointSchemaError || error instanceof CheckpointIoError || !(error instanceof Error)) return error;
  if (isReplyError(error)) {
    if (error.message.startsWith('WRONGTYPE')) {
      return new CheckpointSchemaError(`${key} is not an lldflow checkpoint (a Redis value of another type than hash)`, { cause: error });
    }
    return new CheckpointIoError(key, /^[A-Z]+/.exec(error.message)?.[0], action, error.message, { cause: error });
  }
  // Not an answer of Redis: the connection failed, and its own error says why better than "Connection is closed.".
  const connectionError = redis.status === 'ready' ? undefined : lastConnectionError(redis);
  if (connectionError !== undefined) {
    return new CheckpointIoError(key, errorCode(connectionError), action, `Redis is unreachable: ${connectionError.message}`, {
      cause: error,
    });
  }
  return new CheckpointIoError(key, errorCode(error), action, error.message, { cause: error });
}

function isReplyError(error: Error): boolean {
  return error.name === 'ReplyError';
}

function errorCode(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/*
 * A checkpoint moved aside is named as the SQLite store names the file it moves aside,
 * `<workflow>-<id>.sqlite.corrupt-<time>`, so that `lldflow status` lists both stores' alike and the
 * store contract's check of the name holds; the prefix of its key keeps it out of `list`.
 */
const SET_ASIDE_NAME = /^(lld|issue|implement)-([A-Za-z0-9_-]{1,64})\.sqlite\.corrupt-([0-9]{4}-[0-9-]+T[0-9-]+Z)(?:-([0-9]+))?$/;

/** The last part of a set-aside key for a checkpoint moved at `time`. */
export function setAsideName(workflow: WorkflowName, itemId: string, time: number): string {
  const stamp = new Date(time)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(':', '-');
  return `${workflow}-${itemId}.sqlite.corrupt-${stamp}`;
}

/** What a set-aside key's last part says (undefined: not one), with what sorts it oldest first. */
export function readSetAsideName(name: string): { workflow: WorkflowName; itemId: string; order: [string, number] } | undefined {
  const match = SET_ASIDE_NAME.exec(name);
  if (match === null) return undefined;
  return { workflow: match[1] as WorkflowName, itemId: match[2]!, order: [match[3]!, Number(match[4] ?? 1)] };
}
