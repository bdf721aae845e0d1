import { describe, expect, it } from 'vitest';
import { readProcessTable } from './process-table.js';

describe.skipIf(process.platform !== 'linux')('readProcessTable', () => {
  it('lists this process with its parent, its group and a running state', async () => {
    const self = (await readProcessTable()).find((entry) => entry.pid === process.pid);
    expect(self).toMatchObject({ pid: process.pid, parentPid: process.ppid });
    expect(self?.groupId).toBeGreaterThan(0);
    expect(self?.state).toMatch(/^[RSD]$/);
  });
});
