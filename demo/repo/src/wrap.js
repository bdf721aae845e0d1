/**
 * Greedy word wrap. Words are separated by runs of spaces, tabs or newlines; each
 * output line holds as many words as fit in `width` characters. A word longer
 * than `width` is kept whole on a line of its own (it overflows).
 *
 * @param {string} text
 * @param {number} [width=80] maximum line length, an integer ≥ 1
 * @returns {string} the wrapped lines joined with "\n"
 */
export function wrap(text, width = 80) {
  if (typeof text !== 'string') {
    throw new TypeError(`wrap expects a string, received ${typeof text}`);
  }
  if (!Number.isInteger(width) || width < 1) {
    throw new RangeError(`wrap width must be an integer ≥ 1, received ${width}`);
  }
  const lines = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line === '') {
      line = word;
    } else if (line.length + 1 + word.length <= width) {
      line += ` ${word}`;
    } else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}
