import { readdirSync } from 'node:fs';
import type { Checkpoint } from '../checkpoints/store.js';
import { CheckpointStateError } from '../core/errors.js';
import { parseImplementState } from '../workflows/implement/implement-state.js';
import { parseLoopState } from '../workflows/review-loop/state.js';

/** The lineage files that close a run's trail: approved, blocked, filed, failed, and a human approval. */
export const CLOSING_RECORD = /^\d{3,}-(approved|blocked|filed|failed|human-approval)\.json$/;

export function readFolder(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

export function lineageRunIdOf(checkpoint: Checkpoint): string | undefined {
  const state = checkpoint.state;
  const runId = typeof state === 'object' && state !== null && 'lineageRunId' in state ? state.lineageRunId : undefined;
  return typeof runId === 'string' ? runId : undefined;
}

/** Whether the workflow could resume from the checkpoint's state, as its run would read it. */
export function checkStateOf(checkpoint: Checkpoint): CheckpointStateError | undefined {
  try {
    if (checkpoint.workflow === 'implement') parseImplementState(checkpoint.state);
    else parseLoopState(checkpoint.state, checkpoint.workflow);
    return undefined;
  } catch (error) {
    return error instanceof CheckpointStateError ? error : new CheckpointStateError(error instanceof Error ? error.message : String(error));
  }
}
