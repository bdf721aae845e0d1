import { readFile } from 'node:fs/promises';
import { readProcessTable } from '../process-table.js';

/**
 * The live processes (zombies left out) whose command line — or, with `environment`, whose
 * environment — holds `text`: what a test looks for to say that nothing it started is left running.
 */
export async function processesNaming(text: string, options: { environment?: boolean } = {}): Promise<number[]> {
  const found: number[] = [];
  for (const { pid, state } of await readProcessTable()) {
    if (state === 'Z' || state === 'X') continue;
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const environment = options.environment ? await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '') : '';
    if (commandLine.includes(text) || environment.includes(text)) found.push(pid);
  }
  return found;
}

/**
 * The processes naming `text` still there after up to `limitMs`. These are real processes ending on
 * their own time (a killed sandbox's members die after it), which no test clock reaches: this looks
 * again every 50 ms until none is left.
 */
export async function processesLeftAfter(text: string, limitMs: number, options: { environment?: boolean } = {}): Promise<number[]> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const left = await processesNaming(text, options);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
