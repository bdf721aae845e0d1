import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * How a fake `claude` behaves:
 * - `answer`: reads stdin, records argv and stdin in `<dir>/invocation.json`, prints a JSON result;
 * - `fail`: writes to stderr and exits with code 3;
 * - `error-result`: exits 0 with `is_error: true`;
 * - `garbage`: exits 0 with text that is not JSON;
 * - `hang`: starts a grandchild that shares its stdio, writes both pids to `<dir>/pids.json` once ready, never ends;
 * - `hang-ignoring-sigterm`: like `hang`, but both processes ignore SIGTERM.
 */
export type FakeClaudeMode = 'answer' | 'fail' | 'error-result' | 'garbage' | 'hang' | 'hang-ignoring-sigterm';

export interface FakeClaude {
  /** The executable to run instead of `claude`. */
  command: string;
  dir: string;
  remove(): Promise<void>;
}

const SCRIPT = String.raw`
const { spawn } = require('node:child_process');
const { appendFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const mode = process.env.FAKE_CLAUDE_MODE;
const dir = process.env.FAKE_CLAUDE_DIR;
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  if (mode === 'answer') {
    writeFileSync(join(dir, 'invocation.json'), JSON.stringify({ args: process.argv.slice(2), input }));
    process.stdout.write(JSON.stringify({
      type: 'result', subtype: 'success', is_error: false, duration_ms: 1200,
      result: 'ANSWER for ' + input.length + ' characters',
      usage: { input_tokens: 10, cache_creation_input_tokens: 3, cache_read_input_tokens: 5, output_tokens: 7 },
      total_cost_usd: 0.0123,
      modelUsage: { 'claude-sonnet-4-5-20250929': { inputTokens: 18, outputTokens: 7 } },
    }) + '\n');
  } else if (mode === 'fail') {
    process.stderr.write('lots of earlier noise\n'.repeat(100) + 'Error: not logged in, run claude login\n');
    process.exit(3);
  } else if (mode === 'error-result') {
    process.stdout.write(JSON.stringify({ type: 'result', subtype: 'error_during_execution', is_error: true, result: 'model overloaded' }));
  } else if (mode === 'garbage') {
    process.stdout.write('this is not json');
  } else {
    const ignore = mode === 'hang-ignoring-sigterm';
    // Ignored, but recorded in <dir>/sigterm.log, so a test can wait for the signal to have landed.
    const sigtermLog = join(dir, 'sigterm.log');
    if (ignore) process.on('SIGTERM', () => appendFileSync(sigtermLog, 'child\n'));
    // The grandchild writes the pid file once its own SIGTERM handler is in place.
    const grandchildCode = (ignore ? "process.on('SIGTERM', () => require('node:fs').appendFileSync(process.argv[2], 'grandchild\\n'));" : '') +
      "require('node:fs').writeFileSync(process.argv[1], JSON.stringify({ child: process.ppid, grandchild: process.pid }));" +
      'setInterval(() => {}, 1000);';
    spawn(process.execPath, ['-e', grandchildCode, join(dir, 'pids.json'), sigtermLog], { stdio: 'inherit' });
    setInterval(() => {}, 1000);
  }
});
`;

/** Writes an executable fake `claude` into a new temporary folder. */
export async function createFakeClaude(): Promise<FakeClaude> {
  const dir = await mkdtemp(join(tmpdir(), 'lldflow-fake-claude-'));
  const command = join(dir, 'claude');
  await writeFile(command, `#!${process.execPath}\n${SCRIPT}`);
  await chmod(command, 0o755);
  return { command, dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The environment that selects a mode. */
export function fakeClaudeEnv(fake: FakeClaude, mode: FakeClaudeMode): NodeJS.ProcessEnv {
  return { ...process.env, FAKE_CLAUDE_MODE: mode, FAKE_CLAUDE_DIR: fake.dir };
}
