import type { LineageEntry } from '../review-loop/state.js';

/**
 * The persisted state of one LLD being implemented. Model answers are stored before they are applied,
 * so a crash between the answer and the files being written resumes by applying, not by asking again.
 */
export type ImplementStage =
  | 'load'
  | 'worktree'
  | 'write-tests'
  | 'apply-tests'
  | 'run-red'
  | 'write-code'
  | 'apply-code'
  | 'run-tests'
  | 'finalize'
  | 'done';

export interface PlannedFile {
  path: string;
  change: 'add' | 'modify' | 'delete';
  description: string;
}

export interface TestRunRecord {
  /** 0 for the red run after the tests were written, then 1, 2, … per code iteration. */
  iteration: number;
  phase: 'red' | 'green';
  exitCode: number | null;
  timedOut: boolean;
  passed: boolean;
  durationMs: number;
  summary: string;
}

export type ImplementOutcome = { status: 'succeeded' } | { status: 'blocked'; reason: string };

export interface ImplementState {
  stage: ImplementStage;
  lineageRunId: string;
  lineage: LineageEntry[];
  lld: { id: string; title: string; path: string; document: string } | undefined;
  files: PlannedFile[];
  scenarios: string[];
  worktree: { path: string; branch: string } | undefined;
  /** The implementer's last answer, waiting to be applied. */
  pendingResponse: string | undefined;
  /** What the implementer is told on its next call: refused paths, test output, parse problems. */
  feedback: string | undefined;
  testFiles: string[];
  written: string[];
  testRuns: TestRunRecord[];
  /** Code iterations started. */
  iteration: number;
  /** Answers in a row that wrote no test file (test phase). */
  testAttempts: number;
  testsFrozen: boolean;
  /** Failure signature of the last failing run and how many runs in a row had it. */
  lastFailureSignature: string | undefined;
  sameFailureRuns: number;
  commits: string[];
  calls: number;
  costUsd: number;
  startedAt: string;
  outcome: ImplementOutcome | undefined;
  report: string | undefined;
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
    calls: 0,
    costUsd: 0,
    startedAt,
    outcome: undefined,
    report: undefined,
  };
}
