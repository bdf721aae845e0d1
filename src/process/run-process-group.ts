import { formatDuration } from '../core/format.js';
import { spawn } from 'node:child_process';
import type { Clock } from '../clock/clock.js';
import { settleOnce } from '../cancellation/settle-once.js';
import { abortReason } from '../core/abort.js';
import { ModelCallError } from '../model-call/errors.js';
import { terminateProcessGroup } from './terminate-process-group.js';

export interface ProcessGroupOptions {
  command: string;
  args: readonly string[];
  /** Written to stdin, which is then closed. */
  input: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  signal: AbortSignal;
  clock: Clock;
  /** Fails as `timeout` when neither stdout nor stderr produced anything for this long. */
  idleTimeoutMs: number;
  /** Fails as `timeout` after this long in total. */
  wallTimeoutMs: number;
  /** Between SIGTERM and SIGKILL when the process is stopped. */
  killGraceMs: number;
  /** Names the process in messages. */
  label: string;
}

export interface ProcessResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
}

/**
 * Runs a command in its own process group (spawned detached) and collects its output. On abort, idle
 * time-out or wall time-out the whole group gets SIGTERM, then SIGKILL after `killGraceMs`, so nothing
 * the command started outlives the call; the promise settles at once with the abort reason or a
 * ModelCallError('timeout'). Every wait runs on the injected clock.
 */
export function runProcessGroup(options: ProcessGroupOptions): Promise<ProcessResult> {
  const { clock, signal } = options;
  return new Promise<ProcessResult>((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: string[] = [];
    const stderr: string[] = [];
    let lastOutputAt = clock.now();
    let stopping = false;
    const finished = new AbortController();
    const finish = settleOnce(signal, () => stop(abortReason(signal)));
    const settle = (outcome: () => void): void =>
      finish(() => {
        finished.abort();
        outcome();
      });
    const stop = (error: Error): void => {
      settle(() => reject(error));
      if (stopping || child.pid === undefined) return;
      stopping = true;
      // In the background: the call has already failed; members that ignore SIGTERM get SIGKILL after the grace.
      terminateProcessGroup(child.pid, { clock, graceMs: options.killGraceMs }).catch(() => undefined);
    };

    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout.push(chunk);
      lastOutputAt = clock.now();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr.push(chunk);
      lastOutputAt = clock.now();
    });
    // The command may exit without reading its input; its exit code tells what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);

    child.on('error', (error) => {
      settle(() =>
        reject(
          new ModelCallError('subprocess', `${options.label}: could not start ${options.command}: ${error.message}`, { cause: error }),
        ),
      );
    });
    child.on('close', (exitCode, exitSignal) => {
      settle(() => resolve({ stdout: stdout.join(''), stderr: stderr.join(''), exitCode, exitSignal }));
    });

    clock.sleep(options.wallTimeoutMs, finished.signal).then(
      () => stop(new ModelCallError('timeout', `${options.label} timed out after ${formatDuration(options.wallTimeoutMs, 'prose')}`)),
      () => undefined,
    );
    void watchIdle();

    async function watchIdle(): Promise<void> {
      try {
        for (;;) {
          const remaining = lastOutputAt + options.idleTimeoutMs - clock.now();
          if (remaining <= 0) {
            stop(
              new ModelCallError('timeout', `${options.label} produced no output for ${formatDuration(options.idleTimeoutMs, 'prose')}`),
            );
            return;
          }
          await clock.sleep(remaining, finished.signal);
        }
      } catch {
        // Finished: nothing to watch any more.
      }
    }
  });
}
