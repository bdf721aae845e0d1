import type { ServedRequest } from './fake-server/protocol.js';

export interface CooldownCheck {
  /** 429 answers sent. */
  rateLimits: number;
  /**
   * Requests that arrived on a key after the server wrote that key a 429 and before the 429's send
   * time + retry-after, although the client had already received that 429 when it sent them (or does
   * not say what it had received).
   */
  violations: number;
  /**
   * Requests that arrived inside such a cool-down but were sent before the client had received the
   * 429: in flight, so no client could have held them back (possible with several calls per key).
   */
  inFlight: number;
  /** The earliest violation after its 429, in ms, if any. */
  closestViolationMs: number | undefined;
}

/**
 * Checks the server's records: for every 429, any later request on the same key that arrived before
 * the 429's send time + its retry-after breached the cool-down. "Later" uses the server's own event
 * order, so a request that arrived in the same millisecond but before the 429 was written is not
 * counted. Each breach is a violation unless the request's stamp shows it left the client before the
 * client had received that 429.
 */
export function checkCooldowns(requests: readonly ServedRequest[]): CooldownCheck {
  const rateLimits = requests.filter((request) => request.status === 429 && request.retryAfterMs !== undefined);
  let violations = 0;
  let inFlight = 0;
  let closestViolationMs: number | undefined;
  for (const request of requests) {
    const breached = rateLimits.filter(
      (limit) =>
        limit.apiKey === request.apiKey && request.arrivedOrder > limit.sentOrder && request.arrivedAt < limit.sentAt + limit.retryAfterMs!,
    );
    if (breached.length === 0) continue;
    const known = breached.filter((limit) => clientKnew(request, limit));
    if (known.length === 0) {
      inFlight += 1;
      continue;
    }
    violations += 1;
    const gap = Math.min(...known.map((limit) => request.arrivedAt - limit.sentAt));
    closestViolationMs = closestViolationMs === undefined ? gap : Math.min(closestViolationMs, gap);
  }
  return { rateLimits: rateLimits.length, violations, inFlight, closestViolationMs };
}

function clientKnew(request: ServedRequest, limit: ServedRequest): boolean {
  if (request.clientSeenRateLimits === undefined || limit.rateLimitOrdinal === undefined) return true;
  return request.clientSeenRateLimits >= limit.rateLimitOrdinal;
}
