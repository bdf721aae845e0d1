/** Why a signal aborted, as an Error: its reason when that is one (InterruptedError, ItemTimeoutError), else an AbortError. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted.', 'AbortError');
}
