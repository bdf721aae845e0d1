import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../clock/clock.js';
import type { KeySource } from '../keys/key-lease.js';
import type { SecretRedactor } from '../keys/redact.js';
import type { FetchFunction } from '../providers/http-stack.js';
import { describeKeyEvent } from '../providers/key-event-message.js';
import { KeyLeasingProxy, type KeyLeasingProxyAddress, type ProxyProtocol } from '../providers/key-leasing-proxy.js';

/** A provider's keys as an agent uses them: through lldflow's pool, never in the agent's hands. */
export interface PooledModelAccess {
  protocol: ProxyProtocol;
  /** The API root the agent's paths are appended to. */
  upstream: string;
  /** The run's pool for that provider, shared with every other call and every other agent of the run. */
  pool: KeySource;
  fetch: FetchFunction;
  clock: Clock;
  redactor: SecretRedactor;
}

/** The proxy of one turn: where the agent is pointed, with a Unix socket for a sandbox without a network. */
export type TurnProxyAddress = KeyLeasingProxyAddress & { socketPath: string };

/**
 * Runs one agent turn with a key-leasing proxy of its own: the turn's requests lease keys from the
 * shared pool (so ten agents on three keys keep the per-key cap), and its rate limits and set-aside
 * keys are told in the item's log. The proxy and its socket folder are gone when the turn is.
 */
export async function withTurnProxy<T>(
  access: PooledModelAccess,
  turn: { signal: AbortSignal; log: (message: string) => void; itemId?: string },
  work: (address: TurnProxyAddress) => Promise<T>,
): Promise<T> {
  // A short folder of its own: a Unix socket path has about a hundred bytes, and only the agent gets to see it.
  const folder = await mkdtemp(join(tmpdir(), 'lldflow-agent-'));
  let refusal: Error | undefined;
  const proxy = new KeyLeasingProxy({
    protocol: access.protocol,
    upstream: access.upstream,
    pool: access.pool,
    fetch: access.fetch,
    clock: access.clock,
    signal: turn.signal,
    redactor: access.redactor,
    onEvent: (event) => turn.log(describeKeyEvent(event)),
    ...(turn.itemId === undefined ? {} : { itemId: turn.itemId }),
    onRefused: (error) => {
      refusal ??= error instanceof Error ? error : new Error(String(error));
    },
  });
  try {
    const socketPath = join(folder, 'model.sock');
    const address = await proxy.start({ socketPath });
    return await work({ ...address, socketPath });
  } catch (error) {
    // The agent only saw an API error; the pool's own (every key set aside: it stops the run) says why.
    if (refusal !== undefined && !turn.signal.aborted) throw refusal;
    throw error;
  } finally {
    await proxy.close();
    await rm(folder, { recursive: true, force: true });
  }
}
