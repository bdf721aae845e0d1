/**
 * The words of `text`: split on anything that is not a letter or digit and on
 * lower-to-upper case changes ("backgroundColor" → ["background", "Color"]).
 *
 * @param {string} text
 * @returns {string[]}
 */
export function words(text) {
  if (typeof text !== 'string') {
    throw new TypeError(`expected a string, received ${typeof text}`);
  }
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * "background color" → "backgroundColor".
 *
 * @param {string} text
 * @returns {string}
 */
export function camelCase(text) {
  return words(text)
    .map((word, index) => {
      const lower = word.toLowerCase();
      return index === 0 ? lower : lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('');
}

/**
 * "Background Color" → "background-color".
 *
 * @param {string} text
 * @returns {string}
 */
export function kebabCase(text) {
  return words(text)
    .map((word) => word.toLowerCase())
    .join('-');
}
