import { runSynthetic } from './synthetic-run.js';
const parallel = Number(process.argv[2] ?? 10);
const latencyMs = Number(process.argv[3] ?? 100);
const items = Number(process.argv[4] ?? 100);
const calls = Number(process.argv[5] ?? 4);
const run = await runSynthetic({ items, callsPerItem: calls, parallel, keys: 10, perKeyConcurrency: 1, server: { responder: 'synthetic', latencyMs } });
const durations = run.summary.items.map((item) => item.durationMs);
const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
const hold = run.served.reduce((a, r) => a + (r.sentAt - r.arrivedAt), 0) / run.served.length;
console.log({ wallMs: run.wallMs, meanItemMs: mean, maxItem: Math.max(...durations), minItem: Math.min(...durations), hold, first: durations.slice(0, 12), last: durations.slice(-5) });
// gaps between a response being sent and the next request on the same key
const sorted = [...run.served].sort((a, b) => a.arrivedAt - b.arrivedAt);
const t0 = sorted[0]!.arrivedAt;
console.log('first arrivals', sorted.slice(0, 12).map((r) => Math.round(r.arrivedAt - t0)));
console.log('last sent', Math.round(Math.max(...run.served.map((r) => r.sentAt)) - t0));
process.exit(0);
