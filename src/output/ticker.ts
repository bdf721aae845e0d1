/** Repeating callbacks as a dependency, so tests fire ticks themselves instead of waiting. */
export interface Ticker {
  every(ms: number, callback: () => void): { stop(): void };
}

/** Real intervals that never keep the process alive on their own. */
export const intervalTicker: Ticker = {
  every(ms, callback) {
    const timer = setInterval(callback, ms);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  },
};
