import { abortReason } from '../core/abort.js';
import { type Clock } from '../clock/clock.js';
import type { BackoffOptions } from './backoff.js';
import { cooldownAfterRateLimit } from './cooldown.js';
import { KeyPoolExhaustedError } from './key-pool-exhausted-error.js';
import type { KeyLease, KeyPoolOptions, KeySnapshot, KeyWaitInfo } from './key-lease.js';

interface Slot {
  readonly name: string;
  readonly value: string | undefined;
  inFlight: number;
  coolingUntil: number | undefined;
  lastUsedAt: number | undefined;
  /** Lease order, so keys leased in the same millisecond still rotate. */
  lastLeaseSequence: number;
  consecutiveRateLimits: number;
}

interface Waiter {
  readonly signal: AbortSignal;
  readonly startedAt: number;
  readonly deadline: number;
  readonly resolve: (lease: KeyLease) => void;
  readonly reject: (error: Error) => void;
  readonly onAbort: () => void;
}

const DEFAULT_MAX_WAIT_MS = 10 * 60_000;
const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 60_000 };

/**
 * Leases a provider's API keys to model calls: at most `perKeyConcurrency` calls per key, least
 * recently used key first, no key while it cools down after a 429. Callers that find no key wait in
 * FIFO order and are woken by a release or by the end of a cool-down. While nobody waits, no timer runs.
 */
export class KeyPool {
  readonly provider: string;
  readonly size: number;
  private readonly slots: Slot[];
  private readonly capacity: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxWaitMs: number;
  private readonly backoff: BackoffOptions;
  private waiters: Waiter[] = [];
  private leaseSequence = 0;
  /** The one pending wake-up: the earliest cool-down end or waiter deadline, while anyone waits. */
  private timer: { wakeAt: number; controller: AbortController } | undefined;

  constructor(options: KeyPoolOptions) {
    const perKeyConcurrency = options.perKeyConcurrency ?? 1;
    if (!Number.isInteger(perKeyConcurrency) || perKeyConcurrency < 1) {
      throw new RangeError(`perKeyConcurrency must be an integer ≥ 1, received ${String(perKeyConcurrency)}`);
    }
    const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    if (Number.isNaN(maxWaitMs) || maxWaitMs < 0) {
      throw new RangeError(`maxWaitMs must be ≥ 0, received ${String(maxWaitMs)}`);
    }
    this.provider = options.provider;
    this.clock = options.clock;
    this.random = options.random ?? Math.random;
    this.maxWaitMs = maxWaitMs;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;

    const keys = [...new Set(options.keys.filter((key) => key !== ''))];
    if (keys.length === 0) {
      // A local OpenAI-compatible server needs no key and sets its own limits: no cap, but 429s still rest it.
      this.slots = [newSlot(options.provider, undefined)];
      this.capacity = Number.POSITIVE_INFINITY;
    } else {
      this.slots = keys.map((key, index) => newSlot(`${options.provider}#${index + 1}`, key));
      this.capacity = perKeyConcurrency;
    }
    this.size = this.slots.length;
  }

  /**
   * Leases a key with free capacity that is not cooling down, least recently used first. Waits (FIFO)
   * otherwise; calls onWait once per acquire that has to wait (not per wake-up); rejects with the
   * signal's reason on abort and with KeyPoolExhaustedError after maxWaitMs.
   */
  acquire(signal: AbortSignal, onWait?: (info: KeyWaitInfo) => void): Promise<KeyLease> {
    return new Promise<KeyLease>((resolve, reject) => {
      if (signal.aborted) {
        reject(abortReason(signal));
        return;
      }
      const startedAt = this.clock.now();
      const waiter: Waiter = {
        signal,
        startedAt,
        deadline: startedAt + this.maxWaitMs,
        resolve,
        reject,
        onAbort: () => {
          this.removeWaiter(waiter);
          reject(abortReason(signal));
          this.scheduleWakeUp();
        },
      };
      // Queue first, then serve in order: an earlier waiter gets a key that freed up before this call.
      this.waiters.push(waiter);
      this.serveWaiters();
      if (!this.waiters.includes(waiter)) return;

      signal.addEventListener('abort', waiter.onAbort, { once: true });
      try {
        onWait?.(this.waitInfo());
      } catch (error) {
        this.removeWaiter(waiter);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
      this.scheduleWakeUp();
    });
  }

  /** Names (never values) and state, for progress display and tests. */
  snapshot(): KeySnapshot[] {
    const now = this.clock.now();
    return this.slots.map((slot) => ({
      name: slot.name,
      inFlight: slot.inFlight,
      coolingUntil: isCooling(slot, now) ? slot.coolingUntil : undefined,
      lastUsedAt: slot.lastUsedAt,
    }));
  }

  private serveWaiters(): void {
    let waiter = this.waiters[0];
    while (waiter) {
      const slot = this.leastRecentlyUsedFreeSlot();
      if (!slot) break;
      this.waiters.shift();
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.lease(slot));
      waiter = this.waiters[0];
    }
  }

  private leastRecentlyUsedFreeSlot(): Slot | undefined {
    const now = this.clock.now();
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.inFlight >= this.capacity || isCooling(slot, now)) continue;
      if (!best || slot.lastLeaseSequence < best.lastLeaseSequence) best = slot;
    }
    return best;
  }

  private lease(slot: Slot): KeyLease {
    slot.inFlight += 1;
    slot.lastUsedAt = this.clock.now();
    slot.lastLeaseSequence = this.leaseSequence++;
    let returned = false;
    const giveBack = (): void => {
      if (returned) return;
      returned = true;
      slot.inFlight -= 1;
    };
    return {
      name: slot.name,
      value: slot.value,
      release: (succeeded = false) => {
        if (returned) return;
        if (succeeded) slot.consecutiveRateLimits = 0;
        giveBack();
        this.settle();
      },
      observeHeaders: () => undefined,
      rateLimited: (retryAfterMs) => {
        slot.consecutiveRateLimits += 1;
        const cooldown = cooldownAfterRateLimit(retryAfterMs, slot.consecutiveRateLimits, this.backoff, this.random);
        const until = this.clock.now() + cooldown.ms;
        // Two calls on one key may both hit 429; the later end wins so neither retry-after is cut short.
        slot.coolingUntil = slot.coolingUntil === undefined ? until : Math.max(slot.coolingUntil, until);
        giveBack();
        this.settle();
        return cooldown.ms;
      },
    };
  }

  /** After any change: hand out what is free, fail waiters past their deadline, re-arm the timer. */
  private settle(): void {
    this.serveWaiters();
    const now = this.clock.now();
    for (const waiter of [...this.waiters]) {
      if (now < waiter.deadline) continue;
      this.removeWaiter(waiter);
      const info = this.waitInfo();
      waiter.reject(new KeyPoolExhaustedError(this.provider, this.size, info.busy, info.cooling, now - waiter.startedAt));
    }
    this.scheduleWakeUp();
  }

  private removeWaiter(waiter: Waiter): void {
    this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
    waiter.signal.removeEventListener('abort', waiter.onAbort);
  }

  private scheduleWakeUp(): void {
    const wakeAt = this.nextWakeAt();
    if (this.timer?.wakeAt === wakeAt) return;
    this.timer?.controller.abort();
    this.timer = undefined;
    if (wakeAt === undefined) return;

    const controller = new AbortController();
    const timer = { wakeAt, controller };
    this.timer = timer;
    this.clock.sleep(wakeAt - this.clock.now(), controller.signal).then(
      () => {
        if (this.timer !== timer) return;
        this.timer = undefined;
        this.settle();
      },
      // Cancelled because the wake-up moved or nobody waits any more.
      () => undefined,
    );
  }

  private nextWakeAt(): number | undefined {
    if (this.waiters.length === 0) return undefined;
    const now = this.clock.now();
    let earliest: number | undefined;
    const consider = (at: number): void => {
      if (Number.isFinite(at) && (earliest === undefined || at < earliest)) earliest = at;
    };
    for (const slot of this.slots) {
      if (isCooling(slot, now) && slot.coolingUntil !== undefined) consider(slot.coolingUntil);
    }
    for (const waiter of this.waiters) consider(waiter.deadline);
    return earliest === undefined ? undefined : Math.max(earliest, now);
  }

  private waitInfo(): KeyWaitInfo {
    const now = this.clock.now();
    let busy = 0;
    let cooling = 0;
    let nextFreeAt: number | undefined;
    for (const slot of this.slots) {
      if (slot.inFlight >= this.capacity) busy += 1;
      if (isCooling(slot, now) && slot.coolingUntil !== undefined) {
        cooling += 1;
        if (nextFreeAt === undefined || slot.coolingUntil < nextFreeAt) nextFreeAt = slot.coolingUntil;
      }
    }
    return {
      provider: this.provider,
      keys: this.size,
      busy,
      cooling,
      nextFreeInMs: nextFreeAt === undefined ? undefined : nextFreeAt - now,
    };
  }
}

function newSlot(name: string, value: string | undefined): Slot {
  return { name, value, inFlight: 0, coolingUntil: undefined, lastUsedAt: undefined, lastLeaseSequence: -1, consecutiveRateLimits: 0 };
}

function isCooling(slot: Slot, now: number): boolean {
  return slot.coolingUntil !== undefined && slot.coolingUntil > now;
}
