import { MemoryCheckpointStoreFactory } from '../src/checkpoints/memory-store.js';
import { systemClock } from '../src/clock/clock.js';
import type { RunSummary } from '../src/core/items.js';
import type { ModelClient } from '../src/model-call/model-client.js';
import { ModelRegistry } from '../src/providers/resolve-model.js';
import { runWorkflow } from '../src/runner/run-workflow.js';
import type { FakeServerConfig, ServedRequest } from './fake-server/protocol.js';
import { FakeServerHandle } from './fake-server/server-handle.js';
import { peakRssMb as peakRssMbSoFar } from './result.js';
import { SyntheticWorkflow } from './synthetic-workflow.js';

export interface SyntheticRunSpec {
  items: number;
  callsPerItem: number;
  parallel: number;
  keys: number;
  perKeyConcurrency: number;
  server: FakeServerConfig;
}

export interface SyntheticRunMeasurement {
  wallMs: number;
  /** CPU time (user + system) of this process during the timed run, in ms. */
  cpuMs: number;
  summary: RunSummary;
  /** Run events emitted. */
  events: number;
  /** Heap in use after a full collection at the run's end, all of its items' state still held, in MB. */
  liveHeapMb: number | undefined;
  /** Peak RSS of this process up to the end of the timed run, in MB. */
  peakRssMb: number;
  /** The untimed warm-up run's wall time. */
  warmUpMs: number;
  /** Resident set size and heap in use after a full collection just before the timed run, in MB. */
  before: { rssMb: number; liveHeapMb: number | undefined };
  served: ServedRequest[];
}

const ITEM_TIMEOUT_MS = 30 * 60_000;

/**
 * One run of the real runner over synthetic items, their model calls through the real ModelRegistry
 * (OpenAI SDK over OPENAI_BASE_URL, the key pool), against the fake server in its own process, with a
 * memory checkpoint store. Events go to a counting sink: no console or log-file reporters. An untimed
 * warm-up run (2 × parallel items, 1 call each) goes first: compiling code on first use and opening
 * connections is a cost per process, not per item.
 */
export async function runSynthetic(spec: SyntheticRunSpec): Promise<SyntheticRunMeasurement> {
  const server = await FakeServerHandle.start(spec.server);
  try {
    const registry = new ModelRegistry({
      env: {
        OPENAI_BASE_URL: server.baseUrl,
        OPENAI_API_KEYS: Array.from({ length: spec.keys }, (_, index) => `bench-key-${index + 1}`).join(','),
      },
      clock: systemClock,
      perKeyConcurrency: spec.perKeyConcurrency,
    });
    const model = registry.client('openai:bench-model');
    const warmUp = await timedRun({ ...spec, items: 2 * spec.parallel, callsPerItem: 1 }, model);
    await server.startTimedRun();

    const before = { liveHeapMb: liveHeapMb(), rssMb: process.memoryUsage().rss / BYTES_PER_MEGABYTE };
    const run = await timedRun(spec, model);
    // Read before the server's records arrive: holding those is not lldflow's memory.
    const peakRssMb = peakRssMbSoFar();
    return { ...run, peakRssMb, warmUpMs: warmUp.wallMs, before, served: await server.report() };
  } finally {
    await server.close();
  }
}

type TimedRun = Pick<SyntheticRunMeasurement, 'wallMs' | 'cpuMs' | 'summary' | 'events' | 'liveHeapMb'>;

/** One runWorkflow over a fresh memory store, timed from the call to its return. */
async function timedRun(spec: SyntheticRunSpec, model: ModelClient): Promise<TimedRun> {
  const workflow = new SyntheticWorkflow({ itemCount: spec.items, callsPerItem: spec.callsPerItem, model });
  let events = 0;
  let liveHeap: number | undefined;
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const summary = await runWorkflow(
    { explicitIds: undefined, all: true, retryFailed: false, parallel: spec.parallel, timeoutMs: ITEM_TIMEOUT_MS },
    {
      workflow,
      checkpoints: new MemoryCheckpointStoreFactory(systemClock),
      clock: systemClock,
      emit: (event) => {
        events += 1;
        if (event.type === 'run-end') liveHeap = liveHeapMb();
      },
      signal: new AbortController().signal,
      runId: 'bench',
      retryCommand: (ids) => `--issue ${ids.join(',')}`,
    },
  );
  const wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, summary, events, liveHeapMb: liveHeap };
}

const BYTES_PER_MEGABYTE = 1024 * 1024;

/** Heap in use after a full collection (the scenario processes run with --expose-gc), in MB. */
function liveHeapMb(): number | undefined {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) return undefined;
  collect();
  return process.memoryUsage().heapUsed / BYTES_PER_MEGABYTE;
}
