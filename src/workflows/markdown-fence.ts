/**
 * Wraps text in a code fence longer than any backtick run inside it, so documents that contain code
 * blocks stay intact inside a prompt.
 */
export function fenced(text: string, info = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${text}\n${fence}`;
}
