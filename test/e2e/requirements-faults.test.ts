import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteCheckpointStoreFactory } from '../../src/checkpoints/sqlite-store.js';
import type { RunSummary } from '../../src/core/items.js';
import { bindReadOnly, MountSet, mountTmpfs } from '../../src/files/testing/mounts.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../../src/git/testing/temporary-repository.js';
import type { FakeHttpServer, FakeRequest } from '../../src/providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import { initialState, type LoopState } from '../../src/workflows/review-loop/state.js';
import { CliProcess } from '../support/cli-process.js';
import { approvingResponder, classifyCall } from '../support/lld-responder.js';

let server: FakeHttpServer | undefined;
const mounts = new MountSet();

afterEach(async () => {
  mounts.unmountAll();
  await server?.close();
  server = undefined;
});

const ENV = { ...ISOLATED_GIT_ENV, OPENAI_API_KEYS: 'sk-e2e-key-one,sk-e2e-key-two', OPENAI_API_KEY: undefined };

function requirements(repo: string, items: string, baseUrl: string, extra: string[] = []): CliProcess {
  return new CliProcess(
    [
      'requirements',
      '--repo',
      repo,
      '--source',
      items,
      '--all',
      '--drafter',
      'openai:test-drafter',
      '--reviewer',
      'openai:test-reviewer',
      ...extra,
    ],
    { cwd: repo, env: { ...ENV, OPENAI_BASE_URL: baseUrl } },
  );
}

function status(repo: string, extra: string[] = []): CliProcess {
  return new CliProcess(['status', '--repo', repo, ...extra], { cwd: repo, env: ENV });
}

function lineageRuns(repo: string, folder: string): Record<string, string[]> {
  const base = join(repo, 'docs', 'lineage', 'active', folder);
  if (!existsSync(base)) return {};
  return Object.fromEntries(readdirSync(base).map((run) => [run, readdirSync(join(base, run))]));
}

/** Every file under `folder`, relative to it. */
function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((name) => statSync(join(folder, name)).isFile());
}

function latestSummary(repo: string): RunSummary {
  const folder = join(repo, '.lldflow', 'runs');
  const names = readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort();
  return JSON.parse(readFileSync(join(folder, names.at(-1)!), 'utf8')) as RunSummary;
}

function answered(model: FakeHttpServer): string[] {
  return model.requests
    .filter((record) => record.outcome === 'answered')
    .map((record) => {
      const call = classifyCall({ body: record.body, apiKey: record.apiKey, headers: {}, path: record.path });
      return `${call.itemId}/${call.step}`;
    });
}

const FULL_LINEAGE = ['001-issue.md', '002-draft.md', '003-verdict.md', '004-final.md', '005-approved.json'];
const APPROVED_LLD = /\* \*\*Status:\*\* Approved/;

describe('requirements: checkpoint faults stay with their item', () => {
  it('a garbage checkpoint is moved aside and its item starts afresh; a newer-schema one fails only its item, saying what to do', async () => {
    const { repo, items } = temporaryRepository(['1', '2', '3']);
    server = await fakeOpenAIServer({ respond: approvingResponder });
    const checkpoints = new SqliteCheckpointStoreFactory(repo);
    mkdirSync(checkpoints.folder, { recursive: true });
    writeFileSync(checkpoints.pathOf('lld', '1'), 'garbage where a checkpoint should be\n'.repeat(20));
    const newer = new Database(checkpoints.pathOf('lld', '2'));
    newer.exec(`CREATE TABLE meta (id INTEGER PRIMARY KEY, schema_version INTEGER, workflow TEXT, item_id TEXT, status TEXT, error TEXT, updated_at TEXT);
      CREATE TABLE steps (step INTEGER PRIMARY KEY, stage TEXT, state TEXT, committed_at TEXT);
      INSERT INTO meta VALUES (1, 2, 'lld', '2', 'interrupted', NULL, '2030-01-01T00:00:00.000Z');
      INSERT INTO steps VALUES (1, 'review', '{}', '2030-01-01T00:00:00.000Z');`);
    newer.close();

    const run = requirements(repo, items, server.baseUrl);
    const exit = await run.exited;
    expect(exit.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.stdout).toMatch(
      /\[1\] warning: its checkpoint could not be read \(.*lld-1\.sqlite is not a readable lldflow checkpoint database.*\); moved to .*lld-1\.sqlite\.corrupt-/,
    );
    const summary = latestSummary(repo);
    expect(summary.items.map((item) => [item.id, item.status])).toEqual([
      ['1', 'succeeded'],
      ['2', 'failed'],
      ['3', 'succeeded'],
    ]);
    expect(summary.items[1]?.error).toMatch(
      /schema version 2, written by a newer lldflow .*: resume the item with that lldflow, or delete the file to start the item afresh/,
    );
    expect(readdirSync(checkpoints.folder).filter((name) => name.includes('.corrupt-'))).toHaveLength(1);
    expect(existsSync(checkpoints.pathOf('lld', '2'))).toBe(true);
  });

  it('`lldflow status` over every kind of damaged state exits 0 and names each', async () => {
    const { repo } = temporaryRepository([]);
    const checkpoints = new SqliteCheckpointStoreFactory(repo);
    const loop = (id: string, stage: LoopState['stage'], extra: Partial<LoopState> = {}): LoopState => ({
      ...initialState('2026-01-01T00-00-00Z', '2026-01-01T00:00:00.000Z'),
      stage,
      ...extra,
      item: { id, title: `Feature ${id}`, body: 'b', labels: [], origin: `items/${id}.md` },
    });
    // 1: garbage. 2: truncated. 3: a newer schema. 4: a damaged state. 5: a finished item's checkpoint never removed.
    mkdirSync(checkpoints.folder, { recursive: true });
    writeFileSync(checkpoints.pathOf('lld', '1'), 'garbage\n'.repeat(100));
    const big = await checkpoints.open('lld', '2');
    for (let step = 0; step < 40; step++) await big.commit({ stage: 'review', state: loop('2', 'review', { document: 'x'.repeat(4000) }) });
    await big.close();
    truncateSync(checkpoints.pathOf('lld', '2'), Math.floor(statSync(checkpoints.pathOf('lld', '2')).size / 2));
    const newer = new Database(checkpoints.pathOf('lld', '3'));
    newer.exec(`CREATE TABLE meta (id INTEGER PRIMARY KEY, schema_version INTEGER, workflow TEXT, item_id TEXT, status TEXT, error TEXT, updated_at TEXT);
      CREATE TABLE steps (step INTEGER PRIMARY KEY, stage TEXT, state TEXT, committed_at TEXT);
      INSERT INTO meta VALUES (1, 5, 'lld', '3', 'running', NULL, 'x'); INSERT INTO steps VALUES (1, 'review', '{}', 'x');`);
    newer.close();
    const damaged = await checkpoints.open('lld', '4');
    await damaged.commit({ stage: 'review', state: { version: 1, stage: 'reviewing' } });
    await damaged.close();
    const finished = await checkpoints.open('lld', '5');
    await finished.commit({ stage: 'done', state: loop('5', 'done', { output: 'docs/lld/active/LLD-005.md' }) });
    await finished.close();
    mkdirSync(join(repo, 'docs', 'lld', 'active'), { recursive: true });
    writeFileSync(join(repo, 'docs', 'lld', 'active', 'LLD-005.md'), '# 5 - Feature 5\n\n* **Status:** Approved\n');
    // 6: a checkpoint a run moved aside. 7: a run folder left with only its first entry, and a temporary file.
    writeFileSync(join(checkpoints.folder, 'lld-6.sqlite.corrupt-2026-01-01T00-00-00Z'), 'old garbage');
    const abandoned = join(repo, 'docs', 'lineage', 'active', '7-lld', '2026-01-01T00-00-00Z');
    mkdirSync(abandoned, { recursive: true });
    writeFileSync(join(abandoned, '001-issue.md'), '# 7\n');
    writeFileSync(join(abandoned, '002-draft.md.999999.1.tmp'), 'half a draft');
    // A run summary that is not one.
    mkdirSync(join(repo, '.lldflow', 'runs'), { recursive: true });
    writeFileSync(join(repo, '.lldflow', 'runs', '2026-01-01T00-00-00Z.json'), '{"runId": "cut short');

    const text = status(repo);
    expect((await text.exited).code, text.stderr).toBe(0);
    expect(text.stderr).toBe('');
    const lines = text.stdout.split('\n');
    const line = (path: string): string => lines.find((entry) => entry.startsWith(`  ${path}`)) ?? `(no line for ${path})`;
    expect(text.stdout).toMatch(/^\d+ problems with lldflow's files:$/m);
    expect(line('.lldflow/checkpoints/lld-1.sqlite')).toMatch(
      /\(lld 1\): .*not a readable lldflow checkpoint database.*; the next run of the item moves it aside/,
    );
    expect(line('.lldflow/checkpoints/lld-2.sqlite')).toMatch(/\(lld 2\): .*(malformed|not a readable)/);
    expect(line('.lldflow/checkpoints/lld-3.sqlite')).toMatch(/\(lld 3\): .*schema version 5, written by a newer lldflow/);
    expect(line('.lldflow/checkpoints/lld-4.sqlite')).toMatch(/\(lld 4\): the lld checkpoint is damaged at stage/);
    expect(line('.lldflow/checkpoints/lld-5.sqlite')).toMatch(/\(lld 5\): checkpoint of a finished item that was never removed/);
    expect(line('.lldflow/checkpoints/lld-6.sqlite.corrupt-2026-01-01T00-00-00Z')).toMatch(
      /\(lld 6\): an unreadable checkpoint a run moved aside/,
    );
    expect(line('docs/lineage/active/7-lld/2026-01-01T00-00-00Z (lld 7)')).toMatch(
      /lineage of a run that never finished \(last entry 001-issue\.md\)/,
    );
    expect(line('docs/lineage/active/7-lld/2026-01-01T00-00-00Z/002-draft.md.999999.1.tmp')).toMatch(
      /temporary file of a write that never finished/,
    );
    expect(line('.lldflow/runs/2026-01-01T00-00-00Z.json')).toMatch(/not a run summary lldflow can read/);
    // The table still lists the items, the damaged ones as such and the finished one as done.
    expect(text.stdout).toMatch(/^lld\s+1\s+damaged checkpoint/m);
    expect(text.stdout).toMatch(/^lld\s+5\s+.*done\s+approved/m);

    const json = status(repo, ['--json']);
    expect((await json.exited).code).toBe(0);
    const report = JSON.parse(json.stdout) as { problems: Array<{ kind: string; path: string }> };
    expect([...new Set(report.problems.map((entry) => entry.kind))].sort()).toEqual([
      'checkpoint-newer',
      'checkpoint-set-aside',
      'checkpoint-stale',
      'checkpoint-state',
      'checkpoint-unreadable',
      'run-summary-unreadable',
      'temporary-file',
      'unfinished-lineage',
    ]);
  });

  it("a finished item's checkpoint that outlived it is recognised by status and removed by the next run, with no model call", async () => {
    const { repo, items } = temporaryRepository(['1']);
    server = await fakeOpenAIServer({ respond: approvingResponder });
    const first = requirements(repo, items, server.baseUrl);
    expect((await first.exited).code, first.stdout + first.stderr).toBe(0);
    const [runId] = Object.keys(lineageRuns(repo, '1-lld'));
    // What a kill between the item's end and its checkpoint's deletion leaves.
    const store = await new SqliteCheckpointStoreFactory(repo).open('lld', '1');
    const state = {
      ...initialState(runId!, '2026-01-01T00:00:00.000Z'),
      stage: 'done',
      outcome: { status: 'approved' },
      output: 'docs/lld/active/LLD-001.md',
      lineage: FULL_LINEAGE.map((file, index) => ({ number: index + 1, name: file.slice(4), content: 'x' })),
    };
    await store.commit({ stage: 'done', state });
    await store.close();

    const shown = status(repo);
    expect((await shown.exited).code).toBe(0);
    expect(shown.stdout).toMatch(/^lld\s+1\s+Feature 1\s+done\s+succeeded/m);
    expect(shown.stdout).toContain('checkpoint of a finished item that was never removed');

    const calls = server.requests.length;
    const second = requirements(repo, items, server.baseUrl);
    expect((await second.exited).code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/\[1\] resuming at stage done/);
    expect(server.requests.length).toBe(calls);
    expect(readdirSync(join(repo, '.lldflow', 'checkpoints')).filter((name) => name.endsWith('.sqlite'))).toEqual([]);
    expect(lineageRuns(repo, '1-lld')).toEqual({ [runId!]: FULL_LINEAGE });
    const third = status(repo);
    expect((await third.exited).code).toBe(0);
    expect(third.stdout).not.toContain('problem');
  });
});

describe('requirements: a whole audit trail', () => {
  it('a kill during the first draft: the re-run resumes into the same run folder', async () => {
    const { repo, items } = temporaryRepository(['1']);
    let hold = true;
    const held: Array<() => void> = [];
    server = await fakeOpenAIServer({
      respond: async (request: FakeRequest) => {
        if (hold && classifyCall(request).step === 'draft') await new Promise<void>((release) => held.push(release));
        return approvingResponder(request);
      },
    });
    const first = requirements(repo, items, server.baseUrl);
    await first.waitFor((output) => output.includes('drafting with'));
    first.child.kill('SIGKILL');
    await first.exited;
    hold = false;
    for (const release of held) release();
    const runs = Object.keys(lineageRuns(repo, '1-lld'));
    expect(runs).toHaveLength(1);

    const second = requirements(repo, items, server.baseUrl);
    expect((await second.exited).code, second.stdout + second.stderr).toBe(0);
    expect(lineageRuns(repo, '1-lld')).toEqual({ [runs[0]!]: FULL_LINEAGE });
  });

  it('lineage that cannot be written fails the item naming the file and errno, and no LLD is written until it is', async ({ skip }) => {
    const { repo, items } = temporaryRepository(['1']);
    const lineage = join(repo, 'docs', 'lineage');
    mkdirSync(lineage, { recursive: true });
    let readOnly: string | undefined;
    let skipped = false;
    server = await fakeOpenAIServer({
      respond: (request) => {
        // The draft's lineage is on disk; from the review on, docs/lineage refuses writes (as an unwritable mount would).
        if (classifyCall(request).step === 'review-1' && readOnly === undefined && !skipped) {
          readOnly = mounts.use(bindReadOnly(lineage), () => (skipped = true));
        }
        return approvingResponder(request);
      },
    });
    const first = requirements(repo, items, server.baseUrl);
    const exit = await first.exited;
    if (skipped) return skip('no read-only bind mount');
    expect(exit.code, first.stdout + first.stderr).toBe(1);
    expect(first.stderr).not.toContain('unexpected error');
    const failed = latestSummary(repo).items[0];
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toMatch(
      /^could not write .*docs\/lineage\/active\/1-lld\/[^/]+\/003-verdict\.md: read-only file system \(EROFS\)$/,
    );
    // The LLD is what marks the item done: not written while its lineage is not.
    expect(existsSync(join(repo, 'docs', 'lld', 'active', 'LLD-001.md'))).toBe(false);

    mounts.unmountLast();
    const second = requirements(repo, items, server.baseUrl);
    expect((await second.exited).code, second.stdout + second.stderr).toBe(0);
    expect(readFileSync(join(repo, 'docs', 'lld', 'active', 'LLD-001.md'), 'utf8')).toMatch(APPROVED_LLD);
    expect(Object.values(lineageRuns(repo, '1-lld'))).toEqual([FULL_LINEAGE]);
    // Resumed after the review: nothing was asked twice.
    expect(answered(server)).toEqual(['1/draft', '1/review-1']);
  });

  it('a full disk fails the item naming the file and leaves no temporary file; the re-run finishes it', async ({ skip }) => {
    const { items } = temporaryRepository(['1']);
    const disk = mounts.use(mountTmpfs(join(items, '..', 'disk'), 4096), skip);
    if (disk === undefined) return;
    const repo = join(disk, 'repo');
    mkdirSync(repo);
    writeFileSync(join(repo, 'README.md'), '# Example\n');
    mkdirSync(join(repo, 'src'));
    writeFileSync(join(repo, 'src', 'index.js'), 'export {};\n');
    const git = (...args: string[]): void =>
      void execFileSync('git', args, { cwd: repo, stdio: 'ignore', env: { ...process.env, ...ISOLATED_GIT_ENV } });
    git('init', '--quiet', '--initial-branch=main');
    git('add', '-A');
    git('-c', 'user.name=Setup', '-c', 'user.email=setup@example.test', 'commit', '--quiet', '-m', 'initial');
    const filler = join(disk, 'filler');
    let filled = false;
    server = await fakeOpenAIServer({
      respond: (request) => {
        // The draft is committed and in the lineage; the disk fills up while the reviewer thinks (once).
        if (classifyCall(request).step === 'review-1' && !filled) {
          filled = true;
          fillDisk(filler);
        }
        return approvingResponder(request);
      },
    });

    const first = requirements(repo, items, server.baseUrl);
    const exit = await first.exited;
    expect(exit.code, first.stdout + first.stderr).toBe(1);
    expect(first.stderr).not.toContain('unexpected error');
    expect(first.stdout).toMatch(/\[1\] failed .*/);
    expect(first.stdout).toMatch(
      /could not write (checkpoint )?\/\S+: (no space left on device \(ENOSPC\)|database or disk is full \(SQLITE_FULL\))/,
    );
    // Whether the summary still fits depends on what the failed commit gave back; either way the output says.
    expect(first.stdout).toMatch(/^summary: (\S+\.json|not written: could not write \S+\.json: no space left on device \(ENOSPC\))$/m);
    expect(filesUnder(join(repo, 'docs')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(filesUnder(join(repo, '.lldflow')).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    rmSync(filler);
    const second = requirements(repo, items, server.baseUrl);
    expect((await second.exited).code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^summary: \S+\.json$/m);
    expect(readFileSync(join(repo, 'docs', 'lld', 'active', 'LLD-001.md'), 'utf8')).toMatch(APPROVED_LLD);
    expect(Object.values(lineageRuns(repo, '1-lld'))).toEqual([FULL_LINEAGE]);
    expect(filesUnder(join(repo, 'docs')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('requirements: unwritable outputs', () => {
  it('a summary that cannot be written: the last line says so and the exit code is not 0, the work is kept', async ({ skip }) => {
    const { repo, items } = temporaryRepository(['1']);
    const runs = mounts.use(bindReadOnly(join(repo, '.lldflow', 'runs')), skip);
    if (runs === undefined) return;
    server = await fakeOpenAIServer({ respond: approvingResponder });
    const run = requirements(repo, items, server.baseUrl);
    expect((await run.exited).code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).not.toContain('unexpected error');
    const last = run.stdout.trimEnd().split('\n').at(-1);
    expect(last).toMatch(new RegExp(`^summary: not written: could not write ${runs}/\\S+\\.json: read-only file system \\(EROFS\\)$`));
    expect(run.stdout).toMatch(/^1\s+succeeded/m);
    expect(readFileSync(join(repo, 'docs', 'lld', 'active', 'LLD-001.md'), 'utf8')).toMatch(APPROVED_LLD);
  });
});

/** Writes until the file system is full. */
function fillDisk(path: string): void {
  const chunk = Buffer.alloc(64 * 1024, 1);
  let written = 0;
  try {
    for (;;) {
      writeFileSync(path, chunk, { flag: 'a' });
      written += chunk.length;
    }
  } catch {
    // Full: top up with smaller writes so not even a page is left.
    for (const size of [4096, 512, 1]) {
      try {
        for (;;) writeFileSync(path, Buffer.alloc(size, 1), { flag: 'a' });
      } catch {
        // next size
      }
    }
  }
  expect(written).toBeGreaterThan(0);
}
