import { trimBlankEdges } from './markdown-lines.js';
export type ParseDraftResult = { ok: true; document: string } | { ok: false; reason: string };

/**
 * The markdown document in a drafter's response: from its first `# ` heading, without a wrapping
 * ```` ```markdown ```` fence and without chatter before the document ("Here is the LLD:").
 */
export function parseDraft(response: string): ParseDraftResult {
  return extractDocument(response, { allowLeadingText: true });
}

/**
 * `allowLeadingText: false` is the stricter form for whole-document revisions: the response must
 * open with the title (or a fence around it), so an explanation with a partial document is refused.
 */
export function extractDocument(response: string, options: { allowLeadingText: boolean }): ParseDraftResult {
  const lines = response.replace(/\r\n?/g, '\n').split('\n');
  if (lines.every((line) => line.trim() === '')) {
    return { ok: false, reason: 'The response was empty: send the whole markdown document, starting with its "# " title line.' };
  }
  const start = findStart(lines);
  if (start === undefined) {
    return {
      ok: false,
      reason: 'The response holds no markdown document: send the whole document, starting with its "# " title line, and nothing before it.',
    };
  }
  const firstContent = lines.findIndex((line) => line.trim() !== '');
  if (!options.allowLeadingText && start.index !== firstContent) {
    const opening = (lines[firstContent] ?? '').trim();
    const shown = opening.length > 60 ? `${opening.slice(0, 57)}...` : opening;
    return {
      ok: false,
      reason: `The response must be either edit blocks or the whole document starting with its "# " title line, but it began with other text ("${shown}"). Send only the document.`,
    };
  }
  let body: string[];
  if (start.fence) {
    const close = findClosingFence(lines, start.index + 1, start.fence);
    body = lines.slice(start.index + 1, close ?? lines.length);
  } else {
    body = lines.slice(start.index);
  }
  const document = trimBlankEdges(body).join('\n');
  return { ok: true, document: `${document}\n` };
}

interface Start {
  index: number;
  /** The wrapping fence's character and length, when the document is fenced. */
  fence?: { marker: string; length: number };
}

function findStart(lines: string[]): Start | undefined {
  // Chatter may hold its own code blocks (a shell comment is a "# " line); those are skipped.
  let open: { marker: string; length: number } | undefined;
  for (const [index, line] of lines.entries()) {
    if (open) {
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(line);
      if (close?.[1] && close[1][0] === open.marker && close[1].length >= open.length) open = undefined;
      continue;
    }
    if (/^ {0,3}# /.test(line)) return { index };
    const fence = /^\s*(`{3,}|~{3,})\s*([^`\s]*)\s*$/.exec(line);
    if (!fence?.[1]) continue;
    const marker = { marker: fence[1][0] ?? '`', length: fence[1].length };
    const next = lines.slice(index + 1).find((candidate) => candidate.trim() !== '');
    if (/^(markdown|md)?$/i.test(fence[2] ?? '') && next !== undefined && /^ {0,3}# /.test(next)) {
      return { index, fence: marker };
    }
    open = marker;
  }
  return undefined;
}

/**
 * The wrapper's closing fence: the last bare fence of its kind. Inner code blocks close with bare
 * fences too, so the last one is the only reading that keeps every inner block whole.
 */
function findClosingFence(lines: string[], from: number, fence: { marker: string; length: number }): number | undefined {
  for (let index = lines.length - 1; index >= from; index -= 1) {
    const match = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[index] ?? '');
    if (match?.[1] && match[1][0] === fence.marker && match[1].length >= fence.length) return index;
  }
  return undefined;
}
