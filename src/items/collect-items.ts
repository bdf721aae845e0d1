import { ConfigurationError } from '../core/errors.js';
import type { RefusedItem } from '../core/items.js';
import { GitHubIssueSource, parseGitHubRemote, readOriginRemote } from './github-issues.js';
import { readSourceFolder } from './source-folder.js';
import { itemSizeProblem, type SourceItem } from './source-item.js';

/** Where a workflow's items come from: a local folder or the repository's GitHub issues. */
export interface ItemCollection {
  /** For messages: the folder, or `owner/repo on GitHub`. */
  readonly description: string;
  /**
   * Exactly `ids` (unknown → UsageError naming it), or every item when undefined. What will not run
   * goes to `onRefused` instead, so nothing vanishes: files that cannot be items (when every item is
   * read) and items above the size limit.
   */
  collect(ids: string[] | undefined, onRefused: (refused: RefusedItem) => void): Promise<SourceItem[]>;
}

export interface CollectionLimits {
  /** Items above this many bytes are refused as failed, named (`--max-item-size`). Default: no limit. */
  maxItemBytes?: number | undefined;
}

export function folderCollection(dir: string, options: { slugNames?: boolean } & CollectionLimits = {}): ItemCollection {
  return {
    description: dir,
    async collect(ids, onRefused) {
      const result = await readSourceFolder(dir, {
        ...(ids ? { ids } : {}),
        slugNames: options.slugNames ?? false,
        ...(options.maxItemBytes === undefined ? {} : { maxItemBytes: options.maxItemBytes }),
      });
      for (const refused of result.refused) onRefused(refused);
      return result.items;
    },
  };
}

/** The `origin` remote's open issues, read with GITHUB_TOKEN. */
export async function gitHubCollection(
  input: {
    repo: string;
    env: Record<string, string | undefined>;
    signal: AbortSignal;
    /** The run's HTTP stack (proxies from env). Default: Node's global fetch. */
    fetch?: typeof globalThis.fetch;
  } & CollectionLimits,
): Promise<ItemCollection & { source: GitHubIssueSource }> {
  const remote = await readOriginRemote(input.repo);
  const parsed = parseGitHubRemote(remote);
  if (!parsed)
    throw new ConfigurationError(
      `the origin remote of ${input.repo} is not a GitHub repository (${remote}); use --source <dir> for local items`,
    );
  const source = new GitHubIssueSource({
    ...parsed,
    token: input.env.GITHUB_TOKEN,
    signal: input.signal,
    ...(input.fetch === undefined ? {} : { fetch: input.fetch }),
    ...(input.env.GITHUB_API_URL ? { baseUrl: input.env.GITHUB_API_URL } : {}),
  });
  return {
    description: `${parsed.owner}/${parsed.repo} on GitHub`,
    source,
    async collect(ids, onRefused) {
      const issues = ids ? await source.getIssues(ids) : await source.listOpenIssues();
      return issues.filter((issue) => {
        const problem = itemSizeProblem(`issue ${issue.path}`, Buffer.byteLength(issue.body), input.maxItemBytes);
        if (problem !== undefined) onRefused({ id: issue.id, title: issue.title, status: 'failed', reason: problem });
        return problem === undefined;
      });
    },
  };
}
