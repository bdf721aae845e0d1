import { isPriced, type ExtraPrices } from '../providers/pricing.js';
import type { ModelClient } from '../model-call/model-client.js';
import type { CodingAgent } from '../agents/coding-agent.js';
import { ConfigurationError } from '../core/errors.js';
import { ModelRegistry } from '../providers/resolve-model.js';
import type { RunnerOptions } from '../runner/run-options.js';
import type { KeyActivityRelay } from '../keys/key-activity.js';
import type { CliIo } from './cli-io.js';

/**
 * The run's model registry, with the runner options that govern model calls. Its key pools report
 * their leases, rests and keys set aside to `keyActivity`, which the run connects to its events.
 */
export function modelRegistryFor(options: RunnerOptions, io: CliIo, keyActivity?: KeyActivityRelay): ModelRegistry {
  return new ModelRegistry({
    env: io.env,
    clock: io.clock,
    perKeyConcurrency: options.perKeyConcurrency,
    pacing: options.pacing,
    stallTimeoutMs: options.stallTimeoutMs,
    replayBaseDir: io.cwd,
    prices: options.prices,
    ...(keyActivity ? { onKeyActivity: keyActivity.emit } : {}),
  });
}

/** A model spec from its flag, else its environment variable; missing is a configuration error naming both. */
export function requireModelSpec(
  flagValue: string | undefined,
  flag: string,
  variable: string,
  env: Record<string, string | undefined>,
): { spec: string; origin: string } {
  const fromFlag = flagValue !== undefined && flagValue.trim() !== '';
  const spec = fromFlag ? flagValue : env[variable];
  if (spec === undefined || spec.trim() === '') {
    throw new ConfigurationError(
      `no ${flag.slice(2)} model: pass ${flag} <provider:model> or set ${variable} (providers: anthropic, google, openai, claude-cli, replay${flag === '--implementer' ? ', claude-agent, codex' : ''})`,
    );
  }
  // Where the model was set, for messages that ask the user to change it.
  return { spec: spec.trim(), origin: fromFlag ? flag : variable };
}

/** A model flag, the variable it falls back on, and what the command line gave it. */
export type ModelFlag = [value: string | undefined, flag: string, variable: string];

/**
 * Each model from its flag, else its variable, like requireModelSpec; when several are missing, one
 * configuration error names them all, so a user sets them in one go.
 */
export function requireModelSpecs<Name extends string>(
  wanted: Record<Name, ModelFlag>,
  env: Record<string, string | undefined>,
): Record<Name, { spec: string; origin: string }> {
  const found: Partial<Record<Name, { spec: string; origin: string }>> = {};
  const problems: string[] = [];
  for (const name of Object.keys(wanted) as Name[]) {
    const [value, flag, variable] = wanted[name];
    try {
      found[name] = requireModelSpec(value, flag, variable, env);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new ConfigurationError(problems.join('\n'));
  return found as Record<Name, { spec: string; origin: string }>;
}

/**
 * A model without a known price counts as $0, so --budget cannot stop it: say so before the run
 * instead of letting the cap silently never trigger. The claude CLI reports its own cost.
 */
export function budgetWarnings(
  budgetUsd: number | undefined,
  clients: ReadonlyArray<ModelClient | CodingAgent>,
  prices?: ExtraPrices,
): string[] {
  if (budgetUsd === undefined) return [];
  // Codex reports tokens, not cost: lldflow prices them as OpenAI's.
  const pricedAs = (client: ModelClient | CodingAgent): string => (client.provider === 'codex' ? 'openai' : client.provider);
  return [...new Set(clients)]
    .filter((client) => ['anthropic', 'google', 'openai'].includes(pricedAs(client)) && !isPriced(pricedAs(client), client.model, prices))
    .map((client) => `--budget cannot limit ${client.label}: lldflow has no price for that model, so its calls count as $0`);
}
