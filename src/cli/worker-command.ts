import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { implementQueueName, QUEUE_NAME, repositoryIdentity } from '../fleet/fleet-names.js';
import { isGitRepository, repositoryRoot, runGit } from '../git/git.js';
import type { WorkerClone } from './fleet-implement.js';
import { maskCredentials } from '../git/git-error.js';
import { parseEngineUrl } from '../redis/engine-url.js';
import { checkRedisServer, connectRedis } from '../redis/redis-connection.js';
import { RedisKeyLedger } from '../keys/redis-key-ledger.js';
import { runFleetWorker } from '../fleet/fleet-worker.js';
import { ModelRegistry } from '../providers/resolve-model.js';
import { ConfigurationError } from '../core/errors.js';
import type { CliIo } from './cli-io.js';
import { jobWorkflowFor } from './fleet-jobs.js';
import type { PoolSettings } from './fleet-pool-settings.js';

export interface WorkerFlags {
  engine?: string | undefined;
  parallel?: number | undefined;
  repo?: string | undefined;
  /** Seconds a job's lock lasts without renewal (`--lock-duration`). */
  lockDuration?: number | undefined;
}

const DEFAULT_WORKER_PARALLEL = 3;

/** Every worker of one Redis database shares one key ledger: the fleet's keys are the organisation's. */
const FLEET_KEYS_NAMESPACE = 'fleet';

/**
 * `lldflow worker --engine redis://…`: joins the fleet and runs its items until Ctrl+C or SIGTERM, which
 * interrupt the running items (their checkpoints kept) and hand them back to the queue at once.
 */
export async function runWorkerCommand(flags: WorkerFlags, io: CliIo): Promise<number> {
  const engineValue = flags.engine ?? io.env.LLDFLOW_ENGINE;
  if (engineValue === undefined || engineValue.trim() === '') {
    throw new ConfigurationError('lldflow worker needs the fleet: pass --engine redis://host:port[/db] or set LLDFLOW_ENGINE');
  }
  const engine = parseEngineUrl(engineValue.trim(), flags.engine === undefined ? 'LLDFLOW_ENGINE' : '--engine');
  const clone = flags.repo === undefined ? undefined : await workerClone(resolve(io.cwd, flags.repo));
  const { warnings } = await checkRedisServer(engine);
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
  const parallel = flags.parallel ?? DEFAULT_WORKER_PARALLEL;
  const name = `${hostname()}:${process.pid}`;
  // One key pool for the fleet: per-key leases, rests and set-aside keys shared through Redis, by fingerprint.
  const ledgerConnection = connectRedis(engine, { maxRetriesPerRequest: 3 });
  const ledger = new RedisKeyLedger({ redis: ledgerConnection, namespace: FLEET_KEYS_NAMESPACE, clock: io.clock });
  let ledgerErrorShown = false;
  const onKeyLedgerError = (error: Error): void => {
    if (ledgerErrorShown) return;
    ledgerErrorShown = true;
    io.stderr.write(
      `warning: the fleet's shared key state is unreachable (${error.message}); keys are limited per machine until it is back\n`,
    );
  };
  // One registry (one key pool per provider) per distinct pool setting the submitters ask for.
  const registries = new Map<string, ModelRegistry>();
  const registryFor = (pool: PoolSettings): ModelRegistry => {
    const signature = JSON.stringify(pool);
    let registry = registries.get(signature);
    if (!registry) {
      registry = new ModelRegistry({ env: io.env, clock: io.clock, ...pool, keyLedger: ledger, keyHolderPrefix: name, onKeyLedgerError });
      registries.set(signature, registry);
    }
    return registry;
  };
  io.stdout.write(
    `worker ${name}: ${parallel} at once on ${engine.url}${clone ? `; implement items of ${clone.origin} in ${clone.path}` : ''}\n`,
  );
  try {
    await runFleetWorker({
      url: engine,
      parallel,
      clock: io.clock,
      signal: io.signal,
      name,
      queues: clone ? [QUEUE_NAME, implementQueueName(clone.repositoryId)] : [QUEUE_NAME],
      workflowFor: (job, scratch) => jobWorkflowFor(job, scratch, { registryFor, clone, env: io.env, clock: io.clock }),
      log: (line) => io.stdout.write(`${line}\n`),
      ...(flags.lockDuration === undefined ? {} : { lockDurationMs: Math.round(flags.lockDuration * 1000) }),
    });
  } finally {
    await ledger.close();
    await ledgerConnection.quit().catch(() => undefined);
  }
  io.stdout.write(`worker ${name}: stopped\n`);
  return 0;
}

/** `--repo <clone>`: a git clone with an origin, whose implement items this worker runs (in its worktrees). */
async function workerClone(path: string): Promise<WorkerClone & { origin: string }> {
  if (!(await isGitRepository(path)))
    throw new ConfigurationError(`--repo ${path} is not a git repository: implement workers need a clone`);
  const origin = await runGit(['remote', 'get-url', 'origin'], { cwd: path }).then(
    ({ stdout }) => stdout.trim(),
    () => '',
  );
  if (origin === '')
    throw new ConfigurationError(`--repo ${path} has no origin remote: implement workers push each item's branch to the clone's origin`);
  const root = realpathSync(await repositoryRoot(path));
  return { path: root, repositoryId: repositoryIdentity(origin, root), origin: maskCredentials(origin) };
}
