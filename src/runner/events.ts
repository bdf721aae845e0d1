import type { ItemPlanAction, ItemSummary, ModelCallRecord, RunSummary, WorkflowName } from '../core/items.js';
import type { KeyActivity } from '../keys/key-activity.js';

/**
 * Everything a run reports. Logic emits these; reporters (console, log files, progress, JSON) print.
 * `at` is the clock's time in milliseconds.
 */
export type RunEvent =
  | { type: 'run-start'; at: number; runId: string; workflow: WorkflowName; parallel: number; items: PlannedItem[] }
  | { type: 'item-start'; at: number; id: string; title: string; action: ItemPlanAction }
  | { type: 'item-stage'; at: number; id: string; stage: string }
  | { type: 'item-output'; at: number; id: string; text: string; debug: boolean }
  | { type: 'model-call'; at: number; id: string; call: ModelCallRecord }
  | { type: 'item-end'; at: number; id: string; result: ItemSummary }
  | { type: 'run-warning'; at: number; message: string }
  | { type: 'run-interrupting'; at: number }
  /** An item failed in a way every other item would (see stopsRun): no further item starts. */
  | { type: 'run-stopping'; at: number; id: string; reason: string }
  /** What a call did with a key: a lease, a 429 and its rest, a key set aside (by name, never its value). */
  | ({ type: 'key-event' } & KeyActivity)
  | { type: 'run-end'; at: number; summary: RunSummary };

export interface PlannedItem {
  id: string;
  title: string;
  action: ItemPlanAction;
}

export type EmitEvent = (event: RunEvent) => void;

/** A consumer of run events that may hold resources (files, a live terminal area). */
export interface Reporter {
  onEvent(event: RunEvent): void;
  /** Flushes and releases everything; called once after `run-end` (or on interruption). */
  close(): Promise<void>;
}
