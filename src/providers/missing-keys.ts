import { ConfigurationError } from '../core/errors.js';
import { loadKeys } from '../keys/load-keys.js';
import { HTTP_PROVIDERS, isHttpProvider, type HttpProvider, type HttpProviderName } from './provider-table.js';

/** A model the run needs, as the command line or the environment named it. */
export interface ModelSetting {
  /** `provider:model`. */
  spec: string;
  /** Where it was set: `--drafter`, `LLDFLOW_REVIEWER`. */
  origin: string;
}

/**
 * What to set so that `provider` has a key, or undefined when it has one (or needs none: an
 * OpenAI-compatible server at the base URL, which usually takes no key).
 */
export function missingKeyAdvice(provider: HttpProviderName, env: Record<string, string | undefined>): string | undefined {
  const facts: HttpProvider = HTTP_PROVIDERS[provider];
  if (loadKeys(facts.keyVariables, env).length > 0) return undefined;
  if (facts.keylessWithBaseUrl && (env[facts.baseUrlVariable]?.trim() ?? '') !== '') return undefined;
  const [plural, singular] = facts.keyVariables;
  const hint = facts.keylessWithBaseUrl
    ? `, or set ${facts.baseUrlVariable} to a local ${facts.title}-compatible server that needs none`
    : '';
  return `set ${plural} (comma-separated) or ${singular}${hint}`;
}

/**
 * Every keyed provider the run's models need and that has no key, in one ConfigurationError that names
 * each variable to set and the model that needs it, so that a user fixes them all before the first run
 * instead of one per attempt. Models of other providers (the claude CLI, replay) and specs that are not
 * `provider:model` are left to the registry, which names their problems when it builds them.
 */
export function requireKeysFor(models: readonly ModelSetting[], env: Record<string, string | undefined>): void {
  const missing = new Map<HttpProviderName, { advice: string; models: string[] }>();
  for (const { spec, origin } of models) {
    const provider = spec.slice(0, Math.max(0, spec.indexOf(':'))).trim();
    if (!isHttpProvider(provider)) continue;
    const advice = missingKeyAdvice(provider, env);
    if (advice === undefined) continue;
    const entry = missing.get(provider) ?? { advice, models: [] };
    entry.models.push(`${origin} ${spec}`);
    missing.set(provider, entry);
  }
  if (missing.size === 0) return;
  const lines = [...missing].map(
    ([provider, entry]) => `no ${HTTP_PROVIDERS[provider].title} API key (for ${entry.models.join(', ')}): ${entry.advice}`,
  );
  if (lines.length === 1) throw new ConfigurationError(lines[0] ?? '');
  throw new ConfigurationError(`API keys missing for ${lines.length} providers:\n${lines.map((line) => `  ${line}`).join('\n')}`);
}
