import { calendarDate } from '../../clock/clock.js';
import type { ModelClient, ModelResponse } from '../../model-call/model-client.js';
import type { ItemContext } from '../../runner/types.js';
import type { ItemOutcome } from '../../core/items.js';
import { conversation, type DocumentKind, type PromptPair } from './document-kind.js';
import { LineageWriter } from './lineage-writer.js';
import { initialState, type LoadedItem, type LoopLimits, type LoopState } from './state.js';
import { summariseFixes } from './autofix.js';
import { afterAutofix, afterDrafter, afterFinalize, afterLoad, afterReviewer, afterValidation, block, decideNextStep } from './transitions.js';

export interface ReviewLoopSetup {
  context: ItemContext;
  kind: DocumentKind;
  drafter: ModelClient;
  reviewer: ModelClient;
  limits: LoopLimits;
  /** Reads the item from its source (only on a fresh start: a resumed item has it in its state). */
  loadItem: () => Promise<LoadedItem>;
  /** The item's lineage folder for the run that started it. */
  lineageDirectory: (lineageRunId: string) => string;
  /**
   * Writes the finished document (approved or blocked); returns its path relative to the repository
   * and the closing lineage files. Must be idempotent: a crash right after it runs it again.
   */
  finalize: (state: LoopState) => Promise<{ output: string; lineage: Array<{ name: string; content: string }> }>;
}

/**
 * Drives one item through draft → validate → review → revise until approved or blocked, committing
 * the state after every step. The decisions are the pure functions of transitions.ts; this only
 * performs the step they ask for.
 */
export async function runReviewLoop(setup: ReviewLoopSetup): Promise<ItemOutcome> {
  const { context } = setup;
  const state: LoopState = (context.resumeFrom?.state as LoopState | undefined) ?? initialState(context.runId, new Date(context.clock.now()).toISOString());
  const lineage = new LineageWriter(setup.lineageDirectory(state.lineageRunId));
  lineage.queue(state.lineage);
  if (context.resumeFrom) context.log(`resuming at ${state.stage} (${state.calls} model ${state.calls === 1 ? 'call' : 'calls'} already done)`);
  try {
    return await driveLoop(setup, state, lineage);
  } catch (error) {
    // An interrupted item still writes the lineage entries it queued: the state holding them is committed.
    await lineage.flush().catch(() => undefined);
    throw error;
  }
}

/** One step at a time until the item is done; every model answer is committed before the next step. */
async function driveLoop(setup: ReviewLoopSetup, initial: LoopState, lineage: LineageWriter): Promise<ItemOutcome> {
  const { context, kind, limits } = setup;
  let state = initial;
  for (;;) {
    const step = decideNextStep(state, limits);
    context.setStage(stageLabel(state, step.kind));
    switch (step.kind) {
      case 'load': {
        const item = await setup.loadItem();
        state = afterLoad(state, item, kind.itemMarkdown(item));
        // Loading repeats cheaply after a crash: its first checkpoint can wait for the first model answer,
        // so no item waits on a database write before its first call.
        continue;
      }
      case 'call-drafter': {
        const item = requireItem(state);
        const prompt = await drafterPrompt(kind, item, state);
        context.log(`${describeDrafterCall(step.purpose, state)} with ${setup.drafter.label}`);
        if (state.calls === 0) prepareWhileFirstCallIsInFlight(context, lineage, state.lineage);
        const response = await callModel(setup.drafter, 'drafter', prompt, state, step.traceStep, setup);
        const result = step.purpose === 'draft' ? kind.parseDraft(response.text) : kind.applyRevision(state.document ?? '', response.text);
        if (!result.ok) context.log(`drafter answer rejected: ${result.reason}`);
        state = afterDrafter(state, result, response);
        break;
      }
      case 'validate': {
        const item = requireItem(state);
        const fixed = kind.autofix(state.document ?? '', item);
        if (fixed.fixes.length > 0) context.log(`autofixed: ${summariseFixes(fixed.fixes)}`);
        state = afterAutofix(state, fixed);
        const errors = await kind.validate(state.document ?? '', item);
        if (errors.length > 0) context.log(`mechanical validation: ${errors.length} problem(s)\n${errors.map((error) => `  - ${error}`).join('\n')}`);
        state = afterValidation(state, errors, limits);
        break;
      }
      case 'call-reviewer': {
        const item = requireItem(state);
        const prompt = await kind.reviewPrompt(item, state.document ?? '', state);
        const round = state.verdicts.length + 1;
        context.log(`review round ${round} with ${setup.reviewer.label}`);
        const response = await callModel(setup.reviewer, 'reviewer', prompt, state, step.traceStep, setup, kind.verdictSchema);
        const date = calendarDate(context.clock.now());
        const reviewerName = `${response.provider}:${response.model}`;
        const result = kind.parseVerdict(response.text, { round, reviewer: reviewerName, date });
        if (result.ok) context.log(`verdict: ${result.verdict}${result.blocking.length > 0 ? ` (${result.blocking.length} blocking)` : ''}`);
        else context.log(`reviewer answer rejected: ${result.reason}`);
        state = afterReviewer(state, result, { costUsd: response.costUsd, reviewer: reviewerName, date }, limits);
        break;
      }
      case 'block':
        state = block(state, step.reason);
        break;
      case 'finalize': {
        const { output, lineage: closing } = await setup.finalize(state);
        context.log(state.outcome?.status === 'approved' ? `approved: ${output}` : `blocked: ${state.outcome?.status === 'blocked' ? state.outcome.reason : ''} (${output})`);
        state = afterFinalize(state, output, closing);
        break;
      }
      case 'done':
        // The item is done only when its lineage is on disk.
        await lineage.flush();
        return outcomeOf(state);
    }
    // Every model answer is committed before the next step. Validation and finalizing are repeatable
    // (pure, or idempotent file writes), so after a crash they simply run again: no commit of their own.
    if (step.kind !== 'validate' && step.kind !== 'finalize') await context.checkpoint.commit({ stage: state.stage, state });
    lineage.queue(state.lineage);
  }
}

/**
 * How long after an item's first request the work for its first answer is done. Items that start as
 * others finish share the event loop with the finishing items' work for a few tens of milliseconds; a
 * model answer takes seconds. (A faster answer simply finds nothing prepared: the commit does it.)
 */
const PREPARE_DELAY_MS = 100;

/**
 * Does what the first answer will need while the first call is in flight and the event loop is idle,
 * not after the answer arrives, when every running item's next step waits: the item's lineage folder
 * with its first entry (the issue), and its checkpoint database. Not at once either: ten items' set-ups
 * (file creation, ~1–3 ms each) then ran before their requests had connected. Measured on the LLD
 * benchmark: 100 ms after the first request beat 20 ms by ~35 ms a run.
 */
function prepareWhileFirstCallIsInFlight(context: ItemContext, lineage: LineageWriter, entries: LoopState['lineage']): void {
  context.clock
    .sleep(PREPARE_DELAY_MS, context.signal)
    .then(async () => {
      lineage.queue(entries);
      // A failed write is kept by the writer and fails the item when it flushes at the end.
      await lineage.flush().catch(() => undefined);
      // A store closed in the meantime (the item already ended) refuses; the first commit creates the file anyway.
      await context.checkpoint.prepare?.();
    })
    .catch(() => undefined);
}

async function drafterPrompt(kind: DocumentKind, item: LoadedItem, state: LoopState): Promise<PromptPair> {
  switch (state.drafterPurpose) {
    case 'draft':
      return kind.draftPrompt(item);
    case 'fix-validation':
      return kind.fixValidationPrompt(item, state.document ?? '', state.validationErrors);
    case 'revise':
      return kind.revisePrompt(item, state.document ?? '', state);
  }
}

async function callModel(
  client: ModelClient,
  role: 'drafter' | 'reviewer',
  prompt: PromptPair,
  state: LoopState,
  traceStep: string,
  setup: ReviewLoopSetup,
  jsonSchema?: { name: string; schema: Record<string, unknown> },
): Promise<ModelResponse> {
  const { context } = setup;
  const { system, messages } = conversation(prompt, state.pendingRejection, setup.kind);
  const response = await client.complete({ role, system, messages, trace: { itemId: context.item.id, step: traceStep }, signal: context.signal, ...(jsonSchema ? { jsonSchema } : {}) }, { log: (message) => context.log(message) });
  context.recordModelCall({
    provider: response.provider,
    model: response.model,
    ...(response.keyName ? { keyName: response.keyName } : {}),
    role,
    durationMs: response.durationMs,
    inputTokens: response.usage.inputTokens,
    outputTokens: response.usage.outputTokens,
    costUsd: response.costUsd,
  });
  return response;
}

function outcomeOf(state: LoopState): ItemOutcome {
  const output = state.output;
  if (state.outcome?.status === 'approved') return { status: 'succeeded', ...(output ? { output } : {}) };
  return { status: 'blocked', reason: state.outcome?.status === 'blocked' ? state.outcome.reason : 'ended without an outcome', ...(output ? { output } : {}) };
}

function requireItem(state: LoopState): LoadedItem {
  if (!state.item) throw new Error('internal: the item was not loaded before drafting');
  return state.item;
}

function describeDrafterCall(purpose: LoopState['drafterPurpose'], state: LoopState): string {
  if (purpose === 'draft') return 'drafting';
  if (purpose === 'fix-validation') return `fixing ${state.validationErrors.length} validation problem(s)`;
  return `revising after round ${state.verdicts.length}`;
}

function stageLabel(state: LoopState, step: string): string {
  if (step === 'call-reviewer') return `review ${state.verdicts.length + 1}`;
  if (step === 'call-drafter') return state.drafterPurpose === 'revise' ? `revise ${state.verdicts.length}` : state.drafterPurpose;
  return step;
}
