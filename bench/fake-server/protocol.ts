/** How the benchmark's fake OpenAI server answers, sent to its process as one JSON argument. */
export interface FakeServerConfig {
  /** `synthetic`: a short fixed text; `lld`: drafts a valid LLD and approves it (test/support/lld-responder). */
  responder: 'synthetic' | 'lld';
  /** How long the server holds every request before answering, in real milliseconds. */
  latencyMs: number;
  /** Every n-th request (1-based, in arrival order) is answered 429: a deterministic pattern. */
  rateLimitEvery?: number;
  /** The `retry-after` (seconds) sent with each 429. */
  retryAfterSeconds?: number;
}

/** One request as the server saw and answered it. */
export interface ServedRequest {
  /** The bearer key the client sent (a benchmark key, never a real one). */
  apiKey: string | undefined;
  /** The fake server's own record of when the request arrived (Date.now()). */
  receivedAt: number;
  /** When the request arrived (epoch ms, sub-millisecond), taken as the server handles it. */
  arrivedAt: number;
  /** Position in the server's event order when the request arrived (shared with `sentOrder`). */
  arrivedOrder: number;
  /** When the reply was written (epoch ms, sub-millisecond). */
  sentAt: number;
  /** Position in the server's event order when the reply was written. */
  sentOrder: number;
  status: number;
  /** The wait a 429 announced, in milliseconds. */
  retryAfterMs: number | undefined;
  /** For a 429: how many 429s this key had been sent up to and including this one. */
  rateLimitOrdinal: number | undefined;
  /** How many 429s on this key the client said it had received when it sent the request (bench transports). */
  clientSeenRateLimits: number | undefined;
  /** For the `lld` responder: which item and step the prompt was for. */
  itemId?: string;
  step?: string;
}

export type ServerMessage = { type: 'ready'; baseUrl: string } | { type: 'reset-done' } | { type: 'report'; requests: ServedRequest[] };

/** `reset` forgets what was served so far (after a warm-up); `report` asks for the records. */
export type ServerCommand = { type: 'reset' } | { type: 'report' } | { type: 'close' };
