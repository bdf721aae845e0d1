import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findSections } from './sections.js';
import { LLD_SECTIONS } from './sections.js';
import { parseFilesChanged } from './files-changed.js';
import { ConfigurationError } from '../../core/errors.js';
import { loadTemplate } from './template.js';
import { parseTestScenarios } from './test-scenarios.js';
import { validateDraft } from './validate-draft.js';

const temporary: string[] = [];
afterEach(async () => {
  await Promise.all(temporary.splice(0).map((path) => rm(path, { recursive: true, force: true })));
});

describe('loadTemplate', () => {
  it('loads the built-in LLD template with sections 1–12 as the parsers read them', async () => {
    const template = await loadTemplate('lld');
    const sections = findSections(template);
    expect(sections.map((section) => ({ number: section.number, title: section.title }))).toEqual(
      LLD_SECTIONS.map((section) => ({ ...section })),
    );
    expect(parseFilesChanged(template).errors).toEqual([]);
    expect(parseTestScenarios(template).hasPassCriteriaColumn).toBe(true);
  });

  it('ships a template that fails validation until it is filled in', async () => {
    const codes = validateDraft(await loadTemplate('lld'), { itemId: '42', pathExists: () => false, globMatches: () => false }).map(
      (issue) => issue.code,
    );
    expect(codes).toEqual(['title-id', 'path-not-found', 'placeholder-pass-criteria']);
  });

  it('loads the issue template', async () => {
    const template = await loadTemplate('issue');
    for (const heading of ['## Problem', '## Proposed Solution', '## Acceptance Criteria', '## Out of Scope', '## Dependencies']) {
      expect(template).toContain(heading);
    }
  });

  it('reads an override path instead, and names it when it is missing', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'lldflow-template-'));
    temporary.push(folder);
    const path = join(folder, 'mine.md');
    await writeFile(path, '# custom\n');
    expect(await loadTemplate('lld', path)).toBe('# custom\n');
    await expect(loadTemplate('issue', join(folder, 'absent.md'))).rejects.toThrow(ConfigurationError);
    await expect(loadTemplate('issue', join(folder, 'absent.md'))).rejects.toThrow(
      /--template .*absent\.md: cannot read the issue template \(ENOENT\)/,
    );
  });
});
