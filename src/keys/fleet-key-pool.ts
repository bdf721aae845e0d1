import { randomUUID } from 'node:crypto';
import { abortReason } from '../core/abort.js';
import { KeyUnusableError } from '../model-call/errors.js';
import { KeyPoolExhaustedError } from './key-pool-exhausted-error.js';
import { KeyPool } from './key-pool.js';
import { keyPoolSettings } from './key-pool-settings.js';
import type { KeyDemand, KeyLease, KeyPoolOptions, KeySnapshot, KeySource, KeyWaitInfo, LocalKeyLease } from './key-lease.js';
import { fingerprintOf, type LedgerHold, type SharedKeyLedger } from './shared-key-ledger.js';

export interface FleetKeyPoolOptions extends KeyPoolOptions {
  /** The fleet's shared key state. */
  ledger: SharedKeyLedger;
  /** Starts every hold id of this pool in the ledger, so one can tell whose a hold is (the worker's id); never a key. */
  holderPrefix: string;
  /**
   * How long a hold lasts in the ledger unless renewed, which happens every third of it while the call
   * runs: what a worker that dies costs the fleet, per key it held. Default 6 seconds.
   */
  holdTtlMs?: number;
  /**
   * A ledger call failed (Redis unreachable). The pool goes on with its own limits: a lease the ledger
   * could not hold is handed out anyway, and may take the key beyond the fleet's cap. Default: ignored.
   */
  onLedgerError?: (error: Error) => void;
}

export const DEFAULT_HOLD_TTL_MS = 6_000;

/**
 * The key pool of one worker of a fleet: this worker's own KeyPool (its keys, least recently used
 * first, pacing, keys set aside, waiting) with the fleet's ledger in front of every lease. A local
 * lease is handed out only once the ledger holds one of the key's slots for it; when the ledger says
 * the key is busy on other workers, rests, or is set aside, the local lease goes back unused, the key
 * is held back here for as long (or set aside here too), and the local pool picks the next key.
 *
 * While the call runs the hold is renewed on the pool's clock; it is released with the lease, and a
 * 429 rests the key in the ledger before the hold is given up, so no other worker takes it in between.
 * A worker that dies stops renewing: its holds expire after `holdTtlMs`.
 */
export class FleetKeyPool implements KeySource {
  readonly provider: string;
  readonly size: number;
  private readonly local: KeyPool;
  private readonly capacity: number;
  private readonly maxWaitMs: number;
  private readonly holdTtlMs: number;
  /** The prefix, and a part of this pool's own, so that two pools of one worker never share a hold id. */
  private readonly holderBase: string;
  private holdSequence = 0;
  /** Fingerprint → name of the keys this pool has tried: a release in the ledger names only the fingerprint. */
  private readonly keyNames = new Map<string, string>();
  private stopListening: (() => void) | undefined;

  constructor(private readonly options: FleetKeyPoolOptions) {
    const settings = keyPoolSettings(options);
    const holdTtlMs = options.holdTtlMs ?? DEFAULT_HOLD_TTL_MS;
    if (!(Number.isFinite(holdTtlMs) && holdTtlMs >= 3)) {
      throw new RangeError(`holdTtlMs must be a finite number ≥ 3, received ${String(options.holdTtlMs)}`);
    }
    this.local = new KeyPool(options);
    this.provider = this.local.provider;
    this.size = this.local.size;
    this.capacity = settings.perKeyConcurrency;
    this.maxWaitMs = settings.maxWaitMs;
    this.holdTtlMs = Math.ceil(holdTtlMs);
    this.holderBase = `${options.holderPrefix}/${randomUUID().slice(0, 8)}`;
    // From the start, so that the first release another worker announces is not missed.
    this.stopListening = options.ledger.onRelease((fingerprint) => {
      const name = this.keyNames.get(fingerprint);
      if (name !== undefined) this.local.freedElsewhere(name);
    });
  }

  /**
   * As KeyPool.acquire, across the fleet: onWait is called at most once, and the longest wait counts
   * from this call, however often the ledger sends the pool back to its keys.
   */
  async acquire(signal: AbortSignal, onWait?: (info: KeyWaitInfo) => void, demand?: KeyDemand): Promise<KeyLease> {
    const startedAt = this.options.clock.now();
    let waited = false;
    const onFirstWait =
      onWait &&
      ((info: KeyWaitInfo): void => {
        if (waited) return;
        waited = true;
        onWait(info);
      });
    let deadline: { signal: AbortSignal; stop: () => void } | undefined;
    try {
      for (;;) {
        const lease = await this.local.acquireLocal(deadline?.signal ?? signal, onFirstWait, demand);
        // A keyless slot (a local server) is nothing the fleet shares.
        if (lease.value === undefined) return lease;
        const held = await this.holdInLedger(lease, lease.value, signal);
        if (held) return held;
        // The local pool bounds the first wait; the later ones get what is left of it.
        deadline ??= this.deadline(signal, startedAt, demand);
      }
    } finally {
      deadline?.stop();
    }
  }

  snapshot(): KeySnapshot[] {
    return this.local.snapshot();
  }

  /** Stops listening for the fleet's releases; leases still out end as usual. */
  close(): void {
    this.stopListening?.();
    this.stopListening = undefined;
  }

  /** The lease as the caller gets it once the ledger holds a slot for it; undefined when the ledger said no. */
  private async holdInLedger(lease: LocalKeyLease, key: string, signal: AbortSignal): Promise<KeyLease | undefined> {
    const fingerprint = fingerprintOf(key);
    this.keyNames.set(fingerprint, lease.name);
    const holderId = `${this.holderBase}/${this.holdSequence++}`;
    let answer: LedgerHold;
    try {
      answer = await this.options.ledger.tryHold(fingerprint, this.capacity, holderId, this.holdTtlMs);
    } catch (error) {
      this.report(error);
      return lease;
    }
    if (signal.aborted) {
      if (answer.held) await this.options.ledger.release(fingerprint, holderId).catch((error: unknown) => this.report(error));
      lease.release(false);
      throw abortReason(signal);
    }
    if (answer.held) return this.heldLease(lease, key, fingerprint, holderId);

    const now = this.options.clock.now();
    switch (answer.why) {
      case 'busy':
        // At least a millisecond, so a ledger that answers a past moment cannot make the pool spin.
        lease.heldElsewhere(Math.max(1, answer.retryAt - now), 'busy');
        break;
      case 'resting':
        lease.heldElsewhere(Math.max(1, answer.until - now), 'resting');
        break;
      case 'set-aside': {
        const { kind, why } = answer.mark;
        lease.setAside(new KeyUnusableError(`${lease.name} was set aside by another worker of the fleet (${why})`, kind, why));
        break;
      }
    }
    return undefined;
  }

  private heldLease(lease: LocalKeyLease, key: string, fingerprint: string, holderId: string): KeyLease {
    const { clock, ledger } = this.options;
    const renewal = new AbortController();
    void this.renewWhileHeld(fingerprint, holderId, lease.name, renewal.signal);
    let ended = false;
    const end = (): boolean => {
      if (ended) return false;
      ended = true;
      renewal.abort();
      return true;
    };
    const freeSlot = (): Promise<void> => ledger.release(fingerprint, holderId).catch((error: unknown) => this.report(error));
    return {
      name: lease.name,
      value: lease.value,
      observeHeaders: (headers) => lease.observeHeaders(headers),
      release: (succeeded) => {
        if (!end()) return;
        // The local slot stays taken until the ledger's is free: this worker's next call on the key would
        // otherwise find it full, held by this very call.
        void freeSlot().finally(() => lease.release(succeeded));
      },
      rateLimited: (retryAfterMs) => {
        const cooldown = lease.rateLimited(retryAfterMs);
        if (end()) {
          const until = clock.now() + cooldown.ms;
          void ledger
            .rest(fingerprint, until)
            .catch((error: unknown) => this.report(error))
            .finally(freeSlot);
        }
        return cooldown;
      },
      setAside: (error) => {
        const first = lease.setAside(error);
        if (end()) {
          // `why` is made of the status and the provider's code; the key is masked all the same, as it must never reach the ledger.
          const why = error.why.split(key).join(lease.name);
          void ledger
            .setAside(fingerprint, { kind: error.kind, why })
            .catch((failure: unknown) => this.report(failure))
            .finally(freeSlot);
        }
        return first;
      },
    };
  }

  private async renewWhileHeld(fingerprint: string, holderId: string, keyName: string, stop: AbortSignal): Promise<void> {
    const { clock, ledger } = this.options;
    const every = Math.floor(this.holdTtlMs / 3);
    let lapseReported = false;
    for (;;) {
      try {
        await clock.sleep(every, stop);
      } catch {
        return;
      }
      if (stop.aborted) return;
      let held: boolean;
      try {
        held = await ledger.renew(fingerprint, this.capacity, holderId, this.holdTtlMs);
      } catch (error) {
        this.report(error);
        continue;
      }
      if (!held && !stop.aborted && !lapseReported) {
        lapseReported = true;
        this.report(
          new Error(`the fleet's hold on ${keyName} lapsed and other workers took its slots: this call runs beyond the per-key cap`),
        );
      }
    }
  }

  /** What is left of the longest wait, as a signal the local pool's acquire also stops on. */
  private deadline(signal: AbortSignal, startedAt: number, demand: KeyDemand | undefined): { signal: AbortSignal; stop: () => void } {
    const { clock } = this.options;
    const expired = new AbortController();
    const stopped = new AbortController();
    const expire = (): void => {
      const info = this.local.waitInfo(demand);
      expired.abort(new KeyPoolExhaustedError(this.provider, this.size, info.busy, info.cooling, clock.now() - startedAt));
    };
    const leftMs = startedAt + this.maxWaitMs - clock.now();
    if (leftMs <= 0) expire();
    else clock.sleep(leftMs, stopped.signal).then(expire, () => undefined);
    return { signal: AbortSignal.any([signal, expired.signal]), stop: () => stopped.abort() };
  }

  private report(error: unknown): void {
    this.options.onLedgerError?.(error instanceof Error ? error : new Error(String(error)));
  }
}
