import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeHttpServer } from '../../src/providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import { approvingResponder } from '../support/lld-responder.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../../src/git/testing/temporary-repository.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Inside the package (so the compiled code finds templates/ by walking up), but never the real dist/.
const outDir = join(root, 'node_modules', '.cache', 'lldflow-built-cli-test');
const entry = join(outDir, 'cli', 'main.js');
let server: FakeHttpServer;

beforeAll(async () => {
  rmSync(outDir, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir],
    { cwd: root, stdio: 'inherit' },
  );
  server = await fakeOpenAIServer({ respond: approvingResponder, latencyMs: 10 });
}, 120_000);

afterAll(async () => {
  await server.close();
  rmSync(outDir, { recursive: true, force: true });
});

/** Asynchronous on purpose: the fake model server lives in this process and must keep answering. */
function lldflow(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [entry, ...args],
      { cwd, encoding: 'utf8', env: { ...process.env, ...ISOLATED_GIT_ENV, NO_COLOR: '1', ...env } },
      (error, stdout, stderr) => {
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
}

/** The fake model server, for runs that get as far as calling a model. */
function models(): Record<string, string> {
  return {
    OPENAI_BASE_URL: server.baseUrl,
    OPENAI_API_KEY: 'sk-built-cli-test',
    LLDFLOW_DRAFTER: 'openai:d',
    LLDFLOW_REVIEWER: 'openai:r',
  };
}

describe('the built CLI (tsc output run by plain node)', () => {
  it('rejects bad input with exit 2 and a message naming the value, writing nothing', async () => {
    const { repo } = temporaryRepository([]);
    const parallel = await lldflow(['requirements', '--all', '--parallel', 'abc'], repo);
    expect(parallel.status).toBe(2);
    expect(parallel.stderr).toContain('"abc"');
    const id = await lldflow(['requirements', '--issue', '../x'], repo);
    expect(id.status).toBe(2);
    expect(id.stderr).toContain('"../x"');
    expect(existsSync(join(repo, '.lldflow'))).toBe(false);
  });

  it('plans with --dry-run, then runs requirements end to end in a temporary git repository', async () => {
    const { repo, items } = temporaryRepository(['1', '2']);
    const env = {
      OPENAI_BASE_URL: server.baseUrl,
      OPENAI_API_KEY: 'sk-built-cli-test',
      LLDFLOW_DRAFTER: 'openai:d',
      LLDFLOW_REVIEWER: 'openai:r',
    };
    const dryRun = await lldflow(['requirements', '--source', items, '--all', '--dry-run'], repo, env);
    expect(dryRun.status, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toMatch(/1\s+Feature 1\s+start/);
    expect(existsSync(join(repo, '.lldflow'))).toBe(false);

    const run = await lldflow(['requirements', '--source', items, '--all', '--parallel', '--json'], repo, env);
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { counts: { succeeded: number }; parallel: number };
    expect(summary.counts.succeeded).toBe(2);
    expect(summary.parallel).toBe(3);
    expect(readFileSync(join(repo, 'docs', 'lld', 'active', 'LLD-001.md'), 'utf8')).toContain('**Status:** Approved');
    expect(readFileSync(join(repo, '.git', 'info', 'exclude'), 'utf8')).toContain('.lldflow/');

    const status = await lldflow(['status', '--json'], repo);
    expect(
      (JSON.parse(status.stdout) as { items: Array<{ id: string; lastResult: string }> }).items.map((row) => [row.id, row.lastResult]),
    ).toEqual([
      ['1', 'succeeded'],
      ['2', 'succeeded'],
    ]);
  });

  it('two files of one item (7.md and 007.md) are a usage error naming both; nothing is written', async () => {
    const { repo, items } = temporaryRepository(['7', '007', '8']);
    for (const args of [['--all'], ['--issue', '8'], ['--all', '--dry-run']]) {
      const run = await lldflow(['requirements', '--source', items, ...args], repo, models());
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toContain(`two files in ${items} are one item: 007.md and 7.md`);
      expect(run.stderr).toContain('both become LLD-007.md');
    }
    expect(existsSync(join(repo, '.lldflow'))).toBe(false);
    expect(existsSync(join(repo, 'docs'))).toBe(false);
  });

  it('ids starting with "-" are usage errors naming them, as --issue values too', async () => {
    const { repo, items } = temporaryRepository(['1']);
    for (const value of ['-rf', '--help,-rf', '1,-rf']) {
      const run = await lldflow(['requirements', '--source', items, '--issue', value], repo, models());
      expect(run.status, value).toBe(2);
      expect(run.stderr).toContain(`invalid item id "${value.startsWith('--') ? '--help' : '-rf'}"`);
    }
    const twice = await lldflow(['requirements', '--source', items, '--issue', '7,007'], repo, models());
    expect(twice.status).toBe(2);
    expect(twice.stderr).toContain('item ids "7" and "007" name one item');
    expect(existsSync(join(repo, '.lldflow'))).toBe(false);
  });

  it('under --all, files that cannot be items are listed as invalid with why, a too-large item fails named, the rest run, exit 1', async () => {
    const { repo, items } = temporaryRepository(['1', '2']);
    const long = 'n'.repeat(70);
    writeFileSync(join(items, 'broken.md'), '---\ntitle: [unclosed\n---\n\nBody.\n');
    writeFileSync(join(items, 'café.md'), '# Café\n');
    writeFileSync(join(items, 'a b.md'), '# Spaces\n');
    writeFileSync(join(items, 'x..y.md'), '# Dots\n');
    writeFileSync(join(items, `${long}.md`), '# Long\n');
    writeFileSync(join(items, '-rf.md'), '# Dash\n');
    writeFileSync(join(items, 'empty.md'), '');
    writeFileSync(join(items, 'binary.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    writeFileSync(join(items, 'big.md'), `# Big\n\n${'word '.repeat(60_000)}\n`);
    const invalid: Array<[string, string]> = [
      ['-rf.md', `"-rf" is not a valid item id: it starts with '-'`],
      ['a b.md', '"a b" is not a valid item id: it contains " "'],
      ['binary.md', 'the file is binary (it holds NUL bytes)'],
      ['broken.md', 'invalid YAML front matter'],
      ['café.md', '"café" is not a valid item id: it contains "é"'],
      ['empty.md', 'the file is empty: there is nothing to draft from'],
      [`${long}.md`, 'is 70 characters long (at most 64)'],
      ['x..y.md', '"x..y" is not a valid item id: it contains "."'],
    ];
    const tooLarge = `${join(items, 'big.md')} is 293 KB, above the item size limit of 256 KB`;

    const dryRun = await lldflow(['requirements', '--source', items, '--all', '--dry-run'], repo, models());
    expect(dryRun.status, dryRun.stderr).toBe(1);
    expect(dryRun.stdout).toMatch(/1\s+Feature 1\s+start/);
    for (const [file, reason] of invalid) expect(dryRun.stdout).toMatch(new RegExp(`${escape(file)}\\s+invalid \\(.*${escape(reason)}`));
    expect(dryRun.stdout).toMatch(new RegExp(`big\\s+big\\s+fail \\(${escape(tooLarge)}`));
    expect(dryRun.stdout).toContain('11 items · 2 to start · 0 to resume · 0 to skip · 1 to fail · 8 invalid');
    const dryJson = await lldflow(['requirements', '--source', items, '--all', '--dry-run', '--json'], repo, models());
    expect(dryJson.status).toBe(1);
    const planned = (JSON.parse(dryJson.stdout) as { items: Array<{ id: string; action: { kind: string; status?: string } }> }).items;
    expect(planned.filter((item) => item.action.status === 'invalid').map((item) => item.id)).toEqual(invalid.map(([file]) => file));
    expect(existsSync(join(repo, '.lldflow'))).toBe(false);

    const run = await lldflow(['requirements', '--source', items, '--all', '--parallel', '--json'], repo, models());
    expect(run.status, run.stderr).toBe(1);
    const summary = JSON.parse(run.stdout) as {
      counts: Record<string, number>;
      items: Array<{ id: string; status: string; error: string | null }>;
      retryCommand: string | null;
    };
    expect(summary.counts).toMatchObject({ succeeded: 2, failed: 1, invalid: 8 });
    expect(summary.items.filter((item) => item.status === 'succeeded').map((item) => item.id)).toEqual(['1', '2']);
    for (const [file, reason] of invalid) {
      expect(summary.items.find((item) => item.id === file)).toMatchObject({ status: 'invalid' });
      expect(summary.items.find((item) => item.id === file)?.error).toContain(reason);
    }
    expect(summary.items.find((item) => item.id === 'big')).toMatchObject({ status: 'failed' });
    expect(summary.items.find((item) => item.id === 'big')?.error).toContain(tooLarge);
    expect(summary.retryCommand).toMatch(/--issue big$/);
    // The summary table (on stderr with --json) lists them with their reasons too.
    expect(run.stderr).toContain(`invalid: ${invalid.map(([file]) => file).join(', ')}`);
    for (const [file, reason] of invalid) expect(run.stderr).toMatch(new RegExp(`^  ${escape(file)}: .*${escape(reason)}`, 'm'));
    expect(run.stderr).toContain(`  big: ${tooLarge}`);
    expect(readFileSync(join(repo, 'docs', 'lld', 'active', 'LLD-002.md'), 'utf8')).toContain('**Status:** Approved');
    expect(existsSync(join(repo, 'docs', 'lld', 'active', 'LLD-big.md'))).toBe(false);
  });

  it('an empty or binary item asked for by id is a usage error naming its file', async () => {
    const { repo, items } = temporaryRepository(['1']);
    writeFileSync(join(items, 'empty.md'), '\n\n');
    writeFileSync(join(items, 'binary.md'), Buffer.from([0xff, 0xfe, 0x00, 0x00]));
    const empty = await lldflow(['requirements', '--source', items, '--issue', 'empty'], repo, models());
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('cannot be read (empty.md): the file is empty');
    const binary = await lldflow(['requirements', '--source', items, '--issue', 'binary,1'], repo, models());
    expect(binary.status).toBe(2);
    expect(binary.stderr).toContain('cannot be read (binary.md): the file is binary');
    expect(existsSync(join(repo, '.lldflow'))).toBe(false);
  });

  it('--repo naming a subfolder is a usage error naming the top level found', async () => {
    const { repo, items } = temporaryRepository(['1']);
    const run = await lldflow(['requirements', '--repo', 'src', '--source', items, '--all'], repo, models());
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`is a subfolder of the git repository ${repo}: pass its top level, --repo ${repo}`);
    expect(existsSync(join(repo, 'src', '.lldflow'))).toBe(false);
    expect(existsSync(join(repo, '.lldflow'))).toBe(false);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
