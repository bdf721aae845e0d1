/**
 * A commit refused because what it would store holds one of the run's configured secrets (an API key).
 * Names where the secret is, never the secret; nothing was committed and the changes were unstaged, so
 * they are still in the worktree for a human to look at.
 */
export class SecretInCommitError extends Error {
  override readonly name = 'SecretInCommitError';

  constructor(
    readonly worktree: string,
    /** Worktree-relative paths of the files whose staged change holds a secret (or `the commit message`). */
    readonly files: readonly string[],
  ) {
    const where = files.length === 0 ? 'the staged changes' : files.join(', ');
    super(
      `refused to commit in ${worktree}: a configured API key is in ${where}; the changes were unstaged and nothing was committed (remove the key and run again)`,
    );
  }
}
