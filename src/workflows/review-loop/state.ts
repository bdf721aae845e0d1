/**
 * The persisted state of one item going through draft → validate → review → revise. It is plain JSON
 * (it is checkpointed after every step) and holds every model result, so a resumed item never repeats
 * a model call that had completed.
 */
export type LoopStage = 'load' | 'draft' | 'validate' | 'review' | 'revise' | 'finalize' | 'done';

export type VerdictLabel = 'APPROVED' | 'REVISE' | 'DISCUSS';

export interface LoadedItem {
  id: string;
  title: string;
  body: string;
  labels: string[];
  /** Where it came from: a file path or an issue URL. */
  origin: string;
}

/** A collected item as the loop stores it. */
export function loadedItem(source: { id: string; title: string; body: string; labels: string[]; path: string }): LoadedItem {
  return { id: source.id, title: source.title, body: source.body, labels: source.labels, origin: source.path };
}

export interface VerdictRecord {
  round: number;
  verdict: VerdictLabel;
  reviewer: string;
  date: string;
  /** Normalised tier-1 items, for the "same blocking items twice" rule. */
  blocking: string[];
  /** The tier-1 items in the reviewer's words, for the review log. */
  blockingSummary: string[];
  /** The verdict as parsed (JSON), handed to the drafter for the revision. */
  detail: unknown;
}

export interface LineageEntry {
  /** 1-based position in the audit trail. */
  number: number;
  /** File name without the number: `issue.md`, `draft.md`, `verdict.md`, … */
  name: string;
  content: string;
}

/** A response that was rejected and is being asked for again, once. */
export interface PendingRejection {
  reason: string;
  response: string;
}

export type LoopOutcome = { status: 'approved' } | { status: 'blocked'; reason: string };

export interface LoopState {
  stage: LoopStage;
  item: LoadedItem | undefined;
  /** The run that started the item; its lineage folder is kept across resumes. */
  lineageRunId: string;
  lineage: LineageEntry[];
  document: string | undefined;
  /** Why the next drafter call happens: the first draft, fixing validation errors, or a revision. */
  drafterPurpose: 'draft' | 'fix-validation' | 'revise';
  validationErrors: string[];
  /** Validations failed in a row since the last clean one. */
  validationFailures: number;
  /** The document that last failed validation, to tell a drafter that sends it back unchanged. */
  validationFailedDocument?: string | undefined;
  pendingRejection: PendingRejection | undefined;
  verdicts: VerdictRecord[];
  /** Model calls and cost over every run of this item. */
  calls: number;
  costUsd: number;
  drafterCalls: number;
  reviewerCalls: number;
  startedAt: string;
  outcome: LoopOutcome | undefined;
  /** The finished document's path, relative to the repository. */
  output: string | undefined;
}

export interface LoopLimits {
  /** Review rounds before the item ends as blocked. */
  maxIterations: number;
  budgetUsd: number | undefined;
  /** Failed mechanical validations in a row before the item ends as blocked. */
  maxValidationFailures: number;
}

export function initialState(lineageRunId: string, startedAt: string): LoopState {
  return {
    stage: 'load',
    item: undefined,
    lineageRunId,
    lineage: [],
    document: undefined,
    drafterPurpose: 'draft',
    validationErrors: [],
    validationFailures: 0,
    pendingRejection: undefined,
    verdicts: [],
    calls: 0,
    costUsd: 0,
    drafterCalls: 0,
    reviewerCalls: 0,
    startedAt,
    outcome: undefined,
    output: undefined,
  };
}
