import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { removeTemporaryRepositories, temporaryRepository } from '../../src/git/testing/temporary-repository.js';
import { startRedisServer, type RedisServer } from '../../src/redis/testing/redis-server.js';
import type { ServedRequest } from '../fake-server/protocol.js';
import { FakeServerHandle } from '../fake-server/server-handle.js';
import { REPOSITORY_ROOT } from '../node-process.js';
import { peakRssMb, type ScenarioResult } from '../result.js';

/** The fleet at 1, 2 and 4 worker processes, each `--parallel 5`, under one fleet cap of 20, calls of 1 s. */
const WORKER_COUNTS = [1, 2, 4] as const;
const WORKER_PARALLEL = 5;
const FLEET_CAP = 20;
const CALL_MS = 1000;
/** Enough items that four workers run full for several rounds: two calls each (draft, review). */
const ITEMS = 80;
/** Keys enough that no key holds a call back: the fleet cap and the workers are what is measured. */
const KEYS = 20;

interface FleetRun {
  workers: number;
  /** Answered calls per second between the first request and the last answer. */
  callsPerSecond: number;
  calls: number;
  /** Redis commands the fleet sent (workers and submitter), per answered model call. */
  redisCommandsPerCall: number;
  code: number;
}

/**
 * `lldflow worker` processes and a `requirements --engine` submitter, the compiled CLI on plain Node,
 * one real Redis, the bench's fake server at 1 s per call. Throughput is measured at the server, from
 * its first request to its last answer, so the processes' start-up is not in it.
 */
export async function fleetScenario(): Promise<ScenarioResult> {
  const redis = await startRedisServer();
  const server = await FakeServerHandle.start({ responder: 'lld', latency: { kind: 'fixed', ms: CALL_MS }, warmUpLatencyMs: 10 });
  const runs: FleetRun[] = [];
  try {
    for (const workers of WORKER_COUNTS) runs.push(await fleetRun(workers, redis, server));
  } finally {
    await server.close();
    await redis.stop();
    removeTemporaryRepositories();
  }
  const single = runs[0]!;
  const four = runs.at(-1)!;
  return {
    name: 'fleet',
    label: `${ITEMS} items, workers at --parallel ${WORKER_PARALLEL}, fleet cap ${FLEET_CAP}, calls of ${CALL_MS / 1000} s, ${KEYS} keys, one Redis`,
    items: ITEMS,
    parallel: FLEET_CAP,
    modelCalls: four.calls,
    requests: four.calls,
    rateLimited: 0,
    wallMs: (four.calls / four.callsPerSecond) * 1000,
    cpuMs: 0,
    peakRssMb: peakRssMb(),
    failedItems: runs.filter((run) => run.code !== 0).length,
    details: {
      ...Object.fromEntries(
        runs.map((run) => [`${run.workers} worker${run.workers === 1 ? '' : 's'}: calls/s`, run.callsPerSecond.toFixed(2)]),
      ),
      'throughput at 4 workers ÷ 1 worker': (four.callsPerSecond / single.callsPerSecond).toFixed(2),
      ...Object.fromEntries(
        runs.map((run) => [
          `${run.workers} worker${run.workers === 1 ? '' : 's'}: Redis commands per model call`,
          run.redisCommandsPerCall.toFixed(1),
        ]),
      ),
    },
  };
}

async function fleetRun(workers: number, redis: RedisServer, server: FakeServerHandle): Promise<FleetRun> {
  const { repo, items } = temporaryRepository(Array.from({ length: ITEMS }, (_, index) => String(index + 1)));
  const env = {
    ...process.env,
    OPENAI_BASE_URL: server.baseUrl,
    OPENAI_API_KEYS: Array.from({ length: KEYS }, (_, index) => `bench-key-${index + 1}`).join(','),
    NO_COLOR: '1',
  };
  const started: ChildProcess[] = [];
  try {
    for (let index = 0; index < workers; index += 1) {
      const worker = cli(['worker', '--engine', redis.url, '--parallel', String(WORKER_PARALLEL)], repo, env);
      started.push(worker);
      await outputHas(worker, 'on redis://');
    }
    await server.startTimedRun();
    const commandsBefore = await commandsProcessed(redis.url);
    const submitter = cli(
      [
        'requirements',
        '--repo',
        repo,
        '--source',
        items,
        '--all',
        '--engine',
        redis.url,
        '--parallel',
        String(FLEET_CAP),
        '--drafter',
        'openai:bench-model',
        '--reviewer',
        'openai:bench-model',
      ],
      repo,
      env,
      'ignore',
    );
    const code = await new Promise<number>((resolve) => submitter.once('exit', (exitCode) => resolve(exitCode ?? 1)));
    const commands = (await commandsProcessed(redis.url)) - commandsBefore;
    const answered = (await server.report()).filter((request: ServedRequest) => request.status === 200);
    const first = Math.min(...answered.map((request) => request.arrivedAt));
    const last = Math.max(...answered.map((request) => request.sentAt));
    return {
      workers,
      callsPerSecond: answered.length / ((last - first) / 1000),
      calls: answered.length,
      redisCommandsPerCall: commands / answered.length,
      code,
    };
  } finally {
    for (const worker of started) {
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker.once('exit', resolve));
    }
    // The next run starts from an empty queue.
    const client = new Redis(redis.port, '127.0.0.1');
    await client.flushall();
    await client.quit();
  }
}

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv, output: 'read' | 'ignore' = 'read'): ChildProcess {
  return spawn(process.execPath, [join(REPOSITORY_ROOT, '.bench-build', 'src', 'cli', 'main.js'), ...args], {
    cwd,
    env,
    stdio: ['ignore', output === 'read' ? 'pipe' : 'ignore', 'inherit'],
  });
}

function outputHas(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes(text)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`a worker exited with ${String(code)} before it was ready: ${output}`)));
  });
}

/** Redis's own count of commands it has processed: the fleet's round trips, whoever sent them. */
async function commandsProcessed(url: string): Promise<number> {
  const client = new Redis(url);
  try {
    const info = await client.info('stats');
    return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
  } finally {
    await client.quit();
  }
}
