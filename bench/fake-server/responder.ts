import type { FakeReply, FakeRequest } from '../../src/providers/testing/fake-http-server.js';
import { approvingResponder, classifyCall } from '../../test/support/lld-responder.js';
import { callLatencyMs } from './latency-model.js';
import type { FakeServerConfig, ServedRequest } from './protocol.js';
import { chargedTokens, RateLimiter, type Admission } from './rate-limits.js';

const SYNTHETIC_TEXT = 'ok';

/**
 * Answers requests after the configured latency, enforces the per-key rate limits and keeps a record of
 * each request. The latency is spent here rather than in FakeHttpServer, so the moment an answer is
 * written is known exactly: the server writes it as soon as this function's promise settles.
 */
export class RecordingResponder {
  records: ServedRequest[] = [];
  private timed = false;
  private readonly limiter: RateLimiter | undefined;

  constructor(private readonly config: FakeServerConfig) {
    this.limiter = config.rateLimits ? new RateLimiter(config.rateLimits) : undefined;
  }

  readonly respond = async (request: FakeRequest): Promise<FakeReply> => {
    const arrivedAt = preciseNow();
    const call = this.config.responder === 'lld' ? classifyCall(request) : undefined;
    const tokens = chargedTokens(request.body);
    const apiKey = request.apiKey ?? '';
    // Providers count limits per key and model (OpenAI, Anthropic); so does this server.
    const limited = `${apiKey} ${String((request.body as { model?: unknown }).model)}`;
    const admission = this.limiter?.admit(limited, tokens, arrivedAt);
    const record = { apiKey: request.apiKey, arrivedAt, tokens, ...(call ? { itemId: call.itemId, step: call.step } : {}) };

    if (admission && !admission.admitted) {
      this.records.push({ ...record, sentAt: preciseNow(), status: 429, latencyMs: 0 });
      return {
        status: 429,
        retryAfterMs: admission.retryAfterMs,
        headers: admission.headers,
        body: rateLimitBody(admission, this.config),
      };
    }
    const latencyMs = this.timed
      ? callLatencyMs(this.config.latency, call ? `${call.itemId}/${call.step}` : lastMessage(request))
      : this.config.warmUpLatencyMs;
    await new Promise((resolve) => setTimeout(resolve, latencyMs));

    const answer: FakeReply = this.config.responder === 'lld' ? approvingResponder(request) : syntheticAnswer(this.config);
    const sentAt = preciseNow();
    this.records.push({ ...record, sentAt, status: 'status' in answer ? answer.status : 200, latencyMs });
    // The limits as they stand when the answer is written, not when the request arrived: this server
    // sends headers and body together at the end, so the client reads the headers only then; a real
    // streamed answer sends them with its first byte, and its client reads them as they stand then.
    return this.limiter && 'text' in answer
      ? { ...answer, headers: { ...answer.headers, ...this.limiter.headers(limited, sentAt) } }
      : answer;
  };

  /** Ends the warm-up: forgets the records, fills every key's buckets, switches to the configured latency. */
  startTimedRun(): void {
    this.records = [];
    this.limiter?.refill();
    this.timed = true;
  }
}

function lastMessage(request: FakeRequest): string {
  const messages = (request.body as { messages?: Array<{ content?: unknown }> }).messages ?? [];
  const content = messages.at(-1)?.content;
  return typeof content === 'string' ? content : JSON.stringify(content ?? '');
}

/** OpenAI's 429 body for a rate limit (not `insufficient_quota`, which no wait cures). */
function rateLimitBody(admission: Admission & { admitted: false }, config: FakeServerConfig): unknown {
  const window = `${(config.rateLimits?.windowMs ?? 0) / 1000} s`;
  return {
    error: {
      message: `Rate limit reached on ${admission.limit} per ${window}. Please try again in ${admission.retryAfterMs}ms.`,
      type: admission.limit,
      param: null,
      code: 'rate_limit_exceeded',
    },
  };
}

function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

function syntheticAnswer(config: FakeServerConfig): FakeReply {
  if (!config.answer) return { text: SYNTHETIC_TEXT, usage: { inputTokens: 10, outputTokens: 1 } };
  const { characters, chunks } = config.answer;
  const text = 'The design, word after word. '.repeat(Math.ceil(characters / 29)).slice(0, characters);
  return { text, usage: { inputTokens: 1500, outputTokens: Math.ceil(characters / 4) }, stream: { chunks } };
}
