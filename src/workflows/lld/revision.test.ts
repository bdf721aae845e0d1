import { describe, expect, it } from 'vitest';
import { applyRevision } from './revision.js';
import { sampleLld } from './testing/sample-lld.js';

const previous = sampleLld();

function edit(search: string, replace: string): string {
  return `<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE`;
}

describe('applyRevision', () => {
  it('applies edit blocks', () => {
    const result = applyRevision(previous, `I changed section 3.\n\n${edit('Content of section 3.', 'REQ-1: timers fire once.')}`);
    expect(result).toEqual({ ok: true, mode: 'edits', document: previous.replace('Content of section 3.', 'REQ-1: timers fire once.') });
  });

  it('accepts a whole document, fenced or not', () => {
    const next = previous.replace('Content of section 4.', 'We considered polling.');
    expect(applyRevision(previous, next)).toEqual({ ok: true, mode: 'whole', document: next });
    expect(applyRevision(previous, `\`\`\`markdown\n${next}\`\`\`\n`)).toEqual({ ok: true, mode: 'whole', document: next });
  });

  it('rejects edits that do not apply, saying nothing was applied', () => {
    const result = applyRevision(previous, `${edit('Content of section 3.', 'x')}\n${edit('No such text', 'y')}`);
    expect(result).toEqual({
      ok: false,
      reason:
        'Edit block 2 of 2 did not match: its SEARCH text (starting "No such text") is not in the current document. Copy the lines to replace exactly as they are in the document. No edit was applied; resend all edit blocks.',
    });
  });

  it('rejects malformed edit blocks', () => {
    const result = applyRevision(previous, '<<<<<<< SEARCH\nContent of section 3.\n>>>>>>> REPLACE');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/has no "=======" line.*Resend the edit blocks/);
  });

  it('rejects a revision that changes nothing', () => {
    const same = applyRevision(previous, edit('Content of section 3.', 'Content of section 3.'));
    expect(same).toEqual({
      ok: false,
      unchanged: true,
      reason: 'The revision changes nothing: the document is identical to the previous version. Make the changes the review asks for.',
    });
    expect(applyRevision(previous, `${previous}\n\n`).ok).toBe(false);
  });

  it('rejects a whole document that drops a section, naming it', () => {
    const shorter = sampleLld({ omit: [9, 11] }).replace('Content of section 3.', 'changed');
    expect(applyRevision(previous, shorter)).toEqual({
      ok: false,
      reason:
        'The revision drops sections 9. Legal & Compliance, 11. Risks & Mitigations, which the previous version had. Keep every numbered section; send the complete document, not a part of it.',
    });
  });

  it('rejects edits that remove a section heading', () => {
    const result = applyRevision(previous, edit('## 5. Data & Fixtures\n', ''));
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.reason).toMatch(/drops section 5\. Data & Fixtures.*edit inside sections without removing their headings/);
  });

  it('does not count a renamed heading as dropped', () => {
    const result = applyRevision(previous, edit('## 5. Data & Fixtures', '## 5. Data and Fixtures'));
    expect(result.ok).toBe(true);
  });

  it('rejects prose in place of a document', () => {
    const result = applyRevision(previous, 'Thanks for the review, I agree with all points.');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/no markdown document/);
  });

  it('rejects chatter before a whole document', () => {
    const result = applyRevision(previous, `Here is the revised version:\n\n${previous.replace('Content of section 3.', 'x')}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/began with other text \("Here is the revised version:"\)/);
  });
});
