import type { ServedRequest } from './fake-server/protocol.js';

export interface CooldownCheck {
  /** 429 answers sent. */
  rateLimits: number;
  /** Requests that arrived on a key after its 429 was written and before the announced wait ended. */
  violations: number;
  /** The earliest such arrival after its 429, in ms (how close the race was), if any. */
  closestViolationMs: number | undefined;
}

/**
 * Checks the server's records: for every 429, any later request on the same key that arrived before
 * the 429's send time + its retry-after is a violation. "Later" uses the server's own event order, so
 * a request that arrived in the same millisecond but before the 429 was written is not counted.
 */
export function checkCooldowns(requests: readonly ServedRequest[]): CooldownCheck {
  const rateLimits = requests.filter((request) => request.status === 429 && request.retryAfterMs !== undefined);
  let violations = 0;
  let closestViolationMs: number | undefined;
  for (const request of requests) {
    const arrivedAt = request.arrivedAt;
    const breached = rateLimits.find(
      (limit) => limit.apiKey === request.apiKey && request.arrivedOrder > limit.sentOrder && arrivedAt < limit.sentAt + limit.retryAfterMs!,
    );
    if (!breached) continue;
    violations += 1;
    const gap = arrivedAt - breached.sentAt;
    closestViolationMs = closestViolationMs === undefined ? gap : Math.min(closestViolationMs, gap);
  }
  return { rateLimits: rateLimits.length, violations, closestViolationMs };
}
