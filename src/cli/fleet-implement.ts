import { z } from 'zod';
import { codingAgentProvider, createCodingAgent } from '../agents/create-agent.js';
import type { Clock } from '../clock/clock.js';
import { ConfigurationError, UsageError } from '../core/errors.js';
import { inRepository, repositoryPaths } from '../core/paths.js';
import type { FleetJob } from '../fleet/fleet-job.js';
import type { JobWorkflow } from '../fleet/fleet-worker.js';
import { fetchOrigin, hasCommit, takeBranchFromOrigin } from '../git/origin.js';
import { pushBranch } from '../git/commit.js';
import { implementationBranch } from '../git/worktree.js';
import { resolveSandbox, SANDBOX_MODES } from '../process/sandbox.js';
import { ImplementWorkflow } from '../workflows/implement/implement-workflow.js';
import { poolSettingsSchema, type RegistryFor } from './fleet-pool-settings.js';

/**
 * An implement job's settings: what a worker with a clone of the repository needs besides the item —
 * the implementer by spec (the worker's keys serve it), the limits, the commit to branch from (on
 * origin), the test command and the sandbox the submitter asked for.
 */
export const implementJobSettingsSchema = z.object({
  implementer: z.string(),
  limits: z.object({ maxIterations: z.number(), maxTestAttempts: z.number(), budgetUsd: z.number().nullable() }),
  baseCommit: z.string().regex(/^[0-9a-f]{40,64}$/),
  testCommand: z.string(),
  testTimeoutMs: z.number().positive(),
  sandbox: z.enum(SANDBOX_MODES),
  sandboxNetwork: z.boolean(),
  commitLineage: z.boolean(),
  ...poolSettingsSchema.shape,
});
export type ImplementJobSettings = z.infer<typeof implementJobSettingsSchema>;

/** The approved design, read by the submitter and carried by the job: a worker's checkout may be older. */
export const jobDesignSchema = z.object({ path: z.string(), document: z.string() });

/** A worker's clone (`worker --repo`): the repository whose implement items it runs. */
export interface WorkerClone {
  path: string;
  repositoryId: string;
}

/**
 * On a worker with a clone: one implement job's workflow, run in the clone with the same workflow code
 * as a local run. The branch is pushed to origin after every commit, so a worker that takes the item
 * over has them; a resumed item first takes its branch from origin. The lineage goes to the job's
 * scratch folder and back to the submitter.
 */
export async function implementJobWorkflow(
  job: FleetJob,
  scratch: string,
  equipment: { clone: WorkerClone | undefined; registryFor: RegistryFor; env: Readonly<Record<string, string | undefined>>; clock: Clock },
): Promise<JobWorkflow> {
  const { clone } = equipment;
  if (!clone || clone.repositoryId !== job.repositoryId) {
    throw new UsageError(`implement job ${job.item.id} is for another repository than this worker's --repo clone`);
  }
  const settings = implementJobSettingsSchema.parse(job.settings);
  const design = jobDesignSchema.parse(job.item.design);
  const registry = equipment.registryFor(poolSettingsSchema.parse(settings));
  await fetchOrigin(clone.path);
  if (!(await hasCommit(clone.path, settings.baseCommit))) {
    throw new ConfigurationError(
      `the commit item ${job.item.id} branches from (${settings.baseCommit.slice(0, 12)}) is not on origin: push it from the submitter's repository`,
    );
  }
  await takeBranchFromOrigin(clone.path, job.item.id, implementationBranch(job.item.id));
  const sandbox = resolveSandbox(settings.sandbox, { env: equipment.env });
  const sandboxSettings = { sandbox, network: settings.sandboxNetwork };
  const origin = "the submitter's --implementer";
  const implementer = codingAgentProvider(settings.implementer)
    ? await createCodingAgent({
        spec: settings.implementer,
        origin,
        repo: clone.path,
        registry,
        env: equipment.env,
        clock: equipment.clock,
        sandbox: { ...sandboxSettings, readable: [clone.path], hidden: [inRepository(clone.path, repositoryPaths.localState)] },
      })
    : registry.client(settings.implementer, origin);
  const workflow = new ImplementWorkflow({
    repo: clone.path,
    implementer,
    limits: { ...settings.limits, budgetUsd: settings.limits.budgetUsd ?? undefined },
    baseRef: settings.baseCommit,
    testCommand: settings.testCommand,
    testTimeoutMs: settings.testTimeoutMs,
    commitLineage: settings.commitLineage,
    sandbox: sandboxSettings,
    loadDesign: () => Promise.resolve(design),
    shareCommit: async (state) => {
      if (state.worktree) await pushBranch({ repo: clone.path, branch: state.worktree.branch });
    },
    lineageRoot: scratch,
  });
  return { workflow, redact: registry.redactor.redact, holdsSecret: registry.redactor.holdsKnownSecret };
}
