import type { FakeAnswer, FakeResponder } from '../../providers/testing/fake-http-server.js';
import type { AgentStep } from './scripted-agent-model.js';

interface InputItem {
  type?: string;
  role?: string;
  content?: string | Array<{ type?: string; text?: string }>;
}

const TOOL_OUTPUTS = new Set(['function_call_output', 'custom_tool_call_output']);

/**
 * A Responses API responder for Codex: the test says what the model does at each step of each turn
 * (`plan`), and this works out the step from the conversation in the request's `input` (Codex stores
 * nothing upstream and sends the whole thread every time, a resumed one included). Codex's own user
 * messages (the environment context, AGENTS.md instructions) are tagged and are not prompts; a round
 * of tool results (`function_call_output`, `custom_tool_call_output`) is one step. A request without a
 * prompt gets a short text.
 */
export function scriptedCodexModel(plan: (step: AgentStep) => FakeAnswer | Promise<FakeAnswer>): FakeResponder {
  return (request) => {
    const input = (request.body as { input?: unknown }).input;
    const items: InputItem[] = Array.isArray(input) ? (input as InputItem[]) : [];
    const prompts: string[] = [];
    let step = 0;
    let previousWasOutput = false;
    for (const item of items) {
      const isOutput = TOOL_OUTPUTS.has(item.type ?? '');
      if (isOutput && !previousWasOutput) step += 1;
      previousWasOutput = isOutput;
      if (item.type !== 'message' || item.role !== 'user') continue;
      const text = textOf(item);
      if (text === '' || isCodexContext(text)) continue;
      prompts.push(text);
      step = 0;
    }
    const prompt = prompts.at(-1);
    if (prompt === undefined) return { text: 'ok' };
    return plan({ prompt, step, prompts, request });
  };
}

function textOf(item: InputItem): string {
  const parts = typeof item.content === 'string' ? [{ type: 'input_text', text: item.content }] : (item.content ?? []);
  return parts
    .filter((part) => part.type === 'input_text' && typeof part.text === 'string')
    .map((part) => part.text ?? '')
    .join('\n')
    .trim();
}

/** What Codex adds as user messages of its own: `<environment_context>…`, `# AGENTS.md instructions for …`. */
function isCodexContext(text: string): boolean {
  return text.startsWith('<') || text.startsWith('# AGENTS.md instructions');
}
