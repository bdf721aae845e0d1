import { plural } from '../../core/format.js';
import { fenced } from '../markdown-fence.js';

/**
 * Autofix: mechanical corrections made to a draft between the drafter's answer and validation, with
 * no model call. Each one is recorded so the lineage shows what changed and why.
 */
export interface AutofixChange {
  /** What kind of fix, singular: `title number`, `heading`, `change type`, `whitespace`. */
  kind: string;
  /** The change itself, for the lineage: `` `# 1106 - …` → `# 106 - …` ``. */
  detail: string;
}

export interface AutofixResult {
  document: string;
  fixes: AutofixChange[];
}

/** `title number, 2 headings, 2 change types`: each kind once, counted when it happened more than once. */
export function summariseFixes(fixes: readonly AutofixChange[]): string {
  const counts = new Map<string, number>();
  for (const fix of fixes) counts.set(fix.kind, (counts.get(fix.kind) ?? 0) + 1);
  return [...counts].map(([kind, count]) => (count === 1 ? kind : `${count} ${plural(count, kind)}`)).join(', ');
}

/** The lineage entry of one autofix pass: what was fixed, then the fixed document. */
export function renderAutofix(result: AutofixResult): string {
  return [
    '# Autofix (no model call)',
    '',
    ...result.fixes.map((fix) => `- ${fix.kind}: ${fix.detail}`),
    '',
    '## The fixed document',
    '',
    fenced(result.document.trim(), 'markdown'),
    '',
  ].join('\n');
}

/** Runs fixers in order, each on the previous one's output. */
export function applyFixers(document: string, fixers: ReadonlyArray<(document: string) => AutofixResult>): AutofixResult {
  let current = document;
  const fixes: AutofixChange[] = [];
  for (const fixer of fixers) {
    const result = fixer(current);
    current = result.document;
    fixes.push(...result.fixes);
  }
  return { document: current, fixes };
}
