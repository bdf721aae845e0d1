import { RESULT_PREFIX } from './result.js';
import { SCENARIOS } from './scenario-catalog.js';
import { isTransportKind } from './transport-choice.js';

// One scenario per process, so its peak RSS is its own. Prints exactly one result line on stdout.
// Arguments: <scenario> <transport>.
const [name, transport = 'http'] = process.argv.slice(2);
const scenario = SCENARIOS.find((candidate) => candidate.name === name);
if (!scenario || !isTransportKind(transport)) {
  console.error(`bench child: unknown scenario ${String(name)} or transport ${transport}`);
  process.exit(2);
}

try {
  const result = await scenario.run({ transport });
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`, () => process.exit(0));
} catch (error) {
  console.error(`bench child: scenario ${scenario.name} failed:`, error);
  process.exit(1);
}
