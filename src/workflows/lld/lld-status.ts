export type LldFinalStatus = 'approved' | 'blocked' | 'draft';

const STATUS_LINE = /^[*-]?\s*\*\*Status:?\*\*:?\s*([A-Za-z]+)/im;

/** The document's status line (`* **Status:** Approved`), as lldflow writes it when it finalizes. */
export function lldFinalStatus(markdown: string): LldFinalStatus | undefined {
  const match = STATUS_LINE.exec(markdown);
  if (!match?.[1]) return undefined;
  const word = match[1].toLowerCase();
  if (word === 'approved') return 'approved';
  if (word === 'blocked') return 'blocked';
  return 'draft';
}

/** Replaces the first status line, or adds one under the title when the document has none. */
export function setStatusLine(markdown: string, statusLine: string): string {
  if (STATUS_LINE.test(markdown)) return markdown.replace(/^[*-]?\s*\*\*Status:?\*\*.*$/im, statusLine);
  const lines = markdown.split('\n');
  const titleIndex = lines.findIndex((line) => line.startsWith('# '));
  lines.splice(titleIndex + 1, 0, '', statusLine);
  return lines.join('\n');
}
