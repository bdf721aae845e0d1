import { join } from 'node:path';
import type { WorkflowName } from '../core/items.js';
import { inRepository, repositoryPaths } from '../core/paths.js';
import { findTemporaries } from '../files/atomic-write.js';
import { compareRunIds } from '../runner/run-id.js';
import { CLOSING_RECORD, readFolder } from './state-files.js';
import { temporaryProblem, type FoundProblem } from './status-problem.js';

export interface LineageInspection {
  problems: FoundProblem[];
  /** Per `<workflow>:<id>`, the file names of the item's newest lineage run folder, in trail order. */
  newestRuns: Map<string, string[]>;
}

/**
 * The run folders under docs/lineage/active/: their temporary files, the runs that never finished and
 * that no checkpoint resumes (`resumed` holds `<id>-<workflow>/<run-id>`), and each item's newest trail.
 */
export function inspectLineage(repo: string, resumed: ReadonlySet<string>, shown: (path: string) => string): LineageInspection {
  const problems: FoundProblem[] = [];
  const newestRuns = new Map<string, string[]>();
  const base = inRepository(repo, repositoryPaths.lineageFolder);
  for (const itemFolder of readFolder(base)) {
    const match = /^([A-Za-z0-9_-]+)-(lld|issue|implement)$/.exec(itemFolder);
    const runFolders = readFolder(join(base, itemFolder)).sort(compareRunIds);
    for (const runFolder of runFolders) {
      const directory = join(base, itemFolder, runFolder);
      const names = readFolder(directory);
      for (const temporary of findTemporaries(directory)) problems.push(temporaryProblem(temporary, shown));
      if (!match) continue;
      const workflow = match[2] as WorkflowName;
      const entries = names
        .filter((name) => /^\d{3,}-/.test(name) && !name.endsWith('.tmp'))
        .sort((left, right) => parseInt(left, 10) - parseInt(right, 10));
      if (entries.length > 0) newestRuns.set(`${workflow}:${match[1]!}`, entries);
      if (workflow === 'implement') continue;
      if (entries.length === 0 || entries.some((name) => CLOSING_RECORD.test(name)) || resumed.has(`${itemFolder}/${runFolder}`)) continue;
      problems.push({
        kind: 'unfinished-lineage',
        workflow,
        id: match[1]!,
        path: directory,
        message: `lineage of a run that never finished (last entry ${entries.at(-1)}) and that no checkpoint resumes`,
      });
    }
  }
  return { problems, newestRuns };
}
