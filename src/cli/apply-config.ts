import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { loadConfig, type ConfigFile } from '../config/config-file.js';
import { ConfigurationError } from '../core/errors.js';
import type { CliIo } from './cli-io.js';

/** Config keys that have an environment variable: the variable, when set, wins over the file. */
const ENVIRONMENT_OF: Partial<Record<keyof ConfigFile, string>> = {
  drafter: 'LLDFLOW_DRAFTER',
  reviewer: 'LLDFLOW_REVIEWER',
  implementer: 'LLDFLOW_IMPLEMENTER',
  engine: 'LLDFLOW_ENGINE',
};

interface ConfigFlags {
  repo?: string | undefined;
  config?: string | undefined;
  envFile?: string | undefined;
}

/**
 * Settles a command's flags and environment before it runs: `--env-file` adds its variables under
 * the real environment's, then the config file fills every setting of this command that neither a
 * flag nor an environment variable gave — flags over environment over config over defaults. Keys of
 * other commands (`implementer` for `requirements`) are left to them: one file serves every command.
 */
export async function withConfig<Flags extends ConfigFlags>(
  command: CommandUnknownOpts,
  flags: Flags,
  io: CliIo,
): Promise<{ flags: Flags & { prices?: ConfigFile['prices'] }; io: CliIo }> {
  const withEnv = await withEnvFile(io, flags.envFile);
  const { env } = withEnv;
  const repo = flags.repo === undefined ? io.cwd : resolve(io.cwd, flags.repo);
  const { settings } = await loadConfig({ explicit: flags.config, cwd: io.cwd, repo });
  const settled: Record<string, unknown> = { ...(flags as Record<string, unknown>) };
  for (const [key, value] of Object.entries(settings) as Array<[keyof ConfigFile, unknown]>) {
    if (key === 'prices' || value === undefined) continue;
    if (!command.options.some((option) => option.attributeName() === key)) continue;
    if (command.getOptionValueSource(key) === 'cli') continue;
    const variable = ENVIRONMENT_OF[key];
    if (variable !== undefined && (env[variable]?.trim() ?? '') !== '') continue;
    settled[key] = value;
  }
  if (settings.prices) settled.prices = settings.prices;
  return { flags: settled as Flags & { prices?: ConfigFile['prices'] }, io: withEnv };
}

/** The world with `--env-file`'s variables added under the real environment's (which wins, as with Node's own flag). */
export async function withEnvFile(io: CliIo, envFile: string | undefined): Promise<CliIo> {
  if (envFile === undefined) return io;
  const env = await readEnvFile(resolve(io.cwd, envFile), envFile);
  for (const [name, value] of Object.entries(io.env)) if (value !== undefined) env[name] = value;
  return { ...io, env };
}

/** `--env-file`: `NAME=value` lines (`#` comments, quotes, `export`), as Node's own `--env-file` reads them. */
async function readEnvFile(path: string, given: string): Promise<Record<string, string | undefined>> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigurationError(`--env-file ${given}: ${code === 'ENOENT' ? 'no such file' : 'cannot be read'} (${path})`);
  });
  return parseEnv(text);
}
