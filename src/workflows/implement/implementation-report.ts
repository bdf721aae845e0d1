import type { Redact } from '../../core/redact.js';
import type { ImplementState } from './implement-state.js';

/**
 * `docs/reports/active/<id>-implementation-report.md`: what was written, test results per iteration, cost.
 * It is committed on the implementation branch and becomes the pull request's description, and it quotes
 * test output and paths the model chose, so the whole text passes through `redact`.
 */
export function implementationReport(
  state: ImplementState,
  input: { implementer: string; durationMs: number; date: string; testCommand: string; redact: Redact },
): string {
  const outcome =
    state.outcome?.status === 'succeeded'
      ? 'Succeeded: the tests pass'
      : `Blocked: ${state.outcome?.status === 'blocked' ? state.outcome.reason : 'unknown'}`;
  const runs = state.testRuns.map(
    (run) =>
      `| ${run.iteration} | ${run.phase} | ${run.passed ? 'pass' : run.timedOut ? 'timeout' : `fail (exit ${run.exitCode ?? '—'})`} | ${(run.durationMs / 1000).toFixed(1)} s |`,
  );
  const report = [
    `# Implementation report: LLD-${state.lld?.id ?? ''} — ${state.lld?.title ?? ''}`,
    '',
    `* **Outcome:** ${outcome}`,
    `* **Design:** ${state.lld?.path ?? ''}`,
    `* **Branch:** ${state.worktree?.branch ?? ''}`,
    `* **Implementer:** ${input.implementer}`,
    `* **Date:** ${input.date}`,
    `* **Iterations:** ${state.iteration}${state.testsFrozen ? ' (tests were frozen after repeating failures)' : ''}`,
    `* **Model calls:** ${state.calls} · **Cost:** $${state.costUsd.toFixed(4)} · **Duration:** ${(input.durationMs / 1000).toFixed(1)} s`,
    `* **Test command:** \`${input.testCommand}\``,
    '',
    '## Files written',
    '',
    ...(state.written.length > 0
      ? state.written.map((path) => `- \`${path}\`${state.testFiles.includes(path) ? ' (test)' : ''}`)
      : ['None.']),
    '',
    ...agentTurns(state),
    '## Test runs',
    '',
    '| Iteration | Phase | Result | Duration |',
    '|-----------|-------|--------|----------|',
    ...runs,
    '',
    '## Last test output',
    '',
    '```',
    state.testRuns.at(-1)?.summary ?? '(no run)',
    '```',
    '',
  ].join('\n');
  return input.redact(report);
}

/** A coding agent's turns: its session, how each turn ended, what it cost (the audit of who did what). */
function agentTurns(state: ImplementState): string[] {
  if (state.agentTurns.length === 0) return [];
  return [
    '## Agent turns',
    '',
    `Session: \`${state.agentSessionId ?? ''}\``,
    '',
    '| Turn | Ending | Model requests | Tokens in / out | Cost |',
    '|------|--------|----------------|-----------------|------|',
    ...state.agentTurns.map(
      (turn) =>
        `| ${turn.step}${turn.continuedInterrupted ? ' (continued)' : ''} | ${turn.ending} | ${turn.modelCalls} | ${turn.inputTokens} / ${turn.outputTokens} | $${turn.costUsd.toFixed(4)} |`,
    ),
    '',
  ];
}
