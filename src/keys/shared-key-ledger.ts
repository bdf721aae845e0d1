import { createHash } from 'node:crypto';
import type { KeyUnusableError } from '../model-call/errors.js';

/**
 * The key state the workers of a fleet share, so that the per-key cap, the rests after a 429 and the
 * keys set aside hold across all of them. It only ever sees fingerprints (fingerprintOf): each worker
 * reads its keys from its own environment, and no key travels to the ledger.
 *
 * Moments are on the clock of the worker that asks, as everywhere in the key pool; an implementation
 * shared by several machines should move durations, not moments, so that their clocks need not agree.
 */
export interface SharedKeyLedger {
  /**
   * Takes one of the key's `capacity` slots for `holderId` until `ttlMs` from now, unless the key rests,
   * is set aside, or all its slots are held by others (expired holds do not count). Holding it again
   * under the same id extends the hold.
   */
  tryHold(fingerprint: string, capacity: number, holderId: string, ttlMs: number): Promise<LedgerHold>;
  /**
   * Extends `holderId`'s hold by `ttlMs` from now; takes the slot again when the hold has lapsed and
   * one is free. False when it had lapsed and the key is full: the call goes on beyond the cap.
   */
  renew(fingerprint: string, capacity: number, holderId: string, ttlMs: number): Promise<boolean>;
  /** Frees `holderId`'s slot (nothing when it has none) and tells the listeners of onRelease. */
  release(fingerprint: string, holderId: string): Promise<void>;
  /** Rests the key for every worker until `untilMs`; two rests of one key keep the later end. */
  rest(fingerprint: string, untilMs: number): Promise<void>;
  /** When the key's rest ends; undefined when it does not rest. */
  restUntil(fingerprint: string): Promise<number | undefined>;
  /** Sets the key aside for every worker (a 401 or an exhausted quota on one is the same on all). */
  setAside(fingerprint: string, mark: SetAsideMark): Promise<void>;
  /**
   * Calls `listener` with the fingerprint of each slot some worker releases, so waiting workers try the
   * key again at once. Best effort: a hold that expires tells nobody. Returns the unsubscribe.
   */
  onRelease(listener: (fingerprint: string) => void): () => void;
}

/** The ledger's answer to tryHold. Moments are on the asking worker's clock. */
export type LedgerHold =
  | { held: true }
  /** Every slot is held by others; `retryAt` is when the first of those holds expires unless renewed. */
  | { held: false; why: 'busy'; retryAt: number }
  | { held: false; why: 'resting'; until: number }
  | { held: false; why: 'set-aside'; mark: SetAsideMark };

/** Why a key is set aside, as the pool shows it; `why` is the status and the provider's code, never its message. */
export interface SetAsideMark {
  kind: KeyUnusableError['kind'];
  why: string;
}

/** A fixed prefix, so that a fingerprint is lldflow's own and matches no other plain hash of the key. */
const FINGERPRINT_PREFIX = 'lldflow key fingerprint v1\n';
/** 128 bits: collisions are out of reach for any fleet's number of keys. */
const FINGERPRINT_HEX_DIGITS = 32;

/**
 * A key's name in the shared ledger: SHA-256 over a fixed prefix and the key, hex, truncated. API keys
 * carry far more entropy than anyone can search, so the fingerprint tells whether two workers hold the
 * same key and nothing of the key itself.
 */
export function fingerprintOf(key: string): string {
  return createHash('sha256').update(FINGERPRINT_PREFIX).update(key).digest('hex').slice(0, FINGERPRINT_HEX_DIGITS);
}
