/** What a workflow asks of a model. Provider-neutral. */
export interface ModelRequest {
  /** Who is asking, for records and logs: `drafter`, `reviewer`, `implementer`. */
  role: string;
  /**
   * Which item and which step of its workflow this call is (`draft-1`, `review-2`, …). Stable across
   * resumes, so recorded responses (replay provider) and logs can name the call.
   */
  trace: { itemId: string; step: string };
  system?: string;
  /** The conversation so far; the last message is the user's. */
  messages: ModelMessage[];
  maxOutputTokens?: number;
  /**
   * Ask for JSON matching this JSON Schema, with the provider's structured-output feature where it
   * has one. The text of the response is still returned as is; callers parse and validate it.
   */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  /** Aborts the call (Ctrl+C, the item's time-out). */
  signal: AbortSignal;
}

export interface ModelMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
}

/** One provider's answer to one attempt. */
export interface ModelReply {
  text: string;
  usage: ModelUsage;
  /** The model the provider says answered (may differ from the one asked for). */
  model: string;
}

export interface ModelResponse extends ModelReply {
  provider: string;
  keyName: string | undefined;
  costUsd: number;
  durationMs: number;
}

/**
 * What workflows call. Key leasing, 429 handling, retries and time-outs are behind it, and so is the
 * answer check: `complete` fails an answer above the client's size limit as ModelCallError
 * ('answer-too-large') and resolves with configured keys in the text already replaced by their masked
 * names.
 */
export interface ModelClient {
  readonly provider: string;
  readonly model: string;
  /** `provider:model` as the user wrote it. */
  readonly label: string;
  complete(request: ModelRequest, hooks?: ModelCallHooks): Promise<ModelResponse>;
}

/** Per-call observers: what happened on the way (rate limits, waits for a key, retries), as log lines. */
export interface ModelCallHooks {
  log?(message: string): void;
}

/**
 * What one call's transport reports while the call runs, so the key pool sees rate-limit headers and
 * the stall time-out sees the answer arrive. Passed to each call rather than kept in an async context:
 * that would slow every promise of the process.
 */
export interface CallObserver {
  /** The response's status and headers, as soon as they arrive: successes and errors alike. */
  onResponse(response: { status: number; headers: Record<string, string> }): void;
  /** Part of the answer arrived (a stream event, a keep-alive ping). Called for every event: keep it cheap. */
  onBytes(): void;
}

/**
 * One provider's wire call with one key (or none). Throws RateLimitedError on 429,
 * TransientModelError on 5xx / connection failures, ModelCallError otherwise.
 */
export interface ProviderTransport {
  readonly provider: string;
  readonly model: string;
  /** Whether calls need a key from the pool. */
  readonly needsKey: boolean;
  /**
   * Whether the answer arrives as a stream of bytes through fetch: the model client then cuts an
   * attempt that receives nothing for its stall time-out. False for transports that answer at once
   * or by other means (a child process, recordings).
   */
  readonly streams: boolean;
  call(request: ModelRequest, apiKey: string | undefined, signal: AbortSignal, observer?: CallObserver): Promise<ModelReply>;
}
