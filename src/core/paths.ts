import { join } from 'node:path';
import { validateItemId } from './item-id.js';
import type { WorkflowName } from './items.js';

const DOCUMENTS = 'docs';
const LLD_FOLDER = `${DOCUMENTS}/lld/active`;
const LINEAGE_FOLDER = `${DOCUMENTS}/lineage/active`;
const REPORTS_FOLDER = `${DOCUMENTS}/reports/active`;
const LOCAL_STATE = '.lldflow';
const CHECKPOINTS_FOLDER = `${LOCAL_STATE}/checkpoints`;
const LOGS_ROOT = `${LOCAL_STATE}/logs`;
const RUNS_FOLDER = `${LOCAL_STATE}/runs`;
const WORKTREES_FOLDER = `${LOCAL_STATE}/worktrees`;
const HTML_REPORTS_FOLDER = `${LOCAL_STATE}/reports`;
const AGENTS_FOLDER = `${LOCAL_STATE}/agents`;
const LEASES_FOLDER = `${LOCAL_STATE}/leases`;

/**
 * Every path lldflow writes inside a target repository (DESIGN.md, "Outputs"), relative to the
 * repository root and written with `/` as git shows them. Item ids are checked before a path is built
 * from them. Join one to a repository with `inRepository`.
 */
export const repositoryPaths = {
  /** The committed outputs (designs, lineage, reports) live under this folder. */
  documents: DOCUMENTS,
  lldFolder: LLD_FOLDER,
  /** `docs/lld/active/LLD-<id>.md`, the id zero-padded to 3 digits when numeric. */
  lld: (id: string): string => `${LLD_FOLDER}/${lldFileName(id)}`,
  lineageFolder: LINEAGE_FOLDER,
  /** Every run's audit trail of one item: `docs/lineage/active/<id>-<workflow>`. */
  itemLineage: (id: string, workflow: WorkflowName): string => `${LINEAGE_FOLDER}/${validateItemId(id, 'lineage folder')}-${workflow}`,
  /** The audit trail of one run of one item: `docs/lineage/active/<id>-<workflow>/<run-id>`. */
  lineage: (id: string, workflow: WorkflowName, runId: string): string => `${repositoryPaths.itemLineage(id, workflow)}/${runId}`,
  reportsFolder: REPORTS_FOLDER,
  /** The implement workflow's report: `docs/reports/active/<id>-implementation-report.md`. */
  implementationReport: (id: string): string => `${REPORTS_FOLDER}/${validateItemId(id, 'implementation report')}-implementation-report.md`,
  /** The folder of idea briefs `requirements --type issue` reads by default. */
  ideasFolder: 'ideas/active',

  /** Local state, kept out of git (lldflow adds it to `.git/info/exclude`). */
  localState: LOCAL_STATE,
  checkpointsFolder: CHECKPOINTS_FOLDER,
  /** One SQLite database per item: `.lldflow/checkpoints/<workflow>-<id>.sqlite`. */
  checkpoint: (workflow: WorkflowName, id: string): string => `${CHECKPOINTS_FOLDER}/${checkpointFileName(workflow, id)}`,
  logsRoot: LOGS_ROOT,
  /** One run's log files: `.lldflow/logs/<run-id>`. */
  logsFolder: (runId: string): string => `${LOGS_ROOT}/${runId}`,
  /** Everything an item printed in a run: `.lldflow/logs/<run-id>/<id>.log`. */
  log: (runId: string, id: string): string => `${LOGS_ROOT}/${runId}/${logFileName(id)}`,
  runsFolder: RUNS_FOLDER,
  /** The run summary, the same JSON as `--json`: `.lldflow/runs/<run-id>.json`. */
  runSummary: (runId: string): string => `${RUNS_FOLDER}/${runSummaryFileName(runId)}`,
  /** Every event of the run, one JSON object a line, for `lldflow report`: `.lldflow/runs/<run-id>.events.ndjson`. */
  runEvents: (runId: string): string => `${RUNS_FOLDER}/${runId}.events.ndjson`,
  worktreesFolder: WORKTREES_FOLDER,
  /** The implement workflow's git worktree for an item: `.lldflow/worktrees/<id>`. */
  worktree: (id: string): string => `${WORKTREES_FOLDER}/${validateItemId(id, 'worktree')}`,
  agentsFolder: AGENTS_FOLDER,
  /** A coding agent's own folder for an item (its sessions, kept between runs): `.lldflow/agents/<id>`. */
  agentState: (id: string): string => `${AGENTS_FOLDER}/${validateItemId(id, 'agent folder')}`,
  /** Which process works on which item: `.lldflow/leases/<workflow>-<id>.lock` and `.holder.json`. */
  leasesFolder: LEASES_FOLDER,
  htmlReportsFolder: HTML_REPORTS_FOLDER,
  /** `lldflow report`: the run's timeline and summary, `.lldflow/reports/<run-id>.html`. */
  htmlReport: (runId: string): string => `${HTML_REPORTS_FOLDER}/${runId}.html`,
} as const;

/** A repository-relative path from `repositoryPaths` as a path inside `repo`. */
export function inRepository(repo: string, relativePath: string): string {
  return join(repo, relativePath);
}

/** `LLD-<id>.md`, a numeric id zero-padded to 3 digits: `LLD-007.md`, `LLD-1234.md`, `LLD-add-login.md`. */
export function lldFileName(id: string): string {
  const name = validateItemId(id, 'LLD file name');
  return `LLD-${/^\d+$/.test(name) ? name.padStart(3, '0') : name}.md`;
}

const LLD_FILE_NAME = /^LLD-([A-Za-z0-9_][A-Za-z0-9_-]{0,63})\.md$/;

/**
 * The item id an LLD file is named after, or undefined when `fileName` is not one: the reverse of
 * `lldFileName`. A numeric id loses its leading zeros down to one digit (`LLD-007.md` → `7`,
 * `LLD-0.md` → `0`), with string operations: `Number` would round ids past 2^53.
 */
export function lldIdFromFileName(fileName: string): string | undefined {
  const id = LLD_FILE_NAME.exec(fileName)?.[1];
  if (id === undefined) return undefined;
  return /^\d+$/.test(id) ? id.replace(/^0+(?=\d)/, '') : id;
}

export function checkpointFileName(workflow: WorkflowName, id: string): string {
  return `${workflow}-${validateItemId(id, 'checkpoint')}.sqlite`;
}

export function logFileName(id: string): string {
  return `${validateItemId(id, 'log file')}.log`;
}

export function runSummaryFileName(runId: string): string {
  return `${runId}.json`;
}
