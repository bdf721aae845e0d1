import { compareItemIds } from '../src/core/compare-item-ids.js';
import type { ServedRequest } from './fake-server/protocol.js';

/**
 * The shortest wall time lldflow could have had: the items in the runner's order on `workers` workers,
 * each item's answered calls back to back at the latencies the server actually applied (its hold time,
 * timer slack included), the next item going to the first free worker. Nothing of lldflow's own time
 * is in it. Needs `itemId` on the records (the `lld` responder sets it).
 */
export function idealScheduleMs(served: readonly ServedRequest[], workers: number): number {
  const itemMs = new Map<string, number>();
  for (const request of served) {
    if (request.status !== 200 || request.itemId === undefined) continue;
    itemMs.set(request.itemId, (itemMs.get(request.itemId) ?? 0) + (request.sentAt - request.arrivedAt));
  }
  const freeAt = Array.from({ length: workers }, () => 0);
  for (const id of [...itemMs.keys()].sort(compareItemIds)) {
    let first = 0;
    for (let worker = 1; worker < workers; worker++) if (freeAt[worker]! < freeAt[first]!) first = worker;
    freeAt[first]! += itemMs.get(id)!;
  }
  return Math.max(...freeAt);
}
