import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { promptText, scriptedAgentModel, type AgentStep } from '../../src/agents/testing/scripted-agent-model.js';
import { fakeAnthropicServer } from '../../src/providers/testing/fake-anthropic-server.js';
import type { FakeAnswer, FakeHttpServer } from '../../src/providers/testing/fake-http-server.js';
import { keyConcurrency } from '../support/key-concurrency.js';
import { CliProcess, count } from '../support/cli-process.js';
import { implementerCall, implementRepository } from '../support/implement-fixtures.js';

/**
 * `implement --implementer claude-agent:…`: the real Claude Agent SDK and its Claude Code binary, in the
 * real sandbox, against a local Messages API whose answers are tool calls the binary carries out.
 */

const KEYS = ['sk-ant-agent-key-one-0001', 'sk-ant-agent-key-two-0002', 'sk-ant-agent-key-three-0003'];
let server: FakeHttpServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function runImplement(repo: string, extra: string[] = []): CliProcess {
  return new CliProcess(['implement', '--repo', repo, '--all', '--implementer', 'claude-agent:claude-sonnet-4-5', ...extra], {
    cwd: repo,
    env: {
      ANTHROPIC_BASE_URL: server?.baseUrl,
      ANTHROPIC_API_KEYS: KEYS.join(','),
      ANTHROPIC_API_KEY: undefined,
      CLAUDE_CODE_OAUTH_TOKEN: undefined,
    },
  });
}

const testFile = (id: string): string =>
  [
    "import { test } from 'node:test';",
    "import assert from 'node:assert/strict';",
    `import { feature } from '../src/feature-${id}.js';`,
    `test('feature ${id} runs', () => assert.equal(feature(), 'ok ${id}'));`,
    '',
  ].join('\n');
const codeFile = (id: string): string => `export function feature() { return 'ok ${id}'; }\n`;

/** The agent's Write tool, with the absolute path Claude Code wants. */
function write(repo: string, id: string, path: string, content: string): { name: string; input: Record<string, unknown> } {
  return { name: 'Write', input: { file_path: join(repo, '.lldflow', 'worktrees', id, path), content } };
}

/** An agent that does everything at once, as agents do: tests and code in the tests turn, and a stray edit in the code turn. */
function eagerAgent(repo: string): (step: AgentStep) => FakeAnswer {
  return ({ prompt, step }) => {
    const call = implementerCall(prompt);
    if (step > 0) return { text: `Turn done for ${call.itemId}.` };
    if (call.phase === 'tests') {
      return {
        text: 'Writing the tests, and the code while I am at it.',
        toolUses: [
          write(repo, call.itemId, `test/feature-${call.itemId}.test.js`, testFile(call.itemId)),
          write(repo, call.itemId, `src/feature-${call.itemId}.js`, codeFile(call.itemId)),
        ],
      };
    }
    return {
      text: 'Writing the code, and tidying src/index.js.',
      toolUses: [
        write(repo, call.itemId, `src/feature-${call.itemId}.js`, codeFile(call.itemId)),
        // Claude Code writes only files it has read; a shell command changes any.
        { name: 'Bash', input: { command: "echo 'export const version = 2;' > src/index.js", description: 'Tidy the index' } },
      ],
    };
  };
}

function git(repo: string, args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
}

describe('implement with a coding agent (Claude Agent SDK)', () => {
  it('keeps tests first whatever the agent does: RED commit without the code, reverted edits told back, then green', async () => {
    const repo = implementRepository(['1']);
    server = await fakeAnthropicServer({ respond: scriptedAgentModel(eagerAgent(repo)) });
    const run = runImplement(repo);
    expect((await run.exited).code, run.stdout + run.stderr).toBe(0);

    const branch = '1-implementation';
    const subjects = git(repo, ['log', '--format=%s', branch]).trim().split('\n');
    expect(subjects.slice(0, 3)).toEqual(['1: implement LLD-1 (lldflow)', '1: tests pass (lldflow)', '1: tests for LLD-1 (lldflow)']);
    // The RED commit: the test, and not the code the agent wrote in the same turn.
    const red = git(repo, ['log', '--format=%H', '--grep', '^1: tests for LLD-1', branch]).trim();
    expect(git(repo, ['show', '--name-only', '--format=', red]).trim().split('\n')).toEqual(['test/feature-1.test.js']);
    expect(run.stdout).toMatch(/\[1\] reverted src\/feature-1\.js \(added\): .*not a test file/);
    expect(run.stdout).toMatch(/\[1\] red run: failed/);
    // Then the code, and only the code of section 2.1: the stray src/index.js edit was reverted.
    const green = git(repo, ['log', '--format=%H', '--grep', '^1: tests pass', branch]).trim();
    expect(git(repo, ['show', '--name-only', '--format=', green]).trim().split('\n')).toEqual(['src/feature-1.js']);
    expect(git(repo, ['show', `${branch}:src/index.js`])).toBe('export const version = 1;\n');
    expect(run.stdout).toMatch(/\[1\] reverted src\/index\.js \(modified\)/);
    expect(run.stdout).toMatch(/\[1\] test run 1: passed/);

    // The agent was told, in its next turn, what was reverted and why.
    const prompts = server.requests.map((record) => lastPrompt(record.body));
    const codePrompt = prompts.find((prompt) => prompt.startsWith('Implement LLD-1'))!;
    expect(codePrompt).toContain('lldflow reverted one change you made:');
    expect(codePrompt).toContain('- src/feature-1.js (added)');
    // One session for the item: the code turn carries the tests turn.
    const codeRequest = server.requests.find((record) => lastPrompt(record.body).startsWith('Implement LLD-1'))!;
    expect(allPrompts(codeRequest.body)[0]).toMatch(/^Write the tests for LLD-1/);

    // Keys: the pooled ones reached the API; the agent, the output and the files never saw one.
    expect(server.requests.every((record) => KEYS.includes(record.apiKey ?? ''))).toBe(true);
    const report = git(repo, ['show', `${branch}:docs/reports/active/1-implementation-report.md`]);
    expect(report).toContain('**Outcome:** Succeeded');
    const lineageFolder = join(repo, 'docs', 'lineage', 'active', '1-implement');
    const [runFolder] = readdirSync(lineageFolder);
    const lineage = readdirSync(join(lineageFolder, runFolder!));
    expect(lineage).toEqual(
      expect.arrayContaining([expect.stringMatching(/-tests-1-turn\.md$/), expect.stringMatching(/-code-1-turn\.md$/)]),
    );
    // Nowhere in the repository either: checkpoints, logs, run summary, the agent's session transcripts, the worktree.
    const files = filesUnder(repo);
    expect(files.some((path) => path.includes(join('.lldflow', 'agents', '1')))).toBe(true);
    expect(files.some((path) => path.includes(join('docs', 'lineage')))).toBe(true);
    const everything = [run.stdout, run.stderr, report, ...files.map((path) => readFileSync(path, 'latin1'))];
    for (const text of everything) for (const key of KEYS) expect(text).not.toContain(key);
  }, 120_000);

  it('Ctrl+C during an agent turn exits 130; the re-run continues the same session and repeats no completed turn', async () => {
    const repo = implementRepository(['2']);
    let holding = true;
    const held: Array<() => void> = [];
    const agent = eagerAgent(repo);
    server = await fakeAnthropicServer({
      respond: scriptedAgentModel(async (step) => {
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
    const sessionBefore = /session ([0-9a-f-]{36})/.exec(readCheckpointSession(repo))?.[1];

    const second = runImplement(repo);
    expect((await second.exited).code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toContain('[2] continuing the interrupted turn with claude-agent:claude-sonnet-4-5 in session');
    expect(second.stdout).toContain(`session ${sessionBefore}`);
    // No completed turn repeated: the tests turn started once; the code turn once, then continued once.
    const turnStarts = server.requests.filter((record) => stepOf(record.body) === 0).map((record) => lastPrompt(record.body));
    expect(turnStarts.filter((prompt) => prompt.startsWith('Write the tests for LLD-2'))).toHaveLength(1);
    expect(turnStarts.filter((prompt) => prompt.startsWith('Implement LLD-2'))).toHaveLength(1);
    const continued = server.requests.filter((record) => lastPrompt(record.body).startsWith('lldflow was stopped during this turn'));
    expect(continued.length).toBeGreaterThan(0);
    // The same session: the continuing turn carries both earlier prompts.
    const [testsPrompt, codePrompt] = allPrompts(continued[0]!.body);
    expect(testsPrompt).toMatch(/^Write the tests for LLD-2/);
    expect(codePrompt).toMatch(/^Implement LLD-2: .* \(iteration 1\)/);
    expect(git(repo, ['log', '--format=%s', '2-implementation'])).toContain('2: implement LLD-2 (lldflow)');
    const report = git(repo, ['show', '2-implementation:docs/reports/active/2-implementation-report.md']);
    expect(report).toMatch(/\| tests-1 \| completed \|/);
    expect(report).toMatch(/\| code-1 \(continued\) \| completed \|/);
  }, 120_000);

  it('ten agents at --parallel 10 on three keys never put two requests on one key at once', async () => {
    const ids = Array.from({ length: 10 }, (_, index) => String(index + 1));
    const repo = implementRepository(ids);
    const agent = eagerAgent(repo);
    // Three keys at one request each: never more than three in flight, so each is held its 300 ms.
    const gauge = keyConcurrency({ enough: 4, holdMs: 300 });
    server = await fakeAnthropicServer({
      respond: scriptedAgentModel((step) => gauge.around(step.request.apiKey ?? '', () => agent(step))),
    });
    const run = runImplement(repo, ['--parallel', '10', '--per-key-concurrency', '1']);
    expect((await run.exited).code, run.stdout + run.stderr).toBe(0);
    expect(count(run.stdout, /\]\s+succeeded in /)).toBe(10);
    expect(gauge.most).toEqual({ perKey: 1, overall: 3 });
    expect(new Set(server.requests.map((record) => record.apiKey))).toEqual(new Set(KEYS));
    expect(server.requests.length).toBeGreaterThanOrEqual(40);
  }, 300_000);
});

interface MessageBlock {
  type?: string;
  text?: string;
}

/** The user prompts of a Messages request, oldest first (tool results and reminders left out). */
function allPrompts(body: unknown): string[] {
  return userBlocks(body)
    .map(promptText)
    .filter((text) => text !== '');
}

function lastPrompt(body: unknown): string {
  return allPrompts(body).at(-1) ?? '';
}

/** Tool-result rounds since the turn's prompt: 0 for the request that starts a turn. */
function stepOf(body: unknown): number {
  let step = 0;
  for (const blocks of userBlocks(body)) {
    if (promptText(blocks) !== '') step = 0;
    else if (blocks.some((block) => block.type === 'tool_result')) step += 1;
  }
  return step;
}

function userBlocks(body: unknown): MessageBlock[][] {
  const messages = (body as { messages?: Array<{ role?: string; content?: string | MessageBlock[] }> }).messages ?? [];
  return messages
    .filter((message) => message.role === 'user')
    .map((message) => (typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : (message.content ?? [])));
}

/** Every file under `root` but git's own object store (compressed: a grep there proves nothing). */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.includes(`${join('.git', 'objects')}`));
}

function readCheckpointSession(repo: string): string {
  const log =
    readdirSync(join(repo, '.lldflow', 'logs'))
      .sort()
      .at(-1) ?? '';
  return readFileSync(join(repo, '.lldflow', 'logs', log, '2.log'), 'utf8');
}
