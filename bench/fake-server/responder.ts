import type { FakeReply, FakeRequest } from '../../src/providers/testing/fake-http-server.js';
import { approvingResponder, classifyCall } from '../../test/support/lld-responder.js';
import { SEEN_RATE_LIMITS_HEADER } from '../seen-rate-limits.js';
import type { FakeServerConfig, ServedRequest } from './protocol.js';

const SYNTHETIC_TEXT = 'ok';

/**
 * Answers requests after the configured latency and keeps a record of each one. The latency is spent
 * here rather than in FakeHttpServer, so the moment a reply is written is known exactly: the server
 * writes it as soon as this function's promise settles, before any other request can arrive.
 */
export class RecordingResponder {
  /** In the order replies were written; `arrivalIndex` points into FakeHttpServer.requests. */
  records: Array<Omit<ServedRequest, 'receivedAt'> & { arrivalIndex: number }> = [];
  private order = 0;
  private arrivals = 0;
  private readonly rateLimitsPerKey = new Map<string, number>();

  constructor(private readonly config: FakeServerConfig) {}

  readonly respond = async (request: FakeRequest): Promise<FakeReply> => {
    const arrivedAt = preciseNow();
    const arrivedOrder = this.order++;
    const arrivalIndex = this.arrivals++;
    const rateLimited = this.config.rateLimitEvery !== undefined && (arrivalIndex + 1) % this.config.rateLimitEvery === 0;
    const call = this.config.responder === 'lld' ? classifyCall(request) : undefined;
    const seenHeader = request.headers[SEEN_RATE_LIMITS_HEADER];
    await new Promise((resolve) => setTimeout(resolve, this.config.latencyMs));

    const reply: FakeReply = rateLimited
      ? { status: 429, retryAfterSeconds: this.config.retryAfterSeconds ?? 1 }
      : this.config.responder === 'lld'
        ? approvingResponder(request)
        : { text: SYNTHETIC_TEXT, usage: { inputTokens: 10, outputTokens: 1 } };
    const key = request.apiKey ?? '';
    if (rateLimited) this.rateLimitsPerKey.set(key, (this.rateLimitsPerKey.get(key) ?? 0) + 1);
    this.records.push({
      arrivalIndex,
      apiKey: request.apiKey,
      arrivedAt,
      arrivedOrder,
      sentAt: preciseNow(),
      sentOrder: this.order++,
      status: 'status' in reply ? reply.status : 200,
      retryAfterMs: rateLimited ? (this.config.retryAfterSeconds ?? 1) * 1000 : undefined,
      rateLimitOrdinal: rateLimited ? this.rateLimitsPerKey.get(key) : undefined,
      clientSeenRateLimits: typeof seenHeader === 'string' ? Number(seenHeader) : undefined,
      ...(call ? { itemId: call.itemId, step: call.step } : {}),
    });
    return reply;
  };

  /**
   * Forgets the records and restarts the 429 pattern. The per-key 429 counts go on: the client's stamps
   * count every 429 it has received on a key, the warm-up's included.
   */
  reset(): void {
    this.records = [];
    this.arrivals = 0;
  }
}

function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
