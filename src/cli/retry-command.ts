import type { WorkflowName } from '../core/items.js';
import { DEFAULT_MAX_ITEM_KB } from '../items/source-item.js';
import { DEFAULT_STALL_TIMEOUT_SECONDS, type RunnerOptions } from '../runner/run-options.js';
import type { BlockedCommands } from '../runner/summary.js';

/** What a command line selects: exactly these ids, or every item whose last run ended blocked. */
export type CommandSelection = string[] | 'retry-blocked';

/**
 * The command that runs exactly `ids` again (or, with `'retry-blocked'`, every item whose last run
 * ended blocked) with the same settings, ready to paste. Model flags are repeated only when they were
 * given as flags (environment variables still apply on the next run).
 */
export function buildRetryCommand(
  command: string[],
  options: RunnerOptions,
  extra: Array<[string, string | boolean | undefined]>,
  selection: CommandSelection,
): string {
  const parts = ['lldflow', ...command, '--repo', shellQuote(options.repo)];
  if (options.source) parts.push('--source', shellQuote(options.source));
  for (const [flag, value] of extra) {
    if (value === true) parts.push(flag);
    else if (typeof value === 'string') parts.push(flag, shellQuote(value));
  }
  if (options.parallel > 1)
    parts.push('--parallel', String(selection === 'retry-blocked' ? options.parallel : Math.min(options.parallel, selection.length)));
  if (options.timeoutMs !== 30 * 60_000) parts.push('--timeout', String(options.timeoutMs / 60_000));
  if (options.maxIterations !== undefined) parts.push('--max-iterations', String(options.maxIterations));
  if (options.budgetUsd !== undefined) parts.push('--budget', String(options.budgetUsd));
  if (options.perKeyConcurrency !== 1) parts.push('--per-key-concurrency', String(options.perKeyConcurrency));
  if (!options.pacing) parts.push('--no-pacing');
  if (options.stallTimeoutMs !== DEFAULT_STALL_TIMEOUT_SECONDS * 1000) parts.push('--stall-timeout', String(options.stallTimeoutMs / 1000));
  if (options.maxItemBytes !== DEFAULT_MAX_ITEM_KB * 1024) parts.push('--max-item-size', String(options.maxItemBytes / 1024));
  if (selection === 'retry-blocked') parts.push('--retry-blocked');
  else parts.push('--issue', selection.join(','));
  return parts.join(' ');
}

/**
 * The commands the summary shows for blocked items: continue one (`… --issue <id> --continue`), continue
 * every blocked one (`… --retry-blocked --continue`), and for designs, approve one by hand.
 */
export function blockedCommandsFor(retry: (selection: CommandSelection) => string, workflow: WorkflowName, repo: string): BlockedCommands {
  return {
    continueItems: (ids) => `${retry(ids)} --continue`,
    continueAllBlocked: () => `${retry('retry-blocked')} --continue`,
    ...(workflow === 'lld' ? { approve: (id: string) => `lldflow approve ${id} --repo ${shellQuote(repo)}` } : {}),
  };
}

/** Quotes a value for a POSIX shell when it needs it, so retry commands can be pasted as they are. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
