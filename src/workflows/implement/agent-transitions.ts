import { formatDuration } from '../../core/format.js';
import { formatCost } from '../../output/format.js';
import type { AgentTurnResult } from '../../agents/coding-agent.js';
import { withLineage } from '../steps/lineage.js';
import type { ImplementLimits, ImplementState } from './implement-state.js';
import { afterApply, type ApplyReport } from './implement-transitions.js';
import { isTestFile } from './path-policy.js';
import { describeReverts, type DisallowedChange, type WorktreeChange } from './worktree-governance.js';

/**
 * The implement workflow's state changes for a coding agent, pure like the rest: a turn's session is
 * recorded as soon as it is known, a completed turn with its figures, and what governance kept and
 * reverted decides the next stage exactly as applying a text answer does.
 */

/** A turn has started in this session: a checkpoint now lets an interrupted run continue it. */
export function withAgentTurnStarted(state: ImplementState, sessionId: string, step: string): ImplementState {
  return { ...state, agentSessionId: sessionId, agentTurnStarted: step };
}

/** Whether the turn of `step` had started in an earlier run and did not complete. */
export function continuesInterruptedTurn(state: ImplementState, step: string): boolean {
  return state.agentTurnStarted === step && state.agentSessionId !== undefined;
}

export function afterAgentTurn(
  state: ImplementState,
  phase: 'tests' | 'code',
  step: string,
  prompt: string,
  result: AgentTurnResult,
  continuedInterrupted: boolean,
): ImplementState {
  const record = {
    step,
    sessionId: result.sessionId,
    ending: result.ending,
    continuedInterrupted,
    costUsd: result.costUsd,
    inputTokens: result.inputTokens,
    outputTokens: result.outputTokens,
    modelCalls: result.modelCalls,
    durationMs: result.durationMs,
  };
  const counted: ImplementState = {
    ...state,
    calls: state.calls + result.modelCalls,
    costUsd: state.costUsd + result.costUsd,
    agentSessionId: result.sessionId,
    agentSessionCostUsd: result.sessionCostUsd,
    agentTurnStarted: undefined,
    agentTurns: [...state.agentTurns, record],
  };
  const withPrompt = withLineage(counted, `${step}-prompt.md`, prompt);
  const recorded = withLineage(withPrompt, `${step}-turn.md`, renderTurn(record, result.text));
  return phase === 'tests' ? { ...recorded, stage: 'apply-tests' } : { ...recorded, stage: 'apply-code', iteration: state.iteration + 1 };
}

/** What lldflow found in the worktree after a turn, and what it did about it. */
export interface GovernanceReport {
  kept: readonly WorktreeChange[];
  reverted: readonly DisallowedChange[];
  /** The agent had committed or switched branches: lldflow put the branch back and kept the changes to govern. */
  branchRestored: boolean;
}

/** The turn's governed changes, taken like an applied answer: tests to RED, code to a test run. */
export function afterGovernance(
  state: ImplementState,
  phase: 'tests' | 'code',
  report: GovernanceReport,
  limits: ImplementLimits,
): ImplementState {
  const present = report.kept.filter((change) => change.kind !== 'deleted').map((change) => change.path);
  const applied: ApplyReport = {
    written: present,
    deleted: report.kept.filter((change) => change.kind === 'deleted').map((change) => change.path),
    refused: report.reverted.map(({ change, reason }) => ({ path: change.path, reason: `reverted: ${reason}` })),
    problems: report.branchRestored ? [BRANCH_NOTE] : [],
    testFiles: present.filter(isTestFile),
  };
  const feedback = [report.branchRestored ? BRANCH_NOTE : undefined, describeReverts(phase, report.reverted, state.testsFrozen)]
    .filter((part) => part !== undefined)
    .join('\n\n');
  return afterApply(state, phase, applied, limits, feedback === '' ? undefined : feedback);
}

const BRANCH_NOTE =
  'You committed or switched branches: lldflow put its branch back and kept your changes uncommitted. lldflow makes the commits; do not run git commit, checkout or reset.';

function renderTurn(record: ImplementState['agentTurns'][number], text: string): string {
  return [
    `# Agent turn ${record.step}`,
    '',
    `- Session: ${record.sessionId}${record.continuedInterrupted ? ' (continued after an interruption)' : ''}`,
    `- Ending: ${record.ending}`,
    `- Model requests: ${record.modelCalls}; tokens in ${record.inputTokens}, out ${record.outputTokens}`,
    `- Cost: ${formatCost(record.costUsd)}; duration ${formatDuration(record.durationMs)}`,
    '',
    '## Its last message',
    '',
    text.trim() === '' ? '(none)' : text,
    '',
  ].join('\n');
}
