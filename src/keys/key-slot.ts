import type { KeyUnusableError } from '../model-call/errors.js';
import type { Cooldown } from './cooldown.js';
import type { ElsewhereHold, KeyDemand, KeySnapshot } from './key-lease.js';
import { KeyBudget } from './key-pacing.js';

/** A key's rest after a 429. */
export interface Rest {
  /** When the pool tries the key again: the provider's wait up to the cap, or our back-off. */
  until: number;
  /** When the key should be free: the provider's announced end even beyond the cap, else `until`. */
  freeAt: number;
  /** What the provider asked for; undefined when our back-off set the rest. */
  askedMs: number | undefined;
}

/** What keeps a key from taking a call until a known moment. */
export interface Hold {
  /** When the pool looks at the key again. */
  retryAt: number;
  /** When the key should be free (see Rest.freeAt); what the fail-now rule goes by. */
  freeAt: number;
  /** What sets `freeAt`: a rest after a 429 (and what the provider asked for), pacing, or another worker of the fleet. */
  cause: { type: 'rest'; askedMs: number | undefined } | { type: 'pacing' } | { type: 'elsewhere'; why: ElsewhereHold };
}

/** Another worker of the fleet keeps the key until `until` (see LocalKeyLease.heldElsewhere). */
export interface ElsewhereHoldState {
  until: number;
  why: ElsewhereHold;
}

/** One key of a pool (or the one slot of a keyless pool) and everything the pool knows about it. */
export interface Slot {
  readonly name: string;
  readonly value: string | undefined;
  inFlight: number;
  rest: Rest | undefined;
  lastUsedAt: number | undefined;
  /** Lease order, so keys leased in the same millisecond still rotate. */
  lastLeaseSequence: number;
  consecutiveRateLimits: number;
  setAside: KeyUnusableError | undefined;
  /** Only ever set in a fleet: what the fleet's shared ledger said when this worker last tried the key. */
  elsewhere: ElsewhereHoldState | undefined;
  /** Pacing budgets per model (see KeyDemand.model); `''` for calls that name none. */
  readonly budgets: Map<string, KeyBudget>;
}

/** The key's budget for the demand's model, made on first use. */
export function budgetOf(slot: Slot, demand: KeyDemand): KeyBudget {
  const model = demand.model ?? '';
  let budget = slot.budgets.get(model);
  if (!budget) {
    budget = new KeyBudget();
    slot.budgets.set(model, budget);
  }
  return budget;
}

export function newSlot(name: string, value: string | undefined): Slot {
  return {
    name,
    value,
    inFlight: 0,
    rest: undefined,
    lastUsedAt: undefined,
    lastLeaseSequence: -1,
    consecutiveRateLimits: 0,
    setAside: undefined,
    elsewhere: undefined,
    budgets: new Map(),
  };
}

/**
 * Rests the key for `cooldown` from `now`. Two calls on one key may both hit 429: the later end wins,
 * so neither retry-after is cut short.
 */
export function rest(slot: Slot, cooldown: Cooldown, now: number): void {
  const until = now + cooldown.ms;
  const freeAt = cooldown.askedMs === undefined ? until : Math.max(until, now + cooldown.askedMs);
  const current = slot.rest;
  if (!current || current.until <= now) {
    slot.rest = { until, freeAt, askedMs: cooldown.askedMs };
    return;
  }
  const later = freeAt > current.freeAt ? { freeAt, askedMs: cooldown.askedMs } : current;
  slot.rest = { until: Math.max(current.until, until), freeAt: later.freeAt, askedMs: later.askedMs };
}

export function isResting(slot: Slot, now: number): slot is Slot & { rest: Rest } {
  return slot.rest !== undefined && slot.rest.until > now;
}

/**
 * Holds the key back for another worker of the fleet. A rest there keeps the later end, as local rests
 * do; a busy hold is replaced, since the newer answer of the fleet is the truer one.
 */
export function holdElsewhere(slot: Slot, hold: ElsewhereHoldState, now: number): void {
  const current = heldElsewhere(slot, now);
  if (current?.why === 'resting' && (hold.why === 'busy' || current.until >= hold.until)) return;
  slot.elsewhere = hold;
}

export function heldElsewhere(slot: Slot, now: number): ElsewhereHoldState | undefined {
  return slot.elsewhere !== undefined && slot.elsewhere.until > now ? slot.elsewhere : undefined;
}

/** What keeps the key from taking `demand` after `now`, besides its calls in flight; undefined when nothing does. */
export function holdOn(slot: Slot, demand: KeyDemand, now: number): Hold | undefined {
  const pacedUntil = slot.budgets.get(demand.model ?? '')?.freeAt(demand, now) ?? now;
  const resting = isResting(slot, now);
  const elsewhere = heldElsewhere(slot, now);
  if (!resting && pacedUntil <= now && !elsewhere) return undefined;
  const restHold = resting ? slot.rest : undefined;
  const retryAt = Math.max(restHold?.until ?? now, pacedUntil, elsewhere?.until ?? now);
  // A key busy on another worker may be freed by any release there, like a key busy here: free now, for the fail-now rule.
  const elsewhereFreeAt = elsewhere?.why === 'resting' ? elsewhere.until : now;
  if (restHold && restHold.freeAt >= pacedUntil && restHold.freeAt >= elsewhereFreeAt) {
    return { retryAt, freeAt: restHold.freeAt, cause: { type: 'rest', askedMs: restHold.askedMs } };
  }
  if (elsewhere && elsewhereFreeAt >= pacedUntil) {
    return { retryAt, freeAt: elsewhereFreeAt, cause: { type: 'elsewhere', why: elsewhere.why } };
  }
  return { retryAt, freeAt: pacedUntil, cause: { type: 'pacing' } };
}

/** Names (never the value) and state; `pacedUntil` for a call of one request and no tokens, for the model held longest. */
export function snapshotOf(slot: Slot, now: number): KeySnapshot {
  let pacedUntil = now;
  for (const budget of slot.budgets.values()) pacedUntil = Math.max(pacedUntil, budget.freeAt({ tokens: 0 }, now));
  const elsewhere = heldElsewhere(slot, now);
  const restingElsewhereUntil = elsewhere?.why === 'resting' ? elsewhere.until : undefined;
  const restingUntil = isResting(slot, now) ? slot.rest.until : undefined;
  return {
    name: slot.name,
    inFlight: slot.inFlight,
    coolingUntil:
      restingUntil === undefined || restingElsewhereUntil === undefined
        ? (restingUntil ?? restingElsewhereUntil)
        : Math.max(restingUntil, restingElsewhereUntil),
    lastUsedAt: slot.lastUsedAt,
    setAside: slot.setAside && { kind: slot.setAside.kind, why: slot.setAside.why },
    pacedUntil: pacedUntil > now ? pacedUntil : undefined,
  };
}
