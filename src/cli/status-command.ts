import { resolve } from 'node:path';
import { SqliteCheckpointStoreFactory } from '../checkpoints/sqlite-store.js';
import { UsageError } from '../core/errors.js';
import { collectStatusReport } from '../status/collect-status.js';
import { renderProblems } from '../status/render-problems.js';
import { describeFilter, filterRows, type StatusFilter } from '../status/status-filter.js';
import { renderStatusTable } from '../status/status-table.js';
import type { CliIo, OutputStream } from './cli-io.js';
import { requireRepositoryFolder } from './execute-run.js';
import { engineOf } from './fleet-choice.js';

/** Without a terminal to measure (a pipe, a file, CI), rows fit the width most readers have. */
const DEFAULT_COLUMNS = 80;

/** `lldflow status`: every known item with its stage, last result, cost and output, in pipeline order. */
export async function runStatusCommand(
  flags: { repo?: string | undefined; json: boolean; engine?: string | undefined } & StatusFilter,
  io: CliIo,
): Promise<number> {
  const repo = resolve(io.cwd, flags.repo ?? '.');
  await requireRepositoryFolder(repo);
  const engine = engineOf(flags.engine, io.env);
  const filter: StatusFilter = { workflow: flags.workflow, status: flags.status };
  const filtered = describeFilter(filter);
  if (engine) {
    if (filtered) throw new UsageError(`${filtered}: filters this repository's own status; the fleet's (--engine) lists every job`);
    return (await import('./fleet-submit.js')).printFleetStatus(repo, engine, flags.json, io);
  }
  // Damaged state is listed, never fatal: `status` is how a user finds it.
  const { items, problems } = await collectStatusReport(repo, new SqliteCheckpointStoreFactory(repo));
  const rows = filterRows(items, filter);
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ repo, items: rows, problems }, null, 2)}\n`);
    return 0;
  }
  const lines =
    items.length === 0
      ? [`no lldflow items known in ${repo} yet`]
      : rows.length === 0
        ? [`no item matches ${filtered} (${items.length} known in ${repo})`]
        : renderStatusTable(rows, terminalColumns(io.stdout, io.env));
  io.stdout.write([...lines, ...renderProblems(problems)].map((line) => `${line}\n`).join(''));
  return 0;
}

/** The terminal's width; `COLUMNS` when the output is not a terminal, else 80. */
function terminalColumns(stream: OutputStream, env: Record<string, string | undefined>): number {
  if (stream.isTTY === true && stream.columns !== undefined && stream.columns > 0) return stream.columns;
  const fromEnv = Number(env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_COLUMNS;
}
