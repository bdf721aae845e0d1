import { spawn } from 'node:child_process';
import { benchFile, typescriptExecArgv } from './node-process.js';
import { RESULT_PREFIX, type ScenarioResult } from './result.js';
import type { TransportKind } from './transport-choice.js';

/** Runs one scenario in a fresh Node process (its own peak RSS) and reads its one result line. */
export function runScenarioProcess(name: string, transport: TransportKind, nodeOptions: readonly string[] = []): Promise<ScenarioResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...typescriptExecArgv(nodeOptions), benchFile('child.ts'), name, transport], {
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
