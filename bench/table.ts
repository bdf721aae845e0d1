import Table from 'cli-table3';
import { efficiencyOf, overheadPerItemMs, workerOverheadPerItemMs, type ScenarioResult } from './result.js';
import type { TargetCheck } from './targets.js';
import type { TransportKind } from './transport-choice.js';

const NOTES = [
  'Synthetic scenarios (calls-*, queue-10k, rate-limits): the real runWorkflow, KeyPool and PooledModelClient over synthetic items; each',
  '  call is a real HTTP POST to a fake OpenAI server through a bench transport (--transport http: node:http with a keep-alive agent;',
  "  --transport fetch: Node's fetch, keep-alive); each item commits a checkpoint after each call to the MEMORY checkpoint store; run",
  '  events go to a counting sink (no console, log-file or progress reporters). An untimed warm-up run (2 × parallel items) goes first.',
  'queue-10k makes 1 call per item. calls-* and queue-10k: 10 keys × per-key concurrency 1, so keys are never the bottleneck.',
  'The fake server runs in its own process and holds each request for the set latency ("mean server hold" below includes its timer slack).',
  'ideal = max(longest item chain × latency, total calls × latency / concurrent calls), concurrent calls = min(parallel, keys × per-key concurrency);',
  '  it uses the nominal latency and, for rate-limits, counts only answered calls (the announced rests are not in it).',
  "efficiency = ideal / wall. overhead/item = (wall − ideal) / items: the run's time beyond the ideal, per item (the target, checked on the",
  "  parallel-10 scenarios). worker overhead/item = overhead/item × parallel: what each item added to its own worker's timeline.",
  'Details: "CPU ms per item" = this process\'s CPU time during the timed run / items (steadier than wall time on a busy machine);',
  '  "bare transport loop" = the same calls at the same concurrency straight through the bench transport, no lldflow, run after the timed run.',
  "peak RSS = maxRSS of the scenario's own child process up to the end of its timed run (the fake server's process is not included;",
  '  synthetic children load only the runner, key pool and client modules, not the CLI or the SDK).',
  'rate-limits: every 10th request (arrival order) is answered 429 with retry-after: 1. A request the server receives on a key after it wrote',
  "  that key a 429 and before the 429's send time + retry-after (server event order and times) is a violation, unless the bench transport's",
  '  stamp (429s received per key when the request left) shows it was sent before the client had the 429: that one was in flight',
  '  (with 2 calls per key a sibling call can free the key a moment before its own 429 arrives) and is counted apart.',
  'lld: `lldflow requirements --type lld` in-process via runCli (OpenAI SDK through ModelRegistry + OPENAI_BASE_URL, 10 keys, SQLite checkpoints,',
  '  temporary git repository, all reporters writing to sinks); wall = the whole runCli call (options, planning, the run, summary files);',
  '  a 2-item warm-up run in another repository goes first and is not timed (module loading is not per-item cost).',
];

export function renderResults(results: readonly ScenarioResult[], transport: TransportKind): string {
  const table = new Table({
    head: [
      'scenario',
      'items',
      'calls/item',
      'parallel',
      'wall',
      'ideal',
      'efficiency',
      'overhead/item',
      'worker overhead/item',
      'peak RSS',
      'failed',
      '429s ridden out',
      'cool-down violations',
    ],
    style: { head: [], border: [] },
  });
  for (const result of results) {
    table.push([
      result.name,
      result.items.toLocaleString('en-US'),
      formatNumber(result.callsPerItem),
      result.parallel,
      formatMs(result.wallMs),
      formatMs(result.idealMs),
      efficiencyOf(result).toFixed(3),
      `${overheadPerItemMs(result).toFixed(2)} ms`,
      `${workerOverheadPerItemMs(result).toFixed(2)} ms`,
      `${result.peakRssMb.toFixed(1)} MB`,
      result.failedItems,
      result.rateLimitsRiddenOut,
      result.cooldownViolations,
    ]);
  }
  const details = results.map(
    (result) =>
      `  ${result.name} (${result.label}): ${Object.entries(result.details)
        .map(([key, value]) => `${key} ${value}`)
        .join(', ')}`,
  );
  return [
    table.toString(),
    '',
    `Notes (synthetic transport: ${transport}):`,
    ...NOTES.map((note) => `  ${note}`),
    '',
    'Details:',
    ...details,
  ].join('\n');
}

export function renderTargets(checks: readonly TargetCheck[]): string {
  const lines = checks.map((check) => `  ${check.passed ? 'PASS' : 'FAIL'}  ${check.target}: ${check.measured}`);
  return ['Targets:', ...(lines.length > 0 ? lines : ['  (none of the scenarios with targets ran)'])].join('\n');
}

function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
