import { ConfigurationError } from '../core/errors.js';
import { GitHubIssueSource, parseGitHubRemote, readOriginRemote } from './github-issues.js';
import { readSourceFolder } from './source-folder.js';
import type { SourceItem } from './source-item.js';

/** Where a workflow's items come from: a local folder or the repository's GitHub issues. */
export interface ItemCollection {
  /** For messages: the folder, or `owner/repo on GitHub`. */
  readonly description: string;
  /** Exactly `ids` (unknown → UsageError naming it), or every item when undefined. */
  collect(ids: string[] | undefined): Promise<SourceItem[]>;
}

export function folderCollection(
  dir: string,
  options: { slugNames?: boolean; onSkipped?: (file: string, reason: string) => void } = {},
): ItemCollection {
  return {
    description: dir,
    async collect(ids) {
      const result = await readSourceFolder(dir, { ...(ids ? { ids } : {}), slugNames: options.slugNames ?? false });
      for (const skipped of result.skipped) options.onSkipped?.(skipped.file, skipped.reason);
      return result.items;
    },
  };
}

/** The `origin` remote's open issues, read with GITHUB_TOKEN. */
export async function gitHubCollection(input: {
  repo: string;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
}): Promise<ItemCollection & { source: GitHubIssueSource }> {
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
    ...(input.env.GITHUB_API_URL ? { baseUrl: input.env.GITHUB_API_URL } : {}),
  });
  return {
    description: `${parsed.owner}/${parsed.repo} on GitHub`,
    source,
    collect: (ids) => (ids ? source.getIssues(ids) : source.listOpenIssues()),
  };
}
