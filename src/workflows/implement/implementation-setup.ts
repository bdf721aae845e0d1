import type { CodingAgent } from '../../agents/coding-agent.js';
import type { ModelClient } from '../../model-call/model-client.js';
import type { Sandbox } from '../../process/sandbox.js';
import type { ItemContext } from '../../runner/types.js';
import type { ImplementLimits, ImplementState, PlannedFile } from './implement-state.js';

/**
 * The implementer: a model that answers with whole files (`### File:` blocks), or a coding agent that
 * edits the worktree itself and is governed from git after each turn.
 */
export type Implementer = ModelClient | CodingAgent;

export function isCodingAgent(implementer: Implementer): implementer is CodingAgent {
  return 'runTurn' in implementer;
}

/** Everything one item's implementation needs. */
export interface ImplementationSetup {
  context: ItemContext;
  implementer: Implementer;
  limits: ImplementLimits;
  repo: string;
  baseRef: string;
  testCommand: string;
  testTimeoutMs: number;
  loadLld: () => Promise<{ lld: NonNullable<ImplementState['lld']>; files: PlannedFile[]; scenarios: string[] }>;
  /** Serialises git operations that touch the shared repository (worktree creation). */
  withRepositoryLock: <T>(work: () => Promise<T>) => Promise<T>;
  /** After the final commit of a succeeded item: push, open a pull request. */
  publish?: (state: ImplementState) => Promise<void>;
  /**
   * After each commit (the tests, the passing code, the report), before the state that records it is
   * checkpointed: a fleet worker pushes the branch, so whichever worker resumes the item has its commits.
   */
  shareCommit?: (state: ImplementState) => Promise<void>;
  /** Where the lineage goes when it is not committed (default `repo`): a fleet worker's scratch folder. */
  lineageRoot?: string;
  /** Where the test command (model-written code) runs: `--sandbox`, and `--sandbox-network`. */
  sandbox: { sandbox: Sandbox; network: boolean };
  /**
   * `--commit-lineage`: the lineage goes inside the worktree and is committed on the implementation
   * branch. Otherwise (the default) it goes to the main repository's `docs/lineage/active/<id>-implement/`,
   * like the requirements workflow's, and the branch holds only the tests, the code and the report.
   */
  commitLineage: boolean;
}
