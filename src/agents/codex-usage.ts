import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FetchFunction } from '../providers/http-stack.js';

/** The thread's token totals at the end of its last completed turn (Codex reports totals, not the turn's share). */
export interface ThreadTotals {
  threadId: string;
  inputTokens: number;
  outputTokens: number;
}

/**
 * This turn's tokens. Codex reports the thread's totals (a resumed thread carries its earlier turns),
 * so the totals at the end of the thread's last completed turn are kept in the item's state folder
 * (beside Codex's home, not in it: the sandbox may write only there) and taken off.
 */
export async function turnShare(stateDirectory: string, totals: ThreadTotals): Promise<{ inputTokens: number; outputTokens: number }> {
  const file = join(stateDirectory, 'codex-usage.json');
  const earlier = await readTotals(file);
  await writeFile(file, `${JSON.stringify(totals)}\n`);
  if (earlier?.threadId !== totals.threadId) return { inputTokens: totals.inputTokens, outputTokens: totals.outputTokens };
  return {
    inputTokens: Math.max(0, totals.inputTokens - earlier.inputTokens),
    outputTokens: Math.max(0, totals.outputTokens - earlier.outputTokens),
  };
}

async function readTotals(file: string): Promise<ThreadTotals | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<ThreadTotals>;
    const { threadId, inputTokens, outputTokens } = value;
    if (typeof threadId !== 'string' || typeof inputTokens !== 'number' || typeof outputTokens !== 'number') return undefined;
    return { threadId, inputTokens, outputTokens };
  } catch {
    // No completed turn yet (or a file from elsewhere): the totals are this turn's alone.
    return undefined;
  }
}

/** The proxy's upstream fetch, counting model answers (a request retried on another key counts once). */
export function countingAnswers(fetch: FetchFunction, answered: { count: number }): FetchFunction {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (response.ok && new URL(url).pathname.endsWith('/responses')) answered.count += 1;
    return response;
  };
}
