import { systemClock, type Clock } from '../../clock/clock.js';
import { ISOLATED_GIT_ENV } from '../../git/testing/temporary-repository.js';
import { CaptureStream } from '../../output/testing/capture-stream.js';
import { WITHOUT_PROXY } from '../../providers/testing/without-proxy.js';
import type { OutputStream } from '../cli-io.js';
import { runCli } from '../program.js';

/**
 * The environment of a CLI test against a local OpenAI-compatible server: the machine's own proxies,
 * git configuration, keys and lldflow settings kept out; `extra` on top (undefined removes a variable).
 */
export function localServerEnvironment(
  baseUrl: string,
  key: string,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    ...process.env,
    ...WITHOUT_PROXY,
    ...ISOLATED_GIT_ENV,
    NO_COLOR: '1',
    OPENAI_BASE_URL: baseUrl,
    OPENAI_API_KEY: key,
    OPENAI_API_KEYS: undefined,
    LLDFLOW_DRAFTER: undefined,
    LLDFLOW_REVIEWER: undefined,
    ...extra,
  };
}

/** The real CLI (commander parsing and every command) in this process; output captured unless streams are given. */
export async function cliInProcess(
  argv: string[],
  options: { cwd: string; env: Record<string, string | undefined>; clock?: Clock; stdout?: OutputStream; stderr?: OutputStream },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new CaptureStream();
  const stderr = new CaptureStream();
  const code = await runCli(argv, {
    cwd: options.cwd,
    env: options.env,
    stdout: options.stdout ?? stdout,
    stderr: options.stderr ?? stderr,
    clock: options.clock ?? systemClock,
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
