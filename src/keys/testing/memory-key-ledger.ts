import type { Clock } from '../../clock/clock.js';
import type { LedgerHold, SetAsideMark, SharedKeyLedger } from '../shared-key-ledger.js';

/**
 * The shared key ledger in memory, on a clock of the test's: several FleetKeyPools on one instance
 * behave like workers on one Redis, with time under the test's control. It records every call.
 */
export class MemoryKeyLedger implements SharedKeyLedger {
  /** Fingerprint → holder id → when the hold expires. */
  private readonly holds = new Map<string, Map<string, number>>();
  private readonly rests = new Map<string, number>();
  private readonly setAsides = new Map<string, SetAsideMark>();
  private readonly listeners = new Set<(fingerprint: string) => void>();
  readonly calls: Array<{ method: keyof SharedKeyLedger; fingerprint: string; holderId?: string; at: number }> = [];

  constructor(private readonly clock: Clock) {}

  /** The holders of the key's live slots. */
  holdersOf(fingerprint: string): string[] {
    return [...this.liveHolds(fingerprint).keys()];
  }

  tryHold(fingerprint: string, capacity: number, holderId: string, ttlMs: number): Promise<LedgerHold> {
    this.record('tryHold', fingerprint, holderId);
    const mark = this.setAsides.get(fingerprint);
    if (mark) return Promise.resolve({ held: false, why: 'set-aside', mark });
    const now = this.clock.now();
    const restUntil = this.rests.get(fingerprint);
    if (restUntil !== undefined && restUntil > now) return Promise.resolve({ held: false, why: 'resting', until: restUntil });
    if (this.take(fingerprint, capacity, holderId, ttlMs)) return Promise.resolve({ held: true });
    const retryAt = Math.min(...this.liveHolds(fingerprint).values());
    return Promise.resolve({ held: false, why: 'busy', retryAt });
  }

  renew(fingerprint: string, capacity: number, holderId: string, ttlMs: number): Promise<boolean> {
    this.record('renew', fingerprint, holderId);
    return Promise.resolve(this.take(fingerprint, capacity, holderId, ttlMs));
  }

  release(fingerprint: string, holderId: string): Promise<void> {
    this.record('release', fingerprint, holderId);
    if (this.liveHolds(fingerprint).delete(holderId)) {
      for (const listener of [...this.listeners]) listener(fingerprint);
    }
    return Promise.resolve();
  }

  rest(fingerprint: string, untilMs: number): Promise<void> {
    this.record('rest', fingerprint);
    this.rests.set(fingerprint, Math.max(untilMs, this.rests.get(fingerprint) ?? untilMs));
    return Promise.resolve();
  }

  restUntil(fingerprint: string): Promise<number | undefined> {
    const until = this.rests.get(fingerprint);
    return Promise.resolve(until !== undefined && until > this.clock.now() ? until : undefined);
  }

  setAside(fingerprint: string, mark: SetAsideMark): Promise<void> {
    this.record('setAside', fingerprint);
    this.setAsides.set(fingerprint, mark);
    return Promise.resolve();
  }

  onRelease(listener: (fingerprint: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private take(fingerprint: string, capacity: number, holderId: string, ttlMs: number): boolean {
    const holds = this.liveHolds(fingerprint);
    if (!holds.has(holderId) && holds.size >= capacity) return false;
    holds.set(holderId, this.clock.now() + ttlMs);
    return true;
  }

  private liveHolds(fingerprint: string): Map<string, number> {
    let holds = this.holds.get(fingerprint);
    if (!holds) {
      holds = new Map();
      this.holds.set(fingerprint, holds);
    }
    const now = this.clock.now();
    for (const [holder, expiresAt] of holds) if (expiresAt <= now) holds.delete(holder);
    return holds;
  }

  private record(method: keyof SharedKeyLedger, fingerprint: string, holderId?: string): void {
    this.calls.push({ method, fingerprint, ...(holderId === undefined ? {} : { holderId }), at: this.clock.now() });
  }
}
