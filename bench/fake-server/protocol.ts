import type { LatencyModel } from './latency-model.js';
import type { RateLimits } from './rate-limits.js';

/** How the benchmark's fake OpenAI server answers, sent to its process as one JSON argument. */
export interface FakeServerConfig {
  /** `synthetic`: a short fixed text; `lld`: drafts a valid LLD and approves it (test/support/lld-responder). */
  responder: 'synthetic' | 'lld';
  /** How long each answer of the timed run takes. */
  latency: LatencyModel;
  /** How long each answer takes before the timed run starts (the warm-up), in ms. */
  warmUpLatencyMs: number;
  /** Per-key limits with `x-ratelimit-*` headers and 429s; none when absent. */
  rateLimits?: RateLimits;
  /**
   * For the `synthetic` responder: an answer of this many characters streamed in this many events
   * (providers send about one event per token), instead of a short fixed text.
   */
  answer?: { characters: number; chunks: number };
}

/** One request as the server saw and answered it. */
export interface ServedRequest {
  /** The bearer key the client sent (a benchmark key, never a real one). */
  apiKey: string | undefined;
  /** When the request arrived, epoch ms with sub-millisecond precision. */
  arrivedAt: number;
  /** When the answer was written. */
  sentAt: number;
  status: number;
  /** What the request was charged against the key's token limit when it arrived. */
  tokens: number;
  /** The latency the fake model gave this call (0 for a 429, which is answered at once). */
  latencyMs: number;
  /** For the `lld` responder: which item and step the prompt was for. */
  itemId?: string;
  step?: string;
}

export type ServerMessage =
  { type: 'ready'; baseUrl: string } | { type: 'timed-run-started' } | { type: 'report'; requests: ServedRequest[] };

/**
 * `start-timed-run` ends the warm-up: forgets what was served, fills every key's buckets and switches
 * to the configured latency. `report` asks for the records since then.
 */
export type ServerCommand = { type: 'start-timed-run' } | { type: 'report' } | { type: 'close' };
