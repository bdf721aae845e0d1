/** One item read from a source (a markdown file or a GitHub issue), before any workflow touches it. */
export interface SourceItem {
  /** A valid item id (see item-id.ts): the file stem, or the issue number. */
  id: string;
  title: string;
  /** The markdown body (front matter removed). */
  body: string;
  labels: string[];
  /** Where the item came from: the file's absolute path, or the web address. */
  path: string;
}

/** The default item size limit (`--max-item-size`): every model call of an item sends it whole, more than once. */
export const DEFAULT_MAX_ITEM_KB = 256;

/** Why an item of `bytes` is refused under `maxBytes` (naming `what`: its file or its address), or undefined. */
export function itemSizeProblem(what: string, bytes: number, maxBytes: number | undefined): string | undefined {
  if (maxBytes === undefined || bytes <= maxBytes) return undefined;
  return `${what} is ${formatSize(bytes)}, above the item size limit of ${formatSize(maxBytes)} (--max-item-size <kb> raises it)`;
}

/** `812 bytes`, `300 KB`, `10.5 MB`: at most one decimal. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const oneDecimal = (value: number): string => String(Math.round(value * 10) / 10);
  if (bytes < 1024 * 1024) return `${oneDecimal(bytes / 1024)} KB`;
  return `${oneDecimal(bytes / (1024 * 1024))} MB`;
}
