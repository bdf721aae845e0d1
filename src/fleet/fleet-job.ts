import { z } from 'zod';
import { WORKFLOW_NAMES } from '../core/items.js';

/** Bumped when a job's data changes shape: a worker refuses a job of another version, naming both. */
export const FLEET_JOB_VERSION = 1;

/**
 * What a job carries: everything a worker needs to run the item with the same workflow code as a local
 * run, without a clone — the item whole, the repository's layout and template, the settings.
 * `settings` is the workflow's own (checked by the worker's workflow factory).
 */
export const fleetJobSchema = z.object({
  version: z.literal(FLEET_JOB_VERSION),
  repositoryId: z.string(),
  workflow: z.enum(WORKFLOW_NAMES),
  item: z.object({ id: z.string(), title: z.string() }).loose(),
  /** The submitter's run: the item's lineage folder is named after the run that first started it. */
  runId: z.string(),
  timeoutMs: z.number().positive(),
  settings: z.record(z.string(), z.unknown()),
});
export type FleetJob = z.infer<typeof fleetJobSchema>;

/** A file the item wrote, relative to the repository, for the submitter to write into its own. */
const outputFileSchema = z.object({ path: z.string(), content: z.string() });

export const fleetResultSchema = z.object({
  summary: z.object({
    id: z.string(),
    title: z.string(),
    status: z.enum(['succeeded', 'failed', 'blocked', 'skipped', 'interrupted', 'cancelled', 'invalid']),
    stage: z.string(),
    durationMs: z.number(),
    llmCalls: z.number(),
    costUsd: z.number(),
    output: z.string().nullable(),
    error: z.string().nullable(),
  }),
  files: z.array(outputFileSchema),
  /** The worker that ran it, for the submitter's log. */
  worker: z.string(),
});
export type FleetResult = z.infer<typeof fleetResultSchema>;

/** What a worker reports while it runs an item (BullMQ progress, in batches): one event of the item, as the runner emits it. */
export const fleetProgressSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('item-output'), text: z.string(), debug: z.boolean() }),
  z.object({ type: z.literal('item-stage'), stage: z.string() }),
  z.object({
    type: z.literal('model-call'),
    call: z.object({
      provider: z.string(),
      model: z.string(),
      keyName: z.string().optional(),
      role: z.string(),
      durationMs: z.number(),
      inputTokens: z.number(),
      outputTokens: z.number(),
      costUsd: z.number(),
      requests: z.number().optional(),
    }),
  }),
  z.object({ type: z.literal('worker'), worker: z.string() }),
]);
export type FleetProgress = z.infer<typeof fleetProgressSchema>;

/** One progress update of a job: the events gathered since the last one, in order. */
export const fleetProgressBatchSchema = z.object({ events: z.array(fleetProgressSchema) });
