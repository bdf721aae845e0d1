import type { FakeAnswer, FakeRequest, FakeResponder } from '../../providers/testing/fake-http-server.js';

/** Where a request stands in the agent's conversation: the turn's prompt, and how many tool results came back since. */
export interface AgentStep {
  /** The text of the user message that started this turn. */
  prompt: string;
  /** 0 for the first request of the turn, then one more after each round of tool results. */
  step: number;
  /** Every user prompt of the conversation so far, oldest first (a resumed session carries the earlier turns). */
  prompts: string[];
  request: FakeRequest;
}

interface MessageBlock {
  type?: string;
  text?: string;
}

interface Message {
  role?: string;
  content?: string | MessageBlock[];
}

/**
 * A Messages API responder for a coding agent: the test says what the model does at each step of each
 * turn (`plan`), and this works out the step from the conversation the agent sends (Claude Code sends
 * the whole conversation each time). Requests that are not the conversation (a title, a quota probe)
 * get a short text.
 */
export function scriptedAgentModel(plan: (step: AgentStep) => FakeAnswer | Promise<FakeAnswer>): FakeResponder {
  return (request) => {
    const messages = (request.body as { messages?: Message[] }).messages ?? [];
    const prompts: string[] = [];
    let step = 0;
    for (const message of messages) {
      if (message.role !== 'user') continue;
      const blocks = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : (message.content ?? []);
      const text = promptText(blocks);
      // A resumed session may send the results of tools an interruption cut short with the next prompt.
      if (text !== '') {
        prompts.push(text);
        step = 0;
      } else if (blocks.some((block) => block.type === 'tool_result')) step += 1;
    }
    const prompt = prompts.at(-1);
    if (prompt === undefined) return { text: 'ok' };
    return plan({ prompt, step, prompts, request });
  };
}

/** The prompt in a user message's blocks: its text, without Claude Code's system reminders. */
export function promptText(blocks: ReadonlyArray<{ type?: string; text?: string }>): string {
  return blocks
    .filter((block) => block.type === 'text' && typeof block.text === 'string' && !block.text.startsWith('<system-reminder>'))
    .map((block) => block.text ?? '')
    .join('\n')
    .trim();
}
