import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { checkpointFileName, inRepository, lldFileName, lldIdFromFileName, logFileName, repositoryPaths } from './paths.js';

describe('repositoryPaths', () => {
  it('names every output as DESIGN.md lists it', () => {
    const runId = '2026-01-02T03-04-05Z';
    expect(repositoryPaths.lld('42')).toBe('docs/lld/active/LLD-042.md');
    expect(repositoryPaths.lineage('42', 'lld', runId)).toBe(`docs/lineage/active/42-lld/${runId}`);
    expect(repositoryPaths.implementationReport('42')).toBe('docs/reports/active/42-implementation-report.md');
    expect(repositoryPaths.ideasFolder).toBe('ideas/active');
    expect(repositoryPaths.localState).toBe('.lldflow');
    expect(repositoryPaths.checkpoint('implement', '42')).toBe('.lldflow/checkpoints/implement-42.sqlite');
    expect(repositoryPaths.log(runId, '42')).toBe(`.lldflow/logs/${runId}/42.log`);
    expect(repositoryPaths.runSummary(runId)).toBe(`.lldflow/runs/${runId}.json`);
    expect(repositoryPaths.worktree('42')).toBe('.lldflow/worktrees/42');
    expect(repositoryPaths.htmlReport(runId)).toBe(`.lldflow/reports/${runId}.html`);
  });

  it('keeps each file inside its folder', () => {
    const runId = 'r';
    expect(repositoryPaths.lld('a').startsWith(`${repositoryPaths.lldFolder}/`)).toBe(true);
    expect(repositoryPaths.lineage('a', 'issue', runId).startsWith(`${repositoryPaths.lineageFolder}/`)).toBe(true);
    expect(repositoryPaths.implementationReport('a').startsWith(`${repositoryPaths.reportsFolder}/`)).toBe(true);
    expect(repositoryPaths.checkpoint('lld', 'a')).toBe(`${repositoryPaths.checkpointsFolder}/${checkpointFileName('lld', 'a')}`);
    expect(repositoryPaths.log(runId, 'a')).toBe(`${repositoryPaths.logsFolder(runId)}/${logFileName('a')}`);
    expect(repositoryPaths.logsFolder(runId).startsWith(`${repositoryPaths.logsRoot}/`)).toBe(true);
    expect(repositoryPaths.runSummary(runId).startsWith(`${repositoryPaths.runsFolder}/`)).toBe(true);
    expect(repositoryPaths.worktree('a').startsWith(`${repositoryPaths.worktreesFolder}/`)).toBe(true);
    expect(repositoryPaths.htmlReport(runId).startsWith(`${repositoryPaths.htmlReportsFolder}/`)).toBe(true);
    for (const folder of [
      repositoryPaths.checkpointsFolder,
      repositoryPaths.logsRoot,
      repositoryPaths.runsFolder,
      repositoryPaths.worktreesFolder,
      repositoryPaths.htmlReportsFolder,
    ]) {
      expect(folder.startsWith(`${repositoryPaths.localState}/`)).toBe(true);
    }
    for (const folder of [repositoryPaths.lldFolder, repositoryPaths.lineageFolder, repositoryPaths.reportsFolder]) {
      expect(folder.startsWith(`${repositoryPaths.documents}/`)).toBe(true);
    }
  });

  it.each([
    (id: string) => repositoryPaths.lld(id),
    (id: string) => repositoryPaths.lineage(id, 'lld', 'r'),
    (id: string) => repositoryPaths.implementationReport(id),
    (id: string) => repositoryPaths.checkpoint('lld', id),
    (id: string) => repositoryPaths.log('r', id),
    (id: string) => repositoryPaths.worktree(id),
  ])('refuses ids that are not safe path parts (%#)', (build) => {
    expect(() => build('../escape')).toThrow(UsageError);
  });

  it('joins a repository-relative path to the repository', () => {
    expect(inRepository('/work/repo', repositoryPaths.worktree('7'))).toBe(join('/work/repo', '.lldflow', 'worktrees', '7'));
  });
});

describe('LLD file names', () => {
  it.each([
    ['7', 'LLD-007.md'],
    ['42', 'LLD-042.md'],
    ['007', 'LLD-007.md'],
    ['1000', 'LLD-1000.md'],
    ['0', 'LLD-000.md'],
    ['add-login', 'LLD-add-login.md'],
    ['A1', 'LLD-A1.md'],
  ])('item %j is written as %s', (id, name) => {
    expect(lldFileName(id)).toBe(name);
  });

  it.each([
    ['LLD-007.md', '7'],
    ['LLD-042.md', '42'],
    ['LLD-0042.md', '42'],
    ['LLD-1000.md', '1000'],
    ['LLD-0.md', '0'],
    ['LLD-000.md', '0'],
    ['LLD-abc.md', 'abc'],
    ['LLD-007a.md', '007a'],
    ['LLD-add_login-2.md', 'add_login-2'],
    // Past 2^53: Number() would round this id.
    ['LLD-00000000000000000001234567890123456789.md', '1234567890123456789'],
  ])('%s is item %j', (name, id) => {
    expect(lldIdFromFileName(name)).toBe(id);
  });

  it.each(['LLD-.md', 'LLD-42.txt', 'lld-42.md', 'LLD-42.md.bak', 'LLD-a.b.md', 'LLD--rf.md', 'notes.md', `LLD-${'x'.repeat(65)}.md`])(
    '%j is not an LLD file',
    (name) => {
      expect(lldIdFromFileName(name)).toBeUndefined();
    },
  );

  it('reads back every id it names, numeric ones without their padding', () => {
    for (const id of ['1', '99', '100', '12345', 'x', 'LLD_12']) expect(lldIdFromFileName(lldFileName(id))).toBe(id);
  });
});
