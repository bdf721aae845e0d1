import { Agent } from 'undici';
import type { FetchFunction } from './sdk-generate.js';

/**
 * The fetch every HTTP provider uses. Node's built-in fetch gives up when a response sends no headers
 * for 300 s, and a non-streaming model call sends none until the whole answer is written: a long LLD
 * from a large model would fail as a time-out. Here the socket limits are off (0) by default; the
 * per-call time-out of PooledModelClient and the item's AbortSignal are what bound a call.
 */
export function createLongCallFetch(options: { headersTimeoutMs?: number; bodyTimeoutMs?: number } = {}): FetchFunction {
  const dispatcher = new Agent({ headersTimeout: options.headersTimeoutMs ?? 0, bodyTimeout: options.bodyTimeoutMs ?? 0 });
  // Node's own fetch (faster to call than the package's) takes an undici dispatcher as an extra option.
  return (input, init) => globalThis.fetch(input, { ...init, dispatcher });
}
