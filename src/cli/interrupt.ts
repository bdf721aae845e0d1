import { InterruptedError } from '../core/errors.js';

export interface InterruptProcess {
  on(signal: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * Two-stage Ctrl+C / SIGTERM: the first aborts the run's signal (stop dispatch, cancel queued items,
 * abort in-flight calls, checkpoint) and arms a deadline so the process is gone within `deadlineMs`
 * even if something ignores the signal; the second exits at once.
 */
export function installInterruptHandlers(options: {
  process: InterruptProcess;
  controller: AbortController;
  exit: (code: number) => void;
  deadlineMs?: number;
  setTimer?: (callback: () => void, ms: number) => void;
}): () => void {
  const deadlineMs = options.deadlineMs ?? 4500;
  const setTimer = options.setTimer ?? ((callback, ms) => void setTimeout(callback, ms).unref());
  let presses = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    presses += 1;
    if (presses === 1) {
      options.controller.abort(new InterruptedError(`interrupted by ${signal}`));
      setTimer(() => options.exit(130), deadlineMs);
    } else {
      options.exit(130);
    }
  };
  options.process.on('SIGINT', onSignal);
  options.process.on('SIGTERM', onSignal);
  return () => {
    options.process.off('SIGINT', onSignal);
    options.process.off('SIGTERM', onSignal);
  };
}
