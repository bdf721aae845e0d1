import { requirementsInProcess } from '../../src/cli/testing/requirements-in-process.js';
import type { RunSummary } from '../../src/core/items.js';
import { removeTemporaryRepositories, temporaryRepository } from '../../src/git/testing/temporary-repository.js';
import type { FakeServerConfig, ServedRequest } from '../fake-server/protocol.js';
import { FakeServerHandle } from '../fake-server/server-handle.js';
import { peakRssMb } from '../result.js';

export interface RequirementsRunSpec {
  items: number;
  parallel: number;
  keys: number;
  perKeyConcurrency: number;
  /** false passes `--no-pacing`. */
  pacing: boolean;
  server: FakeServerConfig;
}

export interface MeasuredRequirementsRun {
  code: number;
  wallMs: number;
  /** CPU time (user + system) of this process during the timed run, in ms. */
  cpuMs: number;
  /** Its system part: the kernel's work for lldflow (files, sockets, threads). */
  systemCpuMs: number;
  /** Epoch ms, comparable with the server's records. */
  startedAt: number;
  endedAt: number;
  summary: RunSummary | undefined;
  stderr: string;
  /** Peak RSS of this process up to the end of the timed run, in MB. */
  peakRssMb: number;
  served: ServedRequest[];
  warmUpMs: number;
}

const WARM_UP_ITEMS = 2;

/**
 * The real `lldflow requirements --type lld` (commander parsing, ModelRegistry with the OpenAI SDK over
 * OPENAI_BASE_URL, the key pool, LldWorkflow, SQLite checkpoints, console/log-file/progress reporters
 * writing to sinks, lineage and LLD files) in this process, in a temporary git repository, against the
 * fake server in its own process. A two-item run in another repository goes first and is not measured:
 * loading the SDK, the SQLite addon and the rest of lldflow's modules, and first-use set-up such as the
 * ICU collator that sorts item ids, is a cost per process, not per item or per call.
 */
export async function measuredRequirementsRun(spec: RequirementsRunSpec): Promise<MeasuredRequirementsRun> {
  const server = await FakeServerHandle.start(spec.server);
  try {
    const warmUp = await requirements(temporaryRepository(itemIds(WARM_UP_ITEMS)), server.baseUrl, { ...spec, parallel: WARM_UP_ITEMS });
    if (warmUp.code !== 0) throw new Error(`warm-up run exited with ${warmUp.code}: ${warmUp.stderr}`);
    await server.startTimedRun();

    const run = await requirements(temporaryRepository(itemIds(spec.items)), server.baseUrl, spec);
    // Read before the server's records arrive: holding those is not lldflow's memory.
    const peakRss = peakRssMb();
    return { ...run, peakRssMb: peakRss, served: await server.report(), warmUpMs: warmUp.wallMs };
  } finally {
    await server.close();
    removeTemporaryRepositories();
  }
}

type TimedRequirements = Omit<MeasuredRequirementsRun, 'peakRssMb' | 'served' | 'warmUpMs'>;

async function requirements(
  target: { repo: string; items: string },
  baseUrl: string,
  spec: RequirementsRunSpec,
): Promise<TimedRequirements> {
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const run = await requirementsInProcess({
    ...target,
    baseUrl,
    keys: Array.from({ length: spec.keys }, (_, index) => `bench-key-${index + 1}`),
    // One model for both roles: the server's limits are per key and model, like the providers', so the
    // keys' aggregate limit is simply keys × the limit.
    drafter: 'openai:bench-model',
    reviewer: 'openai:bench-model',
    options: [
      '--type',
      'lld',
      '--parallel',
      String(spec.parallel),
      '--per-key-concurrency',
      String(spec.perKeyConcurrency),
      ...(spec.pacing ? [] : ['--no-pacing']),
    ],
  });
  const endedAt = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    code: run.code,
    wallMs: endedAt - startedAt,
    cpuMs: (cpu.user + cpu.system) / 1000,
    systemCpuMs: cpu.system / 1000,
    startedAt: performance.timeOrigin + startedAt,
    endedAt: performance.timeOrigin + endedAt,
    summary: run.summary,
    stderr: run.stderr,
  };
}

function itemIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => String(index + 1));
}

/** Answered (200) requests per key, in key order: how evenly the pool spread the calls. */
export function callsPerKey(served: readonly ServedRequest[], keys: number): string {
  return Array.from({ length: keys }, (_, index) => {
    const key = `bench-key-${index + 1}`;
    return String(served.filter((request) => request.apiKey === key && request.status === 200).length);
  }).join('/');
}
