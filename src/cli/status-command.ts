import { SqliteCheckpointStoreFactory } from '../checkpoints/sqlite-store.js';
import { renderColumns } from '../output/text-table.js';
import { collectStatusReport } from '../status/collect-status.js';
import { renderProblems } from '../status/render-problems.js';
import type { CliIo } from './cli-io.js';
import { requireRepositoryFolder } from './execute-run.js';
import { resolve } from 'node:path';
import { engineOf } from './fleet-choice.js';

/** `lldflow status`: every known item with its stage, last result and output path. */
export async function runStatusCommand(
  flags: { repo?: string | undefined; json: boolean; engine?: string | undefined },
  io: CliIo,
): Promise<number> {
  const repo = resolve(io.cwd, flags.repo ?? '.');
  await requireRepositoryFolder(repo);
  const engine = engineOf(flags.engine, io.env);
  if (engine) return (await import('./fleet-submit.js')).printFleetStatus(repo, engine, flags.json, io);
  // Damaged state is listed, never fatal: `status` is how a user finds it.
  const { items: rows, problems } = await collectStatusReport(repo, new SqliteCheckpointStoreFactory(repo));
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ repo, items: rows, problems }, null, 2)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    io.stdout.write([`no lldflow items known in ${repo} yet`, ...renderProblems(problems)].map((line) => `${line}\n`).join(''));
    return 0;
  }
  const lines = renderColumns(
    [{ header: 'workflow' }, { header: 'id' }, { header: 'title' }, { header: 'stage' }, { header: 'last result' }, { header: 'output' }],
    rows.map((row) => [
      row.workflow,
      row.id,
      row.title.length > 40 ? `${row.title.slice(0, 39)}…` : row.title,
      row.stage,
      row.lastResult,
      row.output ?? '—',
    ]),
  );
  io.stdout.write(`${[...lines, ...renderProblems(problems)].join('\n')}\n`);
  return 0;
}
