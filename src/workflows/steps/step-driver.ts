import { abortReason } from '../../core/abort.js';
import { InterruptedError } from '../../core/errors.js';
import type { ItemContext } from '../../runner/types.js';
import { FAILURE_RECORD, LineageWriter, type WithLineage } from './lineage.js';

/** A workflow as the driver sees it: a pure choice of the next step, and an executor for each step. */
export interface StepMachine<State extends WithLineage & { stage: string }, Step extends { kind: string }> {
  /** What happens next, decided from the state alone. */
  decide(state: State): Step;
  /** The stage name shown while the step runs (progress, summary). */
  stageLabel(state: State, step: Step): string;
  /** The step is the end: nothing more to do. */
  isDone(step: Step): boolean;
  /** Carries out one step (model call, git, files) and returns the state after it. */
  perform(state: State, step: Step): Promise<State>;
  /** Where the item's lineage goes, once it is known (implement with --commit-lineage: inside its worktree, once there is one). */
  lineageDirectory(state: State): string | undefined;
  /**
   * Makes the finished item count as done (writes the LLD, moves the brief to done/). Runs once the
   * final state is committed and its whole lineage is on disk, so an item is never done without its
   * audit trail; runs again when an item is resumed at its end, so it must be idempotent.
   */
  publish?(state: State): Promise<void>;
}

/**
 * A step that failed after producing a state worth keeping (the rejected answer that ended the item):
 * the driver commits that state and writes its lineage before the item fails with this error.
 */
export class FailedStepError extends Error {
  constructor(
    message: string,
    /** The state after the step, of the machine's State type. */
    readonly state: unknown,
  ) {
    super(message);
  }
}

/**
 * The one step loop every workflow runs: decide, perform, commit, write lineage, until done, then
 * publish. The rule for resuming is the same everywhere: the state after every step is committed
 * before the next step starts, so a resumed item continues after its last committed step and never
 * repeats a model call that had completed; lineage entries live in that state and reach the disk after
 * the commit. A fresh item's starting state is committed first, so its run id (and lineage folder) is
 * the one every resume uses. A failed item's lineage ends with a failure record (`NNN-failed.json`).
 */
export async function driveSteps<State extends WithLineage & { stage: string }, Step extends { kind: string }>(
  context: ItemContext,
  machine: StepMachine<State, Step>,
  initial: State,
): Promise<State> {
  let state = initial;
  // The latest state whose lineage is committed or on disk: a failure record is numbered after it.
  let recorded = initial;
  let writer = lineageWriter(context, machine, state, undefined);
  try {
    if ((await context.checkpoint.load()) === undefined) await context.checkpoint.commit({ stage: state.stage, state });
    // A resumed item completes its lineage folder from the state first, then takes in its earlier failure records.
    await writer?.write(state.lineage);
    const failures = writer?.failureRecordsAfter(state.lineage) ?? [];
    if (failures.length > 0) state = { ...state, lineage: [...state.lineage, ...failures] };
    recorded = state;
    for (;;) {
      const step = machine.decide(state);
      context.setStage(machine.stageLabel(state, step));
      if (machine.isDone(step)) {
        await machine.publish?.(state);
        return state;
      }
      let failed: FailedStepError | undefined;
      try {
        state = await machine.perform(state, step);
      } catch (error) {
        if (!(error instanceof FailedStepError)) throw error;
        failed = error;
        state = error.state as State;
      }
      await context.checkpoint.commit({ stage: state.stage, state });
      recorded = state;
      writer = lineageWriter(context, machine, state, writer);
      await writer?.write(state.lineage);
      if (failed) throw failed;
    }
  } catch (error) {
    await recordFailure(context, machine, recorded, error);
    throw error;
  }
}

function lineageWriter<State extends WithLineage & { stage: string }>(
  context: ItemContext,
  machine: StepMachine<State, { kind: string }>,
  state: State,
  current: LineageWriter | undefined,
): LineageWriter | undefined {
  const directory = machine.lineageDirectory(state);
  if (directory === undefined) return undefined;
  return current?.path === directory ? current : new LineageWriter(directory, (text) => context.redact(text));
}

/**
 * Closes a failed item's trail with what failed, after the last entry the checkpoint or the folder
 * holds (a resume takes it into the state). Not for an interrupted item, which has not failed; written
 * best effort: the disk that failed the item may fail this too.
 */
async function recordFailure<State extends WithLineage & { stage: string }>(
  context: ItemContext,
  machine: StepMachine<State, { kind: string }>,
  state: State,
  error: unknown,
): Promise<void> {
  const reason = context.signal.aborted ? abortReason(context.signal) : error;
  if (reason instanceof InterruptedError) return;
  const directory = machine.lineageDirectory(state);
  if (directory === undefined) return;
  const record = {
    status: 'failed',
    stage: state.stage,
    error: reason instanceof Error ? reason.message : String(reason),
    runId: context.runId,
    failedAt: new Date(context.clock.now()).toISOString(),
  };
  const entry = { number: state.lineage.length + 1, name: FAILURE_RECORD, content: `${JSON.stringify(record, null, 2)}\n` };
  await new LineageWriter(directory, (text) => context.redact(text)).write([entry]).catch(() => undefined);
}
