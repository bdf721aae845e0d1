// @ts-check
/**
 * The import graph lldflow keeps: no circles, and each top-level folder of src/ imports only folders
 * below it in LAYERS (the README's Development section shows the same order). Tests and fakes under
 * testing/ may reach further down; production code never imports them.
 */
const LAYERS = [
  'core', // shared words: items, statuses, summaries, errors, item ids — imports nothing of ours
  'model-call', // the model-call contract: request, response, transport, their errors
  'clock',
  'cancellation',
  'files',
  'redis', // the engine's Redis: connections from an engine URL, key names (the test server under testing/)
  'checkpoints',
  'items',
  'git',
  'repository',
  'keys',
  'process',
  'providers',
  'agents', // coding agents (Claude Agent SDK, Codex SDK) in the sandbox, their keys through the pool
  'runner',
  'output',
  'runs',
  'report', // `lldflow report`: a run's summary and events as one self-contained HTML page (timeline, costs)
  'fleet', // distributed mode: the BullMQ queue, workers, the submitter's remote workflow
  'workflows',
  'status',
  'config', // the config file (lldflow.config.json / .yaml): its schema and where it is found
  'demo',
  'cli',
];

const TESTS = '(\\.test\\.ts|\\.test-suite\\.ts)$|/testing/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle between modules of src/.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-fakes-in-production',
      severity: 'error',
      comment: 'Fakes live under testing/ and are not in the package; production code must not import them.',
      from: { path: '^src/', pathNot: TESTS },
      to: { path: '/testing/' },
    },
    {
      name: 'not-to-unknown-folder',
      severity: 'error',
      comment: 'Every top-level folder of src/ has its place in LAYERS (.dependency-cruiser.cjs).',
      from: { path: '^src/' },
      to: { path: '^src/[^/]+/', pathNot: `^src/(${LAYERS.join('|')})/` },
    },
    ...LAYERS.map((layer, index) => ({
      name: `layer-${layer}`,
      severity: /** @type {const} */ ('error'),
      comment: `src/${layer}/ may import only the folders below it: ${LAYERS.slice(0, index).join(', ') || 'none'}.`,
      from: { path: `^src/${layer}/`, pathNot: TESTS },
      to: { path: `^src/(${LAYERS.slice(index + 1).join('|') || 'none'})/` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
