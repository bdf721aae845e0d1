import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../clock/clock.js';
import { describeHolder, type ItemLeases } from '../../checkpoints/item-lease.js';
import type { CheckpointStoreFactory } from '../../checkpoints/store.js';
import { ConfigurationError, UsageError } from '../../core/errors.js';
import { validateItemId } from '../../core/item-id.js';
import { inRepository, repositoryPaths } from '../../core/paths.js';
import { isTemporaryName, writeFileAtomic } from '../../files/atomic-write.js';
import { compareRunIds, makeRunId } from '../../runner/run-id.js';
import { lineageFileName } from '../steps/lineage.js';
import { humanApprovalRecord, humanApprovedDocument, type Approver, type HumanApproval } from './human-approval.js';
import { readItemDesign, type Design } from './lld-designs.js';

export interface ApproveDesignInput {
  repo: string;
  id: string;
  reason: string | undefined;
  approver: Approver;
  clock: Clock;
  /** The item's `lld` checkpoint (a blocked run's) is removed: the item is done. */
  checkpoints: CheckpointStoreFactory;
  /** Taken for the item while approving, so no run of it writes the design at the same time. */
  leases: ItemLeases;
}

export interface ApprovedDesign {
  /** Repository-relative path of the design. */
  design: string;
  previousStatus: Design['status'];
  /** Repository-relative path of the lineage record. */
  record: string;
  /** Something the approval could not tidy up (a damaged checkpoint), for a warning. */
  warning: string | undefined;
}

const HUMAN_APPROVAL_RECORD = 'human-approval.json';

/**
 * The design of `id` that a human may approve: it exists and is not approved yet. Otherwise a
 * UsageError saying which (exit 2, nothing written).
 */
export async function approvableDesign(repo: string, id: string): Promise<Design> {
  validateItemId(id, 'lldflow approve');
  const design = await readItemDesign(repo, id);
  if (!design) {
    throw new UsageError(
      `no design for item ${id}: ${repositoryPaths.lld(id)} does not exist (lldflow requirements --issue ${id} drafts one)`,
    );
  }
  if (design.status === 'approved') throw new UsageError(`${design.path} is already approved: nothing to do`);
  return design;
}

/**
 * `lldflow approve`: a human approves a blocked (or draft) design. The design's status line says
 * Approved by the git user, with the date and the reason, and its review log gains a row; the item's
 * latest lineage run gets a `NNN-human-approval.json` record (a new run folder when it has none); its
 * blocked checkpoint is removed, so runs count it done and `implement` takes it.
 */
export async function approveDesign(input: ApproveDesignInput): Promise<ApprovedDesign> {
  const { repo, id } = input;
  await approvableDesign(repo, id);
  const attempt = await input.leases.acquire('lld', id);
  if (attempt.kind === 'held') {
    throw new ConfigurationError(`item ${id} is ${describeHolder(attempt.holder)}: approve it once that run has ended`);
  }
  try {
    // Under the lease: a run that ended meanwhile may have approved it.
    const design = await approvableDesign(repo, id);
    const approval: HumanApproval = { approver: input.approver, at: input.clock.now(), reason: input.reason };
    const document = await readFile(inRepository(repo, design.path), 'utf8');
    await writeFileAtomic(inRepository(repo, design.path), humanApprovedDocument(document, approval));
    const record = lineageRecordPath(repo, id, approval.at);
    const content = humanApprovalRecord({ id, design: design.path, previousStatus: design.status }, approval);
    await writeFileAtomic(inRepository(repo, record), `${JSON.stringify(content, null, 2)}\n`);
    return { design: design.path, previousStatus: design.status, record, warning: await removeCheckpoint(input) };
  } finally {
    attempt.lease.release();
  }
}

/** The next file of the item's latest lineage run, or the first of a new run folder named by the clock. */
function lineageRecordPath(repo: string, id: string, at: number): string {
  const itemFolder = repositoryPaths.itemLineage(id, 'lld');
  const runs = folders(inRepository(repo, itemFolder)).sort(compareRunIds);
  const latest = runs.at(-1);
  const run = latest ?? makeRunId(at, (candidate) => runs.includes(candidate));
  const numbers = latest === undefined ? [] : entryNumbers(inRepository(repo, `${itemFolder}/${latest}`));
  const number = Math.max(0, ...numbers) + 1;
  return `${itemFolder}/${run}/${lineageFileName({ number, name: HUMAN_APPROVAL_RECORD })}`;
}

function folders(path: string): string[] {
  try {
    return readdirSync(path).filter((name) => statSync(join(path, name)).isDirectory());
  } catch {
    return [];
  }
}

function entryNumbers(folder: string): number[] {
  try {
    return readdirSync(folder)
      .filter((name) => !isTemporaryName(name))
      .flatMap((name) => {
        const match = /^(\d{3,})-/.exec(name);
        return match ? [Number(match[1])] : [];
      });
  } catch {
    return [];
  }
}

/** A blocked run's checkpoint would make the next run redo the item: removed. A damaged one is left for `status` to name. */
async function removeCheckpoint(input: ApproveDesignInput): Promise<string | undefined> {
  const inspection = await input.checkpoints.inspect('lld', input.id);
  if (inspection.kind === 'none') return undefined;
  if (inspection.kind === 'damaged') return `its checkpoint ${inspection.path} could not be read (${inspection.message}); left as it is`;
  const store = await input.checkpoints.open('lld', input.id);
  try {
    await store.remove();
  } finally {
    await store.close();
  }
  return undefined;
}
