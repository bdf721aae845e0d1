import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeHttpServer, FakeRequest } from '../../src/providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import { CliProcess, count } from '../support/cli-process.js';
import { codeFileFor, implementerCall, implementerResponder, implementRepository, testFileFor } from '../support/implement-fixtures.js';

const ITEMS = ['1', '2', '3'];
let server: FakeHttpServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function runImplement(repo: string, baseUrl: string, extra: string[] = []): CliProcess {
  return new CliProcess(['implement', '--repo', repo, '--all', '--parallel', '3', '--implementer', 'openai:test-implementer', ...extra], {
    cwd: repo,
    env: { OPENAI_BASE_URL: baseUrl, OPENAI_API_KEYS: 'sk-impl-one,sk-impl-two,sk-impl-three', OPENAI_API_KEY: undefined },
  });
}

function callOf(request: Pick<FakeRequest, 'body'>): string {
  const body = request.body as { messages?: Array<{ role: string; content: string }> };
  const call = implementerCall(body.messages?.find((message) => message.role === 'user')?.content ?? '');
  return `${call.itemId}/${call.phase}-${call.iteration}`;
}

/** Each implementer step answered in full, with how often: more than once means a completed call was redone. */
function answered(model: FakeHttpServer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of model.requests.filter((request) => request.outcome === 'answered'))
    counts.set(callOf(record), (counts.get(callOf(record)) ?? 0) + 1);
  return counts;
}

/** Holds code-writing answers until released, so the kill or Ctrl+C lands mid-iteration with nothing answered but uncommitted. */
function heldCodeResponder() {
  let holding = true;
  const held: Array<() => void> = [];
  return {
    respond: async (request: FakeRequest) => {
      if (holding && callOf(request).includes('/code-')) await new Promise<void>((release) => held.push(release));
      return implementerResponder(request);
    },
    release() {
      holding = false;
      for (const release of held.splice(0)) release();
    },
  };
}

function expectPassingBranches(repo: string): void {
  for (const id of ITEMS) {
    const worktree = join(repo, '.lldflow', 'worktrees', id);
    expect(execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: worktree, encoding: 'utf8' }).trim()).toBe(
      `${id}-implementation`,
    );
    execFileSync('node', ['--test'], { cwd: worktree, stdio: 'ignore' });
    expect(readFileSync(join(worktree, 'src', `feature-${id}.js`), 'utf8')).toContain(`ok ${id}`);
    const subjects = execFileSync('git', ['log', '--format=%s', `${id}-implementation`], { cwd: repo, encoding: 'utf8' });
    expect(subjects).toContain(`${id}: implement LLD-${id} (lldflow)`);
    // The branch is the pull request: tests, code and report, no lineage.
    expect(branchFiles(repo, `${id}-implementation`).filter((path) => path.startsWith('docs/lineage/'))).toEqual([]);
    // The lineage is in the main repository, one folder for the interrupted run and its resumption alike.
    const runs = readdirSync(join(repo, 'docs', 'lineage', 'active', `${id}-implement`));
    expect(runs).toHaveLength(1);
    const lineage = readdirSync(join(repo, 'docs', 'lineage', 'active', `${id}-implement`, runs[0]!));
    expect(lineage).toEqual(expect.arrayContaining(['001-lld.md', '005-red-run.md', '007-code-1-response.md', '009-test-run-1.md']));
  }
}

function branchFiles(repo: string, branch: string): string[] {
  return execFileSync('git', ['ls-tree', '-r', '--name-only', branch], { cwd: repo, encoding: 'utf8' }).trim().split('\n');
}

describe('implement: interrupted runs resume in the same worktree', () => {
  it('Ctrl+C mid-iteration exits 130; the re-run resumes each item in its worktree and ends with passing branches', async () => {
    const repo = implementRepository(ITEMS);
    const gate = heldCodeResponder();
    server = await fakeOpenAIServer({ respond: gate.respond, latencyMs: 50 });
    const first = runImplement(repo, server.baseUrl);
    await first.waitFor((output) => count(output, /writing code \(iteration 1\)/) >= 3);
    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(130);
    gate.release();

    const second = runImplement(repo, server.baseUrl);
    expect((await second.exited).code, second.stdout + second.stderr).toBe(0);
    expect(count(second.stdout, /resuming at write-code in .*\.lldflow\/worktrees\/\d/)).toBe(3);
    expectPassingBranches(repo);
    expect(Object.fromEntries(answered(server))).toEqual(
      Object.fromEntries(
        ITEMS.flatMap((id) => [
          [`${id}/tests-0`, 1],
          [`${id}/code-1`, 1],
        ]),
      ),
    );
  });

  it('kill -9 mid-iteration: the re-run resumes in the same worktree without repeating a completed call', async () => {
    const repo = implementRepository(ITEMS);
    const gate = heldCodeResponder();
    server = await fakeOpenAIServer({ respond: gate.respond, latencyMs: 50 });
    const first = runImplement(repo, server.baseUrl);
    await first.waitFor((output) => count(output, /writing code \(iteration 1\)/) >= 3);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    gate.release();

    const second = runImplement(repo, server.baseUrl, ['--retry-failed']);
    expect((await second.exited).code, second.stdout + second.stderr).toBe(0);
    expect(count(second.stdout, /resuming at write-code/)).toBe(3);
    expectPassingBranches(repo);
    for (const [call, times] of answered(server)) expect(times, call).toBe(1);
  });
});

describe('implement: --commit-lineage and test output that holds a key', () => {
  it('commits the lineage on the branch, and a configured key in the test output is redacted in the report and the lineage', async () => {
    const repo = implementRepository(['4']);
    // The code assembles one of the run's keys and returns it: the failing test prints it, no written file holds it.
    server = await fakeOpenAIServer({
      latencyMs: 20,
      respond: (request) => {
        const body = request.body as { messages?: Array<{ role: string; content: string }> };
        const call = implementerCall(body.messages?.find((message) => message.role === 'user')?.content ?? '');
        return { text: call.phase === 'tests' ? testFileFor('4') : codeFileFor('4', "sk-impl-' + 'two") };
      },
    });
    const run = runImplement(repo, server.baseUrl, ['--commit-lineage', '--max-iterations', '1']);
    expect((await run.exited).code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain('test run 1: failed');

    const show = (path: string): string => execFileSync('git', ['show', `4-implementation:${path}`], { cwd: repo, encoding: 'utf8' });
    const report = show('docs/reports/active/4-implementation-report.md');
    expect(report).toContain('**Outcome:** Blocked');
    // openai#2 is the configured key's name: the run's redactor did this, not the key-shaped fallback (openai#?).
    expect(report).toMatch(/## Last test output[\s\S]*openai#2/);
    const lineage = branchFiles(repo, '4-implementation').filter((path) => path.startsWith('docs/lineage/active/4-implement/'));
    expect(lineage.length).toBeGreaterThan(5);
    expect(show(lineage.find((path) => path.endsWith('-test-run-1.md'))!)).toContain('openai#2');
    for (const path of [...lineage, 'docs/reports/active/4-implementation-report.md'])
      expect(show(path), path).not.toContain('sk-impl-two');
    // Nothing in the main repository: the lineage went onto the branch.
    expect(() => readdirSync(join(repo, 'docs', 'lineage'))).toThrow();
  });
});
