/**
 * Counts a fake provider's requests in flight, per key and in all. Each request is held until `enough`
 * are in flight at once, or for `holdMs` at most: a cap that holds keeps them below `enough` (each
 * waits its `holdMs`, so requests overlap for certain), and a broken one lets more through, which
 * the maxima then show.
 */
export function keyConcurrency(options: { enough: number; holdMs: number }) {
  const perKey = new Map<string, number>();
  let overall = 0;
  const waiting: Array<() => void> = [];
  const most = { perKey: 0, overall: 0 };
  return {
    most,
    async around<T>(key: string, answer: () => T | Promise<T>): Promise<T> {
      overall += 1;
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
      most.overall = Math.max(most.overall, overall);
      most.perKey = Math.max(most.perKey, perKey.get(key) ?? 0);
      if (overall >= options.enough) {
        for (const release of waiting.splice(0)) release();
      } else {
        // Real processes make these requests: only real time can hold them (no test clock reaches them).
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.holdMs);
          waiting.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      try {
        return await answer();
      } finally {
        // On its way back already: the next request on this key comes only after the proxy has the whole answer.
        overall -= 1;
        perKey.set(key, (perKey.get(key) ?? 0) - 1);
      }
    },
  };
}
