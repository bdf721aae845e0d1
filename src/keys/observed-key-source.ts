import type { Clock } from '../clock/clock.js';
import { formatDuration } from '../core/format.js';
import type { KeyActivity, KeyActivityListener } from './key-activity.js';
import type { Cooldown } from './cooldown.js';
import type { KeyDemand, KeyLease, KeySnapshot, KeySource, KeyWaitInfo } from './key-lease.js';
import { describeSetAside } from './key-pool-failures.js';

/**
 * A key source that reports what its callers do with keys: each lease's start and end, each 429 with
 * the rest it causes, each key set aside. It wraps a KeyPool or a FleetKeyPool alike and reports only
 * what the caller sees: a fleet's local lease handed back unused because another worker holds the key
 * never reaches the caller, so it is no lease here either.
 */
export class ObservedKeySource implements KeySource {
  readonly provider: string;
  readonly size: number;
  private leaseSequence = 0;

  constructor(
    private readonly inner: KeySource,
    private readonly clock: Clock,
    private readonly report: KeyActivityListener,
  ) {
    this.provider = inner.provider;
    this.size = inner.size;
  }

  async acquire(signal: AbortSignal, onWait?: (info: KeyWaitInfo) => void, demand?: KeyDemand): Promise<KeyLease> {
    const lease = await this.inner.acquire(signal, onWait, demand);
    const base = { key: lease.name, lease: ++this.leaseSequence, ...(demand?.itemId === undefined ? {} : { id: demand.itemId }) };
    this.emit({ ...base, kind: 'lease-start' });
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      this.emit({ ...base, kind: 'lease-end' });
    };
    return {
      name: lease.name,
      value: lease.value,
      observeHeaders: (headers) => lease.observeHeaders(headers),
      release: (succeeded) => {
        lease.release(succeeded);
        end();
      },
      rateLimited: (retryAfterMs) => {
        const cooldown = lease.rateLimited(retryAfterMs);
        if (!ended) {
          const untilMs = this.clock.now() + cooldown.ms;
          this.emit({ ...base, kind: 'rate-limited', untilMs });
          this.emit({ ...base, kind: 'cooldown', untilMs, reason: describeCooldown(cooldown) });
        }
        end();
        return cooldown;
      },
      setAside: (error) => {
        const first = lease.setAside(error);
        if (first) this.emit({ ...base, kind: 'set-aside', reason: describeSetAside(lease.name, error.kind, error.why) });
        end();
        return first;
      },
    };
  }

  snapshot(): KeySnapshot[] {
    return this.inner.snapshot();
  }

  private emit(activity: Omit<KeyActivity, 'at'>): void {
    try {
      this.report({ at: this.clock.now(), ...activity });
    } catch {
      // Reporting must not change what happens to the key or the call.
    }
  }
}

/** `HTTP 429: retry-after 2 s`, `HTTP 429: asked for 1 day, rests 10 min`, `HTTP 429: back-off 4 s`. */
function describeCooldown(cooldown: Cooldown): string {
  const rest = formatDuration(cooldown.ms, 'prose');
  if (cooldown.capped && cooldown.askedMs !== undefined) {
    return `HTTP 429: asked for ${formatDuration(cooldown.askedMs, 'prose')}, rests ${rest} (the longest rest)`;
  }
  return cooldown.announced ? `HTTP 429: retry-after ${rest}` : `HTTP 429: back-off ${rest}`;
}
