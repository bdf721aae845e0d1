import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { implementRepository } from '../../../test/support/implement-fixtures.js';
import type { AgentTurnRequest } from '../../agents/coding-agent.js';
import { ScriptedAgent, type ScriptedTurn } from '../../agents/testing/scripted-agent.js';
import { MemoryCheckpointStoreFactory } from '../../checkpoints/memory-store.js';
import { systemClock } from '../../clock/clock.js';
import { testSandbox } from '../../process/testing/test-sandbox.js';
import type { RunEvent } from '../../runner/events.js';
import { runWorkflow } from '../../runner/run-workflow.js';
import { ImplementWorkflow } from './implement-workflow.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

function put(request: AgentTurnRequest, path: string, content: string): void {
  mkdirSync(join(request.worktree, path, '..'), { recursive: true });
  writeFileSync(join(request.worktree, path), content);
}

const TEST = (id: string): string =>
  `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { feature } from '../src/feature-${id}.js';\ntest('f', () => assert.equal(feature(), 'ok ${id}'));\n`;
const CODE = (id: string, value = `ok ${id}`): string => `export function feature() { return '${value}'; }\n`;

async function implement(repo: string, id: string, agent: ScriptedAgent, budgetUsd?: number) {
  const workflow = new ImplementWorkflow({
    repo,
    implementer: agent,
    limits: { maxIterations: 5, maxTestAttempts: 3, budgetUsd },
    baseRef: git(repo, 'rev-parse', 'HEAD'),
    testCommand: 'npm test',
    testTimeoutMs: 60_000,
    sandbox: { sandbox: testSandbox(), network: false },
  });
  const events: RunEvent[] = [];
  const summary = await runWorkflow(
    { explicitIds: [id], all: false, retryFailed: false, parallel: 1, timeoutMs: 120_000 },
    {
      workflow,
      checkpoints: new MemoryCheckpointStoreFactory(),
      clock: systemClock,
      emit: (event) => events.push(event),
      signal: new AbortController().signal,
      runId: 'run-1',
      retryCommand: () => '',
    },
  );
  const output = events.flatMap((event) => (event.type === 'item-output' ? [event.text] : [])).join('');
  return { summary, output, events };
}

/** Tests in the first turn, then the code; what else a turn does comes from `extra`. */
function agentFor(id: string, extra: (request: AgentTurnRequest, turn: number) => ScriptedTurn = () => ({})): ScriptedAgent {
  return new ScriptedAgent((request, turn) => {
    const more = extra(request, turn);
    return {
      ...more,
      act: async (current) => {
        if (turn === 1) put(current, `test/feature-${id}.test.js`, TEST(id));
        else put(current, `src/feature-${id}.js`, CODE(id));
        await more.act?.(current);
      },
    };
  });
}

describe('implement with a coding agent (in-process scripted agent, real git and test runs)', () => {
  it('continues one session across turns, counts its requests and cost, and records each turn', async () => {
    const repo = implementRepository(['1']);
    const agent = agentFor('1');
    const { summary, output } = await implement(repo, '1', agent);
    expect(summary.items[0]?.status, output).toBe('succeeded');
    expect(agent.requests.map((request) => request.sessionId)).toEqual([undefined, 'session-1']);
    expect(agent.requests[1]?.sessionCostUsd).toBeCloseTo(0.01);
    expect(summary.items[0]?.llmCalls).toBe(6);
    expect(summary.items[0]?.costUsd).toBeCloseTo(0.02);
    expect(output).toContain('agent turn ended: 3 model requests, $0.0100');
    const report = git(repo, 'show', '1-implementation:docs/reports/active/1-implementation-report.md');
    expect(report).toContain('## Agent turns');
    expect(report).toContain('| tests-1 | completed | 3 | 1000 / 100 | $0.0100 |');
    expect(report).toContain('| code-1 | completed | 3 | 1000 / 100 | $0.0100 |');
  });

  it('caps the agent with what is left of --budget and ends the item blocked when it is spent', async () => {
    const repo = implementRepository(['2']);
    // The tests turn costs $0.70; the code turn stops at the cap having written nothing, so its test run fails.
    const noCode = new ScriptedAgent((_request, turn) =>
      turn === 1
        ? { act: (request) => put(request, 'test/feature-2.test.js', TEST('2')), costUsd: 0.7 }
        : { ending: 'budget', costUsd: 0.4 },
    );
    const { summary, output } = await implement(repo, '2', noCode, 1);
    expect(noCode.requests[0]?.maxBudgetUsd).toBe(1);
    expect(noCode.requests[1]?.maxBudgetUsd).toBeCloseTo(0.3);
    expect(summary.items[0]?.status, output).toBe('blocked');
    expect(summary.items[0]?.error).toMatch(/budget of \$1 reached/);
    expect(output).toContain('agent turn stopped at the budget');
  });

  it("puts the branch back when the agent commits itself, and governs the commit's changes like any other", async () => {
    const repo = implementRepository(['3']);
    const agent = agentFor('3', (_request, turn) =>
      turn === 1
        ? {
            act: (request) => {
              put(request, 'src/feature-3.js', CODE('3'));
              git(request.worktree, 'add', '-A');
              git(
                request.worktree,
                '-c',
                'user.name=agent',
                '-c',
                'user.email=agent@example.invalid',
                'commit',
                '-qm',
                'agent: everything',
              );
            },
          }
        : {},
    );
    const { summary, output } = await implement(repo, '3', agent);
    expect(summary.items[0]?.status, output).toBe('succeeded');
    expect(output).toContain("the agent had committed or switched branches: 3-implementation is back at lldflow's last commit");
    expect(output).toMatch(/reverted src\/feature-3\.js \(added\)/);
    expect(git(repo, 'log', '--format=%s', '3-implementation')).not.toContain('agent: everything');
    expect(agent.requests[1]?.prompt).toContain('You committed or switched branches');
    const red = git(repo, 'log', '--format=%H', '--grep', '^3: tests for LLD-3', '3-implementation');
    expect(git(repo, 'show', '--name-only', '--format=', red)).toBe('test/feature-3.test.js');
  });

  it('a turn that changes no test file is asked again, and three such turns block the item', async () => {
    const repo = implementRepository(['4']);
    const agent = new ScriptedAgent(() => ({ act: (request) => put(request, 'src/feature-4.js', CODE('4')) }));
    const { summary, output } = await implement(repo, '4', agent);
    expect(summary.items[0]?.status, output).toBe('blocked');
    expect(summary.items[0]?.error).toBe('no usable test file after 3 attempts');
    expect(agent.requests).toHaveLength(3);
    expect(agent.requests[1]?.prompt).toContain('No test file was written.');
    expect(agent.requests[1]?.prompt).toContain('- src/feature-4.js (added)');
  });
});
