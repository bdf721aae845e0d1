import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ISOLATED_GIT_ENV } from '../../src/git/testing/temporary-repository.js';
import { testSandbox } from '../../src/process/testing/test-sandbox.js';
import type { FakeHttpServer, FakeRequest } from '../../src/providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import { CliProcess } from '../support/cli-process.js';
import { codeFileFor, implementerCall, implementRepository } from '../support/implement-fixtures.js';

const KEY = 'sk-hostile-check-0123456789abcdef';
let server: FakeHttpServer | undefined;
const folders: string[] = [];

afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Host processes whose command line holds `marker`, read from /proc independently of lldflow. */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return (
          readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(marker) && !/\) [ZX] /.test(readFileSync(`/proc/${entry}/stat`, 'utf8'))
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** A test file as a hostile model would write it: every attack runs when the RED run executes it. */
function hostileTests(marks: { hookFired: string; outside: string; marker: string }): string {
  const lingerer = (suffix: string): string =>
    `spawn(process.execPath, ['-e', "process.on('SIGTERM',()=>{});setInterval(()=>{},1000)", '${marks.marker}${suffix}'], { detached: true, stdio: 'ignore' }).unref();`;
  return [
    '### File: test/attack.test.js',
    '```js',
    "import { test } from 'node:test';",
    "import { execFileSync, spawn } from 'node:child_process';",
    "import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';",
    "import { join } from 'node:path';",
    'const report = [];',
    "const attempt = (name, work) => { try { work(); report.push(name + ': done'); } catch (error) { report.push(name + ': refused ' + (error.code ?? error.message)); } };",
    "attempt('hooks', () => {",
    "  const common = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { encoding: 'utf8' }).trim();",
    "  for (const hook of ['pre-commit', 'post-commit', 'commit-msg', 'post-checkout']) {",
    `    const path = join(common, 'hooks', hook); writeFileSync(path, '#!/bin/sh\\necho fired >> ${marks.hookFired}\\n'); chmodSync(path, 0o755);`,
    '  }',
    '});',
    `attempt('outside', () => writeFileSync('${marks.outside}', 'planted'));`,
    "let keys = process.env.OPENAI_API_KEYS ?? '';",
    "for (const pid of readdirSync('/proc').filter((entry) => /^\\d+$/.test(entry))) {",
    "  try { const found = /OPENAI_API_KEYS?=([^\\0]*)/.exec(readFileSync('/proc/' + pid + '/environ', 'latin1')); if (found) keys += found[1] + ';'; } catch {}",
    '}',
    "writeFileSync('leaked.txt', 'keys: ' + keys + '\\n');",
    lingerer(''),
    `spawn('setsid', [process.execPath, '-e', "process.on('SIGTERM',()=>{});setInterval(()=>{},1000)", '${marks.marker}-setsid'], { detached: true, stdio: 'ignore' }).unref();`,
    "writeFileSync('attack-report.txt', report.join('\\n') + '\\n');",
    "test('feature 1', () => { throw new Error('not implemented yet'); });",
    '```',
  ].join('\n');
}

describe.skipIf(testSandbox().kind !== 'bwrap')('implement: model-written code runs in the sandbox', () => {
  it('a hostile test plants no hook, writes nothing outside its worktree, finds no key, and leaves no process', async () => {
    const repo = implementRepository(['1']);
    const root = dirname(dirname(repo));
    const marks = {
      hookFired: join(root, 'hook-fired.txt'),
      outside: join(root, 'outside.txt'),
      marker: `lldflow-hostile-${process.pid}-${Date.now()}`,
    };
    server = await fakeOpenAIServer({
      respond: (request: FakeRequest) => {
        const prompt =
          (request.body as { messages: Array<{ role: string; content: string }> }).messages.find((message) => message.role === 'user')
            ?.content ?? '';
        return { text: implementerCall(prompt).phase === 'tests' ? hostileTests(marks) : codeFileFor('1') };
      },
    });
    const hooksBefore = readdirSync(join(repo, '.git', 'hooks')).sort();

    const run = new CliProcess(
      [
        'implement',
        '--repo',
        repo,
        '--issue',
        '1',
        '--implementer',
        'openai:hostile',
        '--test-command',
        'node --test',
        '--max-iterations',
        '1',
      ],
      {
        cwd: repo,
        env: { ...ISOLATED_GIT_ENV, OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEYS: KEY, OPENAI_API_KEY: undefined },
      },
    );
    const exit = await run.exited;

    // The attack ran (its report is on the branch) and the item ended without passing tests.
    expect(exit.code, run.stdout + run.stderr).toBe(1);
    const worktree = join(repo, '.lldflow', 'worktrees', '1');
    const report = readFileSync(join(worktree, 'attack-report.txt'), 'utf8');
    expect(report).toMatch(/hooks: refused/);
    // Under /tmp the sandbox's private /tmp takes the write; anywhere else the disk is read-only. Either way the host file is absent.
    expect(existsSync(marks.outside)).toBe(false);
    expect(readdirSync(join(repo, '.git', 'hooks')).sort()).toEqual(hooksBefore);
    expect(existsSync(marks.hookFired)).toBe(false);
    expect(readFileSync(join(worktree, 'leaked.txt'), 'utf8')).toBe('keys: \n');
    const history = execFileSync('git', ['log', '-p', '--all'], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, ...ISOLATED_GIT_ENV },
    });
    expect(history).toContain('attack-report.txt');
    for (const text of [
      history,
      run.stdout,
      run.stderr,
      ...filesUnder(repo)
        .filter((path) => !path.includes(`${join(repo, '.git')}/objects`))
        .map((path) => readFileSync(path, 'latin1')),
    ]) {
      expect(text.includes(KEY)).toBe(false);
    }
    expect(processesWith(marks.marker)).toEqual([]);
  });

  it('Ctrl+C during a test run that ignores SIGTERM and starts a setsid child leaves no process', async () => {
    const repo = implementRepository(['1']);
    const marker = `lldflow-ctrlc-${process.pid}-${Date.now()}`;
    server = await fakeOpenAIServer({
      respond: (request: FakeRequest) => {
        const prompt =
          (request.body as { messages: Array<{ role: string; content: string }> }).messages.find((message) => message.role === 'user')
            ?.content ?? '';
        const call = implementerCall(prompt);
        return {
          text:
            call.phase === 'tests'
              ? [
                  '### File: test/slow.test.js',
                  '```js',
                  "import { test } from 'node:test';",
                  "test('x', () => { throw new Error('red'); });",
                  '```',
                ].join('\n')
              : codeFileFor('1'),
        };
      },
    });
    const lingerer = `node -e "process.on('SIGTERM',()=>{});setInterval(()=>{},1000)"`;
    // The marker is put together inside the shell, so only the lingering processes carry it whole.
    const split = `${marker.slice(0, 8)}""${marker.slice(8)}`;
    const testCommand = `trap '' TERM; M=${split}; setsid ${lingerer} "$M-setsid" & ${lingerer} "$M-child" & wait`;
    const run = new CliProcess(
      ['implement', '--repo', repo, '--issue', '1', '--implementer', 'openai:slow', '--test-command', testCommand],
      {
        cwd: repo,
        env: { ...ISOLATED_GIT_ENV, OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEYS: KEY, OPENAI_API_KEY: undefined },
      },
    );
    await run.waitFor((output) => /red run|test run/.test(output) || processesWith(marker).length >= 2);
    // Waits for the real processes inside the sandbox; no clock could drive that.
    for (let tries = 0; tries < 200 && processesWith(marker).length < 2; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(processesWith(marker).length).toBe(2);
    const pressedAt = Date.now();
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(130);
    expect(Date.now() - pressedAt).toBeLessThan(5000);
    expect(processesWith(marker)).toEqual([]);
  });
});

describe('implement without a sandbox', () => {
  it('--sandbox auto refuses when bubblewrap is not on PATH: exit 2, how to install it or --sandbox none, nothing written', async () => {
    const repo = implementRepository(['1']);
    const bin = mkdtempSync(join(tmpdir(), 'lldflow-path-'));
    folders.push(bin);
    for (const tool of ['git', 'sh'])
      symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
    const run = new CliProcess(['implement', '--repo', repo, '--all', '--implementer', 'replay:nowhere', '--test-command', 'node --test'], {
      cwd: repo,
      env: { ...ISOLATED_GIT_ENV, PATH: bin },
    });
    const exit = await run.exited;
    expect(exit.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/--sandbox auto: bubblewrap \(bwrap\) is not on PATH.*apt-get install bubblewrap.*or pass --sandbox none/);
    expect(existsSync(join(repo, '.lldflow'))).toBe(false);
  });
});
