import { describe, expect, it } from 'vitest';
import type { Reporter, RunEvent } from '../runner/events.js';
import { combineReporters } from './reporters.js';

class RecordingReporter implements Reporter {
  readonly events: RunEvent[] = [];
  closed = false;
  onEvent(event: RunEvent): void {
    this.events.push(event);
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

const throwing: Reporter = {
  onEvent() {
    throw new Error('disk full');
  },
  close() {
    return Promise.reject(new Error('could not flush'));
  },
};

const WARNING: RunEvent = { type: 'run-warning', at: 0, message: 'hello' };

describe('combineReporters', () => {
  it('hands every event to every reporter, in order', () => {
    const first = new RecordingReporter();
    const second = new RecordingReporter();
    const combined = combineReporters([first, second]);
    combined.onEvent(WARNING);
    combined.onEvent({ type: 'run-interrupting', at: 1 });
    expect(first.events).toEqual(second.events);
    expect(first.events.map((event) => event.type)).toEqual(['run-warning', 'run-interrupting']);
  });

  it('keeps going when one reporter throws, and reports its errors from close after closing the others', async () => {
    const before = new RecordingReporter();
    const after = new RecordingReporter();
    const combined = combineReporters([before, throwing, after]);
    expect(() => combined.onEvent(WARNING)).not.toThrow();
    combined.onEvent(WARNING);
    expect(before.events).toHaveLength(2);
    expect(after.events).toHaveLength(2);
    const closing = combined.close();
    await expect(closing).rejects.toThrow(/disk full/);
    await expect(closing).rejects.toBeInstanceOf(AggregateError);
    expect(before.closed && after.closed).toBe(true);
  });

  it('sends errors to onError when given, and then closes cleanly', async () => {
    const seen: string[] = [];
    const other = new RecordingReporter();
    const combined = combineReporters([throwing, other], (error, reporter) => {
      seen.push(`${reporter === throwing ? 'throwing' : 'other'}: ${(error as Error).message}`);
    });
    combined.onEvent(WARNING);
    await expect(combined.close()).resolves.toBeUndefined();
    expect(seen).toEqual(['throwing: disk full', 'throwing: could not flush']);
    expect(other.events).toHaveLength(1);
  });
});
