import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
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
});
