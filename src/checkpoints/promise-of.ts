/**
 * Runs synchronous work behind a Promise-returning interface so that its errors arrive as rejections
 * (a caller's `.catch` or `await` sees them) instead of being thrown before any promise exists.
 */
export function promiseOf<T>(work: () => T): Promise<T> {
  return new Promise<T>((resolve) => {
    resolve(work());
  });
}
