import { z } from 'zod';
import { lineageEntrySchema } from '../review-loop/state.js';
import { parseVersionedState } from '../steps/state-codec.js';

/**
 * The persisted state of one LLD being implemented. Model answers are stored before they are applied,
 * so a crash between the answer and the files being written resumes by applying, not by asking again.
 * Read back with `parseImplementState`, under IMPLEMENT_STATE_VERSION.
 */
export const IMPLEMENT_STATE_VERSION = 1;

const implementStage = z.enum([
  'load',
  'worktree',
  'write-tests',
  'apply-tests',
  'run-red',
  'write-code',
  'apply-code',
  'run-tests',
  'finalize',
  'done',
]);
export type ImplementStage = z.infer<typeof implementStage>;

const plannedFileSchema = z.object({ path: z.string(), change: z.enum(['add', 'modify', 'delete']), description: z.string() });
export type PlannedFile = z.infer<typeof plannedFileSchema>;

const testRunSchema = z.object({
  /** 0 for the red run after the tests were written, then 1, 2, … per code iteration. */
  iteration: z.number(),
  phase: z.enum(['red', 'green']),
  exitCode: z.number().nullable(),
  timedOut: z.boolean(),
  passed: z.boolean(),
  durationMs: z.number(),
  summary: z.string(),
});
export type TestRunRecord = z.infer<typeof testRunSchema>;

/** One completed turn of a coding agent (`--implementer claude-agent:…`, `codex:…`). */
const agentTurnSchema = z.object({
  /** `tests-1`, `code-2`, …: the step it was. */
  step: z.string(),
  sessionId: z.string(),
  ending: z.enum(['completed', 'budget', 'turn-limit']),
  /** It continued a turn that Ctrl+C (or a crash) had stopped. */
  continuedInterrupted: z.boolean(),
  costUsd: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  modelCalls: z.number(),
  durationMs: z.number(),
});
export type AgentTurnRecord = z.infer<typeof agentTurnSchema>;

/** Where `--continue` takes a blocked implementation up: writing the tests again, or the code. */
const implementContinueAtSchema = z.enum(['write-tests', 'write-code']);
export type ImplementContinueAt = z.infer<typeof implementContinueAtSchema>;

const implementOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('succeeded') }),
  /** `continueAt`: absent in states of lldflow versions before --continue (reopen infers it). */
  z.object({ status: z.literal('blocked'), reason: z.string(), continueAt: implementContinueAtSchema.optional() }),
]);
export type ImplementOutcome = z.infer<typeof implementOutcomeSchema>;

const implementStateSchema = z.object({
  version: z.literal(IMPLEMENT_STATE_VERSION),
  stage: implementStage,
  lineageRunId: z.string(),
  lineage: z.array(lineageEntrySchema),
  lld: z.object({ id: z.string(), title: z.string(), path: z.string(), document: z.string() }).optional(),
  files: z.array(plannedFileSchema),
  scenarios: z.array(z.string()),
  worktree: z.object({ path: z.string(), branch: z.string() }).optional(),
  /** The implementer's last answer, waiting to be applied. */
  pendingResponse: z.string().optional(),
  /** What the implementer is told on its next call: refused paths, test output, parse problems. */
  feedback: z.string().optional(),
  testFiles: z.array(z.string()),
  written: z.array(z.string()),
  testRuns: z.array(testRunSchema),
  /** Code iterations started. */
  iteration: z.number(),
  /** Answers in a row that wrote no test file (test phase). */
  testAttempts: z.number(),
  testsFrozen: z.boolean(),
  /** Failure signature of the last failing run and how many runs in a row had it. */
  lastFailureSignature: z.string().optional(),
  sameFailureRuns: z.number(),
  commits: z.array(z.string()),
  /** A coding agent's session for this item, continued turn after turn and across runs. */
  agentSessionId: z.string().optional(),
  /** The session's cost as the agent last reported it (its totals are per session). */
  agentSessionCostUsd: z.number().default(0),
  /** The step of an agent turn that started and has not completed: a resumed run continues it. */
  agentTurnStarted: z.string().optional(),
  agentTurns: z.array(agentTurnSchema).default([]),
  calls: z.number(),
  costUsd: z.number(),
  /** Code iterations and cost before the latest `--continue`: the iteration limit and the budget count from there. */
  iterationsBeforeContinue: z.number().default(0),
  costBeforeContinue: z.number().default(0),
  startedAt: z.string(),
  outcome: implementOutcomeSchema.optional(),
  report: z.string().optional(),
});
export type ImplementState = z.infer<typeof implementStateSchema>;

/** A checkpointed implement state, checked whole; another version or a damaged one is a CheckpointStateError. */
export function parseImplementState(value: unknown): ImplementState {
  return parseVersionedState(implementStateSchema, IMPLEMENT_STATE_VERSION, value, 'implement');
}

export interface ImplementLimits {
  /** Code iterations (write code → run tests) before the item ends as blocked. */
  maxIterations: number;
  /** Test-writing answers that produce no usable test before the item ends as blocked. */
  maxTestAttempts: number;
  budgetUsd: number | undefined;
}

export function initialImplementState(lineageRunId: string, startedAt: string): ImplementState {
  return {
    version: IMPLEMENT_STATE_VERSION,
    stage: 'load',
    lineageRunId,
    lineage: [],
    lld: undefined,
    files: [],
    scenarios: [],
    worktree: undefined,
    pendingResponse: undefined,
    feedback: undefined,
    testFiles: [],
    written: [],
    testRuns: [],
    iteration: 0,
    testAttempts: 0,
    testsFrozen: false,
    lastFailureSignature: undefined,
    sameFailureRuns: 0,
    commits: [],
    agentSessionId: undefined,
    agentSessionCostUsd: 0,
    agentTurnStarted: undefined,
    agentTurns: [],
    calls: 0,
    costUsd: 0,
    iterationsBeforeContinue: 0,
    costBeforeContinue: 0,
    startedAt,
    outcome: undefined,
    report: undefined,
  };
}
