import { resolve } from 'node:path';
import { ConfigurationError, UsageError } from '../core/errors.js';
import { plural } from '../core/format.js';
import { inRepository, repositoryPaths } from '../core/paths.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { renderRunReport } from '../report/run-report.js';
import { readRunRecord, savedRunIds } from '../runs/run-record.js';
import type { CliIo } from './cli-io.js';
import { requireRepositoryFolder } from './execute-run.js';

/** How many run ids the error for an unknown one lists, newest first. */
const LISTED_RUNS = 5;

/**
 * `lldflow report [<run-id>|latest]`: writes `.lldflow/reports/<run-id>.html` from the run's summary and
 * events, and prints its path. An unknown run id is a usage error that lists the latest runs.
 */
export async function runReportCommand(runArgument: string | undefined, flags: { repo?: string | undefined }, io: CliIo): Promise<number> {
  const repo = resolve(io.cwd, flags.repo ?? '.');
  await requireRepositoryFolder(repo);
  const runIds = savedRunIds(repo);
  const wanted = runArgument === undefined || runArgument === 'latest' ? runIds.at(-1) : runArgument;
  if (wanted === undefined) {
    throw new ConfigurationError(
      `no run in ${repo} yet (${repositoryPaths.runsFolder}/ is empty): run lldflow requirements or implement first`,
    );
  }
  if (!runIds.includes(wanted)) {
    const latest = runIds.slice(-LISTED_RUNS).reverse();
    throw new UsageError(
      `no run ${JSON.stringify(wanted)} in ${repositoryPaths.runsFolder}/ of ${repo}: the latest ${latest.length === 1 ? 'is' : 'are'} ${latest.join(', ')} (or pass latest)`,
    );
  }
  const record = readRunRecord(repo, wanted);
  if (!record) throw new ConfigurationError(`${repositoryPaths.runSummary(wanted)}: the run summary cannot be read`);

  const path = inRepository(repo, repositoryPaths.htmlReport(wanted));
  await writeFileAtomic(path, renderRunReport(record));
  const lines: string[] = [];
  if (record.events === undefined) lines.push(`warning: run ${wanted} recorded no events: the report has its summary but no timeline`);
  const skipped = record.skippedLines;
  if (skipped > 0)
    lines.push(
      `warning: ${skipped} ${plural(skipped, 'line')} of the run's events file could not be read and ${skipped === 1 ? 'is' : 'are'} left out`,
    );
  lines.push(`report: ${path}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
