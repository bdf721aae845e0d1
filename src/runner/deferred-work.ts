/**
 * Clean-up nobody waits for (deleting a finished item's checkpoint), run a little later, when the event
 * loop is most likely idle: an item ends when its last answer arrives, often together with other items'
 * answers, and the next item's first request is sent at once; a few milliseconds on, every running item
 * is waiting for its model. `drain()` runs whatever is still pending at once and waits for all of it.
 *
 * A real timer rather than the run's clock: this only moves work in time, it decides nothing, and a run
 * on a test clock must not wait for time that never passes.
 */
export class DeferredWork {
  private readonly pending = new Map<NodeJS.Timeout, () => Promise<void>>();
  private readonly running: Array<Promise<void>> = [];

  constructor(private readonly delayMs = 50) {}

  schedule(work: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      this.start(work);
    }, this.delayMs);
    this.pending.set(timer, work);
  }

  async drain(): Promise<void> {
    for (const [timer, work] of this.pending) {
      clearTimeout(timer);
      this.start(work);
    }
    this.pending.clear();
    await Promise.all(this.running);
  }

  private start(work: () => Promise<void>): void {
    // Failures are the work's own business (a checkpoint left behind is harmless); they never fail the run.
    this.running.push(work().catch(() => undefined));
  }
}
