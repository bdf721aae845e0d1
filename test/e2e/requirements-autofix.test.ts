import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requirementsInProcess } from '../../src/cli/testing/requirements-in-process.js';
import type { FakeHttpServer, FakeRequest } from '../../src/providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import type { RunSummary } from '../../src/core/items.js';
import { APPROVED_VERDICT, classifyCall, validLld } from '../support/lld-responder.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../../src/git/testing/temporary-repository.js';

let server: FakeHttpServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A draft in the shapes real drafters write: `1NNN` title, `Create`, a glob row, an Expected Outcome column. */
function conventionalLld(itemId: string): string {
  return validLld(itemId, `Feature ${itemId}`)
    .replace(`# ${itemId} - Feature`, `# 1${itemId} - Feature`)
    .replace(
      `| \`src/feature-${itemId}.js\` | Add |`,
      `| \`src/feature-${itemId}.js\` | Create |\n| \`src/*.js\` | Modify | every module |`,
    )
    .replace('| ID | Scenario | Type | Input | Expected Output | Pass Criteria |', '| ID | Scenario | Type | Input | Expected Outcome |')
    .replace(/^\|----\|.*$/m, '|----|----------|------|-------|------------------|')
    .replace(/\| ok \| returns ok \|/, '| returns ok |');
}

async function requirements(repo: string, items: string, baseUrl: string): Promise<{ code: number; stderr: string; summary: RunSummary }> {
  const run = await requirementsInProcess({
    repo,
    items,
    baseUrl,
    keys: ['sk-autofix-one', 'sk-autofix-two'],
    drafter: 'openai:d',
    reviewer: 'openai:r',
    options: ['--parallel', '2'],
  });
  if (!run.summary) throw new Error(`no summary (exit ${run.code}): ${run.stderr}`);
  return { code: run.code, stderr: run.stderr, summary: run.summary };
}

function lineageFiles(repo: string, itemId: string): string[] {
  const folder = join(repo, 'docs', 'lineage', 'active', `${itemId}-lld`);
  const [run] = readdirSync(folder);
  return readdirSync(join(folder, run!)).map((name) => join(folder, run!, name));
}

describe('requirements: autofix, accepted forms, and drafters that cannot fix', () => {
  it('autofixes a conventional draft to approval, and blocks a drafter that sends a broken draft back unchanged', async () => {
    const { repo, items } = temporaryRepository(['7', '8']);
    const drafterCalls = new Map<string, number>();
    const broken = validLld('8', 'Feature 8').replace('| `README.md` | Modify |', '| `docs/missing.md` | Modify |');
    server = await fakeOpenAIServer({
      respond: (request: FakeRequest) => {
        const call = classifyCall(request);
        if (call.step.startsWith('review-')) return { text: APPROVED_VERDICT };
        // Revision and fix prompts name the item on their first line too.
        const user =
          (request.body as { messages: Array<{ role: string; content: string }> }).messages.find((message) => message.role === 'user')
            ?.content ?? '';
        const itemId = /^(?:Write the|The) Low-Level Design for issue (\w+)/.exec(user)?.[1] ?? 'unknown';
        drafterCalls.set(itemId, (drafterCalls.get(itemId) ?? 0) + 1);
        return { text: itemId === '7' ? conventionalLld('7') : broken };
      },
    });

    const run = await requirements(repo, items, server.baseUrl);

    expect(run.code, run.stderr).toBe(1);
    const byId = new Map(run.summary.items.map((item) => [item.id, item]));
    expect(byId.get('7')?.status).toBe('succeeded');
    expect(run.stderr).toMatch(/\[7\] autofixed: title number, change type/);
    const lld = readFileSync(join(repo, 'docs', 'lld', 'active', 'LLD-007.md'), 'utf8');
    expect(lld).toMatch(/^# 7 - Feature: Feature 7$/m);
    expect(lld).toContain('| `src/feature-7.js` | Add |');
    const autofix = lineageFiles(repo, '7').find((path) => path.endsWith('-autofix.md'));
    expect(autofix).toBeDefined();
    expect(readFileSync(autofix!, 'utf8')).toMatch(/title number: `# 17 - Feature: Feature 7` → `# 7 - Feature: Feature 7`/);

    // Item 8: the drafter answers the fix request with the same document: blocked after 2 calls, not failed after 4.
    expect(byId.get('8')?.status).toBe('blocked');
    expect(byId.get('8')?.error).toMatch(
      /the drafter could not fix the mechanical problems \(it sent the same document back\): .*docs\/missing\.md/,
    );
    expect(drafterCalls.get('8')).toBe(2);
    expect(byId.get('8')?.llmCalls).toBe(2);
  });

  it("shows models the project, not lldflow's own trail, state or briefs", async () => {
    const { repo, items } = temporaryRepository(['3']);
    for (const path of [
      'docs/lineage/active/1-lld/2026-01-01T00-00-00Z/001-issue.md',
      'ideas/active/brief.md',
      'docs/lld/active/LLD-001.md',
      'lib/util.js',
    ]) {
      mkdirSync(join(repo, path, '..'), { recursive: true });
      writeFileSync(join(repo, path), 'x\n');
    }
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', 'add', '-A'], {
      cwd: repo,
      env: { ...process.env, ...ISOLATED_GIT_ENV },
    });
    execFileSync(
      'git',
      ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', 'commit', '-qm', 'more'],
      { cwd: repo, env: { ...process.env, ...ISOLATED_GIT_ENV } },
    );
    let draftPrompt = '';
    server = await fakeOpenAIServer({
      respond: (request: FakeRequest) => {
        const call = classifyCall(request);
        if (call.step === 'draft')
          draftPrompt = (request.body as { messages: Array<{ role: string; content: string }> }).messages.at(-1)?.content ?? '';
        return { text: call.step === 'draft' ? validLld(call.itemId, `Feature ${call.itemId}`) : APPROVED_VERDICT };
      },
    });

    const run = await requirements(repo, items, server.baseUrl);

    expect(run.code, run.stderr).toBe(0);
    const layout = /## Repository layout\n\n`+\n([\s\S]*?)\n`+/.exec(draftPrompt)?.[1]?.split('\n') ?? [];
    expect(layout).toEqual(['README.md', 'lib/util.js', 'src/index.js', 'docs/lld/active/LLD-001.md']);
  });
});
