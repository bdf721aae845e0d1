import { realpathSync } from 'node:fs';
import { RedisCheckpointStoreFactory } from '../checkpoints/redis-store.js';
import { FleetBlobs } from '../fleet/fleet-blobs.js';
import { FleetClient } from '../fleet/fleet-client.js';
import { BULL_PREFIX, implementQueueName, QUEUE_NAME, queueNameFor, repositoryIdentity } from '../fleet/fleet-names.js';
import { readOnlyCheckpoints } from '../fleet/read-only-checkpoints.js';
import { RemoteWorkflow, type RemoteWorkflowOptions } from '../fleet/remote-workflow.js';
import { isGitRepository, runGit } from '../git/git.js';
import type { EngineUrl } from '../redis/engine-url.js';
import { checkRedisServer, connectRedis } from '../redis/redis-connection.js';
import { Queue } from 'bullmq';
import type { FleetJob, FleetResult } from '../fleet/fleet-job.js';
import type { Workflow } from '../runner/types.js';
import type { CheckpointStoreFactory } from '../checkpoints/store.js';
import type { WorkItem } from '../core/items.js';
import { plural } from '../core/format.js';
import { planRun } from '../runner/run-workflow.js';
import type { RunnerOptions } from '../runner/run-options.js';
import { newRunId } from '../runs/run-files.js';
import { executeRun, type ExecuteRunInput } from './execute-run.js';
import type { CliIo } from './cli-io.js';
import { fleetStatus } from '../fleet/fleet-status.js';
import { renderColumns } from '../output/text-table.js';

/**
 * Runs a workflow on the fleet: the same run as a local one (plan, console output, progress, summary,
 * run files, retry command), with each item a job on some worker, followed here and its outputs written
 * into this repository. `--parallel` is the fleet-wide cap.
 */
export async function submitToFleet(
  input: Omit<ExecuteRunInput, 'workflow' | 'checkpoints'> & {
    engine: EngineUrl;
    workflow: Workflow;
    settings: Record<string, unknown>;
    /** `--detach`: enqueue and return. */
    detach: boolean;
    settle?: RemoteWorkflowOptions['settle'];
    jobItem?: RemoteWorkflowOptions['jobItem'];
    /** Settings stored once in Redis (see fleet-blobs.ts), each job carrying a reference: large ones, like the file list. */
    blobKeys?: readonly string[];
  },
): Promise<number> {
  const { options } = input;
  const server = await checkRedisServer(input.engine);
  const repositoryId = await repositoryIdOf(options.repo);
  const fleet = await FleetClient.connect(input.engine, queueNameFor(input.workflow.name, repositoryId));
  try {
    await fleet.setFleetCap(options.parallel);
    const warnings = [...input.warnings, ...server.warnings];
    if ((await fleet.queue.getWorkersCount()) === 0) {
      warnings.push(
        input.workflow.name === 'implement'
          ? `no lldflow worker with a clone of this repository (--repo) is connected to ${input.engine.url} yet: the items wait in the queue until one joins`
          : `no lldflow worker is connected to ${input.engine.url} yet: the items wait in the queue until one joins`,
      );
    }
    const settings = { ...input.settings };
    const blobs = new FleetBlobs(fleet.redis);
    for (const key of input.blobKeys ?? []) if (key in settings) settings[key] = await blobs.put(settings[key]);
    const workflow = new RemoteWorkflow(input.workflow, {
      fleet,
      repo: options.repo,
      repositoryId,
      settings,
      timeoutMs: options.timeoutMs,
      ...(input.settle ? { settle: input.settle } : {}),
      ...(input.jobItem ? { jobItem: input.jobItem } : {}),
    });
    const checkpoints = readOnlyCheckpoints(new RedisCheckpointStoreFactory({ redis: fleet.redis, namespace: repositoryId }));
    if (input.detach) return await enqueueOnly(workflow, checkpoints, input);
    // Every item is followed at once: the fleet cap (set above) decides which run.
    return await executeRun({ ...input, atOnce: 'every-item', warnings, workflow, checkpoints });
  } finally {
    await fleet.close();
  }
}

/** `--detach`: the selected items that would start or resume go on the queue; nothing is followed. */
async function enqueueOnly(
  workflow: RemoteWorkflow<WorkItem, unknown>,
  checkpoints: CheckpointStoreFactory,
  input: { options: RunnerOptions; io: CliIo; engine: EngineUrl },
): Promise<number> {
  const { options, io } = input;
  const selection = {
    explicitIds: options.ids,
    all: options.all,
    retryFailed: options.retryFailed,
    retryBlocked: options.retryBlocked ?? false,
  };
  const plan = await planRun(selection, { workflow, checkpoints, signal: io.signal });
  const runId = newRunId(options.repo, io.clock.now());
  const lines: string[] = [];
  let submitted = 0;
  for (const entry of plan.planned) {
    const item = plan.items.get(entry.id);
    if (!item || (entry.action.kind !== 'start' && entry.action.kind !== 'resume')) {
      lines.push(
        `[${entry.id}] not submitted: ${entry.action.kind === 'skip' || entry.action.kind === 'refuse' ? entry.action.reason : entry.action.kind}`,
      );
      continue;
    }
    lines.push(`[${entry.id}] submitted as job ${await workflow.enqueue(item, runId)}`);
    submitted += 1;
  }
  lines.push(
    `submitted ${submitted} ${plural(submitted, 'item')} to the fleet at ${input.engine.url}; follow them with: lldflow status --engine ${input.engine.url}`,
  );
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** `lldflow status --engine`: this repository's items in the fleet's queue, running ones with their worker. */
export async function printFleetStatus(repo: string, engine: EngineUrl, json: boolean, io: CliIo): Promise<number> {
  await checkRedisServer(engine);
  const repositoryId = await repositoryIdOf(repo);
  // Read only: the queues' jobs, no event stream.
  const redis = connectRedis(engine, { maxRetriesPerRequest: 3 });
  const queues = [QUEUE_NAME, implementQueueName(repositoryId)].map(
    (name) => new Queue<FleetJob, FleetResult>(name, { connection: redis, prefix: BULL_PREFIX }),
  );
  try {
    const rows = await fleetStatus(queues, repositoryId);
    if (json) {
      io.stdout.write(`${JSON.stringify({ repo, engine: engine.url, items: rows }, null, 2)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      io.stdout.write(`no item of ${repo} in the fleet at ${engine.url}\n`);
      return 0;
    }
    const lines = renderColumns(
      [{ header: 'workflow' }, { header: 'id' }, { header: 'state' }, { header: 'worker' }, { header: 'result' }],
      rows.map((row) => [row.workflow, row.id, row.state, row.worker ?? '—', row.result ?? '—']),
    );
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
    await redis.quit().catch(() => undefined);
  }
}

async function repositoryIdOf(repo: string): Promise<string> {
  return repositoryIdentity(await originOf(repo), realpathSync(repo));
}

async function originOf(repo: string): Promise<string | undefined> {
  if (!(await isGitRepository(repo))) return undefined;
  return runGit(['remote', 'get-url', 'origin'], { cwd: repo }).then(
    ({ stdout }) => stdout.trim() || undefined,
    () => undefined,
  );
}
