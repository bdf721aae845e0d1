import { describe, expect, it } from 'vitest';
import { pidNamespaceOf, waitForNamespaceExit } from './pid-namespace.js';

describe.skipIf(process.platform !== 'linux')('PID namespaces', () => {
  it("reads a process's namespace, and nothing for one that does not exist", async () => {
    expect(await pidNamespaceOf(process.pid)).toMatch(/^pid:\[\d+\]$/);
    expect(await pidNamespaceOf(2 ** 30)).toBeUndefined();
  });

  it('waits for a namespace to empty: at once for one nobody runs in, up to the limit for one this process runs in', async () => {
    expect(await waitForNamespaceExit('pid:[1]', 1000)).toBe(true);
    expect(await waitForNamespaceExit((await pidNamespaceOf(process.pid))!, 60, 20)).toBe(false);
  });
});
