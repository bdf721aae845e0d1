import { describe, expect, it } from 'vitest';
import { FakeClock, flushPromises } from '../clock/testing/fake-clock.js';
import { KeyUnusableError, ModelCallError } from '../model-call/errors.js';
import { FleetKeyPool, type FleetKeyPoolOptions } from './fleet-key-pool.js';
import { KeyPoolExhaustedError } from './key-pool-exhausted-error.js';
import type { KeyWaitInfo } from './key-lease.js';
import { fingerprintOf, type LedgerHold, type SharedKeyLedger } from './shared-key-ledger.js';
import { MemoryKeyLedger } from './testing/memory-key-ledger.js';
import { track } from '../../test/support/track-promise.js';

const KEYS = ['sk-test-first-key', 'sk-test-second-key'];
const [FIRST, SECOND] = KEYS.map(fingerprintOf) as [string, string];
const never = new AbortController().signal;

function fleet(overrides: Partial<FleetKeyPoolOptions> = {}) {
  const clock = new FakeClock();
  const ledger = new MemoryKeyLedger(clock);
  const worker = (name: string, more: Partial<FleetKeyPoolOptions> = {}) =>
    new FleetKeyPool({ provider: 'openai', keys: KEYS, clock, random: () => 0.5, ledger, holderPrefix: name, ...overrides, ...more });
  return { clock, ledger, worker };
}

describe('FleetKeyPool', () => {
  it('takes the next key while another worker holds the first, and waits for the fleet once both are taken', async () => {
    const { clock, ledger, worker } = fleet();
    await ledger.tryHold(FIRST, 1, 'other-worker', 10_000);
    const pool = worker('worker-a');

    const first = await pool.acquire(never);
    expect(first.name).toBe('openai#2');
    expect(pool.snapshot().map((key) => key.inFlight)).toEqual([0, 1]);

    const waits: KeyWaitInfo[] = [];
    const second = track(pool.acquire(never, (info) => waits.push(info)));
    await flushPromises();
    expect(second.settled).toBe(false);
    expect(waits).toEqual([expect.objectContaining({ keys: 2, busy: 2, cooling: 0 })]);

    // The other worker's release is announced: the waiter tries the key again without waiting out the hold.
    await ledger.release(FIRST, 'other-worker');
    await flushPromises();
    expect(second.value?.name).toBe('openai#1');
    expect(clock.now()).toBe(new FakeClock().now());
    expect(waits).toHaveLength(1);
  });

  it('frees the slot of a worker that stopped renewing once its hold expires', async () => {
    const { clock, ledger, worker } = fleet({ keys: KEYS.slice(0, 1) });
    await ledger.tryHold(FIRST, 1, 'dead-worker', 6_000);
    const pool = worker('worker-a');
    const lease = track(pool.acquire(never));
    await clock.advance(5_999);
    expect(lease.settled).toBe(false);
    await clock.advance(1);
    expect(lease.value?.name).toBe('openai#1');
    expect(ledger.holdersOf(FIRST)).toEqual([expect.stringMatching(/^worker-a\//)]);
  });

  it('renews a held slot every third of its time-to-live while the call runs, and frees it with the lease', async () => {
    const { clock, ledger, worker } = fleet({ holdTtlMs: 6_000 });
    const pool = worker('worker-a');
    const lease = await pool.acquire(never);
    await clock.advance(10_000);
    const renewals = ledger.calls.filter((call) => call.method === 'renew').map((call) => call.at - new FakeClock().now());
    expect(renewals).toEqual([2_000, 4_000, 6_000, 8_000, 10_000]);
    expect(ledger.holdersOf(FIRST)).toHaveLength(1);

    lease.release(true);
    await flushPromises();
    expect(ledger.holdersOf(FIRST)).toEqual([]);
    expect(pool.snapshot().map((key) => key.inFlight)).toEqual([0, 0]);
    await clock.advance(10_000);
    expect(ledger.calls.filter((call) => call.method === 'renew')).toHaveLength(5);
  });

  it('rests a key for the fleet on a 429 before giving up its hold, without counting a 429 on the other worker', async () => {
    const { clock, ledger, worker } = fleet();
    const a = worker('worker-a');
    const b = worker('worker-b');
    const limited = await a.acquire(never);
    expect(limited.rateLimited(30_000).ms).toBe(30_000);
    await flushPromises();
    expect(ledger.calls.filter((call) => call.fingerprint === FIRST).map((call) => call.method)).toEqual(['tryHold', 'rest', 'release']);

    const other = await b.acquire(never);
    expect(other.name).toBe('openai#2');
    expect(b.snapshot()[0]?.coolingUntil).toBe(clock.now() + 30_000);
    const waiting = track(b.acquire(never));
    await clock.advance(29_999);
    expect(waiting.settled).toBe(false);
    await clock.advance(1);
    expect(waiting.value?.name).toBe('openai#1');
    // Worker b never saw a 429 of its own: its next one starts the back-off from the first step again.
    expect(waiting.value?.rateLimited(undefined).ms).toBe(750);
  });

  it('sets a key aside on every worker once one of them saw it rejected', async () => {
    const { ledger, worker } = fleet();
    const a = worker('worker-a');
    const b = worker('worker-b');
    const rejected = await a.acquire(never);
    const error = new KeyUnusableError('401 Incorrect API key provided', 'rejected', `401 invalid_api_key ${KEYS[0]!}`);
    expect(rejected.setAside(error)).toBe(true);
    await flushPromises();

    expect((await b.acquire(never)).name).toBe('openai#2');
    expect(b.snapshot()[0]?.setAside).toEqual({ kind: 'rejected', why: '401 invalid_api_key openai#1' });
    expect(JSON.stringify(ledger.calls)).not.toContain('sk-test');
  });

  it('fails after the longest wait counted from the acquire, however often the fleet sends it back', async () => {
    const { clock, worker } = fleet({ maxWaitMs: 20_000, holdTtlMs: 3_000 });
    const a = worker('worker-a');
    const held = [await a.acquire(never), await a.acquire(never)];
    const b = worker('worker-b');
    const startedAt = clock.now();
    const waiting = track(b.acquire(never));
    await clock.advance(19_999);
    expect(waiting.settled).toBe(false);
    await clock.advance(1);
    expect(waiting.error).toBeInstanceOf(KeyPoolExhaustedError);
    expect(waiting.error).toMatchObject({ busy: 2, waitedMs: 20_000 });
    expect(clock.now() - startedAt).toBe(20_000);
    for (const lease of held) lease.release();
  });

  it('fails at once when every key rests on the fleet beyond the longest wait', async () => {
    const { clock, ledger, worker } = fleet({ maxWaitMs: 60_000 });
    for (const fingerprint of [FIRST, SECOND]) await ledger.rest(fingerprint, clock.now() + 3_600_000);
    const pool = worker('worker-a');
    await expect(pool.acquire(never)).rejects.toThrow(ModelCallError);
    await expect(pool.acquire(never)).rejects.toThrow(/rested after a 429 on another worker of the fleet/);
  });

  it('goes on with its own limits when the ledger cannot be reached, and says so', async () => {
    const { worker } = fleet();
    const failures: Error[] = [];
    const unreachable = new Error('connect ECONNREFUSED');
    const ledger: SharedKeyLedger = {
      tryHold: () => Promise.reject<LedgerHold>(unreachable),
      renew: () => Promise.reject<boolean>(unreachable),
      release: () => Promise.reject<void>(unreachable),
      rest: () => Promise.reject<void>(unreachable),
      restUntil: () => Promise.reject<number | undefined>(unreachable),
      setAside: () => Promise.reject<void>(unreachable),
      onRelease: () => () => undefined,
    };
    const pool = worker('worker-a', { ledger, onLedgerError: (error) => failures.push(error) });
    const lease = await pool.acquire(never);
    expect(lease.name).toBe('openai#1');
    lease.release(true);
    expect(failures).toEqual([unreachable]);
    expect(pool.snapshot().map((key) => key.inFlight)).toEqual([0, 0]);
  });

  it('gives the slot back to the fleet when the caller stops while the ledger answers', async () => {
    const { ledger, worker } = fleet();
    const controller = new AbortController();
    const pool = worker('worker-a');
    const acquiring = pool.acquire(controller.signal);
    controller.abort(new Error('stopped'));
    await expect(acquiring).rejects.toThrow('stopped');
    expect(ledger.holdersOf(FIRST)).toEqual([]);
    expect(pool.snapshot().map((key) => key.inFlight)).toEqual([0, 0]);
  });

  it('leaves a keyless pool to its own limits', async () => {
    const { ledger, worker } = fleet({ keys: [] });
    const lease = await worker('worker-a').acquire(never);
    expect(lease.value).toBeUndefined();
    expect(ledger.calls).toEqual([]);
  });
});
