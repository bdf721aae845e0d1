import type { AgentTurnRequest, AgentTurnResult, CodingAgent } from '../coding-agent.js';

/** What a scripted turn does in the worktree, and what it reports. */
export interface ScriptedTurn {
  /** Carries out the turn's edits (write files, run git) in `request.worktree`. */
  act?: (request: AgentTurnRequest) => Promise<void> | void;
  text?: string;
  ending?: AgentTurnResult['ending'];
  costUsd?: number;
}

/**
 * A coding agent for workflow tests: each turn runs the script's edits in the worktree directly, in
 * this process, and reports a session that continues turn after turn. Every request is kept.
 */
export class ScriptedAgent implements CodingAgent {
  readonly provider = 'claude-agent' as const;
  readonly model = 'scripted';
  readonly label = 'claude-agent:scripted';
  readonly requests: AgentTurnRequest[] = [];
  private sessions = 0;

  constructor(private readonly script: (request: AgentTurnRequest, turn: number) => ScriptedTurn) {}

  async runTurn(request: AgentTurnRequest): Promise<AgentTurnResult> {
    this.requests.push(request);
    const sessionId = request.sessionId ?? `session-${++this.sessions}`;
    if (sessionId !== request.sessionId) await request.onSession(sessionId);
    const turn = this.script(request, this.requests.length);
    await turn.act?.(request);
    const costUsd = turn.costUsd ?? 0.01;
    return {
      sessionId,
      text: turn.text ?? 'done',
      ending: turn.ending ?? 'completed',
      costUsd,
      sessionCostUsd: request.sessionCostUsd + costUsd,
      inputTokens: 1000,
      outputTokens: 100,
      modelCalls: 3,
      durationMs: 5,
    };
  }
}
