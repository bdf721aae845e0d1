/**
 * A coding agent as the implement workflow drives it: one turn at a time, in the item's worktree,
 * continuing one session per item. What the agent changes is the agent's business; what stays is
 * lldflow's (the workflow reads the worktree from git after every turn and reverts what the phase
 * does not allow). Both backends (Claude Agent SDK, Codex SDK) implement this.
 */
export interface CodingAgent {
  /** `claude-agent` or `codex`. */
  readonly provider: CodingAgentProvider;
  readonly model: string;
  /** `provider:model` as the user wrote it. */
  readonly label: string;
  /** One turn: the prompt in, the agent works until it ends its turn (or the signal aborts it). */
  runTurn(request: AgentTurnRequest): Promise<AgentTurnResult>;
}

export type CodingAgentProvider = 'claude-agent' | 'codex';

export interface AgentTurnRequest {
  /** The item's id: the agent keeps its sessions per item. */
  itemId: string;
  /** The item's worktree: where the agent runs and the only place it may write. */
  worktree: string;
  /** The main repository, shown read-only (a worktree's git data lives in it). */
  repository: string;
  /** What lldflow asks for in this turn. */
  prompt: string;
  /** lldflow's rules, appended to the agent's own system prompt. */
  instructions: string;
  /** The item's session to continue; undefined starts one. */
  sessionId: string | undefined;
  /** What the session had cost by the end of its last completed turn, as the agent reported it. */
  sessionCostUsd: number;
  /** The most this turn may spend (what is left of --budget); undefined for no cap. */
  maxBudgetUsd: number | undefined;
  /** Ctrl+C or the item's time-out: the agent process is stopped. */
  signal: AbortSignal;
  /** The session's id as soon as the agent names it, before the turn ends, so an interrupted turn resumes it. */
  onSession(sessionId: string): Promise<void>;
  /** One line of what the agent does (a tool it uses), for the item's log. */
  log(message: string): void;
}

export interface AgentTurnResult {
  sessionId: string;
  /** The agent's last message of the turn. */
  text: string;
  /** How the turn ended: done, or stopped by the budget cap or its own turn limit. */
  ending: 'completed' | 'budget' | 'turn-limit';
  /** This turn's cost in USD. */
  costUsd: number;
  /** The session's cost so far, for the next turn's `sessionCostUsd`. */
  sessionCostUsd: number;
  inputTokens: number;
  outputTokens: number;
  /** Model requests the agent made in this turn. */
  modelCalls: number;
  durationMs: number;
}

/** A turn the agent could not complete (its process failed, the API refused it): the item fails with this. */
export class AgentTurnError extends Error {
  override readonly name = 'AgentTurnError';
}
