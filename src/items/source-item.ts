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
