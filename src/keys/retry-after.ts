/** A non-negative decimal number: `20`, `1.5`. Signs, exponents and units are not valid header values. */
const DECIMAL = /^\d+(?:\.\d+)?$/;

/**
 * HTTP dates start with a day name (IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850
 * `Sunday, 06-Nov-94 …`, asctime `Sun Nov  6 …`). Checking that first keeps `Date.parse`, which
 * accepts almost anything, from turning garbage such as `-5` into a date.
 */
const HTTP_DATE_START = /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s/i;

/**
 * How long a rate-limited response asks the caller to wait, in milliseconds.
 * `retry-after-ms` (decimal milliseconds) wins over `retry-after` (decimal seconds or an HTTP date,
 * measured from `nowMs`; a date in the past gives 0). Header names are case-insensitive.
 * Returns undefined when neither header holds a usable value. Absurd but finite waits (a day, a date
 * decades ahead) are returned as announced: capping them is the key pool's decision.
 */
export function parseRetryAfter(headers: Record<string, string | undefined> | undefined, nowMs: number): number | undefined {
  if (!headers) return undefined;
  const announcedMs = parseDecimal(headerValue(headers, 'retry-after-ms'));
  if (announcedMs !== undefined) return announcedMs;

  const retryAfter = headerValue(headers, 'retry-after');
  if (retryAfter === undefined) return undefined;
  const seconds = parseDecimal(retryAfter);
  if (seconds !== undefined) {
    const milliseconds = Math.round(seconds * 1000);
    return Number.isFinite(milliseconds) ? milliseconds : undefined;
  }
  if (!HTTP_DATE_START.test(retryAfter)) return undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

function headerValue(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined) return value.trim();
  }
  return undefined;
}

function parseDecimal(text: string | undefined): number | undefined {
  if (text === undefined || !DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
