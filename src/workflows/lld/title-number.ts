import type { AutofixResult } from '../review-loop/autofix.js';
import { atxHeading, isStructural, scanLines } from './markdown-lines.js';
import { findSection } from './sections.js';

// The title's leading item token, after an optional `LLD-`, `Issue #` or `#`: `# 1106 - Feature: …`.
const LEADING_TOKEN = /^((?:LLD-|Issue\s*#?|#)?)([A-Za-z0-9]+)(?=\s*[-–—:.]|\s|$)/i;
// A number left as the template's placeholder: `0XXX`, `XXX`, `NNN`, `TBD`.
const PLACEHOLDER = /^(?:0*X{2,}|N{2,}|TBD)$/i;
// `* **Issue:** #106`, `- Issue: [#106](…)`, `**Issue**: 106`.
const ISSUE_FIELD = /^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*Issues?\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.*)$/i;

/**
 * The item ids that section 1's Issue field names (`#106`, `…/issues/106`, a bare `106`): the
 * document's own statement of which item it designs.
 */
export function issueFieldIds(markdown: string): string[] {
  const section = findSection(markdown, 1);
  if (!section) return [];
  for (const line of scanLines(section.body)) {
    if (!isStructural(line)) continue;
    const field = ISSUE_FIELD.exec(line.text);
    if (!field) continue;
    const value = field[1] ?? '';
    const ids = [...value.matchAll(/#([A-Za-z0-9_][A-Za-z0-9_-]*)|\/issues\/(\d+)/g)].map((match) => match[1] ?? match[2] ?? '');
    const bare = /^\s*(\d+)\b/.exec(value)?.[1];
    return [...ids, ...(bare === undefined ? [] : [bare])].filter((id) => id !== '');
  }
  return [];
}

/** Whether two ids are the same item: numeric ids compare without zero padding. */
export function sameItemId(left: string, right: string): boolean {
  const unpadded = (id: string): string => (/^\d+$/.test(id) ? id.replace(/^0+(?=\d)/, '') : id.toLowerCase());
  return unpadded(left) === unpadded(right);
}

/**
 * Rewrites the title's item number to the item id when the difference is mechanical:
 * - a template placeholder (`# 0XXX - …`): it names no item;
 * - the `1NNN` convention (`# 1106 - …` for issue 106) or zero padding (`# 081 - …` for 81), and
 *   section 1's Issue field names the item;
 * - no item number at all, and section 1's Issue field names the item: the id is put in front.
 * A title naming another item that the Issue field does not back is left alone: validation reports it.
 */
export function fixTitleNumber(markdown: string, itemId: string): AutofixResult {
  const line = scanLines(markdown).find((candidate) => isStructural(candidate) && atxHeading(candidate.text)?.level === 1);
  const heading = line ? atxHeading(line.text) : undefined;
  if (!line || !heading) return { document: markdown, fixes: [] };
  const backed = issueFieldIds(markdown).some((id) => sameItemId(id, itemId));
  const token = LEADING_TOKEN.exec(heading.text);
  const [whole = '', prefix = '', number = ''] = token ?? [];
  let title: string | undefined;
  let why = '';
  if (number === itemId) return { document: markdown, fixes: [] };
  if (PLACEHOLDER.test(number)) {
    title = `${prefix}${itemId}${heading.text.slice(whole.length)}`;
    why = 'a placeholder';
  } else if (/\d/.test(number)) {
    if (backed && /^\d+$/.test(itemId) && new RegExp(`^1?0*${itemId}$`).test(number)) {
      title = `${prefix}${itemId}${heading.text.slice(whole.length)}`;
      why = number.startsWith('0') ? 'zero padding' : 'the 1NNN convention';
    }
  } else if (backed && !mentionsId(heading.text, itemId)) {
    title = `${itemId} - ${heading.text}`;
    why = 'no item number';
  }
  if (title === undefined) return { document: markdown, fixes: [] };
  const fixed = `# ${title}`;
  const document = markdown.slice(0, line.start) + fixed + markdown.slice(line.start + line.text.length);
  return {
    document,
    fixes: [{ kind: 'title number', detail: `\`${line.text.trim()}\` → \`${fixed}\` (${why}; the design is for item ${itemId})` }],
  };
}

function mentionsId(title: string, itemId: string): boolean {
  return [...title.matchAll(/[A-Za-z0-9_-]+/g)].some((match) => sameItemId(match[0].replace(/^LLD-/i, ''), itemId));
}
