import type { Ticker } from '../ticker.js';

interface Registration {
  ms: number;
  callback: () => void;
  stopped: boolean;
}

/** A ticker the test fires by hand. */
export class FakeTicker implements Ticker {
  readonly registrations: Registration[] = [];

  every(ms: number, callback: () => void): { stop(): void } {
    const registration: Registration = { ms, callback, stopped: false };
    this.registrations.push(registration);
    return { stop: () => (registration.stopped = true) };
  }

  /** Fires every running registration once. */
  tick(): void {
    for (const registration of this.registrations) if (!registration.stopped) registration.callback();
  }

  get active(): Registration[] {
    return this.registrations.filter((registration) => !registration.stopped);
  }
}
