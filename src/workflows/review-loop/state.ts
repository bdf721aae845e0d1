import { z } from 'zod';
import type { LineageEntry } from '../steps/lineage.js';
import { parseVersionedState } from '../steps/state-codec.js';

/**
 * The persisted state of one item going through draft → validate → review → revise. It is plain JSON
 * (it is checkpointed after every step) and holds every model result, so a resumed item never repeats
 * a model call that had completed. Read back with `parseLoopState`, under LOOP_STATE_VERSION.
 */
export const LOOP_STATE_VERSION = 1;

const loopStage = z.enum(['load', 'draft', 'validate', 'review', 'revise', 'finalize', 'done']);
export type LoopStage = z.infer<typeof loopStage>;

const verdictLabel = z.enum(['APPROVED', 'REVISE', 'DISCUSS']);
export type VerdictLabel = z.infer<typeof verdictLabel>;

const loadedItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  labels: z.array(z.string()),
  /** Where it came from: a file path or an issue URL. */
  origin: z.string(),
});
export type LoadedItem = z.infer<typeof loadedItemSchema>;

/** A collected item as the loop stores it. */
export function loadedItem(source: { id: string; title: string; body: string; labels: string[]; path: string }): LoadedItem {
  return { id: source.id, title: source.title, body: source.body, labels: source.labels, origin: source.path };
}

const verdictRecordSchema = z.object({
  round: z.number(),
  verdict: verdictLabel,
  reviewer: z.string(),
  date: z.string(),
  /** Normalised tier-1 items, for the "same blocking items twice" rule. */
  blocking: z.array(z.string()),
  /** The tier-1 items in the reviewer's words, for the review log. */
  blockingSummary: z.array(z.string()),
  /** The verdict as parsed (JSON), handed to the drafter for the revision. */
  detail: z.unknown(),
});
export type VerdictRecord = z.infer<typeof verdictRecordSchema>;

export const lineageEntrySchema = z.object({ number: z.number(), name: z.string(), content: z.string() }) satisfies z.ZodType<LineageEntry>;

/** A response that was rejected and is being asked for again, once. */
const pendingRejectionSchema = z.object({ reason: z.string(), response: z.string() });
export type PendingRejection = z.infer<typeof pendingRejectionSchema>;

/** Where a blocked item goes on when `--continue` takes it up: the step that would have come next. */
const continueAtSchema = z.object({
  stage: z.enum(['draft', 'revise', 'review']),
  drafterPurpose: z.enum(['draft', 'fix-validation', 'revise']),
});
export type ContinueAt = z.infer<typeof continueAtSchema>;

const loopOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('approved') }),
  /** `continueAt`: absent in states of lldflow versions before --continue (reopen infers it). */
  z.object({ status: z.literal('blocked'), reason: z.string(), continueAt: continueAtSchema.optional() }),
]);
export type LoopOutcome = z.infer<typeof loopOutcomeSchema>;

const loopStateSchema = z.object({
  version: z.literal(LOOP_STATE_VERSION),
  stage: loopStage,
  item: loadedItemSchema.optional(),
  /** The run that started the item; its lineage folder is kept across resumes. */
  lineageRunId: z.string(),
  lineage: z.array(lineageEntrySchema),
  document: z.string().optional(),
  /** Why the next drafter call happens: the first draft, fixing validation errors, or a revision. */
  drafterPurpose: z.enum(['draft', 'fix-validation', 'revise']),
  validationErrors: z.array(z.string()),
  /** Validations failed in a row since the last clean one. */
  validationFailures: z.number(),
  /** The document that last failed validation, to tell a drafter that sends it back unchanged. */
  validationFailedDocument: z.string().optional(),
  pendingRejection: pendingRejectionSchema.optional(),
  verdicts: z.array(verdictRecordSchema),
  /** Model calls and cost over every run of this item. */
  calls: z.number(),
  costUsd: z.number(),
  /** Review rounds and cost before the latest `--continue`: the round limit and the budget count from there. */
  roundsBeforeContinue: z.number().default(0),
  costBeforeContinue: z.number().default(0),
  drafterCalls: z.number(),
  reviewerCalls: z.number(),
  startedAt: z.string(),
  outcome: loopOutcomeSchema.optional(),
  /** The finished document's path, relative to the repository. */
  output: z.string().optional(),
  /**
   * The finished document as it is published (written to `output` once the lineage is on disk).
   * Absent in states of lldflow versions that wrote the document while finalizing.
   */
  finalDocument: z.string().optional(),
});
export type LoopState = z.infer<typeof loopStateSchema>;

/** A checkpointed review-loop state, checked whole; another version or a damaged one is a CheckpointStateError. */
export function parseLoopState(value: unknown, workflow: string): LoopState {
  return parseVersionedState(loopStateSchema, LOOP_STATE_VERSION, value, workflow);
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
    version: LOOP_STATE_VERSION,
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
    roundsBeforeContinue: 0,
    costBeforeContinue: 0,
    drafterCalls: 0,
    reviewerCalls: 0,
    startedAt,
    outcome: undefined,
    output: undefined,
  };
}
