/**
 * For a promise that several events may try to settle (an answer, an error, the caller's abort): only
 * the first outcome runs, and the abort listener is removed then. `onAbort` runs when the signal aborts
 * before any outcome; it stops the work and settles with the signal's reason.
 */
export function settleOnce(signal: AbortSignal | undefined, onAbort: () => void): (outcome: () => void) => void {
  let settled = false;
  const listener = (): void => onAbort();
  signal?.addEventListener('abort', listener, { once: true });
  return (outcome) => {
    if (settled) return;
    settled = true;
    signal?.removeEventListener('abort', listener);
    outcome();
  };
}
