import { describe, expect, it } from 'vitest';
import { layoutForModels } from './layout.js';

describe('layoutForModels', () => {
  it("drops lldflow's state, audit trail and idea briefs", () => {
    const files = [
      '.lldflow/state.db',
      'docs/lineage/42/001-issue.md',
      'ideas/42.md',
      'src/a.ts',
      'docs/guide.md',
      'ideas.md',
      'src/ideas/x.ts',
    ];
    expect(layoutForModels(files)).toEqual(['src/a.ts', 'docs/guide.md', 'ideas.md', 'src/ideas/x.ts']);
  });

  it('lists the project files first, then designs and reports, each group in its given order', () => {
    const files = ['docs/lld/active/42.md', 'README.md', 'docs/reports/42/summary.md', 'src/b.ts', 'docs/lld/done/7.md', 'src/a.ts'];
    expect(layoutForModels(files)).toEqual([
      'README.md',
      'src/b.ts',
      'src/a.ts',
      'docs/lld/active/42.md',
      'docs/reports/42/summary.md',
      'docs/lld/done/7.md',
    ]);
  });

  it('drops the excluded folders, however they are written', () => {
    const files = ['items/42/brief.md', 'work/x/y.md', 'work/xy.md', 'src/a.ts', 'queue/1.md'];
    expect(layoutForModels(files, { exclude: ['items/42', './work/x/', 'queue\\'] })).toEqual(['work/xy.md', 'src/a.ts']);
  });

  it('ignores an exclusion naming the repository root', () => {
    const files = ['src/a.ts', 'README.md'];
    expect(layoutForModels(files, { exclude: ['', './'] })).toEqual(files);
  });

  it('cuts the list at the limit, after ordering, and at 2000 by default', () => {
    const files = ['docs/lld/1.md', 'a.ts', 'b.ts', 'c.ts'];
    expect(layoutForModels(files, { limit: 2 })).toEqual(['a.ts', 'b.ts']);
    const many = Array.from({ length: 2500 }, (_, index) => `src/f${index}.ts`);
    const listed = layoutForModels(many);
    expect(listed).toHaveLength(2000);
    expect(listed.at(-1)).toBe('src/f1999.ts');
  });

  it('does not change its input', () => {
    const files = ['docs/lld/1.md', 'ideas/1.md', 'a.ts'];
    layoutForModels(files, { exclude: ['a'] });
    expect(files).toEqual(['docs/lld/1.md', 'ideas/1.md', 'a.ts']);
  });
});
