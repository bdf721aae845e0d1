import { formatDuration } from '../core/format.js';
import type { KeyUnusableError } from '../model-call/errors.js';
import { ModelCallError } from '../model-call/errors.js';
import type { KeyDemand } from './key-lease.js';
import { holdOn, type Hold, type Slot } from './key-slot.js';

/** Why no key will come: every one set aside, or every one held back past the longest wait. */

/** `openai#1 rejected (401 invalid_api_key)`, `openai#2 out of quota (429 insufficient_quota)`. */
export function describeSetAside(keyName: string, kind: KeyUnusableError['kind'], why: string): string {
  return `${keyName} ${kind === 'rejected' ? 'rejected' : 'out of quota'} (${why})`;
}

/** Undefined while any key is still usable. */
export function noUsableKeyError(provider: string, keyless: boolean, slots: readonly Slot[]): ModelCallError | undefined {
  const reasons: string[] = [];
  let last: KeyUnusableError | undefined;
  for (const slot of slots) {
    if (!slot.setAside) return undefined;
    reasons.push(describeSetAside(slot.name, slot.setAside.kind, slot.setAside.why));
    last = slot.setAside;
  }
  const subject = keyless ? `the ${provider} server` : `every ${provider} key`;
  // The provider's own words say what to fix (a revoked key, a billing page); the model client redacts them.
  const answer = last ? `; the last answer: ${last.message}` : '';
  return new ModelCallError('no-usable-key', `${subject} is set aside: ${reasons.join(', ')}${answer}`, { cause: last });
}

/**
 * The hold of the key that comes free first, when even that lies beyond `deadline`; undefined when a
 * key may still come in time. A key that is merely busy (no rest, no pacing hold) could be freed by
 * any release, so it always may.
 *
 * The rule goes by when a key should be free, not when the pool tries it again: a key whose provider
 * asked for a day rests only up to the cap (10 minutes by default), but waiting out the cap to hear
 * the same answer helps nobody, so `retry-after: 86400` on every key fails the waiters at once. A key
 * free exactly at the deadline is still waited for, as serving comes before failing in the pool.
 */
export function holdBeyondDeadline(slots: readonly Slot[], demand: KeyDemand, now: number, deadline: number): Hold | undefined {
  let earliest: Hold | undefined;
  for (const slot of slots) {
    if (slot.setAside) continue;
    const hold = holdOn(slot, demand, now);
    if (!hold) return undefined;
    if (!earliest || hold.freeAt < earliest.freeAt) earliest = hold;
  }
  return earliest && earliest.freeAt > deadline ? earliest : undefined;
}

export function beyondLongestWaitError(provider: string, keyless: boolean, hold: Hold, now: number, maxWaitMs: number): ModelCallError {
  const subject = keyless ? `the ${provider} server is rate limited: it` : `every ${provider} key is rate limited: the earliest`;
  let because: string;
  if (hold.cause.type === 'pacing') because = 'by its rate-limit headers';
  else if (hold.cause.type === 'elsewhere') because = 'rested after a 429 on another worker of the fleet';
  else if (hold.cause.askedMs === undefined) because = 'our back-off after repeated 429s';
  else because = `the provider asked for ${formatDuration(hold.cause.askedMs, 'prose')}`;
  return new ModelCallError(
    'rate-limited',
    `${subject} is free in ${formatDuration(hold.freeAt - now, 'prose')} (${because}), beyond the longest wait for a key (${formatDuration(maxWaitMs, 'prose')})`,
  );
}
