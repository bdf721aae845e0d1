import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validLld } from '../../test/support/lld-responder.js';
import type { RunSummary } from '../core/items.js';
import { temporaryRepository } from '../git/testing/temporary-repository.js';
import { cliInProcess, localServerEnvironment } from './testing/cli-in-process.js';
import type { FakeHttpServer, FakeReply, FakeRequest } from '../providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../providers/testing/fake-openai-server.js';

function verdict(label: 'APPROVED' | 'REVISE' | 'DISCUSS', blocking?: string): string {
  return JSON.stringify({
    verdict: label,
    rationale: `${label}.`,
    feedback_items: blocking === undefined ? [] : [{ tier: 1, category: 'gap', section: '3', issue: blocking, recommendation: 'Fix.' }],
    open_questions: label === 'DISCUSS' ? [{ question: `Which way for item B?`, resolved: false, answer: '' }] : [],
  });
}

/** Every answered call as `<item>/<step>`: `draft`, `revise`, `review-<round>`, or `review-garbage`. */
const answered: string[] = [];
/** D's reviewer answers garbage until this is set: a failure that resuming cannot get past. */
let reviewerOfDMended = false;

/**
 * A: REVISE (a), REVISE (b), then APPROVED — blocked by `--max-iterations 2`, approved in a third round.
 * B: always DISCUSS. C: approved at once. D: the reviewer answers garbage, so D fails, until mended.
 */
function respond(request: FakeRequest): FakeReply {
  const body = request.body as { messages?: Array<{ role: string; content: string }> };
  const prompt = body.messages?.find((message) => message.role === 'user')?.content ?? '';
  const review = /^Review round (\d+): the Low-Level Design for issue ([A-Z])/m.exec(prompt);
  const draft = /^Write the Low-Level Design for issue ([A-Z])/m.exec(prompt);
  const revise = /^The Low-Level Design for issue ([A-Z]):/m.exec(prompt);
  if (draft) {
    answered.push(`${draft[1]}/draft`);
    return { text: validLld(draft[1]!, `Feature ${draft[1]}`) };
  }
  if (revise) {
    const revisions = answered.filter((call) => call === `${revise[1]}/revise`).length + 1;
    answered.push(`${revise[1]}/revise`);
    return { text: `${validLld(revise[1]!, `Feature ${revise[1]}`)}\nRevision ${revisions}.\n` };
  }
  if (review) {
    const [, round, id] = review;
    if (id === 'D' && !reviewerOfDMended) {
      answered.push('D/review-garbage');
      return { text: 'no verdict here' };
    }
    answered.push(`${id}/review-${round}`);
    if (id === 'A') return { text: round === '1' ? verdict('REVISE', 'a') : round === '2' ? verdict('REVISE', 'b') : verdict('APPROVED') };
    if (id === 'B') return { text: verdict('DISCUSS') };
    return { text: verdict('APPROVED') };
  }
  return { status: 400, message: `unexpected prompt: ${prompt.slice(0, 80)}` };
}

let server: FakeHttpServer;
let repo: string;
let items: string;

beforeAll(async () => {
  server = await fakeOpenAIServer({ respond });
  ({ repo, items } = temporaryRepository(['A', 'B', 'C', 'D']));
});

afterAll(async () => {
  await server.close();
});

async function requirements(
  ...options: string[]
): Promise<{ code: number; summary: RunSummary | undefined; human: string; calls: string[] }> {
  const before = answered.length;
  const argv = ['requirements', '--repo', repo, '--source', items, '--json', ...options];
  const run = await cliInProcess(argv, {
    cwd: repo,
    env: localServerEnvironment(server.baseUrl, 'sk-blocked-items-test', { LLDFLOW_DRAFTER: 'openai:d', LLDFLOW_REVIEWER: 'openai:r' }),
  });
  const { code } = run;
  let summary: RunSummary | undefined;
  try {
    summary = JSON.parse(run.stdout) as RunSummary;
  } catch {
    summary = undefined;
  }
  return { code, summary, human: run.stderr, calls: answered.slice(before) };
}

function statuses(summary: RunSummary | undefined): Array<[string, string]> {
  return (summary?.items ?? []).map((item) => [item.id, item.status]);
}

function lineageRuns(id: string): string[] {
  const folder = join(repo, 'docs', 'lineage', 'active', `${id}-lld`);
  return existsSync(folder) ? readdirSync(folder) : [];
}

// One repository through a sequence of runs, as a user would go: each test continues from the last.
describe('blocked items at the command line: --retry-blocked, --continue, --restart', () => {
  it('a first run blocks A (rounds) and B (a question), approves C and fails D; the summary says how to continue', async () => {
    const run = await requirements('--all', '--max-iterations', '2');
    expect(run.code).toBe(1);
    expect(statuses(run.summary)).toEqual([
      ['A', 'blocked'],
      ['B', 'blocked'],
      ['C', 'succeeded'],
      ['D', 'failed'],
    ]);
    const [a, b] = run.summary?.items ?? [];
    expect(a?.blocked).toMatchObject({ questions: [], blockingItems: ['§3 b'] });
    expect(b?.blocked).toMatchObject({ questions: ['Which way for item B?'], approveCommand: `lldflow approve B --repo ${repo}` });
    expect(b?.blocked?.continueCommand).toMatch(
      /^lldflow requirements --type lld --repo \S+ --source \S+ --max-iterations 2 --issue B --continue$/,
    );
    expect(run.summary?.retryBlockedCommand).toMatch(/^lldflow requirements --type lld .* --max-iterations 2 --retry-blocked --continue$/);
    expect(run.summary?.retryCommand).toMatch(/--issue D$/);
    expect(run.human).toContain('    question: Which way for item B?');
    expect(run.human).toContain(`    continue: ${b?.blocked?.continueCommand ?? ''}`);
  });

  it('--retry-blocked selects exactly the blocked items; with --continue they would resume, not start over', async () => {
    const plain = await requirements('--retry-blocked', '--dry-run');
    const planned = JSON.parse(JSON.stringify(plain.summary)) as { items: Array<{ id: string; action: unknown }> };
    expect(planned.items.map(({ id, action }) => ({ id, action }))).toEqual([
      { id: 'A', action: { kind: 'start' } },
      { id: 'B', action: { kind: 'start' } },
    ]);
    const continued = JSON.parse(
      JSON.stringify((await requirements('--retry-blocked', '--continue', '--dry-run')).summary),
    ) as typeof planned;
    expect(continued.items.map((entry) => entry.action)).toEqual([
      { kind: 'resume', stage: 'done', continueBlocked: true },
      { kind: 'resume', stage: 'done', continueBlocked: true },
    ]);
    expect(plain.calls).toEqual([]);
  });

  it('--continue resumes A with its history, repeats no completed call, and gives it --max-iterations more rounds', async () => {
    const run = await requirements('--issue', 'A', '--continue', '--max-iterations', '2');
    expect(run.code, run.human).toBe(0);
    expect(statuses(run.summary)).toEqual([['A', 'succeeded']]);
    // Only the new round: a revision of the round-2 design and review round 3.
    expect(run.calls).toEqual(['A/revise', 'A/review-3']);
    const [folder] = lineageRuns('A');
    expect(lineageRuns('A')).toHaveLength(1);
    const files = readdirSync(join(repo, 'docs', 'lineage', 'active', 'A-lld', folder!));
    expect(files.map((name) => name.replace(/^\d{3}-/, ''))).toEqual([
      'issue.md',
      'draft.md',
      'verdict.md',
      'draft.md',
      'verdict.md',
      'final.md',
      'blocked.json',
      'continued.md',
      'draft.md',
      'verdict.md',
      'final.md',
      'approved.json',
    ]);
  });

  it('--retry-blocked --continue now takes only B, which the reviewer still cannot decide', async () => {
    const run = await requirements('--retry-blocked', '--continue');
    expect(statuses(run.summary)).toEqual([['B', 'blocked']]);
    expect(run.calls).toEqual(['B/revise', 'B/review-2']);
  });

  it('a failed item resumes inside its old rejection; --restart starts it afresh in a new lineage folder', async () => {
    const resumed = await requirements('--issue', 'D');
    expect(statuses(resumed.summary)).toEqual([['D', 'failed']]);
    expect(resumed.calls).toEqual(['D/review-garbage']);
    reviewerOfDMended = true;
    const restarted = await requirements('--issue', 'D', '--restart');
    expect(statuses(restarted.summary)).toEqual([['D', 'succeeded']]);
    expect(restarted.calls).toEqual(['D/draft', 'D/review-1']);
    expect(lineageRuns('D')).toHaveLength(2);
  });

  it('--continue with --restart is a usage error, and so is either on a fleet; nothing runs', async () => {
    const both = await requirements('--issue', 'B', '--continue', '--restart');
    expect(both.code).toBe(2);
    const fleet = await requirements('--issue', 'B', '--continue', '--engine', 'redis://127.0.0.1:1');
    expect(fleet.code).toBe(2);
    expect(both.calls).toEqual([]);
    expect(fleet.calls).toEqual([]);
  });
});
