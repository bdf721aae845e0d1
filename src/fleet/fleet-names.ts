import { createHash } from 'node:crypto';
import type { WorkflowName } from '../core/items.js';

/**
 * The fleet's queue of items any worker can run (requirements, `--type issue`): they carry what they
 * need. Implement items need a clone of their repository, so each repository has a queue of its own,
 * served only by workers started with `--repo` on a clone of it.
 */
export const QUEUE_NAME = 'items';

/** The queue of one repository's implement items (see QUEUE_NAME). */
export function implementQueueName(repositoryId: string): string {
  return `implement.${repositoryId}`;
}

/** The queue a workflow's items of one repository go on. */
export function queueNameFor(workflow: WorkflowName, repositoryId: string): string {
  return workflow === 'implement' ? implementQueueName(repositoryId) : QUEUE_NAME;
}

/** BullMQ's keys live under lldflow's own prefix, beside the checkpoints and the key ledger. */
export const BULL_PREFIX = 'lldflow:bull';

/** Where workers hear that a submitter stopped (Ctrl+C): the message is a job id. */
export const CANCEL_CHANNEL = 'lldflow:cancel';

/**
 * One job per repository, workflow and item, whoever submits it: a second submitter of the same item
 * follows the job already there. BullMQ job ids may not hold `:`.
 */
export function jobIdFor(repositoryId: string, workflow: WorkflowName, itemId: string): string {
  return `${repositoryId}.${workflow}.${itemId}`;
}

/** The key BullMQ keeps a running job's lock in: its value is the lock token of the worker that holds it. */
export function lockKeyOf(queueName: string, jobId: string): string {
  return `${BULL_PREFIX}:${queueName}:${jobId}:lock`;
}

/**
 * A repository's identity in the fleet: its origin's URL (the same repository on every machine and
 * every clone), or its folder when it has no origin. Hashed: Redis holds no URL with a token in it.
 */
export function repositoryIdentity(origin: string | undefined, folder: string): string {
  const source = origin === undefined ? `folder:${folder}` : `origin:${normaliseOrigin(origin)}`;
  return createHash('sha256').update(source).digest('hex').slice(0, 20);
}

/** `git@github.com:o/r.git`, `https://github.com/o/r` and `https://token@github.com/o/r.git` are one repository. */
function normaliseOrigin(origin: string): string {
  const scp = /^[^@/]+@([^:/]+):(.+)$/.exec(origin);
  const text = scp ? `${scp[1]}/${scp[2]}` : origin.replace(/^[a-z+]+:\/\/([^@/]*@)?/i, '');
  return text
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .toLowerCase();
}
