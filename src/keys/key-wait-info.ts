import type { KeyDemand, KeyWaitInfo } from './key-lease.js';
import { heldElsewhere, holdOn, isResting, type Slot } from './key-slot.js';

/** Why a call with `demand` finds no key now, counted per cause (a key may count under several). */
export function waitInfo(provider: string, slots: readonly Slot[], capacity: number, demand: KeyDemand, now: number): KeyWaitInfo {
  let busy = 0;
  let cooling = 0;
  let paced = 0;
  let setAside = 0;
  let nextFreeAt: number | undefined;
  for (const slot of slots) {
    if (slot.setAside) {
      setAside += 1;
      continue;
    }
    const elsewhere = heldElsewhere(slot, now)?.why;
    if (slot.inFlight >= capacity || elsewhere === 'busy') busy += 1;
    if (isResting(slot, now) || elsewhere === 'resting') cooling += 1;
    if ((slot.budgets.get(demand.model ?? '')?.freeAt(demand, now) ?? now) > now) paced += 1;
    const hold = holdOn(slot, demand, now);
    if (hold && (nextFreeAt === undefined || hold.retryAt < nextFreeAt)) nextFreeAt = hold.retryAt;
  }
  return {
    provider,
    keys: slots.length,
    busy,
    cooling,
    paced,
    setAside,
    nextFreeInMs: nextFreeAt === undefined ? undefined : nextFreeAt - now,
  };
}
