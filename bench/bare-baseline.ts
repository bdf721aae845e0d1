import type { ProviderTransport } from '../src/model-call/model-client.js';

export interface BaselineMeasurement {
  wallMs: number;
  /** CPU time (user + system) of this process during the loop, in ms. */
  cpuMs: number;
}

/**
 * The same calls with nothing of lldflow around them: `concurrency` loops calling the bench transport
 * directly (no runner, key pool, client, checkpoints or events). What lldflow adds is the difference.
 * Each call gets its own signal, as any cancellable call would (undici keeps a listener on a signal
 * until its request is garbage-collected, so a shared one would pile them up).
 */
export async function bareBaseline(transport: ProviderTransport, calls: number, concurrency: number): Promise<BaselineMeasurement> {
  let next = 0;
  const loop = async (lane: number): Promise<void> => {
    while (next < calls) {
      const call = next++;
      const signal = new AbortController().signal;
      const messages = [{ role: 'user' as const, content: `Baseline call ${call}.` }];
      await transport.call(
        { role: 'drafter', trace: { itemId: String(call), step: 'baseline' }, messages, signal },
        `bench-key-${lane + 1}`,
        signal,
      );
    }
  };
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, lane) => loop(lane)));
  const wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}
