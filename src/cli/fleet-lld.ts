import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import type { FleetJob } from '../fleet/fleet-job.js';
import type { JobWorkflow } from '../fleet/fleet-worker.js';
import type { ItemCollection } from '../items/collect-items.js';
import type { ModelClient } from '../model-call/model-client.js';
import { poolSettingsSchema, type RegistryFor } from './fleet-pool-settings.js';
import { lldDocumentKind } from '../workflows/lld/lld-document-kind.js';
import { LldWorkflow } from '../workflows/lld/lld-workflow.js';

/**
 * A requirements (`--type lld`) job's settings: what the worker needs besides the item, so it can run
 * the item with the same workflow code and no clone — the models by spec (the worker's own keys serve
 * them), the limits, the template, and the repository's files as the submitter saw them.
 */
export const lldJobSettingsSchema = z.object({
  drafter: z.string(),
  reviewer: z.string(),
  limits: z.object({ maxIterations: z.number(), budgetUsd: z.number().nullable(), maxValidationFailures: z.number() }),
  template: z.string(),
  /** The files shown to the models. */
  layout: z.array(z.string()),
  /** Every file of the repository, for path checks and Modify globs. */
  files: z.array(z.string()),
  ...poolSettingsSchema.shape,
});
export type LldJobSettings = z.infer<typeof lldJobSettingsSchema>;

/** On a worker: the LLD workflow of one job, in its scratch repository, its models from the worker's registry. */
export function lldJobWorkflow(job: FleetJob, scratch: string, registryFor: RegistryFor): JobWorkflow {
  if (job.workflow !== 'lld')
    throw new UsageError(`this worker runs requirements --type lld jobs; job ${job.item.id} is a ${job.workflow} job`);
  const settings = lldJobSettingsSchema.parse(job.settings);
  const registry = registryFor(poolSettingsSchema.parse(settings));
  const files = new Set(settings.files);
  const folders = new Set(
    settings.files.flatMap((path) =>
      path
        .split('/')
        .slice(0, -1)
        .map((_, index, parts) => parts.slice(0, index + 1).join('/')),
    ),
  );
  const kind = lldDocumentKind({
    repo: scratch,
    template: settings.template,
    repositoryLayout: () => Promise.resolve(settings.layout),
    repositoryFiles: () => Promise.resolve(settings.files),
    pathExists: (path) => files.has(path) || folders.has(path.replace(/\/+$/, '')),
  });
  const workflow = new LldWorkflow({
    repo: scratch,
    items: NO_COLLECTION,
    kind,
    drafter: registry.client(settings.drafter, "the submitter's --drafter"),
    reviewer: registry.client(settings.reviewer, "the submitter's --reviewer"),
    limits: { ...settings.limits, budgetUsd: settings.limits.budgetUsd ?? undefined },
  });
  return {
    workflow,
    redact: registry.redactor.redact,
    holdsSecret: registry.redactor.holdsKnownSecret,
  };
}

/** A worker is handed each item whole; it never collects. */
const NO_COLLECTION: ItemCollection = {
  description: 'the fleet job',
  collect: () => Promise.reject(new Error('a fleet worker does not collect items')),
};

/**
 * On a submitter: the drafter and the reviewer are the workers' to call, with the workers' keys. The
 * local workflow (which collects, plans and reports) is given these stand-ins, which say so if called.
 */
export function workerModel(spec: string, origin: string): ModelClient {
  const separator = spec.indexOf(':');
  return {
    provider: spec.slice(0, separator),
    model: spec.slice(separator + 1),
    label: spec,
    complete: () => Promise.reject(new Error(`${origin} ${spec} is called by the fleet's workers, not by the submitter`)),
  };
}
