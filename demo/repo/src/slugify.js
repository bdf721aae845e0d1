/**
 * A URL slug: lower-case ASCII letters and digits separated by single dashes.
 * Accents are folded to their base letter ("é" → "e"); everything else that is
 * not a letter or digit becomes a separator.
 *
 * @param {string} text
 * @returns {string}
 */
export function slugify(text) {
  if (typeof text !== 'string') {
    throw new TypeError(`slugify expects a string, received ${typeof text}`);
  }
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
