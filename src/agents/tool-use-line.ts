/** How a tool the agent uses shows in the item's log: its name and the one argument that says what it does. */
export function describeToolUse(tool: string, input: unknown): string {
  const fields = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const detail = [fields.file_path, fields.path, fields.command, fields.pattern].find((value) => typeof value === 'string');
  return typeof detail === 'string' ? `${tool} ${shorten(detail)}` : tool;
}

const LONGEST_DETAIL = 100;

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > LONGEST_DETAIL ? `${line.slice(0, LONGEST_DETAIL - 1)}…` : line;
}
