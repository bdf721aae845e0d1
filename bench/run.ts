// The benchmark's entry (`npm run bench`): each scenario runs in its own child process; this prints the
// table and the targets (markdown, to paste into the README) and exits 1 when a target fails (2 on a
// usage error).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuMsPerCallOf, efficiencyOf, rateLimitedShareOf, type ScenarioResult } from './result.js';
import { SCENARIO_NAMES } from './scenario-catalog.js';
import { buildForBench } from './node-process.js';
import { runScenarioProcess } from './scenario-process.js';
import { renderResults, renderTargets } from './table.js';
import { checkTargets } from './targets.js';

const USAGE = 'usage: npm run bench [-- --only <name>[,<name>…]] [--json] [--cpu-prof]';
const { values } = parseCommandLine();

const selected =
  values.only
    ?.flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '') ?? SCENARIO_NAMES;
const unknown = selected.filter((name) => !SCENARIO_NAMES.includes(name));
if (unknown.length > 0) {
  console.error(`bench: unknown scenario ${unknown.join(', ')}; choose from ${SCENARIO_NAMES.join(', ')}`);
  process.exit(2);
}

const profileDir = values['cpu-prof'] ? mkdtempSync(join(tmpdir(), 'lldflow-bench-prof-')) : undefined;
const nodeOptions = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];

console.error('bench: compiling lldflow and the bench…');
try {
  buildForBench();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

const results: ScenarioResult[] = [];
let crashed = false;
for (const name of SCENARIO_NAMES.filter((candidate) => selected.includes(candidate))) {
  console.error(`bench: running ${name}…`);
  try {
    results.push(await runScenarioProcess(name, nodeOptions));
  } catch (error) {
    crashed = true;
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const checks = checkTargets(results);
if (values.json) {
  const rows = results.map((result) => ({
    ...result,
    efficiency: efficiencyOf(result),
    rateLimitedShare: rateLimitedShareOf(result),
    cpuMsPerCall: cpuMsPerCallOf(result),
  }));
  console.log(JSON.stringify({ results: rows, targets: checks }, null, 2));
} else {
  console.log(renderResults(results));
  console.log('');
  console.log(renderTargets(checks));
}
if (profileDir) console.error(`bench: CPU profiles in ${profileDir}`);
process.exitCode = crashed || checks.some((check) => !check.passed) ? 1 : 0;

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        only: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
        'cpu-prof': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\nscenarios: ${SCENARIO_NAMES.join(', ')}`);
    process.exit(2);
  }
}
