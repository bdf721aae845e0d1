/**
 * What happened to a key over a run, for the run's events and its timeline report: leases, rests,
 * 429s and keys set aside. Names keys (`openai#1`), never their values.
 */
export type KeyActivityKind =
  /** A call took the key. */
  | 'lease-start'
  /** That call gave it back (answered, failed, rate limited or set aside). */
  | 'lease-end'
  /** The provider answered HTTP 429 on the key. */
  | 'rate-limited'
  /** The key rests until `untilMs` (after a 429). */
  | 'cooldown'
  /** The key is not used again this run (rejected, out of quota). */
  | 'set-aside';

export interface KeyActivity {
  /** The clock's time, in milliseconds. */
  at: number;
  /** The key's masked name (`openai#1`); a keyless pool's slot is named after its provider. */
  key: string;
  kind: KeyActivityKind;
  /** The item whose call it was, when the caller named one. */
  id?: string;
  /** Numbers the leases of one run, so a lease's start and end pair up when a key carries several calls. */
  lease?: number;
  /** `cooldown` and `rate-limited`: when the rest ends, on the same clock as `at`. */
  untilMs?: number;
  /** `cooldown` and `set-aside`: why, in words (`HTTP 429, retry-after 2 s`, `401 invalid_api_key`). */
  reason?: string;
}

export type KeyActivityListener = (activity: KeyActivity) => void;

/**
 * Hands key activity to whoever listens now: the model registry is built before the run that reports
 * it, so the run connects its reporters here once they exist. A listener that throws is the listener's
 * problem: it never reaches the key pool that reported.
 */
export class KeyActivityRelay {
  private readonly listeners = new Set<KeyActivityListener>();

  /** Bound, so it can be handed on as a plain function. */
  readonly emit = (activity: KeyActivity): void => {
    for (const listener of this.listeners) {
      try {
        listener(activity);
      } catch {
        // Reporting must not change what happens to a key or a call.
      }
    }
  };

  /** Starts handing activity to `listener`; returns what stops it. */
  listen(listener: KeyActivityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
