import { FetchTransport } from './fetch-transport.js';

export interface BaselineMeasurement {
  wallMs: number;
  /** CPU time (user + system) of this process during the loop, in ms. */
  cpuMs: number;
}

/**
 * The same calls with nothing of lldflow around them: `concurrency` loops calling the bench transport
 * directly (no runner, key pool, client, checkpoints or events). What lldflow adds is the difference.
 */
export async function bareFetchBaseline(baseUrl: string, calls: number, concurrency: number): Promise<BaselineMeasurement> {
  const transport = new FetchTransport({ baseUrl, model: 'bench-model' });
  const signal = new AbortController().signal;
  let next = 0;
  const loop = async (lane: number): Promise<void> => {
    while (next < calls) {
      const call = next++;
      await transport.call({ role: 'drafter', trace: { itemId: String(call), step: 'baseline' }, messages: [{ role: 'user', content: `Baseline call ${call}.` }], signal }, `bench-key-${lane + 1}`, signal);
    }
  };
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, lane) => loop(lane)));
  const wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}
