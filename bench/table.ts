import { cpuMsPerCallOf, efficiencyOf, rateLimitedShareOf, type ScenarioResult } from './result.js';
import { percent } from './statistics.js';
import type { TargetCheck } from './targets.js';

const COLUMNS = [
  'scenario',
  'items',
  'parallel',
  'model calls',
  'wall',
  'ideal',
  'efficiency',
  'throughput / limit',
  '429s / requests',
  'CPU / call',
  'peak RSS',
  'failed',
] as const;

/** How the figures are made, as markdown bullets (continuation lines indented), to paste with the table. */
const NOTES = [
  "- Each scenario runs in its own process, the fake OpenAI server in another, so the server's work is not lldflow's.",
  '- **pacing, no-pacing, latency**: `lldflow requirements --type lld` in-process (commander, ModelRegistry with the OpenAI SDK',
  '  over OPENAI_BASE_URL, the key pool, SQLite checkpoints, every reporter writing to a sink, a temporary git repository); a',
  '  2-item warm-up run goes first and is not measured. Call times are drawn per item and step from a seeded log-normal',
  '  distribution, so every run gives each call the same time; a 429 is answered at once.',
  '- **throughput / limit**: answered requests (or their tokens, whichever limit binds) from the first request to the first',
  '  request of the last item to start (while the queue is never empty), over what the limits allow in that time: a full bucket',
  "  per key plus the refill. The server's buckets refill continuously, are charged when a request arrives (the prompt's",
  '  characters / 4 plus `max_tokens`), answer with `x-ratelimit-*` headers, and refuse with 429 and `retry-after-ms` what they',
  '  cannot take.',
  '- **ideal**: the same items in order on `parallel` workers, each item its calls back to back at the times the server held',
  '  them, the next item on the first free worker; **efficiency** = ideal / wall.',
  "- **CPU / call**: the lldflow process's CPU time (user + system) during the measured run / answered model calls.",
  "- **peak RSS**: maxRSS of the scenario's process up to the end of its measured run (the fake server's process not included).",
  '  Every scenario runs compiled, on plain Node, as lldflow runs from `dist/` (tsx would add its loader to every figure).',
  '- **calls**: the model-call path alone (runner, key pool, model client, OpenAI SDK over undici) over synthetic items with',
  '  memory checkpoints and no reporters; each answer is 4,000 characters, streamed once in 10 events and once in 1,000 (about',
  '  one per token, as OpenAI streams; the row): the difference is what each streamed event adds, which grows with the answer.',
  "  The call path's own CPU per call is queue-10k's, over 10,000 calls; `latency` shows the whole LLD workflow's.",
  '- **queue-10k**: the runner and ModelRegistry over synthetic items with memory checkpoints and no reporters, 1 call per item;',
  '  it measures memory. Its calls take 20 ms: 10 at once make about 400 calls a second, a hundred times the rate of real',
  '  models at `--parallel 10`; at 1 ms calls V8 lets the heap grow with the allocation rate (peak RSS ~215 MB, live heap the same).',
  '- **fleet**: `lldflow worker` processes and a `requirements --engine` submitter (the compiled CLI), one real Redis; the row is',
  '  the four-worker run, its wall the time from the first request to the last answer. Its CPU and RSS columns are the driving',
  "  process's, not the fleet's. Redis commands per model call are Redis's own count (`total_commands_processed`) over the run.",
];

/** The results as a markdown table, what each scenario runs, how the figures are made, and the details. */
export function renderResults(results: readonly ScenarioResult[]): string {
  const rows = results.map((result) => {
    const efficiency = efficiencyOf(result);
    return [
      result.name,
      result.items.toLocaleString('en-US'),
      String(result.parallel),
      result.modelCalls.toLocaleString('en-US'),
      formatMs(result.wallMs),
      result.idealMs === undefined ? '–' : formatMs(result.idealMs),
      efficiency === undefined ? '–' : efficiency.toFixed(3),
      result.limitShare === undefined ? '–' : percent(result.limitShare),
      `${percent(rateLimitedShareOf(result))} (${result.rateLimited}/${result.requests})`,
      `${cpuMsPerCallOf(result).toFixed(2)} ms`,
      `${result.peakRssMb.toFixed(1)} MB`,
      String(result.failedItems),
    ];
  });
  const details = results.map(
    (result) =>
      `- ${result.name}: ${Object.entries(result.details)
        .map(([key, value]) => `${key} ${value}`)
        .join(', ')}`,
  );
  return [
    markdownTable(COLUMNS, rows),
    '',
    ...results.map((result) => `- **${result.name}**: ${result.label}`),
    '',
    ...NOTES,
    '',
    'Details:',
    '',
    ...details,
  ].join('\n');
}

export function renderTargets(checks: readonly TargetCheck[]): string {
  if (checks.length === 0) return 'Targets: none of the scenarios with targets ran.';
  const rows = checks.map((check) => [check.passed ? 'PASS' : 'FAIL', check.target, check.measured]);
  return markdownTable(['', 'target', 'measured'], rows);
}

/** Columns padded to a common width, so the table reads in a terminal as well as rendered. */
function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((title, column) => Math.max(3, title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}
