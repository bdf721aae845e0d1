import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentStep } from '../../src/agents/testing/scripted-agent-model.js';
import { scriptedCodexModel } from '../../src/agents/testing/scripted-codex-model.js';
import type { FakeAnswer, FakeHttpServer } from '../../src/providers/testing/fake-http-server.js';
import { fakeResponsesServer } from '../../src/providers/testing/fake-responses-server.js';
import { keyConcurrency } from '../support/key-concurrency.js';
import { CliProcess } from '../support/cli-process.js';
import { implementerCall, implementRepository } from '../support/implement-fixtures.js';

/**
 * `implement --implementer codex:…`: the real Codex SDK and its binary, in the real sandbox, against a
 * local Responses API whose answers are shell commands the binary runs.
 */

const KEYS = ['sk-proj-codex-key-one-0001', 'sk-proj-codex-key-two-0002', 'sk-proj-codex-key-three-0003'];
let server: FakeHttpServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function runImplement(repo: string, extra: string[] = []): CliProcess {
  return new CliProcess(['implement', '--repo', repo, '--all', '--implementer', 'codex:gpt-5.5', ...extra], {
    cwd: repo,
    env: { OPENAI_BASE_URL: server?.baseUrl, OPENAI_API_KEYS: KEYS.join(','), OPENAI_API_KEY: undefined },
  });
}

/** A shell command that writes `content` to `path` in the worktree (base64: no quoting to get wrong). */
function write(path: string, content: string): { name: string; input: Record<string, unknown> } {
  const folder = path.includes('/') ? `mkdir -p ${path.slice(0, path.lastIndexOf('/'))} && ` : '';
  return { name: 'exec_command', input: { cmd: `${folder}echo ${Buffer.from(content).toString('base64')} | base64 -d > ${path}` } };
}

const testFile = (id: string): string =>
  `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { feature } from '../src/feature-${id}.js';\ntest('feature ${id} runs', () => assert.equal(feature(), 'ok ${id}'));\n`;
const codeFile = (id: string): string => `export function feature() { return 'ok ${id}'; }\n`;

/** Tests and code in the tests turn, then the code and a stray edit of src/index.js: lldflow must sort it out. */
function eagerAgent(steps: AgentStep[]): (step: AgentStep) => FakeAnswer {
  return (step) => {
    steps.push(step);
    const call = implementerCall(step.prompt);
    if (step.step > 0) return { text: `Turn done for ${call.itemId}.` };
    if (call.phase === 'tests') {
      return {
        text: '',
        toolUses: [
          write(`test/feature-${call.itemId}.test.js`, testFile(call.itemId)),
          write(`src/feature-${call.itemId}.js`, codeFile(call.itemId)),
        ],
      };
    }
    return {
      text: '',
      toolUses: [write(`src/feature-${call.itemId}.js`, codeFile(call.itemId)), write('src/index.js', 'export const version = 2;\n')],
    };
  };
}

function git(repo: string, args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
}

describe('implement with a coding agent (Codex SDK)', () => {
  it('keeps tests first whatever the agent does: RED commit without the code, reverted edits told back, then green', async () => {
    const repo = implementRepository(['1']);
    const steps: AgentStep[] = [];
    server = await fakeResponsesServer({ respond: scriptedCodexModel(eagerAgent(steps)) });
    const run = runImplement(repo);
    expect((await run.exited).code, run.stdout + run.stderr).toBe(0);

    const branch = '1-implementation';
    expect(git(repo, ['log', '--format=%s', branch]).trim().split('\n').slice(0, 3)).toEqual([
      '1: implement LLD-1 (lldflow)',
      '1: tests pass (lldflow)',
      '1: tests for LLD-1 (lldflow)',
    ]);
    const red = git(repo, ['log', '--format=%H', '--grep', '^1: tests for LLD-1', branch]).trim();
    expect(git(repo, ['show', '--name-only', '--format=', red]).trim().split('\n')).toEqual(['test/feature-1.test.js']);
    const green = git(repo, ['log', '--format=%H', '--grep', '^1: tests pass', branch]).trim();
    expect(git(repo, ['show', '--name-only', '--format=', green]).trim().split('\n')).toEqual(['src/feature-1.js']);
    expect(git(repo, ['show', `${branch}:src/index.js`])).toBe('export const version = 1;\n');
    expect(run.stdout).toMatch(/\[1\] reverted src\/feature-1\.js \(added\)/);
    expect(run.stdout).toMatch(/\[1\] reverted src\/index\.js \(modified\)/);
    // Told in the next turn, in the same thread: the code turn's conversation starts with the tests turn.
    const codeTurn = steps.find((step) => step.prompt.startsWith('Implement LLD-1') && step.step === 0)!;
    expect(codeTurn.prompt).toContain('- src/feature-1.js (added)');
    expect(codeTurn.prompts[0]).toMatch(/^Write the tests for LLD-1/);
    expect(server.requests.every((record) => KEYS.includes(record.apiKey ?? ''))).toBe(true);
    for (const key of KEYS) expect(run.stdout + run.stderr).not.toContain(key);
    expect(git(repo, ['show', `${branch}:docs/reports/active/1-implementation-report.md`])).toMatch(/\| code-1 \| completed \| 2 \|/);
  }, 120_000);

  it('Ctrl+C during an agent turn exits 130; the re-run continues the same thread and repeats no completed turn', async () => {
    const repo = implementRepository(['2']);
    const steps: AgentStep[] = [];
    const agent = eagerAgent(steps);
    let holding = true;
    const held: Array<() => void> = [];
    server = await fakeResponsesServer({
      respond: scriptedCodexModel(async (step) => {
        // The code turn's second request (its code is written by then) waits for the Ctrl+C.
        if (holding && step.prompt.startsWith('Implement LLD-2') && step.step === 1)
          await new Promise<void>((release) => held.push(release));
        return agent(step);
      }),
    });
    const first = runImplement(repo);
    await first.waitFor(() => held.length > 0);
    first.child.kill('SIGINT');
    expect((await first.exited).code, first.stdout + first.stderr).toBe(130);
    holding = false;
    for (const release of held.splice(0)) release();

    const second = runImplement(repo);
    expect((await second.exited).code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/\[2\] continuing the interrupted turn with codex:gpt-5\.5 in session \S+/);
    const turnStarts = steps.filter((step) => step.step === 0).map((step) => step.prompt);
    expect(turnStarts.filter((prompt) => prompt.startsWith('Write the tests for LLD-2'))).toHaveLength(1);
    expect(turnStarts.filter((prompt) => prompt.startsWith('Implement LLD-2'))).toHaveLength(1);
    const continued = steps.find((step) => step.prompt.startsWith('lldflow was stopped during this turn'))!;
    expect(continued.prompts[0]).toMatch(/^Write the tests for LLD-2/);
    expect(continued.prompts[1]).toMatch(/^Implement LLD-2: .* \(iteration 1\)/);
    expect(git(repo, ['log', '--format=%s', '2-implementation'])).toContain('2: implement LLD-2 (lldflow)');
  }, 120_000);

  it('ten agents at --parallel 10 on three keys never put two requests on one key at once', async () => {
    const ids = Array.from({ length: 10 }, (_, index) => String(index + 1));
    const repo = implementRepository(ids);
    const agent = eagerAgent([]);
    // Three keys at one request each: never more than three in flight, so each is held its 300 ms.
    const gauge = keyConcurrency({ enough: 4, holdMs: 300 });
    server = await fakeResponsesServer({
      respond: scriptedCodexModel((step) => gauge.around(step.request.apiKey ?? '', () => agent(step))),
    });
    const run = runImplement(repo, ['--parallel', '10', '--per-key-concurrency', '1']);
    expect((await run.exited).code, run.stdout + run.stderr).toBe(0);
    expect(gauge.most).toEqual({ perKey: 1, overall: 3 });
    expect(new Set(server.requests.map((record) => record.apiKey))).toEqual(new Set(KEYS));
    expect(server.requests.length).toBeGreaterThanOrEqual(40);
  }, 300_000);
});
