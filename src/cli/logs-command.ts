import { relative, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { WorkflowName } from '../core/items.js';
import { followLog, printLog } from '../status/follow-log.js';
import { findItemLog, runHasEnded, runIsWorking } from '../status/item-log.js';
import type { CliIo } from './cli-io.js';
import { requireRepositoryFolder } from './execute-run.js';

/**
 * `lldflow logs <id> [-f]`: the item's log from the latest run that has one, on stdout (which run, on
 * stderr); with -f what the item writes next too, until that run ends or Ctrl+C.
 */
export async function runLogsCommand(
  id: string,
  flags: { follow: boolean; repo?: string | undefined; workflow?: WorkflowName | undefined },
  io: CliIo,
): Promise<number> {
  const repo = resolve(io.cwd, flags.repo ?? '.');
  await requireRepositoryFolder(repo);
  const log = await findItemLog(repo, id, flags.workflow);
  if (log === undefined) {
    const which = flags.workflow === undefined ? '' : ` of the ${flags.workflow} workflow`;
    throw new UsageError(`no log of item ${id} in ${relative(io.cwd, repo) || '.'}: no run${which} has one yet (see lldflow status)`);
  }
  const workflow = log.workflow === undefined ? '' : `${log.workflow} `;
  const ended = runHasEnded(repo, log.runId);
  io.stderr.write(`${workflow}run ${log.runId}${ended ? '' : ' (running)'}: ${log.path}\n`);
  const write = (text: string): void => void io.stdout.write(text);
  if (!flags.follow || ended) {
    printLog(log.path, write);
    return 0;
  }
  const end = await followLog({
    path: log.path,
    write,
    clock: io.clock,
    signal: io.signal,
    runEnded: () => runHasEnded(repo, log.runId),
    runWorking: () => runIsWorking(repo, log.runId),
  });
  if (end === 'interrupted') return 130;
  io.stderr.write(
    end === 'run-ended' ? `run ${log.runId} ended\n` : `run ${log.runId} stopped without a summary (no process of it is left)\n`,
  );
  return 0;
}
