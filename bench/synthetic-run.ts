import { MemoryCheckpointStoreFactory } from '../src/checkpoints/memory-store.js';
import { systemClock } from '../src/clock/clock.js';
import type { KeyEvent } from '../src/keys/call-with-key.js';
import { KeyPool } from '../src/keys/key-pool.js';
import { PooledModelClient } from '../src/providers/pooled-model-client.js';
import type { RunEvent } from '../src/runner/events.js';
import { runWorkflow } from '../src/runner/run-workflow.js';
import type { RunSummary } from '../src/runner/types.js';
import { bareFetchBaseline, type BaselineMeasurement } from './bare-fetch-baseline.js';
import type { FakeServerConfig, ServedRequest } from './fake-server/protocol.js';
import { FakeServerHandle } from './fake-server/server-handle.js';
import { FetchTransport } from './fetch-transport.js';
import { SyntheticWorkflow } from './synthetic-workflow.js';

export interface SyntheticRunSpec {
  items: number;
  callsPerItem: number;
  parallel: number;
  keys: number;
  perKeyConcurrency: number;
  server: FakeServerConfig;
  /** Also time the same calls without lldflow (bare fetch loops), after the lldflow run. */
  baseline?: boolean;
}

export interface SyntheticRunMeasurement {
  wallMs: number;
  /** CPU time (user + system) of this process during the run, in ms. */
  cpuMs: number;
  summary: RunSummary;
  served: ServedRequest[];
  /** 429s lldflow saw (rate-limited key events). */
  rateLimitEvents: number;
  /** How many times a call had to wait for a free key. */
  keyWaits: number;
  events: number;
  /** Calls served per key name, in key order. */
  callsPerKey: number[];
  baseline: BaselineMeasurement | undefined;
}

const ITEM_TIMEOUT_MS = 30 * 60_000;

/**
 * One run of the real runner and key pool over synthetic items against the fake server (in its own
 * process), with a memory checkpoint store. Events go to a counting sink: no console or log-file
 * reporters, so the wall time is the runner, the pool, the client and the HTTP calls.
 */
export async function runSynthetic(spec: SyntheticRunSpec): Promise<SyntheticRunMeasurement> {
  const server = await FakeServerHandle.start(spec.server);
  try {
    const keys = Array.from({ length: spec.keys }, (_, index) => `bench-key-${index + 1}`);
    const pool = new KeyPool({ provider: 'openai', keys, perKeyConcurrency: spec.perKeyConcurrency, clock: systemClock });
    const model = new PooledModelClient({ transport: new FetchTransport({ baseUrl: server.baseUrl, model: 'bench-model' }), pool, clock: systemClock });
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

    await warmUp(server);
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
    const served = await server.report();
    const callsPerKey = keys.map((key) => served.filter((request) => request.apiKey === key).length);
    const concurrentCalls = Math.min(spec.parallel, spec.keys * spec.perKeyConcurrency);
    const baseline = spec.baseline ? await bareFetchBaseline(server.baseUrl, spec.items * spec.callsPerItem, concurrentCalls) : undefined;
    return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, summary, served, rateLimitEvents, keyWaits, events, callsPerKey, baseline };
  } finally {
    await server.close();
  }
}

/**
 * The first fetch loads undici and opens a connection: one request the server does not count (a path
 * it does not serve) keeps that out of the timing.
 */
async function warmUp(server: FakeServerHandle): Promise<void> {
  const response = await fetch(`${server.baseUrl}/warm-up`, { method: 'POST', body: '{}' });
  await response.arrayBuffer();
}

/** Mean time the server held a request (the fake model's real latency, timer slack included). */
export function meanServerHoldMs(served: readonly ServedRequest[]): number {
  if (served.length === 0) return 0;
  return served.reduce((total, request) => total + (request.sentAt - request.arrivedAt), 0) / served.length;
}
