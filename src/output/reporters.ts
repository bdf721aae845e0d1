import { plural } from '../core/format.js';
import type { Reporter, RunEvent } from '../runner/events.js';

/**
 * One reporter that hands every event to all of `reporters`. A reporter that throws (a log file that
 * cannot be opened) must not silence the console or the summary, so each is called on its own; errors
 * go to `onError` when given, otherwise the first one of each reporter surfaces from `close()`.
 */
export function combineReporters(reporters: readonly Reporter[], onError?: (error: unknown, reporter: Reporter) => void): Reporter {
  const firstErrors = new Map<Reporter, unknown>();
  const report = (error: unknown, reporter: Reporter): void => {
    if (onError) {
      try {
        onError(error, reporter);
      } catch {
        // An error handler that fails must not stop the fan-out either.
      }
    } else if (!firstErrors.has(reporter)) {
      firstErrors.set(reporter, error);
    }
  };
  return {
    onEvent(event: RunEvent): void {
      for (const reporter of reporters) {
        try {
          reporter.onEvent(event);
        } catch (error) {
          report(error, reporter);
        }
      }
    },
    async close(): Promise<void> {
      const results = await Promise.allSettled(reporters.map((reporter) => Promise.resolve().then(() => reporter.close())));
      results.forEach((result, index) => {
        const reporter = reporters[index];
        if (result.status === 'rejected' && reporter) report(result.reason, reporter);
      });
      if (firstErrors.size > 0) {
        const errors = [...firstErrors.values()];
        firstErrors.clear();
        throw new AggregateError(
          errors,
          `${errors.length} ${plural(errors.length, 'reporter')} failed: ${errors.map(describe).join('; ')}`,
        );
      }
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
