import { prepareDemo } from '../demo/prepare-demo.js';
import type { CliIo } from './cli-io.js';
import { runRequirementsCommand } from './requirements-command.js';
import type { RawRunnerOptions } from './runner-options.js';

/**
 * `lldflow demo`: the main job end to end, offline, with recorded model responses and realistic
 * latency: 6 example issues → reviewed LLDs at --parallel 3 (one revised, one blocked for a human,
 * one rate-limited), in a temporary copy of an example repository.
 */
export async function runDemoCommand(io: CliIo): Promise<number> {
  const demo = await prepareDemo();
  io.stdout.write(`lldflow demo: example repository copied to ${demo.repo}\n\n== requirements: 6 issues → reviewed LLDs (--all --parallel 3, replayed models) ==\n`);
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
    json: false,
    debug: false,
  };
  // Model specs resolve against the recordings folder, so the review log names `replay:reviewer`.
  const recordingsIo: CliIo = { ...io, cwd: demo.recordings };
  const requirements = await runRequirementsCommand({ ...runner, type: 'lld', drafter: 'replay:drafter', reviewer: 'replay:reviewer' }, recordingsIo);
  if (requirements === 130) return 130;

  io.stdout.write(
    [
      '',
      'Where to look:',
      `  designs:   ${demo.repo}/docs/lld/active/`,
      `  lineage:   ${demo.repo}/docs/lineage/active/`,
      `  logs:      ${demo.repo}/.lldflow/logs/`,
      `  summaries: ${demo.repo}/.lldflow/runs/`,
      `  status:    npx lldflow status --repo ${demo.repo}`,
      '',
    ].join('\n'),
  );
  // One item is meant to end blocked (the reviewer asks for a human); only real failures fail the demo.
  return requirements === 1 ? 0 : requirements;
}
