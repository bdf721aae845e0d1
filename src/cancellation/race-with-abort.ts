import { abortReason } from '../core/abort.js';

/**
 * Settles with the work's result, or rejects with the signal's reason as soon as the signal aborts,
 * whichever comes first. Work that ignores its signal (a hung call) is abandoned, not waited for, so it
 * can never hold a worker slot, a time-out or the shutdown.
 */
export function raceWithAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
