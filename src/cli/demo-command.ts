import { repositoryPaths } from '../core/paths.js';
import { commitDesigns, prepareDemo, testBranches } from '../demo/prepare-demo.js';
import { DEFAULT_MAX_ITEM_KB } from '../items/source-item.js';
import { resolveSandbox } from '../process/sandbox.js';
import { DEFAULT_STALL_TIMEOUT_SECONDS } from '../runner/run-options.js';
import { runImplementCommand } from './implement-command.js';
import type { CliIo } from './cli-io.js';
import { runRequirementsCommand } from './requirements-command.js';
import type { RawRunnerOptions } from './runner-options.js';

/**
 * `lldflow demo`: the main jobs end to end, offline, with recorded model responses and realistic
 * latency, in a temporary copy of an example repository: 6 example issues → reviewed LLDs at
 * --parallel 3 (one revised, one blocked for a human, one rate-limited), then the approved LLDs →
 * tests and code on their own branches.
 */
export async function runDemoCommand(io: CliIo): Promise<number> {
  const demo = await prepareDemo();
  io.stdout.write(
    `lldflow demo: example repository copied to ${demo.repo}\n\n== requirements: 6 issues → reviewed LLDs (--all --parallel 3, replayed models) ==\n`,
  );
  const runner: RawRunnerOptions = {
    repo: demo.repo,
    issue: [],
    all: true,
    source: demo.backlog,
    parallel: 3,
    dryRun: false,
    retryFailed: false,
    timeout: 5,
    perKeyConcurrency: 1,
    pacing: true,
    stallTimeout: DEFAULT_STALL_TIMEOUT_SECONDS,
    maxItemSize: DEFAULT_MAX_ITEM_KB,
    json: false,
    debug: false,
  };
  // Model specs resolve against the recordings folder, so the review log names `replay:reviewer`.
  const recordingsIo: CliIo = { ...io, cwd: demo.recordings };
  const requirements = await runRequirementsCommand(
    { ...runner, type: 'lld', drafter: 'replay:drafter', reviewer: 'replay:reviewer' },
    recordingsIo,
  );
  if (requirements === 130) return 130;

  // implement starts from a clean tree: the approved designs are committed first, as a team would.
  await commitDesigns(demo.repo);
  io.stdout.write('\n== implement: approved LLDs → tests first, then code, one worktree and branch each (--all --parallel 3) ==\n');
  const sandbox = demoSandbox(io.env);
  io.stdout.write(`sandbox: ${sandbox.mode} — ${sandbox.why}\n`);
  const implement = await runImplementCommand(
    {
      ...runner,
      source: undefined,
      implementer: 'replay:implementer',
      testCommand: 'node --test',
      push: false,
      pr: false,
      sandbox: sandbox.mode,
    },
    recordingsIo,
  );
  if (implement === 130) return 130;
  io.stdout.write("\n== the example repository's own tests on each implementation branch ==\n");
  const branches = await testBranches(demo.repo);
  for (const branch of branches) io.stdout.write(`  ${branch.branch}: ${branch.passed ? 'tests pass' : 'tests FAIL'}\n`);

  const folder = (path: string): string => `${demo.repo}/${path}/`;
  io.stdout.write(
    [
      '',
      'Where to look:',
      `  designs:   ${folder(repositoryPaths.lldFolder)}`,
      `  branches:  git -C ${demo.repo} branch --list '*-implementation'`,
      `  worktrees: ${folder(repositoryPaths.worktreesFolder)}`,
      `  lineage:   ${folder(repositoryPaths.lineageFolder)}`,
      `  logs:      ${folder(repositoryPaths.logsRoot)}`,
      `  summaries: ${folder(repositoryPaths.runsFolder)}`,
      `  status:    npm run lldflow -- status --repo ${demo.repo}`,
      '',
    ].join('\n'),
  );
  // One item is meant to end blocked (the reviewer asks for a human); only real failures fail the demo.
  const failed = requirements > 1 || implement !== 0 || branches.some((branch) => !branch.passed);
  return failed ? 1 : 0;
}

/**
 * The demo's recorded code is lldflow's own, not a model's, so where there is no bubblewrap it may run
 * unconfined; it says so. Real runs refuse instead (`--sandbox auto`).
 */
function demoSandbox(env: Record<string, string | undefined>): { mode: 'bwrap' | 'none'; why: string } {
  try {
    return { mode: 'bwrap', why: resolveSandbox('bwrap', { env }).description };
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^--sandbox bwrap: /, '') : String(error);
    return { mode: 'none', why: `the recorded code is lldflow's own, so it runs without a sandbox here: ${reason}` };
  }
}
