import { spawn } from 'node:child_process';
import { compiledChild } from './node-process.js';
import { RESULT_PREFIX, type ScenarioResult } from './result.js';

/** Runs one scenario in a fresh Node process on the compiled bench (its own peak RSS) and reads its one result line. */
export function runScenarioProcess(name: string, nodeOptions: readonly string[] = []): Promise<ScenarioResult> {
  return new Promise((resolve, reject) => {
    // --expose-gc lets a scenario measure its live heap after a full collection; nothing else calls it.
    const child = spawn(process.execPath, ['--expose-gc', ...nodeOptions, compiledChild(), name], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_PREFIX));
      if (code !== 0 || line === undefined) {
        reject(new Error(`scenario ${name} exited with code ${String(code)} without a result${stdout ? `; its output:\n${stdout}` : ''}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as ScenarioResult);
    });
  });
}
