/**
 * Checks lldflow's LLD parsers, autofix and mechanical validation against the recorded corpus.
 *
 *   npm run corpus [-- --corpus <dir>]             (or LLDFLOW_CORPUS=<dir>)
 *   npm run corpus -- --replay [--parallel N] [--keep]   replays every case through `lldflow requirements`
 *
 * Exits 0 whatever the numbers are; 2 when the corpus folder is missing.
 */
import { join, relative, resolve } from 'node:path';
import { lldflowPackage } from '../../src/core/lldflow-package.js';
import { caseFolder, readCases } from './cases.js';
import { validationReport } from './validation-report.js';

async function main(): Promise<number> {
  const root = lldflowPackage().root;
  const requested = argumentValue('--corpus') ?? process.env.LLDFLOW_CORPUS ?? join(root, '..', 'shared', 'corpus');
  const corpus = caseFolder(resolve(requested));
  if (!corpus) {
    console.error(`corpus folder not found: ${resolve(requested)} (pass --corpus <dir> or set LLDFLOW_CORPUS)`);
    return 2;
  }
  const cases = readCases(corpus);
  const label = relative(process.cwd(), corpus) || '.';
  if (process.argv.includes('--replay')) {
    const { replayReport } = await import('./replay.js');
    const parallel = Number(argumentValue('--parallel') ?? '10');
    for (const line of await replayReport(cases, { parallel, corpusLabel: label, keep: process.argv.includes('--keep') }))
      console.log(line);
    return 0;
  }
  for (const line of validationReport(cases, label)) console.log(line);
  return 0;
}

function argumentValue(name: string): string | undefined {
  const args = process.argv.slice(2);
  const index = args.indexOf(name);
  if (index !== -1) return args[index + 1];
  const inline = args.find((arg) => arg.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

// `npm run corpus | head` closes the pipe early; that is not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});
process.exitCode = await main();
