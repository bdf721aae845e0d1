import { describe, expect, it } from 'vitest';
import { fixTitleNumber, issueFieldIds, sameItemId } from './title-number.js';

/** A title, then section 1 with an Issue field line (or none), then section 2. */
function design(title: string, issueLine?: string): string {
  return [
    title,
    '',
    '## 1. Context & Goal',
    '',
    ...(issueLine === undefined ? [] : [issueLine]),
    '* **Objective:** timers',
    '',
    '## 2. Proposed Changes',
    '',
    'Body.',
    '',
  ].join('\n');
}

function fixedTitle(title: string, itemId: string, issueLine?: string): string | undefined {
  return fixTitleNumber(design(title, issueLine), itemId).document.split('\n')[0];
}

describe('issueFieldIds', () => {
  it.each([
    ['* **Issue:** #106', ['106']],
    ['- Issue: [#106](https://github.com/o/r/issues/106)', ['106', '106']],
    ['* **Issue:** https://github.com/o/r/issues/106', ['106']],
    ['**Issue**: 106', ['106']],
    ['* **Issues:** #106, #107', ['106', '107']],
    ['* **Issue:** #fix-login', ['fix-login']],
  ])('%j names %j', (line, ids) => {
    expect(issueFieldIds(design('# T', line))).toEqual(ids);
  });

  it('finds nothing without an Issue field, without section 1, or with the field inside a code block', () => {
    expect(issueFieldIds(design('# T'))).toEqual([]);
    expect(issueFieldIds('# T\n\n## 2. Proposed Changes\n\n* **Issue:** #106\n')).toEqual([]);
    expect(issueFieldIds(design('# T', '```\n* **Issue:** #106\n```'))).toEqual([]);
  });
});

describe('sameItemId', () => {
  it('compares numeric ids without zero padding and other ids without case', () => {
    expect(sameItemId('081', '81')).toBe(true);
    expect(sameItemId('0106', '106')).toBe(true);
    expect(sameItemId('Fix-Login', 'fix-login')).toBe(true);
    expect(sameItemId('0', '00')).toBe(true);
    expect(sameItemId('1106', '106')).toBe(false);
    expect(sameItemId('106', '107')).toBe(false);
  });
});

describe('fixTitleNumber', () => {
  it.each(['0XXX', 'XXX', 'NNN', 'TBD', 'xxx'])(
    'replaces the placeholder %s with the id, with or without an Issue field',
    (placeholder) => {
      expect(fixedTitle(`# ${placeholder} - Feature: Timers`, '106')).toBe('# 106 - Feature: Timers');
      expect(fixedTitle(`# ${placeholder} - Feature: Timers`, '106', '* **Issue:** #106')).toBe('# 106 - Feature: Timers');
    },
  );

  it('keeps the prefix before a placeholder', () => {
    expect(fixedTitle('# LLD-0XXX: Timers', '106')).toBe('# LLD-106: Timers');
  });

  it('records what it changed and why', () => {
    const result = fixTitleNumber(design('# 0XXX - Feature: Timers'), '106');
    expect(result.fixes).toEqual([
      {
        kind: 'title number',
        detail: '`# 0XXX - Feature: Timers` → `# 106 - Feature: Timers` (a placeholder; the design is for item 106)',
      },
    ]);
    expect(result.document).toBe(design('# 106 - Feature: Timers'));
  });

  it('rewrites the 1NNN convention when the Issue field names the item', () => {
    const result = fixTitleNumber(design('# 1106 - Feature: Timers', '* **Issue:** #106'), '106');
    expect(result.document).toBe(design('# 106 - Feature: Timers', '* **Issue:** #106'));
    expect(result.fixes).toEqual([
      {
        kind: 'title number',
        detail: '`# 1106 - Feature: Timers` → `# 106 - Feature: Timers` (the 1NNN convention; the design is for item 106)',
      },
    ]);
  });

  it.each([
    ['# LLD-1106: Timers', '# LLD-106: Timers'],
    ['# Issue #1106 - Timers', '# Issue #106 - Timers'],
  ])('rewrites %j after its prefix', (title, fixed) => {
    expect(fixedTitle(title, '106', '* **Issue:** #106')).toBe(fixed);
  });

  it.each(['- Issue: [#106](https://github.com/o/r/issues/106)', '**Issue**: 106', '* **Issue:** https://github.com/o/r/issues/106'])(
    'accepts the Issue field written as %j',
    (line) => {
      expect(fixedTitle('# 1106 - Feature: Timers', '106', line)).toBe('# 106 - Feature: Timers');
    },
  );

  it('removes zero padding when the Issue field names the item', () => {
    expect(fixedTitle('# 081 - Bug: Crash', '81', '* **Issue:** #81')).toBe('# 81 - Bug: Crash');
    const result = fixTitleNumber(design('# 0106 - Feature: Timers', '* **Issue:** #106'), '106');
    expect(result.fixes[0]?.detail).toBe(
      '`# 0106 - Feature: Timers` → `# 106 - Feature: Timers` (zero padding; the design is for item 106)',
    );
  });

  it('puts the id in front of a title with no number when the Issue field names the item', () => {
    const result = fixTitleNumber(design('# Feature: Timers', '* **Issue:** #106'), '106');
    expect(result.document.split('\n')[0]).toBe('# 106 - Feature: Timers');
    expect(result.fixes).toEqual([
      { kind: 'title number', detail: '`# Feature: Timers` → `# 106 - Feature: Timers` (no item number; the design is for item 106)' },
    ]);
  });

  it.each([
    ['# 1106 - Feature: Timers', undefined],
    ['# 081 - Bug: Crash', undefined],
    ['# Feature: Timers', undefined],
    ['# 1106 - Feature: Timers', '* **Issue:** #205'],
    ['# Feature: Timers', '* **Issue:** #205'],
  ])('leaves %j alone when the Issue field (%j) does not name the item', (title, line) => {
    const markdown = design(title, line);
    expect(fixTitleNumber(markdown, title.includes('081') ? '81' : '106')).toEqual({ document: markdown, fixes: [] });
  });

  it('leaves a title naming another item alone even when the Issue field names this one', () => {
    for (const title of ['# 205 - Feature: Timers', '# 2106 - Feature: Timers', '# 1060 - Feature: Timers']) {
      const markdown = design(title, '* **Issue:** #106');
      expect(fixTitleNumber(markdown, '106')).toEqual({ document: markdown, fixes: [] });
    }
  });

  it('leaves a correct title alone, and a title that already mentions the id elsewhere', () => {
    for (const title of ['# 106 - Feature: Timers', '# Feature: Timers for 106']) {
      const markdown = design(title, '* **Issue:** #106');
      expect(fixTitleNumber(markdown, '106')).toEqual({ document: markdown, fixes: [] });
    }
  });

  it('does nothing to a document without a title, or with the title only in a code block', () => {
    const untitled = '## 1. Context & Goal\n\n* **Issue:** #106\n';
    expect(fixTitleNumber(untitled, '106')).toEqual({ document: untitled, fixes: [] });
    const fencedTitle = '```\n# 0XXX - Feature\n```\n';
    expect(fixTitleNumber(fencedTitle, '106')).toEqual({ document: fencedTitle, fixes: [] });
  });

  it('only rewrites numbers for numeric ids, but fills placeholders for any id', () => {
    expect(fixedTitle('# 1106 - Feature: Login', 'fix-login', '* **Issue:** #fix-login')).toBe('# 1106 - Feature: Login');
    expect(fixedTitle('# 0XXX - Feature: Login', 'fix-login')).toBe('# fix-login - Feature: Login');
  });
});
