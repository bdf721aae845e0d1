import { plural } from '../../core/format.js';
import type { AutofixResult } from '../review-loop/autofix.js';
import { isStructural, scanLines } from './markdown-lines.js';

/**
 * Stray whitespace outside code blocks: trailing spaces and tabs, runs of blank lines, Windows line
 * ends, and blank lines at either end. Code blocks are kept byte for byte (whitespace can matter there).
 */
export function fixWhitespace(markdown: string): AutofixResult {
  if (markdown.trim() === '') return { document: markdown, fixes: [] };
  const unixEnds = markdown.replace(/\r\n?/g, '\n');
  const output: string[] = [];
  let trailing = 0;
  let blankRuns = 0;
  let blank = 0;
  for (const line of scanLines(unixEnds)) {
    if (!isStructural(line)) {
      blank = 0;
      output.push(line.text);
      continue;
    }
    const trimmed = line.text.replace(/[ \t]+$/, '');
    if (trimmed !== line.text) trailing += 1;
    if (trimmed === '') {
      blank += 1;
      if (output.length === 0) continue;
      if (blank === 2) blankRuns += 1;
      if (blank > 1) continue;
    } else {
      blank = 0;
    }
    output.push(trimmed);
  }
  while (output.length > 0 && output[output.length - 1] === '') output.pop();
  const document = `${output.join('\n')}\n`;
  if (document === markdown) return { document, fixes: [] };
  const parts = [
    trailing > 0 ? `trailing spaces on ${trailing} ${plural(trailing, 'line')}` : '',
    blankRuns > 0 ? `${blankRuns} ${plural(blankRuns, 'run')} of blank lines` : '',
    unixEnds !== markdown ? 'Windows line ends' : '',
  ].filter((part) => part !== '');
  return { document, fixes: [{ kind: 'whitespace', detail: parts.length > 0 ? parts.join(', ') : 'blank lines at the start or end' }] };
}
