import { describe, expect, it } from 'vitest';
import { extractDocument, parseDraft } from './draft.js';

const DOCUMENT = '# 5 - Feature: X\n\n## 1. Context\n\n```python\nprint(1)\n```\n\n## 2. Changes\n\ntext\n';

describe('parseDraft', () => {
  it('accepts a bare document and normalises its end', () => {
    expect(parseDraft(`\n\n${DOCUMENT}\n\n`)).toEqual({ ok: true, document: DOCUMENT });
  });

  it('drops chatter before the first "# " heading', () => {
    expect(parseDraft(`Sure! Here is the LLD you asked for.\n\n${DOCUMENT}`)).toEqual({ ok: true, document: DOCUMENT });
  });

  it.each(['```markdown', '```md', '```', '````markdown', '~~~markdown'])(
    'strips a wrapping %s fence, keeping inner code blocks',
    (opening) => {
      const closing = opening.replace(/[a-z]+$/, '');
      const response = `Here it is:\n${opening}\n${DOCUMENT}${closing}\n\nLet me know if you want changes.`;
      expect(parseDraft(response)).toEqual({ ok: true, document: DOCUMENT });
    },
  );

  it('accepts CRLF', () => {
    expect(parseDraft(DOCUMENT.replace(/\n/g, '\r\n'))).toEqual({ ok: true, document: DOCUMENT });
  });

  it('does not take a "#" comment inside a code block of the chatter as the title', () => {
    const response = 'First run:\n```bash\n# run this\nmake\n```\n' + DOCUMENT;
    expect(parseDraft(response)).toEqual({ ok: true, document: DOCUMENT });
  });

  it('refuses a response without a document', () => {
    expect(parseDraft('I cannot help with that.')).toEqual({
      ok: false,
      reason: 'The response holds no markdown document: send the whole document, starting with its "# " title line, and nothing before it.',
    });
    expect(parseDraft('  \n ')).toMatchObject({ ok: false, reason: expect.stringMatching(/was empty/) });
    expect(parseDraft('## 1. Context only\n')).toMatchObject({ ok: false });
  });
});

describe('extractDocument without leading text', () => {
  it('accepts a document or a fenced document at the start', () => {
    expect(extractDocument(DOCUMENT, { allowLeadingText: false })).toEqual({ ok: true, document: DOCUMENT });
    expect(extractDocument(`\n\`\`\`markdown\n${DOCUMENT}\`\`\``, { allowLeadingText: false })).toEqual({ ok: true, document: DOCUMENT });
  });

  it('refuses chatter before the document, quoting it', () => {
    const result = extractDocument(`I fixed section 2.\n${DOCUMENT}`, { allowLeadingText: false });
    expect(result).toEqual({
      ok: false,
      reason:
        'The response must be either edit blocks or the whole document starting with its "# " title line, but it began with other text ("I fixed section 2."). Send only the document.',
    });
  });
});
