import { abortReason } from '../core/abort.js';

/**
 * One machine's cap (`worker --parallel`) across the queues it serves. Each queue's BullMQ worker has
 * its own concurrency, so the fleet worker stops them all fetching while the machine is full
 * (`onFull(true)`) and lets them fetch again when a slot frees (`onFull(false)`). A job fetched in the
 * moment between waits here for a slot instead of running beyond the cap.
 */
export class MachineSlots {
  private active = 0;
  private readonly waiting: Array<{ grant: () => void; signal: AbortSignal }> = [];

  constructor(
    private readonly capacity: number,
    private readonly onFull: (full: boolean) => void,
  ) {}

  /** Resolves when the caller holds a slot; rejects (holding none) when `signal` aborts first. */
  acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    if (this.active < this.capacity) {
      this.active += 1;
      if (this.active === this.capacity) this.onFull(true);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        signal,
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        reject(abortReason(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    // Handed straight over: the machine stays full.
    if (next) return next.grant();
    this.active -= 1;
    if (this.active === this.capacity - 1) this.onFull(false);
  }

  get inUse(): number {
    return this.active;
  }
}
