import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../clock/testing/fake-clock.js';
import { detectTestCommand, runTestCommand, testEnvironment } from './test-command.js';

let folder: string;
beforeEach(async () => {
  folder = await realpath(await mkdtemp(join(tmpdir(), 'lldflow-tests-')));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Checked independently of the code under test: a zombie (dead, not yet reaped by init) counts as gone. */
async function processRuns(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return !/\) [ZX] /.test(stat);
}

async function pidWrittenTo(file: string): Promise<number> {
  // Waits for the real shell to start; no clock could drive that.
  return vi.waitFor(
    async () => {
      const text = (await readFile(file, 'utf8')).trim();
      if (!/^\d+$/.test(text)) throw new Error('pid not written yet');
      return Number(text);
    },
    { timeout: 10_000, interval: 20 },
  );
}

describe('detectTestCommand', () => {
  it('finds nothing in an empty folder', async () => {
    expect(await detectTestCommand(folder)).toBeUndefined();
  });

  it('uses npm test when package.json has a real test script', async () => {
    await writeFile(join(folder, 'package.json'), JSON.stringify({ scripts: { test: 'vitest run' } }));
    expect(await detectTestCommand(folder)).toBe('npm test');
  });

  it('ignores the placeholder test script of npm init and package.json without scripts', async () => {
    await writeFile(join(folder, 'package.json'), JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }));
    expect(await detectTestCommand(folder)).toBeUndefined();
    await writeFile(join(folder, 'package.json'), JSON.stringify({ name: 'x' }));
    expect(await detectTestCommand(folder)).toBeUndefined();
    await writeFile(join(folder, 'package.json'), '{ not json');
    expect(await detectTestCommand(folder)).toBeUndefined();
  });

  it.each([
    ['pytest.ini', '[pytest]\n'],
    ['pyproject.toml', '[project]\nname = "x"\n\n[tool.pytest.ini_options]\naddopts = "-q"\n'],
    ['setup.cfg', '[metadata]\nname = x\n[tool:pytest]\ntestpaths = tests\n'],
    ['tox.ini', '[tox]\n[pytest]\n'],
  ])('uses pytest when %s configures it', async (name, content) => {
    await writeFile(join(folder, name), content);
    expect(await detectTestCommand(folder)).toBe('pytest');
  });

  it('does not take a pyproject.toml without pytest settings for pytest', async () => {
    await writeFile(join(folder, 'pyproject.toml'), '[project]\nname = "x"\n[tool.black]\n');
    expect(await detectTestCommand(folder)).toBeUndefined();
  });

  it('uses pytest for a tests folder holding Python files, and not for an empty one', async () => {
    await mkdir(join(folder, 'tests', 'unit'), { recursive: true });
    expect(await detectTestCommand(folder)).toBeUndefined();
    await writeFile(join(folder, 'tests', 'unit', 'test_a.py'), 'def test_a(): pass\n');
    expect(await detectTestCommand(folder)).toBe('pytest');
  });

  it('prefers npm test when both are present, and knows go and cargo', async () => {
    await writeFile(join(folder, 'pytest.ini'), '[pytest]\n');
    await writeFile(join(folder, 'package.json'), JSON.stringify({ scripts: { test: 'jest' } }));
    expect(await detectTestCommand(folder)).toBe('npm test');

    const other = join(folder, 'go');
    await mkdir(other);
    await writeFile(join(other, 'go.mod'), 'module x\n');
    expect(await detectTestCommand(other)).toBe('go test ./...');
    await rm(join(other, 'go.mod'));
    await writeFile(join(other, 'Cargo.toml'), '[package]\n');
    expect(await detectTestCommand(other)).toBe('cargo test');
  });
});

describe('runTestCommand', () => {
  it('reports a passing command with its combined output', async () => {
    const result = await runTestCommand({
      command: 'echo out; echo err >&2; echo "$CI/$FORCE_COLOR/$EXTRA"',
      cwd: folder,
      timeoutMs: 60_000,
      env: { EXTRA: 'given' },
    });

    expect(result.exitCode).toBe(0);
    expect(result.timedOut).toBe(false);
    expect(result.output).toContain('out\n');
    expect(result.output).toContain('err\n');
    expect(result.output).toContain('true/0/given\n');
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a failing command with its exit code', async () => {
    const result = await runTestCommand({ command: 'echo "1 failed"; exit 3', cwd: folder, timeoutMs: 60_000 });
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, output: '1 failed\n' });
  });

  it('runs in the given folder', async () => {
    await writeFile(join(folder, 'marker.txt'), 'here');
    const result = await runTestCommand({ command: 'cat marker.txt', cwd: folder, timeoutMs: 60_000 });
    expect(result.output).toBe('here');
  });

  it('kills the whole process group on time-out and settles after it is gone', async () => {
    const clock = new FakeClock();
    const run = runTestCommand({
      command: "echo started; sh -c 'sleep 1000 & echo $! > grandchild.pid; sleep 1000'",
      cwd: folder,
      timeoutMs: 5 * 60_000,
      clock,
    });
    const grandchild = await pidWrittenTo(join(folder, 'grandchild.pid'));
    expect(await processRuns(grandchild)).toBe(true);

    await clock.advance(5 * 60_000);
    const result = await run;

    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.output).toContain('started');
    expect(result.durationMs).toBe(5 * 60_000);
    expect(await processRuns(grandchild)).toBe(false);
  });

  it('sends SIGKILL after the grace period to processes that ignore SIGTERM', async () => {
    const clock = new FakeClock();
    const run = runTestCommand({
      command: "trap '' TERM; sh -c 'sleep 1000 & echo $! > stubborn.pid; wait'",
      cwd: folder,
      timeoutMs: 1_000,
      killGraceMs: 3_000,
      clock,
    });
    let settled = false;
    void run.then(() => (settled = true));
    const stubborn = await pidWrittenTo(join(folder, 'stubborn.pid'));

    await clock.advance(1_000);
    await vi.waitFor(() => expect(clock.pendingSleeps).toBeGreaterThan(0));
    expect(await processRuns(stubborn)).toBe(true);
    expect(settled).toBe(false);

    await clock.advance(3_000);
    const result = await run;

    expect(result.timedOut).toBe(true);
    expect(await processRuns(stubborn)).toBe(false);
  });

  it('kills the group and rejects with the reason when aborted', async () => {
    const controller = new AbortController();
    const run = runTestCommand({
      command: "sh -c 'sleep 1000 & echo $! > child.pid; wait'",
      cwd: folder,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    const child = await pidWrittenTo(join(folder, 'child.pid'));
    const reason = new Error('interrupted');

    controller.abort(reason);

    await expect(run).rejects.toBe(reason);
    expect(await processRuns(child)).toBe(false);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('early'));
    await expect(runTestCommand({ command: 'touch ran.txt', cwd: folder, timeoutMs: 1_000, signal: controller.signal })).rejects.toThrow(
      'early',
    );
    await expect(readFile(join(folder, 'ran.txt'))).rejects.toThrow();
  });

  it('rejects when the command cannot be started', async () => {
    await expect(runTestCommand({ command: 'true', cwd: join(folder, 'missing'), timeoutMs: 1_000 })).rejects.toThrow(/ENOENT/);
  });

  it('ends background processes the command left behind', async () => {
    const result = await runTestCommand({
      command: 'sleep 1000 & echo $! > leftover.pid; echo done',
      cwd: folder,
      timeoutMs: 60_000,
      killGraceMs: 5_000,
    });
    const leftover = Number((await readFile(join(folder, 'leftover.pid'), 'utf8')).trim());

    expect(result).toMatchObject({ exitCode: 0, timedOut: false, output: 'done\n' });
    expect(await processRuns(leftover)).toBe(false);
  });

  it('keeps only the tail of long output', async () => {
    const result = await runTestCommand({ command: 'seq 1 20000', cwd: folder, timeoutMs: 60_000, maxOutputBytes: 1_000 });

    expect(result.output.endsWith('19999\n20000\n')).toBe(true);
    expect(result.output).toMatch(/^\[… \d+ earlier bytes of output left out …\]\n\d+\n/);
    expect(result.output.length).toBeLessThan(1_100);
    expect(result.output).not.toContain('\n1\n');
  });
});

describe('testEnvironment', () => {
  it('drops inherited credentials, keeps the rest, and sets CI and turns colours off', () => {
    const environment = testEnvironment(
      { GIVEN_TOKEN: 'explicit', FORCE_COLOR: '3' },
      {
        PATH: '/bin',
        OPENAI_API_KEY: 'k',
        ANTHROPIC_API_KEYS: 'a,b',
        GITHUB_TOKEN: 't',
        AWS_SECRET_ACCESS_KEY: 's',
        DB_PASSWORD: 'p',
        HOME: '/h',
        TOKENIZER: 'keep',
      },
    );
    expect(environment).toEqual({
      PATH: '/bin',
      HOME: '/h',
      TOKENIZER: 'keep',
      GIVEN_TOKEN: 'explicit',
      CI: 'true',
      FORCE_COLOR: '0',
      NO_COLOR: '1',
    });
  });
});
