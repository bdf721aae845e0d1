import { plural } from '../core/format.js';
import type { CleanOutcome } from './clean-apply.js';
import type { CleanEntry } from './clean-entry.js';

/** One line of what `lldflow clean` did, or would do in a dry run. */
type Shown = CleanEntry & { outcome: CleanOutcome['outcome'] | 'would remove'; note?: string | undefined };

const LABELS: Record<Shown['outcome'], string> = {
  removed: 'removed',
  kept: 'kept',
  failed: 'not removed',
  'would remove': 'would remove',
};

/** A dry run's plan as the lines it shows: what would go, what stays and why. */
export function plannedOutcomes(entries: readonly CleanEntry[]): Shown[] {
  return entries.map((entry) => ({ ...entry, outcome: entry.keep === undefined ? 'would remove' : 'kept', note: entry.keep }));
}

/**
 * One line per entry, then a count. The worktrees of finished implementations that only `--worktrees`
 * removes are counted, not listed.
 */
export function renderClean(results: readonly Shown[], options: { dryRun: boolean; worktreesLeft: number }): string[] {
  const width = Math.max(...results.map((result) => LABELS[result.outcome].length), 0);
  const lines = results.map((result) => {
    const item = result.workflow && result.id ? ` (${result.workflow} ${result.id})` : '';
    const note = result.note === undefined ? '' : ` — ${result.note}`;
    return `${LABELS[result.outcome].padEnd(width)}  ${result.path}${item}: ${result.what}${note}`;
  });
  const count = (outcome: Shown['outcome']): number => results.filter((result) => result.outcome === outcome).length;
  const tally = options.dryRun
    ? [`${count('would remove')} would be removed`, `${count('kept')} kept`]
    : [`${count('removed')} removed`, `${count('kept')} kept`, ...(count('failed') > 0 ? [`${count('failed')} could not be removed`] : [])];
  const left = options.worktreesLeft;
  const hint =
    left > 0
      ? [
          `${left} ${plural(left, 'worktree')} of finished implementations left: \`lldflow clean --worktrees\` removes ${left === 1 ? 'it' : 'them'} (branches stay)`,
        ]
      : [];
  if (results.length === 0) return ['nothing to clean', ...hint];
  return [...lines, `${tally.join(', ')}${options.dryRun ? ' (dry run: nothing removed)' : ''}`, ...hint];
}
