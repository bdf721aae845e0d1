import { RESULT_PREFIX } from './result.js';
import { SCENARIOS } from './scenario-catalog.js';

// One scenario per process, so its peak RSS and its CPU time are its own. Prints exactly one result
// line on stdout. Argument: <scenario>.
const [name] = process.argv.slice(2);
const scenario = SCENARIOS.find((candidate) => candidate.name === name);
if (!scenario) {
  console.error(`bench child: unknown scenario ${String(name)}`);
  process.exit(2);
}

try {
  const result = await scenario.run();
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`, () => process.exit(0));
} catch (error) {
  console.error(`bench child: scenario ${scenario.name} failed:`, error);
  process.exit(1);
}
