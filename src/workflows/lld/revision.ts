import { plural } from '../../core/format.js';
import { extractDocument } from './draft.js';
import { applyEditBlocks, containsEditBlocks, parseEditBlocks } from './edit-blocks.js';
import { findSections } from './sections.js';

export type RevisionResult =
  | { ok: true; document: string; mode: 'edits' | 'whole' }
  /** `unchanged`: the response was usable but gave back the previous document. */
  | { ok: false; reason: string; unchanged?: boolean };

/**
 * The document a drafter's revision response produces from `previous`: edit blocks when the response
 * holds any, otherwise a whole replacement document. Refused, with a reason meant for the model, when
 * the edits do not apply, nothing changes, or a numbered section that was there disappears.
 */
export function applyRevision(previous: string, response: string): RevisionResult {
  let document: string;
  let mode: 'edits' | 'whole';
  if (containsEditBlocks(response)) {
    const parsed = parseEditBlocks(response);
    if (!parsed.ok) return { ok: false, reason: `${parsed.reason} Resend the edit blocks in the required form.` };
    const applied = applyEditBlocks(previous, parsed.blocks);
    if (!applied.ok) return { ok: false, reason: `${applied.reason} No edit was applied; resend all edit blocks.` };
    document = applied.document;
    mode = 'edits';
  } else {
    const extracted = extractDocument(response, { allowLeadingText: false });
    if (!extracted.ok) return extracted;
    document = extracted.document;
    mode = 'whole';
  }

  if (sameText(previous, document)) {
    return {
      ok: false,
      unchanged: true,
      reason: 'The revision changes nothing: the document is identical to the previous version. Make the changes the review asks for.',
    };
  }
  const dropped = droppedSections(previous, document);
  if (dropped.length > 0) {
    const list = dropped.map((section) => `${section.number}. ${section.title}`.trim()).join(', ');
    return {
      ok: false,
      reason: `The revision drops ${plural(dropped.length, 'section')} ${list}, which the previous version had. Keep every numbered section; ${mode === 'whole' ? 'send the complete document, not a part of it' : 'edit inside sections without removing their headings'}.`,
    };
  }
  return { ok: true, document, mode };
}

function sameText(left: string, right: string): boolean {
  const normalise = (text: string): string => text.replace(/\r\n/g, '\n').trim();
  return normalise(left) === normalise(right);
}

function droppedSections(previous: string, next: string): Array<{ number: number; title: string }> {
  const kept = new Set(findSections(next).map((section) => section.number));
  const seen = new Set<number>();
  const dropped: Array<{ number: number; title: string }> = [];
  for (const section of findSections(previous)) {
    if (kept.has(section.number) || seen.has(section.number)) continue;
    seen.add(section.number);
    dropped.push({ number: section.number, title: section.title });
  }
  return dropped;
}
