import type { ScenarioResult } from '../result.js';
import { runSynthetic, type SyntheticRunMeasurement, type SyntheticRunSpec } from '../synthetic-run.js';
import { LATENCY_LABEL, REALISTIC_LATENCY, WARM_UP_LATENCY_MS } from './realistic-latency.js';

const CHARACTERS = 4000;
/** A design-sized answer in few events (as Gemini streams) and in one event per token (as OpenAI does). */
const FEW_EVENTS = 10;
const TOKEN_EVENTS = 1000;

function spec(chunks: number): SyntheticRunSpec {
  return {
    items: 60,
    callsPerItem: 4,
    parallel: 10,
    keys: 10,
    perKeyConcurrency: 1,
    server: {
      responder: 'synthetic',
      latency: REALISTIC_LATENCY,
      warmUpLatencyMs: WARM_UP_LATENCY_MS,
      answer: { characters: CHARACTERS, chunks },
    },
  };
}

/**
 * What one model call costs lldflow itself: the runner, the key pool, the model client and the OpenAI
 * SDK over undici, with memory checkpoints and no reporters, so the workflow's own work (validation,
 * SQLite, lineage, git) is left out; the `latency` scenario shows the whole workflow. The same answer
 * is streamed once in few events and once an event per token: the difference is what each streamed
 * event adds (mostly the SDK parsing it). What a call costs whatever its answer is measured over many
 * more calls by queue-10k: over a few hundred, the process's own compiling and collecting weigh in.
 */
export async function modelCallsScenario(): Promise<ScenarioResult> {
  const few = await runSynthetic(spec(FEW_EVENTS));
  const tokens = await runSynthetic(spec(TOKEN_EVENTS));
  const perCall = (run: SyntheticRunMeasurement): number => run.cpuMs / Math.max(1, answered(run));
  const perEventMs = (perCall(tokens) - perCall(few)) / (TOKEN_EVENTS - FEW_EVENTS);
  const { items, parallel } = spec(TOKEN_EVENTS);
  return {
    name: 'calls',
    label: `the model-call path (runner, key pool, OpenAI SDK, undici) over synthetic items, ${CHARACTERS}-character answers streamed in ${FEW_EVENTS} and in ${TOKEN_EVENTS} events (the row: ${TOKEN_EVENTS}); ${LATENCY_LABEL}`,
    items,
    parallel,
    modelCalls: answered(tokens),
    requests: tokens.served.length,
    rateLimited: tokens.served.filter((request) => request.status === 429).length,
    wallMs: tokens.wallMs,
    cpuMs: tokens.cpuMs,
    peakRssMb: Math.max(few.peakRssMb, tokens.peakRssMb),
    failedItems: 2 * items - few.summary.counts.succeeded - tokens.summary.counts.succeeded,
    cpuSplit: { msPerStreamEvent: perEventMs },
    details: {
      [`CPU ms per call, ${FEW_EVENTS} / ${TOKEN_EVENTS} events`]: `${perCall(few).toFixed(2)} / ${perCall(tokens).toFixed(2)}`,
      'untimed warm-up runs ms': `${Math.round(few.warmUpMs)} / ${Math.round(tokens.warmUpMs)}`,
    },
  };
}

function answered(run: SyntheticRunMeasurement): number {
  return run.served.filter((request) => request.status === 200).length;
}
