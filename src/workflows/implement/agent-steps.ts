import type { CodingAgent } from '../../agents/coding-agent.js';
import { plural } from '../../core/format.js';
import { repositoryPaths } from '../../core/paths.js';
import { formatCost } from '../../output/format.js';
import { agentCodePrompt, agentTestsPrompt, AGENT_INSTRUCTIONS } from './agent-prompts.js';
import {
  afterAgentTurn,
  afterGovernance,
  continuesInterruptedTurn,
  withAgentTurnStarted,
  type GovernanceReport,
} from './agent-transitions.js';
import type { ImplementationSetup } from './implementation-setup.js';
import { budgetLeft } from './implement-transitions.js';
import type { ImplementState } from './implement-state.js';
import { disallowedChanges, phasePolicy, restoreBranch, revertChanges, worktreeChanges } from './worktree-governance.js';

/**
 * One turn of a coding agent in the item's worktree. The session is checkpointed the moment it is
 * known (and before a turn that continues one), so Ctrl+C during the turn and a re-run continue the
 * same session; a completed turn is committed by the step driver like any step, and never repeated.
 */
export async function performAgentTurn(
  setup: ImplementationSetup,
  agent: CodingAgent,
  state: ImplementState,
  step: { phase: 'tests' | 'code'; traceStep: string },
): Promise<ImplementState> {
  const { context, limits } = setup;
  const continuing = continuesInterruptedTurn(state, step.traceStep);
  const input = { state, testCommand: setup.testCommand, continuing };
  const prompt = step.phase === 'tests' ? agentTestsPrompt(input) : agentCodePrompt(input);
  let current = state;
  const checkpointSession = async (sessionId: string): Promise<void> => {
    current = withAgentTurnStarted(current, sessionId, step.traceStep);
    await context.checkpoint.commit({ stage: current.stage, state: current });
  };
  if (state.agentSessionId !== undefined) await checkpointSession(state.agentSessionId);
  const what = step.phase === 'tests' ? 'writing tests' : `writing code (iteration ${state.iteration + 1})`;
  context.log(
    `${continuing ? 'continuing the interrupted turn' : what} with ${agent.label}${state.agentSessionId ? ` in session ${state.agentSessionId}` : ''}`,
  );
  const result = await agent.runTurn({
    itemId: context.item.id,
    worktree: worktreeOf(state),
    repository: setup.repo,
    prompt,
    instructions: AGENT_INSTRUCTIONS,
    sessionId: state.agentSessionId,
    sessionCostUsd: state.agentSessionCostUsd,
    maxBudgetUsd: budgetLeft(state, limits),
    signal: context.signal,
    onSession: checkpointSession,
    log: (message) => context.log(message),
  });
  context.recordModelCall({
    provider: agent.provider,
    model: agent.model,
    role: 'implementer',
    durationMs: result.durationMs,
    inputTokens: result.inputTokens,
    outputTokens: result.outputTokens,
    costUsd: result.costUsd,
    requests: result.modelCalls,
  });
  const ending =
    result.ending === 'completed' ? 'ended' : result.ending === 'budget' ? 'stopped at the budget' : 'stopped at its turn limit';
  context.log(`agent turn ${ending}: ${result.modelCalls} model ${plural(result.modelCalls, 'request')}, ${formatCost(result.costUsd)}`);
  return afterAgentTurn(current, step.phase, step.traceStep, prompt, result, continuing);
}

/**
 * What the agent left in the worktree, read from git whatever it did: the branch put back if it
 * committed, every change its phase does not allow reverted, and the rest taken like applied files.
 */
export async function performGovernance(
  setup: ImplementationSetup,
  state: ImplementState,
  phase: 'tests' | 'code',
): Promise<ImplementState> {
  const { context } = setup;
  const worktree = worktreeOf(state);
  const branch = state.worktree?.branch ?? '';
  const branchRestored = await restoreBranch(worktree, branch, state.commits.at(-1) ?? setup.baseRef, context.signal);
  if (branchRestored) context.log(`the agent had committed or switched branches: ${branch} is back at lldflow's last commit`);
  // lldflow's own lineage of this item (with --commit-lineage it is written into the worktree) is not the agent's change.
  const ownLineage = `${repositoryPaths.itemLineage(context.item.id, 'implement')}/`;
  const changes = (await worktreeChanges(worktree, context.signal)).filter((change) => !change.path.startsWith(ownLineage));
  const policy = phasePolicy(phase, state.files, state.testsFrozen);
  const reverted = disallowedChanges(changes, policy);
  await revertChanges(worktree, reverted, context.signal);
  for (const { change, reason } of reverted) context.log(`reverted ${change.path} (${change.kind}): ${reason}`);
  const kept = changes.filter((change) => !reverted.some((disallowed) => disallowed.change === change));
  context.log(
    `the agent's turn left ${kept.length} ${plural(kept.length, 'change')}${reverted.length > 0 ? `, ${reverted.length} reverted` : ''}`,
  );
  const report: GovernanceReport = { kept, reverted, branchRestored };
  return afterGovernance(state, phase, report, setup.limits);
}

function worktreeOf(state: ImplementState): string {
  return state.worktree?.path ?? '';
}
