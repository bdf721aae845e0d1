import { trimBlankEdges } from './markdown-lines.js';
/**
 * SEARCH/REPLACE edit blocks, the compact way a drafter revises a long document:
 *
 *     <<<<<<< SEARCH
 *     exact old text
 *     =======
 *     new text
 *     >>>>>>> REPLACE
 *
 * Models vary the marker length (5–9), wrap blocks in code fences and send CRLF; all of that is
 * accepted. Anything outside the blocks (fences, file names, explanations) is ignored.
 */
export interface EditBlock {
  /** 1-based position in the response, for messages. */
  index: number;
  search: string;
  replace: string;
}

export type ParseEditBlocksResult = { ok: true; blocks: EditBlock[] } | { ok: false; reason: string };
export type ApplyEditBlocksResult = { ok: true; document: string } | { ok: false; reason: string; block: number };

const SEARCH_MARKER = /^\s*<{5,9}\s*SEARCH\b.*$/i;
const DIVIDER = /^\s*={5,9}\s*$/;
const REPLACE_MARKER = /^\s*>{5,9}\s*REPLACE\b.*$/i;

/** Whether the text holds at least one SEARCH marker, i.e. means to be an edit-block response. */
export function containsEditBlocks(text: string): boolean {
  return text.split(/\r?\n/).some((line) => SEARCH_MARKER.test(line));
}

export function parseEditBlocks(text: string): ParseEditBlocksResult {
  const blocks: EditBlock[] = [];
  let state: 'outside' | 'search' | 'replace' = 'outside';
  let search: string[] = [];
  let replace: string[] = [];
  const number = (): number => blocks.length + 1;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (state === 'outside') {
      if (SEARCH_MARKER.test(line)) {
        state = 'search';
        search = [];
      } else if (REPLACE_MARKER.test(line)) {
        return { ok: false, reason: `Edit block ${number()} has a ">>>>>>> REPLACE" line without a "<<<<<<< SEARCH" line before it.` };
      }
    } else if (state === 'search') {
      if (DIVIDER.test(line)) {
        state = 'replace';
        replace = [];
      } else if (SEARCH_MARKER.test(line) || REPLACE_MARKER.test(line)) {
        return { ok: false, reason: `Edit block ${number()} has no "=======" line between its SEARCH and REPLACE parts.` };
      } else {
        search.push(line);
      }
    } else if (REPLACE_MARKER.test(line)) {
      blocks.push({ index: number(), search: search.join('\n'), replace: replace.join('\n') });
      state = 'outside';
    } else if (SEARCH_MARKER.test(line)) {
      return { ok: false, reason: `Edit block ${number()} is not closed with a ">>>>>>> REPLACE" line before the next block starts.` };
    } else {
      replace.push(line);
    }
  }
  if (state !== 'outside') {
    return { ok: false, reason: `Edit block ${number()} is not closed with a ">>>>>>> REPLACE" line.` };
  }
  if (blocks.length === 0) return { ok: false, reason: 'The response holds no complete edit block.' };
  return { ok: true, blocks };
}

/**
 * Applies the blocks in order, each to the result of the ones before. Each SEARCH text must match
 * exactly once: exactly first, then line by line ignoring indentation, trailing spaces and runs of
 * spaces (models re-pad table cells). No match or more than one match fails, naming the block.
 */
export function applyEditBlocks(document: string, blocks: readonly EditBlock[]): ApplyEditBlocksResult {
  const lineEnding = document.includes('\r\n') ? '\r\n' : '\n';
  let text = document.replace(/\r\n/g, '\n');
  for (const block of blocks) {
    const name = `Edit block ${block.index} of ${blocks.length}`;
    if (block.search.trim() === '') {
      return {
        ok: false,
        block: block.index,
        reason: `${name} has an empty SEARCH part: quote the exact lines of the current document that it replaces.`,
      };
    }
    const exact = occurrences(text, block.search);
    if (exact.length === 1) {
      const at = exact[0] ?? 0;
      text = text.slice(0, at) + block.replace + text.slice(at + block.search.length);
      continue;
    }
    if (exact.length > 1) {
      return {
        ok: false,
        block: block.index,
        reason: `${name} is ambiguous: its SEARCH text ${quoteStart(block.search)} occurs ${exact.length} times in the document. Include more surrounding lines so it matches exactly once.`,
      };
    }
    const tolerant = tolerantReplace(text, block);
    if (tolerant.ok) {
      text = tolerant.text;
      continue;
    }
    const reason =
      tolerant.matches > 1
        ? `${name} is ambiguous: its SEARCH text ${quoteStart(block.search)} matches ${tolerant.matches} places in the document. Include more surrounding lines so it matches exactly once.`
        : `${name} did not match: its SEARCH text ${quoteStart(block.search)} is not in the current document. Copy the lines to replace exactly as they are in the document.`;
    return { ok: false, block: block.index, reason };
  }
  return { ok: true, document: lineEnding === '\n' ? text : text.replace(/\n/g, '\r\n') };
}

function occurrences(text: string, search: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(search); at !== -1; at = text.indexOf(search, at + 1)) found.push(at);
  return found;
}

type TolerantResult = { ok: true; text: string } | { ok: false; matches: number };

function tolerantReplace(text: string, block: EditBlock): TolerantResult {
  const searchLines = trimBlankEdges(block.search.split('\n')).map(normaliseLine);
  const replaceLines = trimBlankEdges(block.replace.split('\n'));
  const lines = text.split('\n');
  const normalised = lines.map(normaliseLine);
  const starts: number[] = [];
  for (let start = 0; start + searchLines.length <= lines.length; start += 1) {
    if (searchLines.every((line, offset) => normalised[start + offset] === line)) starts.push(start);
  }
  const start = starts[0];
  if (starts.length !== 1 || start === undefined) return { ok: false, matches: starts.length };
  lines.splice(start, searchLines.length, ...replaceLines);
  return { ok: true, text: lines.join('\n') };
}

function normaliseLine(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

function quoteStart(search: string): string {
  const firstLine =
    search
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? '';
  const shown = firstLine.length > 80 ? `${firstLine.slice(0, 77)}...` : firstLine;
  return `(starting "${shown}")`;
}
