import { abortReason } from '../core/abort.js';
import { type Clock } from '../clock/clock.js';
import { cooldownAfterRateLimit } from './cooldown.js';
import { KeyPoolExhaustedError } from './key-pool-exhausted-error.js';
import { keyPoolSettings, type KeyPoolSettings } from './key-pool-settings.js';
import { beyondLongestWaitError, holdBeyondDeadline, noUsableKeyError } from './key-pool-failures.js';
import type {
  ElsewhereHold,
  KeyDemand,
  KeyLease,
  KeyPoolOptions,
  KeySnapshot,
  KeySource,
  KeyWaitInfo,
  LocalKeyLease,
} from './key-lease.js';
import { budgetOf, holdElsewhere, holdOn, newSlot, rest, snapshotOf, type Slot } from './key-slot.js';
import { waitInfo } from './key-wait-info.js';
import { parseRateLimitHeaders } from './rate-limit-headers.js';

interface Waiter {
  readonly signal: AbortSignal;
  readonly demand: KeyDemand;
  readonly startedAt: number;
  readonly deadline: number;
  readonly resolve: (lease: LocalKeyLease) => void;
  readonly reject: (error: Error) => void;
  readonly onAbort: () => void;
}

const NO_TOKENS: KeyDemand = { tokens: 0 };

/**
 * Leases a provider's API keys to model calls: at most `perKeyConcurrency` calls per key, least
 * recently used key first, no key while it cools down after a 429, none whose rate-limit headers say
 * the call does not fit yet (pacing), and never one set aside. Callers that find no key wait in FIFO
 * order and are woken by a release, a response's headers, or the end of a cool-down or pacing hold;
 * they fail at once when no key is left or none can come before their deadline. While nobody waits,
 * no timer runs.
 */
export class KeyPool implements KeySource {
  readonly provider: string;
  readonly size: number;
  private readonly slots: Slot[];
  private readonly keyless: boolean;
  private readonly capacity: number;
  private readonly clock: Clock;
  private readonly settings: KeyPoolSettings;
  private waiters: Waiter[] = [];
  private leaseSequence = 0;
  /** The one pending wake-up: the earliest end of a hold or waiter deadline, while anyone waits. */
  private timer: { wakeAt: number; controller: AbortController } | undefined;

  constructor(options: KeyPoolOptions) {
    this.settings = keyPoolSettings(options);
    this.provider = options.provider;
    this.clock = options.clock;

    const keys = [...new Set(options.keys.filter((key) => key !== ''))];
    this.keyless = keys.length === 0;
    if (this.keyless) {
      // A local OpenAI-compatible server needs no key and sets its own limits: no cap, but 429s still rest it.
      this.slots = [newSlot(options.provider, undefined)];
      this.capacity = Number.POSITIVE_INFINITY;
    } else {
      this.slots = keys.map((key, index) => newSlot(`${options.provider}#${index + 1}`, key));
      this.capacity = this.settings.perKeyConcurrency;
    }
    this.size = this.slots.length;
  }

  /**
   * Leases a usable key with free capacity that is not cooling down and whose rate limits can take
   * `demand` (one request and `demand.tokens`; default no tokens), least recently used first. Waits
   * (FIFO) otherwise; calls onWait once per acquire that has to wait (not per wake-up). Rejects with
   * the signal's reason on abort, with ModelCallError('no-usable-key') once every key is set aside,
   * with ModelCallError('rate-limited') as soon as no key can come before maxWaitMs, and with
   * KeyPoolExhaustedError after maxWaitMs.
   */
  acquire(signal: AbortSignal, onWait?: (info: KeyWaitInfo) => void, demand: KeyDemand = NO_TOKENS): Promise<KeyLease> {
    return this.acquireLocal(signal, onWait, demand);
  }

  /** `acquire`, with a lease a FleetKeyPool may hand back unused when the fleet holds the key. */
  acquireLocal(signal: AbortSignal, onWait?: (info: KeyWaitInfo) => void, demand: KeyDemand = NO_TOKENS): Promise<LocalKeyLease> {
    return new Promise<LocalKeyLease>((resolve, reject) => {
      if (signal.aborted) {
        reject(abortReason(signal));
        return;
      }
      const startedAt = this.clock.now();
      const waiter: Waiter = {
        signal,
        demand,
        startedAt,
        deadline: startedAt + this.settings.maxWaitMs,
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
      this.settle();
      if (!this.waiters.includes(waiter)) return;

      signal.addEventListener('abort', waiter.onAbort, { once: true });
      try {
        onWait?.(waitInfo(this.provider, this.slots, this.capacity, demand, this.clock.now()));
      } catch (error) {
        this.removeWaiter(waiter);
        reject(error instanceof Error ? error : new Error(String(error)));
        this.scheduleWakeUp();
      }
    });
  }

  /** Names (never values) and state, for progress display and tests. */
  snapshot(): KeySnapshot[] {
    const now = this.clock.now();
    return this.slots.map((slot) => snapshotOf(slot, now));
  }

  /** Why a call with `demand` would find no key now (what onWait is told). */
  waitInfo(demand: KeyDemand = NO_TOKENS): KeyWaitInfo {
    return waitInfo(this.provider, this.slots, this.capacity, demand, this.clock.now());
  }

  /** The fleet freed a slot of the key named `keyName`: a busy hold elsewhere on it ends, so waiters try it again. */
  freedElsewhere(keyName: string): void {
    const slot = this.slots.find((candidate) => candidate.name === keyName);
    if (slot?.elsewhere?.why !== 'busy') return;
    slot.elsewhere = undefined;
    this.settle();
  }

  /**
   * Strictly first come, first served: a waiter whose demand does not fit yet holds back smaller ones
   * behind it, or large calls would never get a key while small ones keep spending its budget.
   */
  private serveWaiters(): void {
    let waiter = this.waiters[0];
    while (waiter) {
      const slot = this.leastRecentlyUsedFreeSlot(waiter.demand);
      if (!slot) break;
      this.waiters.shift();
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.lease(slot, waiter.demand));
      waiter = this.waiters[0];
    }
  }

  private leastRecentlyUsedFreeSlot(demand: KeyDemand): Slot | undefined {
    const now = this.clock.now();
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.setAside || slot.inFlight >= this.capacity || holdOn(slot, demand, now)) continue;
      if (!best || slot.lastLeaseSequence < best.lastLeaseSequence) best = slot;
    }
    return best;
  }

  private lease(slot: Slot, demand: KeyDemand): LocalKeyLease {
    const now = this.clock.now();
    slot.inFlight += 1;
    slot.lastUsedAt = now;
    slot.lastLeaseSequence = this.leaseSequence++;
    budgetOf(slot, demand).reserve(demand, now);
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
      observeHeaders: (headers) => {
        if (!this.settings.pacing) return;
        const observations = parseRateLimitHeaders(headers, this.settings.wallNow());
        if (observations.length === 0) return;
        budgetOf(slot, demand).observe(observations, this.clock.now());
        this.settle();
      },
      rateLimited: (retryAfterMs) => {
        slot.consecutiveRateLimits += 1;
        const { backoff, random, maxCooldownMs } = this.settings;
        const cooldown = cooldownAfterRateLimit(retryAfterMs, slot.consecutiveRateLimits, backoff, random, maxCooldownMs);
        rest(slot, cooldown, this.clock.now());
        giveBack();
        this.settle();
        return cooldown;
      },
      setAside: (error) => {
        const first = slot.setAside === undefined;
        if (first) slot.setAside = error;
        giveBack();
        this.settle();
        return first;
      },
      heldElsewhere: (retryAfterMs: number, why: ElsewhereHold) => {
        if (returned) return;
        const now = this.clock.now();
        holdElsewhere(slot, { until: now + Math.max(0, retryAfterMs), why }, now);
        giveBack();
        this.settle();
      },
    };
  }

  /**
   * After any change: hand out what is free, then fail the waiters that no key can serve in time,
   * and re-arm the timer.
   */
  private settle(): void {
    this.serveWaiters();
    if (this.waiters.length > 0) {
      const now = this.clock.now();
      const noKey = noUsableKeyError(this.provider, this.keyless, this.slots);
      for (const waiter of [...this.waiters]) {
        const error = noKey ?? this.waitLimitError(waiter, now);
        if (!error) continue;
        this.removeWaiter(waiter);
        waiter.reject(error);
      }
    }
    this.scheduleWakeUp();
  }

  /** For a waiter whose longest wait is over, or that no key can serve before it is (see holdBeyondDeadline). */
  private waitLimitError(waiter: Waiter, now: number): Error | undefined {
    if (now >= waiter.deadline) {
      const info = waitInfo(this.provider, this.slots, this.capacity, waiter.demand, now);
      return new KeyPoolExhaustedError(this.provider, this.size, info.busy, info.cooling, now - waiter.startedAt);
    }
    const hold = holdBeyondDeadline(this.slots, waiter.demand, now, waiter.deadline);
    return hold && beyondLongestWaitError(this.provider, this.keyless, hold, now, this.settings.maxWaitMs);
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

  /** Only the first waiter's demand matters for the holds: nobody behind it is served before it. */
  private nextWakeAt(): number | undefined {
    const first = this.waiters[0];
    if (!first) return undefined;
    const now = this.clock.now();
    let earliest: number | undefined;
    const consider = (at: number): void => {
      if (Number.isFinite(at) && (earliest === undefined || at < earliest)) earliest = at;
    };
    for (const slot of this.slots) {
      if (slot.setAside) continue;
      const hold = holdOn(slot, first.demand, now);
      if (hold) consider(hold.retryAt);
    }
    for (const waiter of this.waiters) consider(waiter.deadline);
    return earliest === undefined ? undefined : Math.max(earliest, now);
  }
}
