import { plural } from '../core/format.js';
import type { StatusProblem } from './status-problem.js';

/** The damaged and left-over state `lldflow status` found, one line each after a heading; none when there is none. */
export function renderProblems(problems: readonly StatusProblem[]): string[] {
  if (problems.length === 0) return [];
  return [
    `${problems.length} ${plural(problems.length, 'problem')} with lldflow's files:`,
    ...problems.map((entry) => `  ${entry.path}${entry.workflow && entry.id ? ` (${entry.workflow} ${entry.id})` : ''}: ${entry.message}`),
  ];
}
