import type { ItemContext } from '../../runner/types.js';
import { LineageWriter, type WithLineage } from './lineage.js';

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
}

/**
 * The one step loop every workflow runs: decide, perform, commit, write lineage, until done. The rule
 * for resuming is the same everywhere: the state after every step is committed before the next step
 * starts, so a resumed item continues after its last committed step and never repeats a model call
 * that had completed; lineage entries live in that state and reach the disk after the commit.
 */
export async function driveSteps<State extends WithLineage & { stage: string }, Step extends { kind: string }>(
  context: ItemContext,
  machine: StepMachine<State, Step>,
  initial: State,
): Promise<State> {
  let state = initial;
  let writer = lineageWriter(context, machine, state, undefined);
  // A resumed item completes its lineage folder from the state first.
  await writer?.write(state.lineage);
  for (;;) {
    const step = machine.decide(state);
    context.setStage(machine.stageLabel(state, step));
    if (machine.isDone(step)) return state;
    state = await machine.perform(state, step);
    await context.checkpoint.commit({ stage: state.stage, state });
    writer = lineageWriter(context, machine, state, writer);
    await writer?.write(state.lineage);
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
