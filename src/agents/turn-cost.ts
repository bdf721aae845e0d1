/**
 * One turn's cost from the session total the agent reports. The Claude Agent SDK's `total_cost_usd` is
 * the total of one query() call, and a resumed session starts from the total its transcript saved when
 * it saved one: a total at least the earlier one carries the earlier turns; a lower one is this turn's alone.
 */
export function turnCost(sessionTotalUsd: number, earlierTotalUsd: number): number {
  return sessionTotalUsd >= earlierTotalUsd && earlierTotalUsd > 0 ? sessionTotalUsd - earlierTotalUsd : sessionTotalUsd;
}
