import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock/clock.js';
import { ConfigurationError } from '../core/errors.js';
import { ModelCallError, RateLimitedError } from '../model-call/errors.js';
import type { ModelReply, ModelRequest, ProviderTransport } from '../model-call/model-client.js';

/**
 * Recorded responses, no network: the `replay:<dir>` provider, for the demo, tests and the benchmark.
 *
 * Layout of `<dir>`:
 *
 * ```
 * <dir>/<itemId>/<step>.md      the exact response text of the call whose trace is { itemId, step }
 * <dir>/<itemId>/<step>.json    (or .json / .txt; the first that exists of .md, .json, .txt is used)
 * <dir>/replay.json             optional settings, every field optional:
 *   {
 *     "latencyMs": 0,            wait before each answer (on the run's clock, abortable)
 *     "jitterMs": 0,             plus a random 0..jitterMs
 *     "keys": 2,                 size of the synthetic key pool (replay#1, replay#2, …)
 *     "rateLimits": [            calls that answer HTTP 429 the first time they are made
 *       { "itemId": "42", "step": "draft-1", "retryAfterMs": 2000 }
 *     ]
 *   }
 * ```
 *
 * Steps are the workflow's trace steps (`draft-1`, `review-1`, …). A call without a recording fails
 * with ModelCallError('no-recording') naming the item, the step and the folder. Usage is estimated
 * as characters / 4; replayed calls cost nothing.
 */
export interface ReplaySettings {
  latencyMs: number;
  jitterMs: number;
  keys: number;
  rateLimits: Array<{ itemId: string; step: string; retryAfterMs: number }>;
}

export interface ReplayTransportOptions {
  /** The recordings folder, already resolved. */
  dir: string;
  /** The name the user gave it (`replay:<model>`), used as the model id. Default: `dir`. */
  model?: string;
  clock: Clock;
  /** Jitter source. Default Math.random. */
  random?: () => number;
  /** Settings; default: read from `<dir>/replay.json`. */
  settings?: ReplaySettings;
}

const EXTENSIONS = ['.md', '.json', '.txt'] as const;
/** Item ids and steps become path parts: letters, digits, `_`, `-` and inner dots only. */
const SAFE_PART = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;
const DEFAULT_SETTINGS: ReplaySettings = { latencyMs: 0, jitterMs: 0, keys: 2, rateLimits: [] };

export class ReplayTransport implements ProviderTransport {
  readonly provider = 'replay';
  readonly model: string;
  /** It leases synthetic keys so that runs exercise the key pool and its 429 handling. */
  readonly needsKey = true;
  readonly streams = false;
  readonly settings: ReplaySettings;
  private readonly limitedOnce = new Set<string>();

  constructor(private readonly options: ReplayTransportOptions) {
    this.model = options.model ?? options.dir;
    this.settings = options.settings ?? loadReplaySettings(options.dir);
  }

  async call(request: ModelRequest, _apiKey: string | undefined, signal: AbortSignal): Promise<ModelReply> {
    const { itemId, step } = request.trace;
    const random = this.options.random ?? Math.random;
    const delay = this.settings.latencyMs + random() * this.settings.jitterMs;
    if (delay > 0) await this.options.clock.sleep(delay, signal);

    const limit = this.settings.rateLimits.find((entry) => entry.itemId === itemId && entry.step === step);
    const callKey = `${itemId}\u0000${step}`;
    if (limit && !this.limitedOnce.has(callKey)) {
      this.limitedOnce.add(callKey);
      throw new RateLimitedError(`replay:${this.model}: HTTP 429 rate limited (recorded for ${itemId} ${step})`, limit.retryAfterMs);
    }

    const text = await this.readRecording(itemId, step);
    const prompt = [request.system ?? '', ...request.messages.map((message) => message.content)].join('\n');
    return { text, usage: { inputTokens: Math.ceil(prompt.length / 4), outputTokens: Math.ceil(text.length / 4) }, model: this.model };
  }

  private async readRecording(itemId: string, step: string): Promise<string> {
    const missing = (): ModelCallError =>
      new ModelCallError(
        'no-recording',
        `replay:${this.model}: no recorded response for item ${itemId} step ${step} in ${this.options.dir} (looked for ${itemId}/${step}${EXTENSIONS.join('|')})`,
      );
    if (!SAFE_PART.test(itemId) || !SAFE_PART.test(step) || step.includes('..') || itemId.includes('..')) throw missing();
    for (const extension of EXTENSIONS) {
      try {
        return await readFile(join(this.options.dir, itemId, `${step}${extension}`), 'utf8');
      } catch (error) {
        if (!isMissingFile(error)) throw error;
      }
    }
    throw missing();
  }
}

/**
 * Reads `<dir>/replay.json`, or the defaults when there is none. Synchronous because it runs once,
 * when a client is built, and sizes the synthetic key pool.
 */
export function loadReplaySettings(dir: string): ReplaySettings {
  const path = join(dir, 'replay.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isMissingFile(error)) return { ...DEFAULT_SETTINGS, rateLimits: [] };
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseSettings(raw, path);
}

function parseSettings(raw: unknown, path: string): ReplaySettings {
  if (!isRecord(raw)) throw new ConfigurationError(`${path} must hold a JSON object`);
  const number = (field: string, fallback: number, minimum: number): number => {
    const value = raw[field];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum) {
      throw new ConfigurationError(`${path}: "${field}" must be a number ≥ ${minimum}, received ${JSON.stringify(value)}`);
    }
    return value;
  };
  const keys = number('keys', DEFAULT_SETTINGS.keys, 1);
  if (!Number.isInteger(keys)) throw new ConfigurationError(`${path}: "keys" must be an integer, received ${keys}`);
  const rateLimitsRaw = raw.rateLimits ?? [];
  if (!Array.isArray(rateLimitsRaw)) throw new ConfigurationError(`${path}: "rateLimits" must be an array`);
  const rateLimits = rateLimitsRaw.map((entry: unknown, index) => {
    if (
      !isRecord(entry) ||
      typeof entry.itemId !== 'string' ||
      typeof entry.step !== 'string' ||
      typeof entry.retryAfterMs !== 'number' ||
      entry.retryAfterMs < 0
    ) {
      throw new ConfigurationError(
        `${path}: rateLimits[${index}] must be { "itemId": string, "step": string, "retryAfterMs": number ≥ 0 }`,
      );
    }
    return { itemId: entry.itemId, step: entry.step, retryAfterMs: entry.retryAfterMs };
  });
  return { latencyMs: number('latencyMs', 0, 0), jitterMs: number('jitterMs', 0, 0), keys, rateLimits };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMissingFile(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
