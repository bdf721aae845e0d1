import { resolve } from 'node:path';
import { FileItemLeases } from '../checkpoints/item-lease.js';
import { SqliteCheckpointStoreFactory } from '../checkpoints/sqlite-store.js';
import { ConfigurationError, UsageError } from '../core/errors.js';
import { isGitRepository, runGit } from '../git/git.js';
import { ensureLocalStateExcluded } from '../git/worktree.js';
import { approvableDesign, approveDesign } from '../workflows/lld/approve-design.js';
import { approverName, type Approver } from '../workflows/lld/human-approval.js';
import type { CliIo } from './cli-io.js';
import { requireRepositoryFolder } from './execute-run.js';
import { shellQuote } from './retry-command.js';

export interface ApproveFlags {
  repo?: string | undefined;
  reason?: string | undefined;
}

/**
 * `lldflow approve <id>`: records a human's approval of a blocked or draft design, naming the git user.
 * Everything is checked first — the design exists and is not approved, git knows who you are, no run
 * holds the item — and a refusal writes nothing (exit 2).
 */
export async function runApproveCommand(id: string, flags: ApproveFlags, io: CliIo): Promise<number> {
  const repo = resolve(io.cwd, flags.repo ?? '.');
  await requireRepositoryFolder(repo);
  await approvableDesign(repo, id);
  const reason = flags.reason?.trim();
  if (reason === '') throw new UsageError('--reason is empty: say why, or leave it out');
  const approver = await gitApprover(repo, io.env);
  // The item's lease lives under .lldflow/, which stays out of git.
  if (await isGitRepository(repo)) await ensureLocalStateExcluded(repo);
  const approved = await approveDesign({
    repo,
    id,
    reason,
    approver,
    clock: io.clock,
    checkpoints: new SqliteCheckpointStoreFactory(repo),
    leases: new FileItemLeases(repo, { runId: 'lldflow approve' }),
  });
  if (approved.warning !== undefined) io.stderr.write(`warning: ${approved.warning}\n`);
  const was = approved.previousStatus === undefined ? 'no status' : `was ${approved.previousStatus}`;
  io.stdout.write(
    [
      `approved ${approved.design} (${was}) by ${approverName(approver)}`,
      `lineage: ${approved.record}`,
      `next: commit it (git add ${approved.design} docs/lineage && git commit -m "Approve LLD ${id}"), then: lldflow implement --repo ${shellQuote(repo)} --issue ${id}`,
      '',
    ].join('\n'),
  );
  return 0;
}

/** Who approves: the repository's git identity, as its commits would name them. */
async function gitApprover(repo: string, env: Record<string, string | undefined>): Promise<Approver> {
  const name = await gitConfig(repo, 'user.name', env);
  const email = await gitConfig(repo, 'user.email', env);
  const missing = [name === undefined ? 'user.name' : undefined, email === undefined ? 'user.email' : undefined].filter(Boolean);
  if (name === undefined || email === undefined) {
    throw new ConfigurationError(
      `an approval names who gave it, and git has no ${missing.join(' and ')} for ${repo}: set ${missing.length > 1 ? 'them' : 'it'} (git config user.name "Your Name"; git config user.email you@example.com)`,
    );
  }
  return { name, email };
}

async function gitConfig(repo: string, key: string, env: Record<string, string | undefined>): Promise<string | undefined> {
  try {
    const value = (await runGit(['config', key], { cwd: repo, env })).stdout.trim();
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
}
