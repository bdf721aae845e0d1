import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Clock } from '../clock/clock.js';
import { FleetKeyPool } from '../keys/fleet-key-pool.js';
import type { KeyPoolOptions, KeySource } from '../keys/key-lease.js';
import { KeyPool } from '../keys/key-pool.js';
import type { KeyActivityListener } from '../keys/key-activity.js';
import { ObservedKeySource } from '../keys/observed-key-source.js';
import type { SharedKeyLedger } from '../keys/shared-key-ledger.js';
import { loadKeys } from '../keys/load-keys.js';
import { SecretRedactor } from '../keys/redact.js';
import { ConfigurationError, UsageError } from '../core/errors.js';
import { createHttpStack } from './http-stack.js';
import { ClaudeCliTransport } from './claude-cli-transport.js';
import type { ModelClient, ProviderTransport } from '../model-call/model-client.js';
import { PooledModelClient } from './pooled-model-client.js';
import { HTTP_PROVIDERS, PROVIDERS, type HttpProvider, type HttpProviderName } from './provider-table.js';
import { missingKeyAdvice } from './missing-keys.js';
import { loadReplaySettings, ReplayTransport } from './replay-transport.js';
import type { FetchFunction } from './sdk-generate.js';
import type { ExtraPrices } from './pricing.js';

/** Claude Code's subscription login (`claude setup-token`), which a `claude-agent:` implementer may use instead of keys. */
export const CLAUDE_LOGIN_VARIABLE = 'CLAUDE_CODE_OAUTH_TOKEN';

export type ProviderName = (typeof PROVIDERS)[number];

export interface ModelSpec {
  provider: ProviderName;
  model: string;
}

/** `provider:model` → its parts. `origin` names where the value came from (`--drafter`). */
export function parseModelSpec(spec: string, origin = 'model'): ModelSpec {
  const separator = spec.indexOf(':');
  const provider = separator > 0 ? spec.slice(0, separator).trim() : '';
  const model = separator > 0 ? spec.slice(separator + 1).trim() : '';
  if (provider === 'claude-agent' || provider === 'codex') {
    throw new UsageError(
      `invalid ${origin} ${JSON.stringify(spec)}: ${provider} is a coding agent, for --implementer only (for drafting and reviewing use anthropic:, openai: or claude-cli:)`,
    );
  }
  if (!isProvider(provider) || model === '') {
    throw new UsageError(
      `invalid ${origin} ${JSON.stringify(spec)}: expected <provider>:<model> with provider one of ${PROVIDERS.join(', ')} ` +
        '(for example anthropic:claude-sonnet-4-5, openai:gpt-4.1, replay:demo/recordings)',
    );
  }
  return { provider, model };
}

function isProvider(value: string): value is ProviderName {
  return (PROVIDERS as readonly string[]).includes(value);
}

export interface ModelRegistryOptions {
  env: Record<string, string | undefined>;
  clock: Clock;
  /** Calls one key may carry at once (--per-key-concurrency). */
  perKeyConcurrency: number;
  /** Longest single attempt. Default: the client's (DEFAULT_CALL_TIMEOUT_MS). */
  callTimeoutMs?: number;
  /** A streamed answer that sends no bytes for this long is cut and retried. Default: the client's (DEFAULT_STALL_TIMEOUT_MS). */
  stallTimeoutMs?: number;
  /** Hold keys back before their announced rate limits run out. Default true (`--no-pacing` sets false). */
  pacing?: boolean;
  /** Longest answer accepted, in UTF-8 bytes; a longer one fails the call as `answer-too-large`. Default 1 MB. */
  maxAnswerBytes?: number;
  /** `replay:<dir>` is relative to this. Default the current directory. */
  replayBaseDir?: string;
  /** The config file's prices, for models the built-in table lacks (see pricing.ts). */
  prices?: ExtraPrices | undefined;
  random?: () => number;
  /** Longest wait for a free key. Default: the pool's (10 minutes). */
  maxKeyWaitMs?: number;
  fetch?: FetchFunction;
  /**
   * The fleet's shared key state: when given, every provider's pool is a FleetKeyPool, so the per-key
   * cap, the rests after a 429 and the keys set aside hold across the fleet's workers. Without it
   * the pools are this process's own.
   */
  keyLedger?: SharedKeyLedger;
  /** Starts this worker's hold ids in `keyLedger` (the worker's id). Default: a random id. */
  keyHolderPrefix?: string;
  /** A `keyLedger` call failed; the pool went on with its own limits. Default: ignored. */
  onKeyLedgerError?: (error: Error) => void;
  /**
   * Told of every lease, rest after a 429 and key set aside, by key name (never its value), for the
   * run's events and timeline. Default: nobody; the pools are then the bare KeyPool / FleetKeyPool.
   */
  onKeyActivity?: KeyActivityListener;
}

/**
 * Builds model clients from `provider:model` specs. One key pool per provider, shared by every
 * client of that provider, so a drafter and a reviewer on the same provider share its keys and
 * its rate limits. Clients are cached per spec. `redactor` is the run's one redactor, built from
 * every configured key: the clients use it, and the CLI hands the same one to the runner.
 *
 * Building one reads every provider's keys (loadKeys): a key shorter than 8 characters in any of them
 * is a ConfigurationError naming its variable, before anything runs — the redactor would otherwise
 * rewrite ordinary words everywhere, whichever provider the run uses.
 */
export class ModelRegistry {
  private readonly pools = new Map<string, KeySource>();
  private readonly clients = new Map<string, ModelClient>();
  readonly redactor: SecretRedactor;
  private readonly holderPrefix: string;

  /** Shared by every HTTP provider of this registry: one pool of kept-alive connections, the run's proxies (see http-stack.ts). */
  private readonly fetch: FetchFunction;

  /** The config file's prices, for what prices tokens outside a client (a coding agent's turns). */
  get prices(): ExtraPrices | undefined {
    return this.options.prices;
  }

  constructor(private readonly options: ModelRegistryOptions) {
    this.fetch = options.fetch ?? createHttpStack({ env: options.env });
    this.redactor = new SecretRedactor(this.secrets());
    this.holderPrefix = options.keyHolderPrefix ?? randomUUID();
  }

  client(spec: string, origin?: string): ModelClient {
    const parsed = parseModelSpec(spec, origin);
    const cacheKey = parsed.provider === 'replay' ? `replay:${this.replayDir(parsed.model)}` : `${parsed.provider}:${parsed.model}`;
    const cached = this.clients.get(cacheKey);
    if (cached) return cached;

    const { transport, pool } = this.build(parsed);
    const client = new PooledModelClient({
      transport,
      pool,
      clock: this.options.clock,
      label: `${parsed.provider}:${parsed.model}`,
      origin,
      redactor: this.redactor,
      callTimeoutMs: this.options.callTimeoutMs,
      stallTimeoutMs: this.options.stallTimeoutMs,
      maxAnswerBytes: this.options.maxAnswerBytes,
      random: this.options.random,
      prices: this.options.prices,
    });
    this.clients.set(cacheKey, client);
    return client;
  }

  /** Every configured key (and a coding agent's login token) with its masked name, for redaction of anything lldflow writes. */
  secrets(): Array<{ value: string; name: string }> {
    const login = nonEmpty(this.options.env[CLAUDE_LOGIN_VARIABLE]);
    // Every variable's problem at once: one run shows them all, not one per attempt.
    const problems: string[] = [];
    const keys = Object.entries(HTTP_PROVIDERS).flatMap(([provider, facts]) => {
      try {
        return loadKeys(facts.keyVariables, this.options.env).map((value, index) => ({ value, name: `${provider}#${index + 1}` }));
      } catch (error) {
        if (!(error instanceof ConfigurationError)) throw error;
        problems.push(error.message);
        return [];
      }
    });
    if (problems.length > 0) throw new ConfigurationError(problems.join('; '));
    return [...keys, ...(login ? [{ value: login, name: 'claude-login' }] : [])];
  }

  /**
   * What lldflow needs to forward a coding agent's requests on this provider's keys: the provider's pool
   * (the one its model calls use, so agents and calls share the per-key cap and the rate limits), the
   * run's HTTP stack and the API root. Undefined when the provider has no key (the agent's own login then).
   */
  forwardingAccess(provider: 'anthropic' | 'openai'): { pool: KeySource; fetch: FetchFunction; upstream: string } | undefined {
    const facts: HttpProvider = HTTP_PROVIDERS[provider];
    const baseUrl = nonEmpty(this.options.env[facts.baseUrlVariable]);
    if (loadKeys(facts.keyVariables, this.options.env).length === 0 && !(facts.keylessWithBaseUrl && baseUrl)) return undefined;
    const upstream = baseUrl ?? (provider === 'anthropic' ? 'https://api.anthropic.com/v1' : 'https://api.openai.com/v1');
    return { pool: this.pool(provider, () => this.keysFor(provider)), fetch: this.fetch, upstream };
  }

  private build(spec: ModelSpec): { transport: ProviderTransport; pool: KeySource } {
    const { env, clock } = this.options;
    switch (spec.provider) {
      case 'anthropic':
      case 'google':
      case 'openai': {
        const provider = spec.provider;
        const facts = HTTP_PROVIDERS[provider];
        const transport = facts.transport({
          model: spec.model,
          baseUrl: nonEmpty(env[facts.baseUrlVariable]),
          baseUrlVariable: facts.baseUrlVariable,
          fetch: this.fetch,
        });
        return { transport, pool: this.pool(provider, () => this.keysFor(provider)) };
      }
      case 'claude-cli':
        return {
          transport: new ClaudeCliTransport({ model: spec.model, clock, env: { ...env } }),
          pool: this.pool('claude-cli', () => []),
        };
      case 'replay': {
        const dir = this.replayDir(spec.model);
        if (!existsSync(dir) || !statSync(dir).isDirectory()) {
          throw new ConfigurationError(`replay:${spec.model}: no recordings folder at ${dir}`);
        }
        const settings = loadReplaySettings(dir);
        const transport = new ReplayTransport({ dir, model: spec.model, clock, random: this.options.random, settings });
        // Synthetic keys, so replayed runs exercise leasing and rate-limit handling like real ones.
        const keys = Array.from({ length: settings.keys }, (_, index) => `replay-key-${index + 1}`);
        return { transport, pool: this.pool(`replay:${dir}`, () => keys, 'replay') };
      }
    }
  }

  private pool(poolKey: string, keys: () => string[], provider = poolKey): KeySource {
    let pool = this.pools.get(poolKey);
    if (!pool) {
      const options: KeyPoolOptions = {
        provider,
        keys: keys(),
        perKeyConcurrency: this.options.perKeyConcurrency,
        clock: this.options.clock,
        random: this.options.random,
        maxWaitMs: this.options.maxKeyWaitMs,
        pacing: this.options.pacing,
      };
      const { keyLedger } = this.options;
      pool = keyLedger
        ? new FleetKeyPool({
            ...options,
            ledger: keyLedger,
            holderPrefix: this.holderPrefix,
            onLedgerError: this.options.onKeyLedgerError,
          })
        : new KeyPool(options);
      const { onKeyActivity } = this.options;
      if (onKeyActivity) pool = new ObservedKeySource(pool, this.options.clock, onKeyActivity);
      this.pools.set(poolKey, pool);
    }
    return pool;
  }

  private keysFor(provider: HttpProviderName): string[] {
    const facts: HttpProvider = HTTP_PROVIDERS[provider];
    const keys = loadKeys(facts.keyVariables, this.options.env);
    if (keys.length > 0) return keys;
    // A local OpenAI-compatible server (vLLM, Ollama, llama.cpp) usually needs no key.
    const advice = missingKeyAdvice(provider, this.options.env);
    if (advice === undefined) return [];
    throw new ConfigurationError(`no ${facts.title} API key: ${advice}`);
  }

  private replayDir(model: string): string {
    return isAbsolute(model) ? model : resolve(this.options.replayBaseDir ?? process.cwd(), model);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
