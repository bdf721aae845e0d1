import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { z } from 'zod';
import { ConfigurationError, UsageError } from '../core/errors.js';

/** Looked for at the repository root, in this order, when no `--config` is given. */
export const CONFIG_FILE_NAMES = ['lldflow.config.json', 'lldflow.config.yaml', 'lldflow.config.yml'] as const;

const modelSpec = z
  .string()
  .trim()
  .regex(/^[a-z][a-z-]*:.+$/, 'expected <provider>:<model>');
const price = z.strictObject({ inputPerMillion: z.number().nonnegative(), outputPerMillion: z.number().nonnegative() });

/**
 * The settings a repository keeps in `lldflow.config.json` (or `.yaml`): the long options in camelCase.
 * Flags win over environment variables, which win over the file, which wins over the defaults.
 */
export const configSchema = z.strictObject({
  drafter: modelSpec.optional(),
  reviewer: modelSpec.optional(),
  implementer: modelSpec.optional(),
  parallel: z.number().int().min(0).optional(),
  perKeyConcurrency: z.number().int().min(1).optional(),
  maxIterations: z.number().int().min(1).optional(),
  budget: z.number().positive().optional(),
  /** Minutes per item, as `--timeout`. */
  timeout: z.number().positive().optional(),
  testCommand: z.string().trim().min(1).optional(),
  sandbox: z.enum(['auto', 'bwrap', 'none']).optional(),
  engine: z
    .string()
    .trim()
    .regex(/^rediss?:\/\//, 'expected redis://host:port[/db]')
    .optional(),
  /** US dollars per million tokens, for models lldflow has no price for: `"openai:my-model": { inputPerMillion, outputPerMillion }`. */
  prices: z.record(modelSpec, price).optional(),
});
export type ConfigFile = z.infer<typeof configSchema>;

export interface LoadedConfig {
  /** The file read, or undefined when the repository has none. */
  path: string | undefined;
  settings: ConfigFile;
}

/**
 * The config file: `explicit` (`--config`, relative to `cwd`), which must exist, else the first of
 * CONFIG_FILE_NAMES at the repository root, else none. A file that does not parse, an unknown key
 * or a bad value is a usage error naming the file, the key and the value.
 */
export async function loadConfig(options: { explicit: string | undefined; cwd: string; repo: string }): Promise<LoadedConfig> {
  let path: string | undefined;
  if (options.explicit !== undefined) {
    path = resolve(options.cwd, options.explicit);
    if (!existsSync(path)) throw new ConfigurationError(`--config ${options.explicit}: no such file (${path})`);
  } else {
    path = CONFIG_FILE_NAMES.map((name) => join(options.repo, name)).find((candidate) => existsSync(candidate));
    if (path === undefined) return { path: undefined, settings: {} };
  }
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new ConfigurationError(`${path}: cannot be read (${error instanceof Error ? error.message : String(error)})`);
  });
  return { path, settings: parseConfig(text, path) };
}

/** Parses and checks a config file's text; `path` names it in errors (and says JSON or YAML). */
export function parseConfig(text: string, path: string): ConfigFile {
  let value: unknown;
  try {
    value = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${reason}`);
  }
  // An empty YAML file is a file with no settings.
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${path}: expected an object of settings at the top level`);
  const parsed = configSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  // An unknown key first: a misspelt key also leaves the key meant missing, and the typo is the news.
  const issues = [...parsed.error.issues].sort((left, right) => rank(left) - rank(right));
  throw new UsageError(describeIssue(issues[0], value as Record<string, unknown>, path));
}

function rank(issue: z.core.$ZodIssue): number {
  return issue.code === 'unrecognized_keys' ? 0 : 1;
}

function describeIssue(issue: z.core.$ZodIssue | undefined, value: Record<string, unknown>, path: string): string {
  if (!issue) return `${path}: invalid settings`;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const where = issue.path.length > 0 ? `${issue.path.join('.')}.` : '';
    const suggestion = issue.path.length === 0 ? closestKey(key) : undefined;
    return `${path}: unknown key "${where}${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; known keys: ${Object.keys(configSchema.shape).join(', ')}`;
  }
  const key = issue.path.map(String).join('.');
  let shown: unknown = value;
  for (const part of issue.path) shown = (shown as Record<PropertyKey, unknown> | undefined)?.[part];
  const message = issue.code === 'invalid_key' ? 'expected a key <provider>:<model>' : issue.message;
  if (shown === undefined) return `${path}: ${key} is missing: ${message}`;
  return `${path}: ${key} = ${JSON.stringify(shown)}: ${message}`;
}

/** The known key one typo away (an edit distance of at most 2), for "did you mean". */
function closestKey(key: string): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const known of Object.keys(configSchema.shape)) {
    const distance = editDistance(key.toLowerCase(), known.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: known, distance };
  }
  return best?.key;
}

function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length] ?? 0;
}

/** For messages: the file's name as the user would type it. */
export function configName(loaded: LoadedConfig): string {
  return loaded.path === undefined ? 'no config file' : basename(loaded.path);
}
