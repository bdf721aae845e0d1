import { systemClock } from '../../clock/clock.js';
import type { RunSummary } from '../../core/items.js';
import { ISOLATED_GIT_ENV } from '../../git/testing/temporary-repository.js';
import { CaptureStream } from '../../output/testing/capture-stream.js';
import { WITHOUT_PROXY } from '../../providers/testing/without-proxy.js';
import { runCli } from '../program.js';

export interface InProcessRequirements {
  repo: string;
  items: string;
  /** A local OpenAI-compatible server (`…/v1`). */
  baseUrl: string;
  /** Keys for the pool: as many as the calls that should run at once. */
  keys: readonly string[];
  drafter: string;
  reviewer: string;
  /** More options: `--parallel 10`, `--max-iterations 5`, … */
  options: readonly string[];
  /** More environment (a proxy, for example), over the defaults. */
  env?: Record<string, string | undefined>;
}

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The `--json` summary, when the run printed one. */
  summary: RunSummary | undefined;
}

/**
 * The real `lldflow requirements --all --json` (commander parsing, the model registry over
 * OPENAI_BASE_URL, the workflow, SQLite checkpoints, every reporter) run in this process against a local
 * server, with the user's git configuration and lldflow settings kept out.
 */
export async function requirementsInProcess(input: InProcessRequirements): Promise<InProcessRun> {
  const stdout = new CaptureStream();
  const stderr = new CaptureStream();
  const argv = [
    'requirements',
    '--repo',
    input.repo,
    '--source',
    input.items,
    '--all',
    '--drafter',
    input.drafter,
    '--reviewer',
    input.reviewer,
    '--json',
    ...input.options,
  ];
  const code = await runCli(argv, {
    cwd: input.repo,
    env: {
      ...process.env,
      ...WITHOUT_PROXY,
      ...ISOLATED_GIT_ENV,
      NO_COLOR: '1',
      OPENAI_BASE_URL: input.baseUrl,
      OPENAI_API_KEYS: input.keys.join(','),
      OPENAI_API_KEY: undefined,
      LLDFLOW_DRAFTER: undefined,
      LLDFLOW_REVIEWER: undefined,
      ...input.env,
    },
    stdout,
    stderr,
    clock: systemClock,
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text, stderr: stderr.text, summary: parseSummary(stdout.text) };
}

function parseSummary(text: string): RunSummary | undefined {
  try {
    return JSON.parse(text) as RunSummary;
  } catch {
    return undefined;
  }
}
