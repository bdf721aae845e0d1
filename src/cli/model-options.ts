import { ConfigurationError } from '../runner/errors.js';

/** A model spec from its flag, else its environment variable; missing is a configuration error naming both. */
export function requireModelSpec(flagValue: string | undefined, flag: string, variable: string, env: Record<string, string | undefined>): string {
  const spec = flagValue ?? env[variable];
  if (spec === undefined || spec.trim() === '') {
    throw new ConfigurationError(`no ${flag.slice(2)} model: pass ${flag} <provider:model> or set ${variable} (providers: anthropic, google, openai, claude-cli, replay)`);
  }
  return spec.trim();
}
