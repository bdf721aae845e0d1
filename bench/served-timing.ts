import type { ServedRequest } from './fake-server/protocol.js';

/** Where an item's wall time went outside the model's own latency, from the server's records. */
export interface CallGaps {
  /** Run start → the first request of the run reaching the server. */
  firstRequestMs: number;
  /** Mean time from a reply being written to the same item's next request arriving. */
  meanBetweenCallsMs: number;
  /** The longest such gap. */
  maxBetweenCallsMs: number;
  /** The last reply being written → the run returning. */
  afterLastReplyMs: number;
}

/** Needs `itemId` on the records (the LLD responder sets it). Times are epoch ms of this machine. */
export function callGaps(served: readonly ServedRequest[], runStartedAt: number, runEndedAt: number): CallGaps {
  const byItem = new Map<string, ServedRequest[]>();
  for (const request of served) {
    const list = byItem.get(request.itemId ?? '') ?? [];
    list.push(request);
    byItem.set(request.itemId ?? '', list);
  }
  const gaps: number[] = [];
  for (const requests of byItem.values()) {
    const ordered = [...requests].sort((left, right) => left.arrivedAt - right.arrivedAt);
    for (let index = 1; index < ordered.length; index++) gaps.push(ordered[index]!.arrivedAt - ordered[index - 1]!.sentAt);
  }
  const firstArrival = Math.min(...served.map((request) => request.arrivedAt));
  const lastSent = Math.max(...served.map((request) => request.sentAt));
  return {
    firstRequestMs: firstArrival - runStartedAt,
    meanBetweenCallsMs: gaps.length === 0 ? 0 : gaps.reduce((total, gap) => total + gap, 0) / gaps.length,
    maxBetweenCallsMs: gaps.length === 0 ? 0 : Math.max(...gaps),
    afterLastReplyMs: runEndedAt - lastSent,
  };
}
