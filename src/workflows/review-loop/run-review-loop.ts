import { plural } from '../../core/format.js';
import { calendarDate } from '../../clock/clock.js';
import type { ItemOutcome } from '../../core/items.js';
import { inRepository, repositoryPaths } from '../../core/paths.js';
import type { SourceItem } from '../../items/source-item.js';
import type { ModelClient, ModelResponse } from '../../model-call/model-client.js';
import type { ItemContext } from '../../runner/types.js';
import { callModel } from '../steps/model-step.js';
import { driveSteps, type StepMachine } from '../steps/step-driver.js';
import { summariseFixes } from './autofix.js';
import { loopBlockedDetail } from './blocked-detail.js';
import { conversation, type DocumentKind, type PromptPair } from './document-kind.js';
import { initialState, loadedItem, type LoadedItem, type LoopLimits, type LoopState } from './state.js';
import {
  afterAutofix,
  afterDrafter,
  afterFinalize,
  afterLoad,
  afterReviewer,
  afterValidation,
  block,
  decideNextStep,
  type NextStep,
} from './transitions.js';

export interface ReviewLoopSetup {
  context: ItemContext;
  kind: DocumentKind;
  drafter: ModelClient;
  reviewer: ModelClient;
  limits: LoopLimits;
  /** The target repository: the lineage goes to its `docs/lineage/active/<id>-<workflow>/<run-id>/`. */
  repo: string;
  /** The item as collected (only read on a fresh start: a resumed item has it in its state). */
  item: SourceItem;
  /**
   * Prepares the finished document (approved or blocked): returns its path relative to the repository,
   * the closing lineage files and the document `publish` writes. Must be idempotent: a crash right
   * after it runs it again.
   */
  finalize: (state: LoopState) => Promise<{ output: string; lineage: Array<{ name: string; content: string }>; document?: string }>;
  /**
   * Makes the item done (writes the document, moves the brief), once its whole lineage is on disk: an
   * item whose lineage could not be written is never done. Idempotent: a resume at the end runs it again.
   */
  publish: (state: LoopState) => Promise<void>;
}

/**
 * Drives one item through draft → validate → review → revise until approved or blocked. The decisions
 * are the pure functions of transitions.ts; this only performs the step they ask for.
 */
export async function runReviewLoop(setup: ReviewLoopSetup, resumeFrom: LoopState | undefined): Promise<ItemOutcome> {
  const { context } = setup;
  const state = resumeFrom ?? initialState(context.runId, new Date(context.clock.now()).toISOString());
  if (resumeFrom) context.log(`resuming at ${state.stage} (${state.calls} model ${plural(state.calls, 'call')} already done)`);
  return outcomeOf(await driveSteps(context, reviewLoopMachine(setup), state));
}

function reviewLoopMachine(setup: ReviewLoopSetup): StepMachine<LoopState, NextStep> {
  return {
    decide: (state) => decideNextStep(state, setup.limits),
    stageLabel,
    isDone: (step) => step.kind === 'done',
    perform: (state, step) => performStep(setup, state, step),
    publish: (state) => setup.publish(state),
    lineageDirectory: (state) =>
      inRepository(setup.repo, repositoryPaths.lineage(setup.context.item.id, setup.context.workflow, state.lineageRunId)),
  };
}

async function performStep(setup: ReviewLoopSetup, state: LoopState, step: NextStep): Promise<LoopState> {
  const { context, kind, limits } = setup;
  switch (step.kind) {
    case 'load': {
      const item = loadedItem(setup.item);
      return afterLoad(state, item, kind.itemMarkdown(item));
    }
    case 'call-drafter': {
      const item = requireItem(state);
      const prompt = await drafterPrompt(kind, item, state);
      context.log(`${describeDrafterCall(step.purpose, state)} with ${setup.drafter.label}`);
      const response = await ask(setup, setup.drafter, 'drafter', prompt, state, step.traceStep);
      const result = step.purpose === 'draft' ? kind.parseDraft(response.text) : kind.applyRevision(state.document ?? '', response.text);
      if (!result.ok) context.log(`drafter answer rejected: ${result.reason}`);
      return afterDrafter(state, result, response);
    }
    case 'validate': {
      const item = requireItem(state);
      const fixed = kind.autofix(state.document ?? '', item);
      if (fixed.fixes.length > 0) context.log(`autofixed: ${summariseFixes(fixed.fixes)}`);
      const autofixed = afterAutofix(state, fixed);
      const errors = await kind.validate(autofixed.document ?? '', item);
      if (errors.length > 0)
        context.log(
          `mechanical validation: ${errors.length} ${plural(errors.length, 'problem')}\n${errors.map((error) => `  - ${error}`).join('\n')}`,
        );
      return afterValidation(autofixed, errors, limits);
    }
    case 'call-reviewer': {
      const item = requireItem(state);
      const prompt = await kind.reviewPrompt(item, state.document ?? '', state);
      const round = state.verdicts.length + 1;
      context.log(`review round ${round} with ${setup.reviewer.label}`);
      const response = await ask(setup, setup.reviewer, 'reviewer', prompt, state, step.traceStep, kind.verdictSchema);
      const date = calendarDate(context.clock.now());
      const reviewerName = `${response.provider}:${response.model}`;
      const result = kind.parseVerdict(response.text, { round, reviewer: reviewerName, date });
      if (result.ok) context.log(`verdict: ${result.verdict}${result.blocking.length > 0 ? ` (${result.blocking.length} blocking)` : ''}`);
      else context.log(`reviewer answer rejected: ${result.reason}`);
      return afterReviewer(state, result, { costUsd: response.costUsd, reviewer: reviewerName, date }, limits);
    }
    case 'block':
      return block(state, step.reason);
    case 'finalize': {
      const { output, lineage, document } = await setup.finalize(state);
      context.log(
        state.outcome?.status === 'approved'
          ? `approved: ${output}`
          : `blocked: ${state.outcome?.status === 'blocked' ? state.outcome.reason : ''} (${output})`,
      );
      return afterFinalize(state, output, lineage, document);
    }
    case 'done':
      return state;
  }
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

function ask(
  setup: ReviewLoopSetup,
  client: ModelClient,
  role: 'drafter' | 'reviewer',
  prompt: PromptPair,
  state: LoopState,
  traceStep: string,
  jsonSchema?: { name: string; schema: Record<string, unknown> },
): Promise<ModelResponse> {
  const { system, messages } = conversation(prompt, state.pendingRejection, setup.kind);
  return callModel(setup.context, client, {
    role,
    system,
    messages,
    trace: { itemId: setup.context.item.id, step: traceStep },
    ...(jsonSchema ? { jsonSchema } : {}),
  });
}

function outcomeOf(state: LoopState): ItemOutcome {
  const output = state.output;
  if (state.outcome?.status === 'approved') return { status: 'succeeded', ...(output ? { output } : {}) };
  return {
    status: 'blocked',
    reason: state.outcome?.status === 'blocked' ? state.outcome.reason : 'ended without an outcome',
    ...(output ? { output } : {}),
    blocked: loopBlockedDetail(state),
  };
}

function requireItem(state: LoopState): LoadedItem {
  if (!state.item) throw new Error('internal: the item was not loaded before drafting');
  return state.item;
}

function describeDrafterCall(purpose: LoopState['drafterPurpose'], state: LoopState): string {
  if (purpose === 'draft') return 'drafting';
  if (purpose === 'fix-validation')
    return `fixing ${state.validationErrors.length} validation ${plural(state.validationErrors.length, 'problem')}`;
  return `revising after round ${state.verdicts.length}`;
}

function stageLabel(state: LoopState, step: NextStep): string {
  if (step.kind === 'call-reviewer') return `review ${state.verdicts.length + 1}`;
  if (step.kind === 'call-drafter') return state.drafterPurpose === 'revise' ? `revise ${state.verdicts.length}` : state.drafterPurpose;
  return step.kind;
}
