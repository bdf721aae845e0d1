import { formatDuration } from '../core/format.js';
import type { Clock } from '../clock/clock.js';
import { raceWithAbort } from '../cancellation/race-with-abort.js';
import type { BackoffOptions } from '../keys/backoff.js';
import { callWithKey, type KeyEvent } from '../keys/call-with-key.js';
import type { KeyLease, KeySource } from '../keys/key-lease.js';
import { estimateRequestDemand } from '../keys/request-tokens.js';
import type { SecretRedactor } from '../keys/redact.js';
import { noRedaction } from '../core/redact.js';
import { ModelCallError, redactError, TransientModelError } from '../model-call/errors.js';
import { describeKeyEvent } from './key-event-message.js';
import type {
  CallObserver,
  ModelCallHooks,
  ModelClient,
  ModelRequest,
  ModelResponse,
  ProviderTransport,
} from '../model-call/model-client.js';
import { costOf, isPriced, type ExtraPrices, type ReplyWithCost } from './pricing.js';
import { StallWatchdog } from './stall-watchdog.js';

/** Built once: aborting without a reason would build a DOMException on every call. */
const CALL_FINISHED = new Error('call finished');

/** Stalls are cut by the stall time-out: the wall limit only guards against an answer that streams forever. */
export const DEFAULT_CALL_TIMEOUT_MS = 30 * 60_000;

/** Long enough for a reasoning model that thinks before its first byte, short beside the wall limit. */
export const DEFAULT_STALL_TIMEOUT_MS = 180_000;

/** The largest answer accepted, in UTF-8 bytes: 1 MB, far above any document or edit a workflow asks for. */
export const DEFAULT_MAX_ANSWER_BYTES = 1_000_000;

export interface PooledModelClientOptions {
  transport: ProviderTransport;
  /** The config file's prices, for models the built-in table lacks. */
  prices?: ExtraPrices | undefined;
  /** The provider's shared pool; every client of one provider leases from the same one. */
  pool: KeySource;
  clock: Clock;
  /** `provider:model` as the user wrote it. Default `<provider>:<model>`. */
  label?: string;
  /** Where the model was set (`--drafter`, `LLDFLOW_DRAFTER`), for the message when the provider does not know it. */
  origin?: string;
  /**
   * The run's one redactor (the registry's): every error and key-event message leaving this client
   * passes through it, so provider text that echoes a key never travels on; so does every answer
   * (its configured keys only, see `complete`). Default: none.
   */
  redactor?: SecretRedactor;
  /** Longest one attempt may take before it fails as `timeout`. Default DEFAULT_CALL_TIMEOUT_MS. */
  callTimeoutMs?: number;
  /**
   * For transports that stream: an attempt whose answer sends no bytes for this long is cut and
   * retried as a transient failure. Default DEFAULT_STALL_TIMEOUT_MS.
   */
  stallTimeoutMs?: number;
  /** An answer longer than this many UTF-8 bytes fails as `answer-too-large`. Default DEFAULT_MAX_ANSWER_BYTES (1 MB). */
  maxAnswerBytes?: number;
  /** Jitter for transient back-off. Default Math.random. */
  random?: () => number;
  /** Attempts in total on 5xx / connection failures. Default: callWithKey's (3). */
  maxTransientAttempts?: number;
  transientBackoff?: BackoffOptions;
}

export interface CompleteHooks extends ModelCallHooks {
  /** Rate limits, waits for a key and transient retries of this call, typed (`log` gets them as lines). */
  onKeyEvent?(event: KeyEvent): void;
}

/**
 * A ModelClient over one transport: leases a key per attempt (429 → another key, 5xx → back-off and
 * retry, both inside callWithKey), bounds each attempt by `callTimeoutMs` on the injected clock, cuts
 * an attempt of a streaming transport that receives no byte for `stallTimeoutMs` (time since the
 * request was sent, headers and every body chunk count) as a TransientModelError so it is retried,
 * hands every response's headers to the key's lease, and reports duration, cost and the masked key
 * name.
 *
 * It is where every model answer enters lldflow (the registry builds every client as one of these), so
 * the answer is checked here, before any workflow parses, checkpoints or writes it: one above
 * `maxAnswerBytes` fails the call as ModelCallError('answer-too-large'), and the configured keys in
 * it (a model or proxy echoing the key it was called with) become their masked names.
 */
export class PooledModelClient implements ModelClient {
  readonly provider: string;
  readonly model: string;
  readonly label: string;
  private readonly callTimeoutMs: number;
  private readonly stallTimeoutMs: number;
  private readonly maxAnswerBytes: number;
  /** Once the provider said it does not know the model, every later call fails with the same error and no request. */
  private unknownModel: ModelCallError | undefined;

  constructor(private readonly options: PooledModelClientOptions) {
    this.provider = options.transport.provider;
    this.model = options.transport.model;
    this.label = options.label ?? `${this.provider}:${this.model}`;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    if (!(this.callTimeoutMs > 0)) throw new RangeError(`callTimeoutMs must be > 0, received ${String(options.callTimeoutMs)}`);
    this.stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    if (!(this.stallTimeoutMs > 0)) throw new RangeError(`stallTimeoutMs must be > 0, received ${String(options.stallTimeoutMs)}`);
    this.maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    if (!(Number.isSafeInteger(this.maxAnswerBytes) && this.maxAnswerBytes > 0)) {
      throw new RangeError(`maxAnswerBytes must be a whole number > 0, received ${String(options.maxAnswerBytes)}`);
    }
  }

  async complete(request: ModelRequest, hooks?: CompleteHooks): Promise<ModelResponse> {
    const { clock, pool } = this.options;
    const startedAt = clock.now();
    if (this.unknownModel) throw this.unknownModel;
    try {
      const { reply, keyName } = await callWithKey(
        pool,
        {
          signal: request.signal,
          clock,
          random: this.options.random,
          onEvent: (event) => {
            hooks?.onKeyEvent?.(event);
            hooks?.log?.(describeKeyEvent(event));
          },
          maxTransientAttempts: this.options.maxTransientAttempts,
          transientBackoff: this.options.transientBackoff,
          redact: this.options.redactor?.redact,
          demand: { ...estimateRequestDemand(request), model: this.model, itemId: request.trace.itemId },
        },
        async (lease) => ({
          reply: await this.attempt(request, lease),
          // A keyless pool's slot is named after the provider; there is no key to name.
          keyName: lease.value === undefined ? undefined : lease.name,
        }),
      );
      this.checkSize(reply);
      const redact = this.options.redactor?.redactKnownSecrets ?? noRedaction;
      return {
        text: redact(reply.text),
        usage: reply.usage,
        model: redact(reply.model),
        provider: this.provider,
        keyName,
        costUsd: this.costOf(reply),
        durationMs: clock.now() - startedAt,
      };
    } catch (error) {
      const redacted = this.options.redactor ? redactError(error, this.options.redactor.redact) : error;
      if (redacted instanceof ModelCallError && redacted.reason === 'unknown-model') throw this.rememberUnknownModel(redacted);
      throw redacted;
    }
  }

  private rememberUnknownModel(error: ModelCallError): ModelCallError {
    this.unknownModel ??= new ModelCallError(
      'unknown-model',
      this.options.origin === undefined ? error.message : `${error.message}; set by ${this.options.origin}`,
      { cause: error.cause },
    );
    return this.unknownModel;
  }

  private async attempt(request: ModelRequest, lease: KeyLease): Promise<ReplyWithCost> {
    const { clock, transport } = this.options;
    const cut = new AbortController();
    const finished = new AbortController();
    clock.sleep(this.callTimeoutMs, finished.signal).then(
      () => cut.abort(new ModelCallError('timeout', `${this.label} call timed out after ${formatDuration(this.callTimeoutMs, 'prose')}`)),
      () => undefined,
    );
    const watchdog = transport.streams
      ? new StallWatchdog(clock, this.stallTimeoutMs, finished.signal, () =>
          cut.abort(
            new TransientModelError(
              `${this.label}: the answer stalled: no bytes for ${formatDuration(this.stallTimeoutMs, 'prose')}`,
              undefined,
            ),
          ),
        )
      : undefined;
    const observer: CallObserver = {
      onResponse: ({ headers }) => {
        watchdog?.activity();
        lease.observeHeaders(headers);
      },
      onBytes: () => watchdog?.activity(),
    };
    const signal = AbortSignal.any([request.signal, cut.signal]);
    try {
      return await raceWithAbort(transport.call(request, lease.value, signal, observer), signal);
    } finally {
      finished.abort(CALL_FINISHED);
    }
  }

  /** Not retried: the key worked, and asking again would most likely buy another answer as long. */
  private checkSize(reply: ReplyWithCost): void {
    // UTF-8 is at most 3 bytes per UTF-16 unit: only a text that might be too long is measured.
    if (reply.text.length * 3 <= this.maxAnswerBytes) return;
    const bytes = Buffer.byteLength(reply.text, 'utf8');
    if (bytes <= this.maxAnswerBytes) return;
    throw new ModelCallError(
      'answer-too-large',
      `${this.label} answered ${describeSize(bytes)}, above the limit of ${describeSize(this.maxAnswerBytes)} for one answer`,
    );
  }

  private costOf(reply: ReplyWithCost): number {
    if (typeof reply.costUsd === 'number' && Number.isFinite(reply.costUsd)) return reply.costUsd;
    // The answering model's id is usually more precise; a proxy may rename it, so fall back to ours.
    const { prices } = this.options;
    const model = isPriced(this.provider, reply.model, prices) ? reply.model : this.model;
    return costOf(this.provider, model, reply.usage, prices);
  }
}

/** `850 bytes`; larger sizes also in kB or MB, at most one decimal: `5.2 MB (5242880 bytes)`. */
function describeSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  const [value, unit] = bytes < 1_000_000 ? [bytes / 1000, 'kB'] : [bytes / 1_000_000, 'MB'];
  return `${Math.round(value * 10) / 10} ${unit} (${bytes} bytes)`;
}
