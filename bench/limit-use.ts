import type { ServedRequest } from './fake-server/protocol.js';
import type { RateLimits } from './fake-server/rate-limits.js';

/** How much of the keys' rate limits a run used while it had more work than they allow. */
export interface LimitUse {
  /** Answered requests in the period / the requests the limits allowed in it. */
  requestShare: number;
  /** Tokens charged to answered requests in the period / the tokens the limits allowed in it. */
  tokenShare: number;
  /** The limit closer to full: the one that bound the run. */
  binding: 'requests' | 'tokens';
  /** The measured period, in ms. */
  periodMs: number;
  /** Answered requests in the period. */
  answered: number;
}

/**
 * The period runs from the first request to the first request of the last item to start. Inside it the
 * queue is never empty, so every worker has an item and the demand exceeds the limits throughout; after
 * it, the last items drain at less than the limits allow, which says nothing about pacing. The buckets
 * are full when the period starts, so the limits allow one full bucket plus the refill over the period
 * (per key); a run that takes all of it uses 100%.
 */
export function limitUse(served: readonly ServedRequest[], limits: RateLimits, keys: number): LimitUse {
  const firstRequestOfItem = new Map<string, number>();
  for (const request of served) {
    const id = request.itemId ?? '';
    firstRequestOfItem.set(id, Math.min(firstRequestOfItem.get(id) ?? Number.POSITIVE_INFINITY, request.arrivedAt));
  }
  const startedAt = Math.min(...firstRequestOfItem.values());
  const endedAt = Math.max(...firstRequestOfItem.values());
  const periodMs = endedAt - startedAt;
  const inPeriod = served.filter((request) => request.status === 200 && request.arrivedAt >= startedAt && request.arrivedAt <= endedAt);
  const allowed = (perWindow: number): number => keys * perWindow * (1 + periodMs / limits.windowMs);
  const requestShare = inPeriod.length / allowed(limits.requests);
  const tokenShare = inPeriod.reduce((total, request) => total + request.tokens, 0) / allowed(limits.tokens);
  return { requestShare, tokenShare, binding: tokenShare > requestShare ? 'tokens' : 'requests', periodMs, answered: inPeriod.length };
}
