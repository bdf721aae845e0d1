import { posix } from 'node:path';
import { repositoryPaths } from '../../core/paths.js';
import { parseFileBlocks } from './file-blocks.js';
import type { ImplementState } from './implement-state.js';
import type { ApplyReport } from './implement-transitions.js';
import { applyFileOperations, isTestFile, normaliseRelativePath } from './path-policy.js';
import { phasePolicy } from './worktree-governance.js';

const LINEAGE_ROOT = posix.dirname(repositoryPaths.lineageFolder);

/** Carries out the implementer's pending answer in the worktree, under the phase's write policy. */
export async function applyAnswer(state: ImplementState, phase: 'tests' | 'code'): Promise<ApplyReport> {
  const parsed = parseFileBlocks(state.pendingResponse ?? '');
  const policy = phasePolicy(phase, state.files, state.testsFrozen);
  // lldflow's audit trail is its own to write: the implementer never writes into docs/lineage/.
  const intoLineage = parsed.operations.filter((operation) => isLineagePath(operation.path));
  const operations = parsed.operations.filter((operation) => !isLineagePath(operation.path));
  const applied = await applyFileOperations(state.worktree?.path ?? '', operations, policy);
  applied.refused.push(
    ...intoLineage.map((operation) => ({
      path: operation.path,
      reason: `${LINEAGE_ROOT}/ holds lldflow's lineage, not the implementation`,
    })),
  );
  const problems = parsed.problems.map((problem) => `line ${problem.line}: ${problem.message}`);
  if (parsed.operations.length === 0 && problems.length === 0) problems.push('the answer held no "### File:" block');
  return { ...applied, problems, testFiles: applied.written.filter(isTestFile) };
}

/** Under `docs/lineage/` (case-insensitively: on macOS and Windows `Docs/Lineage` is the same folder). */
function isLineagePath(path: string): boolean {
  const normalised = normaliseRelativePath(path);
  return normalised.ok && normalised.relativePath.toLowerCase().startsWith(`${LINEAGE_ROOT.toLowerCase()}/`);
}
