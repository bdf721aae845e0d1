import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import type { FleetJob } from '../fleet/fleet-job.js';
import type { JobWorkflow } from '../fleet/fleet-worker.js';
import type { RemoteWorkflowOptions } from '../fleet/remote-workflow.js';
import type { SourceItem } from '../items/source-item.js';
import { createDeferredIssueWorkflow, type IssueWorkflow } from '../workflows/issue/issue-workflow.js';
import { lldJobSettingsSchema } from './fleet-lld.js';
import { poolSettingsSchema, type RegistryFor } from './fleet-pool-settings.js';

/**
 * A `requirements --type issue` job's settings: what the worker needs besides the brief (the item,
 * whole) — the models by spec (the worker's own keys serve them), the limits, the issue template and
 * the repository's files shown to the models. No filing target: a worker files nothing (the submitter
 * does, with its own folder or token).
 */
export const issueJobSettingsSchema = z.object({
  ...lldJobSettingsSchema.pick({ drafter: true, reviewer: true, limits: true, template: true, layout: true }).shape,
  ...poolSettingsSchema.shape,
});
export type IssueJobSettings = z.infer<typeof issueJobSettingsSchema>;

/**
 * On a worker: the issue workflow of one job, in its scratch repository, with its filing deferred:
 * an approved issue comes back as its lineage (`final.md`, `approved.json`), and the brief stays where
 * it is, on the submitter.
 */
export function issueJobWorkflow(job: FleetJob, scratch: string, registryFor: RegistryFor): JobWorkflow {
  if (job.workflow !== 'issue') throw new UsageError(`job ${job.item.id} is a ${job.workflow} job, not a requirements --type issue job`);
  const settings = issueJobSettingsSchema.parse(job.settings);
  const registry = registryFor(poolSettingsSchema.parse(settings));
  const workflow = createDeferredIssueWorkflow({
    repo: scratch,
    template: settings.template,
    repositoryLayout: () => Promise.resolve(settings.layout),
    drafter: registry.client(settings.drafter, "the submitter's --drafter"),
    reviewer: registry.client(settings.reviewer, "the submitter's --reviewer"),
    limits: { ...settings.limits, budgetUsd: settings.limits.budgetUsd ?? undefined },
  });
  return { workflow, redact: registry.redactor.redact, holdsSecret: registry.redactor.holdsKnownSecret };
}

/**
 * On the submitter: what follows a finished issue job once its lineage is in this repository — the
 * approved issue filed with this run's target (`--issues-dir` or GitHub), `filed.json` written, the
 * brief moved to done/. Runs again, filing nothing twice, when a later submit takes a job that
 * succeeded while nobody followed it (`--detach`).
 */
export function settleIssueJob(workflow: IssueWorkflow): NonNullable<RemoteWorkflowOptions['settle']> {
  return (item, outcome, _result, context) => workflow.fileDeferred(asBrief(item), outcome, context);
}

/** The items the submitter's issue workflow collected are briefs: checked, not assumed. */
function asBrief(item: { id: string; title: string }): SourceItem {
  const brief = item as Partial<SourceItem>;
  if (typeof brief.path !== 'string' || typeof brief.body !== 'string' || !Array.isArray(brief.labels))
    throw new Error(`internal: item ${item.id} is not a brief collected by the issue workflow`);
  return brief as SourceItem;
}
