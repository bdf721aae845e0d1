import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ItemLeases } from '../../checkpoints/item-lease.js';
import { MemoryCheckpointStoreFactory } from '../../checkpoints/memory-store.js';
import { FakeClock } from '../../clock/testing/fake-clock.js';
import { ConfigurationError, UsageError } from '../../core/errors.js';
import { temporaryRepository } from '../../git/testing/temporary-repository.js';
import { approveDesign, type ApproveDesignInput } from './approve-design.js';
import { lldFinalStatus } from './lld-status.js';

const free: ItemLeases = { acquire: () => Promise.resolve({ kind: 'leased', lease: { release: () => undefined } }) };

function repositoryWith(id: string, document: string): { repo: string; design: string } {
  const { repo } = temporaryRepository([]);
  const design = join(repo, 'docs', 'lld', 'active', `LLD-${id.padStart(3, '0')}.md`);
  mkdirSync(join(design, '..'), { recursive: true });
  writeFileSync(design, document);
  return { repo, design };
}

function input(repo: string, id: string, overrides: Partial<ApproveDesignInput> = {}): ApproveDesignInput {
  return {
    repo,
    id,
    reason: undefined,
    approver: { name: 'Jane Doe', email: 'jane@example.test' },
    clock: new FakeClock(Date.parse('2026-04-05T06:07:08Z')),
    checkpoints: new MemoryCheckpointStoreFactory(),
    leases: free,
    ...overrides,
  };
}

describe('approveDesign', () => {
  it('numbers its record after the last entry of the latest lineage run, and removes the blocked checkpoint', async () => {
    const { repo, design } = repositoryWith('7', '# 7 - Seven\n\n* **Status:** Blocked — DISCUSS\n');
    const lineage = join(repo, 'docs', 'lineage', 'active', '7-lld');
    for (const [run, files] of [
      ['2026-01-01T00-00-00Z-2', ['001-issue.md', '002-draft.md', '003-final.md', '004-blocked.json']],
      ['2026-01-01T00-00-00Z', ['001-issue.md']],
    ] as const) {
      mkdirSync(join(lineage, run), { recursive: true });
      for (const file of files) writeFileSync(join(lineage, run, file), 'x\n');
    }
    const checkpoints = new MemoryCheckpointStoreFactory();
    const store = await checkpoints.open('lld', '7');
    await store.commit({ stage: 'done', state: {} });
    await store.setStatus('blocked', 'DISCUSS');

    const approved = await approveDesign(input(repo, '7', { checkpoints, reason: 'decided' }));

    expect(approved).toEqual({
      design: 'docs/lld/active/LLD-007.md',
      previousStatus: 'blocked',
      record: 'docs/lineage/active/7-lld/2026-01-01T00-00-00Z-2/005-human-approval.json',
      warning: undefined,
    });
    expect(JSON.parse(readFileSync(join(repo, approved.record), 'utf8'))).toMatchObject({
      reason: 'decided',
      approvedAt: '2026-04-05T06:07:08.000Z',
    });
    expect(lldFinalStatus(readFileSync(design, 'utf8'))).toBe('approved');
    expect(await checkpoints.peek('lld', '7')).toBeUndefined();
  });

  it('starts a lineage run folder, named by the clock, for a design that has none', async () => {
    const { repo } = repositoryWith('9', '# 9 - Nine\n\n* **Status:** Draft\n');
    const approved = await approveDesign(input(repo, '9'));
    expect(approved.record).toBe('docs/lineage/active/9-lld/2026-04-05T06-07-08Z/001-human-approval.json');
    expect(approved.previousStatus).toBe('draft');
  });

  it('refuses while another run holds the item, writing nothing', async () => {
    const document = '# 7 - Seven\n\n* **Status:** Blocked\n';
    const { repo, design } = repositoryWith('7', document);
    const held: ItemLeases = {
      acquire: () =>
        Promise.resolve({ kind: 'held', holder: { pid: 4242, hostname: 'here', startedAt: '2026-04-05T06:00:00Z', runId: 'r' } }),
    };
    const attempt = approveDesign(input(repo, '7', { leases: held }));
    await expect(attempt).rejects.toThrow(ConfigurationError);
    await expect(attempt).rejects.toThrow(/item 7 is held by another lldflow run \(pid 4242.*\): approve it once that run has ended/);
    expect(readFileSync(design, 'utf8')).toBe(document);
    expect(existsSync(join(repo, 'docs', 'lineage'))).toBe(false);
  });

  it('refuses an approved design, a missing one and a bad id, as usage errors', async () => {
    const { repo } = repositoryWith('7', '# 7 - Seven\n\n* **Status:** Approved (reviewed by x, 2026-01-01)\n');
    await expect(approveDesign(input(repo, '7'))).rejects.toThrow(
      new UsageError('docs/lld/active/LLD-007.md is already approved: nothing to do'),
    );
    await expect(approveDesign(input(repo, '8'))).rejects.toThrow(/^no design for item 8: docs\/lld\/active\/LLD-008\.md does not exist/);
    await expect(approveDesign(input(repo, '../7'))).rejects.toThrow(UsageError);
  });
});
