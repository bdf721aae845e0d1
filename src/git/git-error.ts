/**
 * A git command failed. Carries the command and git's own error text so the cause reaches the user;
 * credentials embedded in URLs are masked first, since both end up in logs and summaries.
 */
export class GitError extends Error {
  override readonly name = 'GitError';
  readonly command: string;
  readonly stderr: string;

  constructor(
    args: readonly string[],
    readonly exitCode: number | null,
    stderr: string,
    options?: { cause?: unknown },
  ) {
    const command = maskCredentials(['git', ...args].join(' '));
    const detail = maskCredentials(stderr.trim());
    super(`${command} failed${exitCode === null ? '' : ` (exit ${exitCode})`}${detail ? `: ${detail}` : ''}`, options);
    this.command = command;
    this.stderr = detail;
  }
}

/** `https://user:token@host/…` → `https://***@host/…`: remotes may carry a token in their URL. */
export function maskCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
}
