import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeHttpServer, FakeReply, FakeRequest } from '../../src/providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import type { RunSummary } from '../../src/core/items.js';
import { CliProcess } from '../support/cli-process.js';
import { approvingResponder, classifyCall } from '../support/lld-responder.js';
import { implementerCall, implementerResponder, implementRepository } from '../support/implement-fixtures.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../../src/git/testing/temporary-repository.js';

/*
 * Two real lldflow processes on one repository and one item set, started together, against one local
 * model server that counts the calls. Each item must be worked on by one process only: together they
 * make no more calls than one run would (5% slack), every item ends done once, and the process that
 * found an item leased says which process holds it.
 */

const LATENCY_MS = 200;
/** A line naming another process as an item's holder (see describeHolder in src/checkpoints/item-lease.ts). */
const HELD = /held by another lldflow run \(pid (\d+), started ([^,)]+)/;

let server: FakeHttpServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * Holds the replies of the calls `held` picks until either process has printed a held-by line, so the
 * two runs are sure to overlap (neither can finish an item before the other has met one of its leases),
 * however long each process takes to start. Released after 20 s regardless, so a bug fails the
 * assertions instead of hanging the test.
 */
function overlapGate(respond: (request: FakeRequest) => FakeReply, held: (request: FakeRequest) => boolean) {
  const waiting: Array<() => void> = [];
  let open = false;
  const release = (): void => {
    open = true;
    for (const resume of waiting.splice(0)) resume();
  };
  const timer = setTimeout(release, 20_000);
  return {
    respond: async (request: FakeRequest): Promise<FakeReply> => {
      if (!open && held(request)) await new Promise<void>((resume) => waiting.push(resume));
      return respond(request);
    },
    watch(processes: CliProcess[]): void {
      for (const process of processes)
        void process
          .waitFor((output) => HELD.test(output))
          .then(() => {
            clearTimeout(timer);
            release();
          });
    },
  };
}

function lldflowEnv(baseUrl: string, keys: string): Record<string, string | undefined> {
  return { ...ISOLATED_GIT_ENV, OPENAI_BASE_URL: baseUrl, OPENAI_API_KEYS: keys, OPENAI_API_KEY: undefined };
}

function summaryOf(run: CliProcess): RunSummary {
  const path = /^summary: (.+)$/m.exec(run.stdout)?.[1];
  if (path === undefined) throw new Error(`no summary line in:\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(readFileSync(path.trim(), 'utf8')) as RunSummary;
}

/**
 * Both exited 0 with distinct run ids, and every item a process skipped because it was leased names
 * the other process (pid and start time) in its summary and in its output.
 */
function expectSideBySide(first: CliProcess, second: CliProcess, codes: Array<number | null>): void {
  expect(codes, `${first.stdout}${first.stderr}\n---\n${second.stdout}${second.stderr}`).toEqual([0, 0]);
  const summaries = [summaryOf(first), summaryOf(second)];
  expect(summaries[0]!.runId).not.toBe(summaries[1]!.runId);
  let leaseSkips = 0;
  for (const [index, run] of [first, second].entries()) {
    const other = index === 0 ? second : first;
    for (const item of summaries[index]!.items.filter((entry) => HELD.test(entry.error ?? ''))) {
      leaseSkips += 1;
      expect(item.status).toBe('skipped');
      const [, pid, startedAt] = HELD.exec(item.error!)!;
      expect(Number(pid)).toBe(other.child.pid);
      expect(Number.isNaN(Date.parse(startedAt!))).toBe(false);
      // The one line the run printed for the item.
      const lines = run.stdout.split('\n').filter((line) => line.startsWith(`[${item.id}]`));
      expect(lines, run.stdout).toEqual([expect.stringMatching(new RegExp(`skipped .*pid ${pid}, started ${startedAt}`))]);
    }
  }
  expect(leaseSkips).toBeGreaterThan(0);
}

describe('two runs at once on one repository and the same items', () => {
  it('requirements: each item is drafted and reviewed once, by one of the two processes', async () => {
    const ids = ['1', '2', '3', '4', '5', '6'];
    // One run alone: its number of calls is what the two together may make (plus 5%).
    const alone = temporaryRepository(ids);
    server = await fakeOpenAIServer({ respond: approvingResponder, latencyMs: LATENCY_MS });
    const single = runRequirements(alone.repo, alone.items, server.baseUrl);
    expect((await single.exited).code, single.stdout + single.stderr).toBe(0);
    const oneRunCalls = server.requests.length;
    expect(oneRunCalls).toBe(2 * ids.length);
    await server.close();

    const { repo, items } = temporaryRepository(ids);
    const gate = overlapGate(approvingResponder, (request) => classifyCall(request).step.startsWith('review'));
    server = await fakeOpenAIServer({ respond: gate.respond, latencyMs: LATENCY_MS });
    const first = runRequirements(repo, items, server.baseUrl);
    const second = runRequirements(repo, items, server.baseUrl);
    gate.watch([first, second]);
    const codes = [(await first.exited).code, (await second.exited).code];

    expectSideBySide(first, second, codes);
    const calls = server.requests.length;
    console.info(`requirements: one run ${oneRunCalls} model calls, two runs at once ${calls}`);
    expect(calls).toBeLessThanOrEqual(Math.floor(oneRunCalls * 1.05));
    const perItemStep = new Map<string, number>();
    for (const request of server.requests) {
      const call = classifyCall({ body: request.body, apiKey: request.apiKey, headers: {}, path: request.path });
      perItemStep.set(`${call.itemId}/${call.step}`, (perItemStep.get(`${call.itemId}/${call.step}`) ?? 0) + 1);
    }
    expect(Object.fromEntries(perItemStep)).toEqual(
      Object.fromEntries(
        ids.flatMap((id) => [
          [`${id}/draft`, 1],
          [`${id}/review-1`, 1],
        ]),
      ),
    );

    for (const id of ids) {
      const lld = readFileSync(join(repo, 'docs', 'lld', 'active', `LLD-${id.padStart(3, '0')}.md`), 'utf8');
      expect(lld).toMatch(/\*\*Status:\*\* Approved/);
      const lineage = join(repo, 'docs', 'lineage', 'active', `${id}-lld`);
      const runs = readdirSync(lineage);
      expect(runs, `lineage of ${id}`).toHaveLength(1);
      expect(readdirSync(join(lineage, runs[0]!)).filter((name) => /^\d{3}-approved\.json$/.test(name))).toHaveLength(1);
    }
    expect(readdirSync(join(repo, '.lldflow', 'checkpoints')).filter((name) => name.endsWith('.sqlite'))).toEqual([]);
    // What each run recorded adds up to one success per item.
    const succeeded = [summaryOf(first), summaryOf(second)].flatMap((summary) =>
      summary.items.filter((item) => item.status === 'succeeded').map((item) => item.id),
    );
    expect(succeeded.sort()).toEqual(ids);

    await expectStatusSucceeded(repo, 'lld', ids);
  });

  it('implement: one branch per item with passing tests, each item implemented once, no index.lock failure', async () => {
    const ids = ['1', '2', '3', '4'];
    const implementerCalls = (model: FakeHttpServer): string[] =>
      model.requests.map((request) => {
        const body = request.body as { messages?: Array<{ role: string; content: string }> };
        const call = implementerCall(body.messages?.find((message) => message.role === 'user')?.content ?? '');
        return `${call.itemId}/${call.phase}-${call.iteration}`;
      });

    const alone = implementRepository(ids);
    server = await fakeOpenAIServer({ respond: implementerResponder, latencyMs: LATENCY_MS });
    const single = runImplement(alone, server.baseUrl);
    expect((await single.exited).code, single.stdout + single.stderr).toBe(0);
    const oneRunCalls = server.requests.length;
    expect(oneRunCalls).toBe(2 * ids.length);
    await server.close();

    const repo = implementRepository(ids);
    const gate = overlapGate(implementerResponder, (request) => {
      const body = request.body as { messages?: Array<{ role: string; content: string }> };
      return implementerCall(body.messages?.find((message) => message.role === 'user')?.content ?? '').phase === 'code';
    });
    server = await fakeOpenAIServer({ respond: gate.respond, latencyMs: LATENCY_MS });
    const first = runImplement(repo, server.baseUrl);
    const second = runImplement(repo, server.baseUrl);
    gate.watch([first, second]);
    const codes = [(await first.exited).code, (await second.exited).code];

    expectSideBySide(first, second, codes);
    const calls = implementerCalls(server);
    console.info(`implement: one run ${oneRunCalls} model calls, two runs at once ${calls.length}`);
    expect(calls.length).toBeLessThanOrEqual(Math.floor(oneRunCalls * 1.05));
    expect(calls.sort()).toEqual(ids.flatMap((id) => [`${id}/code-1`, `${id}/tests-0`]).sort());
    expect(first.stdout + first.stderr + second.stdout + second.stderr).not.toContain('index.lock');

    const branches = execFileSync('git', ['branch', '--list', '--format=%(refname:short)'], { cwd: repo, encoding: 'utf8' })
      .trim()
      .split('\n')
      .sort();
    expect(branches).toEqual(['main', ...ids.map((id) => `${id}-implementation`)].sort());
    for (const id of ids) {
      const worktree = join(repo, '.lldflow', 'worktrees', id);
      execFileSync('node', ['--test'], { cwd: worktree, stdio: 'ignore' });
      const subjects = execFileSync('git', ['log', '--format=%s', `${id}-implementation`], { cwd: repo, encoding: 'utf8' });
      expect(subjects.split('\n').filter((subject) => subject === `${id}: implement LLD-${id} (lldflow)`)).toHaveLength(1);
      expect(readdirSync(join(repo, 'docs', 'lineage', 'active', `${id}-implement`)), `lineage of ${id}`).toHaveLength(1);
    }
    const succeeded = [summaryOf(first), summaryOf(second)].flatMap((summary) =>
      summary.items.filter((item) => item.status === 'succeeded').map((item) => item.id),
    );
    expect(succeeded.sort()).toEqual(ids);
    await expectStatusSucceeded(repo, 'implement', ids);
  }, 120_000);
});

/** `lldflow status` afterwards: every item done and succeeded, whichever of the two summaries it reads last. */
async function expectStatusSucceeded(repo: string, workflow: string, ids: string[]): Promise<void> {
  const status = new CliProcess(['status', '--repo', repo, '--json'], { cwd: repo, env: ISOLATED_GIT_ENV });
  expect((await status.exited).code, status.stderr).toBe(0);
  const rows = (JSON.parse(status.stdout) as { items: Array<{ workflow: string; id: string; stage: string; lastResult: string }> }).items;
  expect(rows.filter((row) => row.workflow === workflow).map(({ id, stage, lastResult }) => ({ id, stage, lastResult }))).toEqual(
    ids.map((id) => ({ id, stage: 'done', lastResult: 'succeeded' })),
  );
}

function runRequirements(repo: string, items: string, baseUrl: string): CliProcess {
  return new CliProcess(
    [
      'requirements',
      '--repo',
      repo,
      '--source',
      items,
      '--all',
      '--parallel',
      '2',
      '--drafter',
      'openai:test-drafter',
      '--reviewer',
      'openai:test-reviewer',
    ],
    { cwd: repo, env: lldflowEnv(baseUrl, 'sk-e2e-key-one,sk-e2e-key-two') },
  );
}

function runImplement(repo: string, baseUrl: string): CliProcess {
  return new CliProcess(['implement', '--repo', repo, '--all', '--parallel', '2', '--implementer', 'openai:test-implementer'], {
    cwd: repo,
    env: lldflowEnv(baseUrl, 'sk-impl-one,sk-impl-two'),
  });
}
