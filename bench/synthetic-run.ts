import { MemoryCheckpointStoreFactory } from '../src/checkpoints/memory-store.js';
import { systemClock } from '../src/clock/clock.js';
import type { KeyEvent } from '../src/keys/call-with-key.js';
import { KeyPool } from '../src/keys/key-pool.js';
import type { ProviderTransport } from '../src/model-call/model-client.js';
import { PooledModelClient } from '../src/providers/pooled-model-client.js';
import type { RunEvent } from '../src/runner/events.js';
import { runWorkflow } from '../src/runner/run-workflow.js';
import type { RunSummary } from '../src/core/items.js';
import { bareBaseline, type BaselineMeasurement } from './bare-baseline.js';
import type { FakeServerConfig, ServedRequest } from './fake-server/protocol.js';
import { FakeServerHandle } from './fake-server/server-handle.js';
import { peakRssMb as peakRssMbSoFar } from './result.js';
import { SyntheticWorkflow } from './synthetic-workflow.js';
import { createBenchTransport, type TransportKind } from './transport-choice.js';

export interface SyntheticRunSpec {
  items: number;
  callsPerItem: number;
  parallel: number;
  keys: number;
  perKeyConcurrency: number;
  server: FakeServerConfig;
  transport: TransportKind;
  /** Also time the same calls without lldflow (bare transport loops), after the lldflow run. */
  baseline?: boolean;
}

/** One timed runWorkflow. */
interface TimedRun {
  wallMs: number;
  /** CPU time (user + system) of this process during the run, in ms. */
  cpuMs: number;
  summary: RunSummary;
  /** 429s lldflow saw (rate-limited key events). */
  rateLimitEvents: number;
  /** How many times a call had to wait for a free key. */
  keyWaits: number;
  events: number;
}

export interface SyntheticRunMeasurement extends TimedRun {
  /** Peak RSS of this process up to the end of the timed run, in MB. */
  peakRssMb: number;
  /** The untimed warm-up run's wall time. */
  warmUpMs: number;
  served: ServedRequest[];
  /** Calls served per key, in key order. */
  callsPerKey: number[];
  baseline: BaselineMeasurement | undefined;
}

const ITEM_TIMEOUT_MS = 30 * 60_000;

/**
 * One run of the real runner and key pool over synthetic items against the fake server (in its own
 * process), with a memory checkpoint store. Events go to a counting sink: no console or log-file
 * reporters, so the wall time is the runner, the pool, the client and the HTTP calls. An untimed
 * warm-up run (2 × parallel items, 1 call each, its own pool) goes first: compiling lldflow's and the
 * HTTP client's code on first use and opening connections is a per-process cost, not a per-item one.
 */
export async function runSynthetic(spec: SyntheticRunSpec): Promise<SyntheticRunMeasurement> {
  const server = await FakeServerHandle.start(spec.server);
  try {
    const transport = createBenchTransport(spec.transport, server.baseUrl);
    const warmUp = await timedRun({ ...spec, items: 2 * spec.parallel, callsPerItem: 1 }, transport);
    await server.reset();

    const run = await timedRun(spec, transport);
    // Read before the server's records are fetched and the baseline runs: those are not lldflow's memory.
    const peakRssMb = peakRssMbSoFar();
    const served = await server.report();
    const callsPerKey = benchKeys(spec.keys).map((key) => served.filter((request) => request.apiKey === key).length);
    const concurrentCalls = Math.min(spec.parallel, spec.keys * spec.perKeyConcurrency);
    const baseline = spec.baseline ? await bareBaseline(transport, spec.items * spec.callsPerItem, concurrentCalls) : undefined;
    return { ...run, peakRssMb, warmUpMs: warmUp.wallMs, served, callsPerKey, baseline };
  } finally {
    await server.close();
  }
}

/** One runWorkflow over a fresh key pool, client and memory store, timed from the call to its return. */
async function timedRun(spec: SyntheticRunSpec, transport: ProviderTransport): Promise<TimedRun> {
  const pool = new KeyPool({
    provider: 'openai',
    keys: benchKeys(spec.keys),
    perKeyConcurrency: spec.perKeyConcurrency,
    clock: systemClock,
  });
  const model = new PooledModelClient({ transport, pool, clock: systemClock });
  let rateLimitEvents = 0;
  let keyWaits = 0;
  const onKeyEvent = (event: KeyEvent): void => {
    if (event.type === 'rate-limited') rateLimitEvents += 1;
    if (event.type === 'waiting-for-key') keyWaits += 1;
  };
  const workflow = new SyntheticWorkflow({ itemCount: spec.items, callsPerItem: spec.callsPerItem, model, onKeyEvent });
  let events = 0;
  const emit = (_event: RunEvent): void => {
    events += 1;
  };

  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const summary = await runWorkflow(
    { explicitIds: undefined, all: true, retryFailed: false, parallel: spec.parallel, timeoutMs: ITEM_TIMEOUT_MS },
    {
      workflow,
      checkpoints: new MemoryCheckpointStoreFactory(systemClock),
      clock: systemClock,
      emit,
      signal: new AbortController().signal,
      runId: 'bench',
      retryCommand: (ids) => `--issue ${ids.join(',')}`,
    },
  );
  const wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, summary, rateLimitEvents, keyWaits, events };
}

/** Fake key values: the warm-up and the timed run use the same ones, so the server's per-key records line up. */
function benchKeys(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `bench-key-${index + 1}`);
}
