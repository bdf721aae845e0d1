import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvingResponder } from '../../test/support/lld-responder.js';
import { temporaryRepository } from '../git/testing/temporary-repository.js';
import { cliInProcess, localServerEnvironment } from './testing/cli-in-process.js';
import type { FakeHttpServer, FakeRequest } from '../providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../providers/testing/fake-openai-server.js';

const ISSUE =
  '# Add a dark mode toggle\n\n## Problem\n\nGlare.\n\n## Proposed Solution\n\nA toggle.\n\n## Acceptance Criteria\n\n- [ ] Given the toggle is on, pages are dark\n';
const APPROVED = JSON.stringify({ verdict: 'APPROVED', rationale: 'Clear.', feedback_items: [], open_questions: [] });

function userPrompt(request: { body: unknown }): string {
  const body = request.body as { messages?: Array<{ role: string; content: string }> };
  return body.messages?.find((message) => message.role === 'user')?.content ?? '';
}

/** Drafts LLDs and issues, and approves both. */
function respond(request: FakeRequest) {
  const prompt = userPrompt(request);
  if (prompt.startsWith('Write a GitHub issue')) return { text: ISSUE };
  if (/^Review round \d+: the issue/m.test(prompt)) return { text: APPROVED };
  return approvingResponder(request);
}

let server: FakeHttpServer;

beforeAll(async () => {
  server = await fakeOpenAIServer({ respond });
});

afterAll(async () => {
  await server.close();
});

function lldflow(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return cliInProcess(argv, {
    cwd,
    env: localServerEnvironment(server.baseUrl, 'sk-cli-test', { LLDFLOW_DRAFTER: 'openai:d', LLDFLOW_REVIEWER: 'openai:r' }),
  });
}

describe('requirements: paths from the command line', () => {
  it('--template is read relative to the working directory, or from an absolute path', async () => {
    const { repo, items } = temporaryRepository(['1']);
    const elsewhere = join(repo, '..', 'elsewhere');
    mkdirSync(join(elsewhere, 'templates'), { recursive: true });
    writeFileSync(join(elsewhere, 'templates', 'mine.md'), '# MY-OWN-TEMPLATE-MARKER\n');
    const before = server.requests.length;

    const relative = await lldflow(
      ['requirements', '--repo', repo, '--source', items, '--issue', '1', '--template', 'templates/mine.md'],
      elsewhere,
    );
    expect(relative.code, relative.stderr).toBe(0);
    const drafts = server.requests.slice(before).filter((request) => userPrompt(request).startsWith('Write the Low-Level Design'));
    expect(JSON.stringify(drafts[0]?.body)).toContain('MY-OWN-TEMPLATE-MARKER');

    const absolute = await lldflow(
      ['requirements', '--repo', repo, '--source', items, '--all', '--dry-run', '--template', join(elsewhere, 'templates', 'mine.md')],
      repo,
    );
    expect(absolute.code, absolute.stderr).toBe(0);

    const missing = await lldflow(
      ['requirements', '--repo', repo, '--source', items, '--all', '--dry-run', '--template', 'nope.md'],
      elsewhere,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--template ${join(elsewhere, 'nope.md')}: cannot read`);
  });

  it.each([
    ['relative', (base: string) => ({ cwd: base, flag: 'filed' })],
    ['absolute', (base: string) => ({ cwd: '/', flag: join(base, 'filed') })],
  ])('--issues-dir %s writes the issues where it names', async (_kind, place) => {
    const { repo } = temporaryRepository([]);
    const base = join(repo, '..');
    const briefs = join(base, 'briefs');
    mkdirSync(briefs);
    writeFileSync(join(briefs, 'Dark mode.md'), '# Dark mode\n\nUsers at night want a darker theme.\n');
    const { cwd, flag } = place(base);

    const run = await lldflow(['requirements', '--type', 'issue', '--repo', repo, '--source', briefs, '--all', '--issues-dir', flag], cwd);

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(base, 'filed', 'dark-mode.md'), 'utf8')).toContain('# Add a dark mode toggle');
  });

  it('--repo naming a subfolder of a repository is a usage error naming the top level; nothing is written', async () => {
    const { repo, items } = temporaryRepository(['1']);
    const run = await lldflow(['requirements', '--repo', 'src', '--source', items, '--all'], repo);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `--repo ${join(repo, 'src')} is a subfolder of the git repository ${repo}: pass its top level, --repo ${repo}`,
    );
    expect(existsSync(join(repo, '.lldflow'))).toBe(false);
    expect(existsSync(join(repo, 'src', '.lldflow'))).toBe(false);
    const status = await lldflow(['status', '--repo', 'src'], repo);
    expect(status.code).toBe(2);
  });
});
