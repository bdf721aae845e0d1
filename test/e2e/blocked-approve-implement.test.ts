import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/core/items.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../../src/git/testing/temporary-repository.js';
import type { FakeHttpServer, FakeReply, FakeRequest } from '../../src/providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import { CliProcess } from '../support/cli-process.js';
import { implementerResponder } from '../support/implement-fixtures.js';
import { classifyCall, validLld } from '../support/lld-responder.js';

let server: FakeHttpServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const QUESTION = 'Should wrap() split words longer than the width by default, or only with { breakWords: true }?';
const DISCUSS = JSON.stringify({
  verdict: 'DISCUSS',
  rationale: 'The design is sound but changes documented behaviour; a maintainer must decide.',
  feedback_items: [{ tier: 1, category: 'Compatibility', section: '1', issue: 'Changes documented behaviour', recommendation: 'Ask.' }],
  open_questions: [{ question: QUESTION, resolved: false, answer: '' }],
});

/** Drafts a valid LLD, asks for a human decision on it; writes tests, then code, for the implement run. */
function respond(request: FakeRequest): FakeReply {
  const body = request.body as { messages?: Array<{ role: string; content: string }> };
  const prompt = body.messages?.find((message) => message.role === 'user')?.content ?? '';
  if (/^(Write the tests for|Implement) LLD-/m.test(prompt)) return implementerResponder(request);
  const call = classifyCall(request);
  if (call.step === 'draft') return { text: validLld(call.itemId, `Feature ${call.itemId}`) };
  if (call.step.startsWith('review-')) return { text: DISCUSS };
  return { status: 400, message: `unexpected call ${call.step}` };
}

const ENV = { ...ISOLATED_GIT_ENV, OPENAI_API_KEYS: 'sk-e2e-blocked-one', OPENAI_API_KEY: undefined };

function lldflow(repo: string, args: string[], baseUrl: string): CliProcess {
  return new CliProcess(args, { cwd: repo, env: { ...ENV, OPENAI_BASE_URL: baseUrl } });
}

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...ISOLATED_GIT_ENV } }).trim();
}

describe('a blocked design, approved by hand, then implemented (as the README walks a new user through it)', () => {
  it('the summary shows the question and the commands; approve records the human; implement accepts the design', async () => {
    const { repo, items } = temporaryRepository(['7'], {
      'package.json': JSON.stringify({ name: 'fixture', type: 'module', scripts: { test: 'node --test' } }),
      'README.md': '# Fixture\n',
      'src/index.js': 'export const version = 1;\n',
    });
    server = await fakeOpenAIServer({ respond });
    const models = ['--drafter', 'openai:test-drafter', '--reviewer', 'openai:test-reviewer'];

    const requirements = lldflow(repo, ['requirements', '--source', items, '--issue', '7', ...models], server.baseUrl);
    expect((await requirements.exited).code, requirements.stderr).toBe(1);
    expect(requirements.stdout).toContain('blocked: 7');
    expect(requirements.stdout).toContain(`    question: ${QUESTION}`);
    expect(requirements.stdout).toContain(`    approve: lldflow approve 7 --repo ${repo}`);
    expect(requirements.stdout).toMatch(/^ {4}continue: lldflow requirements --type lld --repo \S+ --source \S+ .*--issue 7 --continue$/m);
    expect(requirements.stdout).toMatch(/^continue blocked: lldflow requirements .* --retry-blocked --continue$/m);
    const runs = join(repo, '.lldflow', 'runs');
    const summaryFile = readdirSync(runs).find((name) => /Z(-\d+)?\.json$/.test(name));
    const summary = JSON.parse(readFileSync(join(runs, summaryFile!), 'utf8')) as RunSummary;
    expect(summary.items[0]?.blocked).toMatchObject({
      questions: [QUESTION],
      blockingItems: ['§1 Changes documented behaviour'],
      approveCommand: `lldflow approve 7 --repo ${repo}`,
    });
    const design = join(repo, 'docs', 'lld', 'active', 'LLD-007.md');
    const blockedDesign = readFileSync(design, 'utf8');
    expect(blockedDesign).toContain('* **Status:** Blocked');

    // Without a git identity the approval cannot name anyone: refused, nothing written.
    const anonymous = lldflow(repo, ['approve', '7'], server.baseUrl);
    expect((await anonymous.exited).code).toBe(2);
    expect(anonymous.stderr).toContain('git has no user.name and user.email');
    expect(readFileSync(design, 'utf8')).toBe(blockedDesign);

    git(repo, 'config', 'user.name', 'Jane Doe');
    git(repo, 'config', 'user.email', 'jane@example.test');
    const approve = lldflow(repo, ['approve', '7', '--reason', 'only with breakWords, agreed in the issue'], server.baseUrl);
    expect((await approve.exited).code, approve.stderr).toBe(0);
    expect(approve.stdout).toContain('approved docs/lld/active/LLD-007.md (was blocked) by Jane Doe <jane@example.test>');
    const approved = readFileSync(design, 'utf8');
    expect(approved).toMatch(
      /^\* \*\*Status:\*\* Approved \(human approval by Jane Doe <jane@example\.test>, \d{4}-\d{2}-\d{2}\) — only with breakWords/m,
    );
    expect(approved).toMatch(
      /^\| 2 \| \d{4}-\d{2}-\d{2} \| APPROVED \(human\) \| Jane Doe <jane@example\.test> \| only with breakWords, agreed in the issue \|$/m,
    );
    const lineage = join(repo, 'docs', 'lineage', 'active', '7-lld');
    const [runFolder] = readdirSync(lineage);
    const files = readdirSync(join(lineage, runFolder!));
    expect(files.at(-2)).toMatch(/-blocked\.json$/);
    expect(files.at(-1)).toMatch(/^\d{3}-human-approval\.json$/);
    expect(JSON.parse(readFileSync(join(lineage, runFolder!, files.at(-1)!), 'utf8'))).toMatchObject({
      approvedBy: 'human',
      approver: { name: 'Jane Doe', email: 'jane@example.test' },
      reason: 'only with breakWords, agreed in the issue',
      previousStatus: 'blocked',
    });
    expect(existsSync(join(repo, '.lldflow', 'checkpoints', 'lld-7.sqlite'))).toBe(false);

    const again = lldflow(repo, ['approve', '7'], server.baseUrl);
    expect((await again.exited).code).toBe(2);
    expect(again.stderr).toContain('docs/lld/active/LLD-007.md is already approved: nothing to do');
    const unknown = lldflow(repo, ['approve', '8'], server.baseUrl);
    expect((await unknown.exited).code).toBe(2);
    expect(unknown.stderr).toContain('no design for item 8: docs/lld/active/LLD-008.md does not exist');

    // A requirements run now counts the item done; implement takes the approved design.
    const rerun = lldflow(repo, ['requirements', '--source', items, '--issue', '7', ...models], server.baseUrl);
    expect((await rerun.exited).code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/^7 +skipped +done /m);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'Approve LLD 7');
    const implement = lldflow(
      repo,
      ['implement', '--issue', '7', '--implementer', 'openai:test-implementer', '--test-command', 'node --test', '--sandbox', 'none'],
      server.baseUrl,
    );
    expect((await implement.exited).code, implement.stdout + implement.stderr).toBe(0);
    expect(git(repo, 'show', '7-implementation:docs/reports/active/7-implementation-report.md')).toContain('**Outcome:** Succeeded');
  }, 120_000);
});
