import { plural } from '../../src/core/format.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirementsInProcess } from '../../src/cli/testing/requirements-in-process.js';
import { ISOLATED_GIT_ENV } from '../../src/git/testing/temporary-repository.js';
import type { ItemSummary } from '../../src/core/items.js';
import { caseLayout } from './case-layout.js';
import { recordedOutcome, type CorpusCase } from './cases.js';
import { DRAFTER_MODEL, REVIEWER_MODEL, ReplayServer, type ServedCase } from './replay-server.js';

export interface ReplayOptions {
  parallel: number;
  corpusLabel: string;
  /** Keep the replayed repositories (their lineage, logs and LLDs) instead of deleting them. */
  keep: boolean;
}

interface CaseResult {
  recorded: CorpusCase;
  item: ItemSummary | undefined;
  served: ServedCase | undefined;
  /** Problems lldflow's mechanical checks reported, one line per failed validation. */
  validationFailures: string[];
}

/**
 * Runs the real `lldflow requirements` (in this process, through the CLI) over every case against a
 * local OpenAI-compatible server replaying the case's recorded drafts and verdicts. A case is one item
 * whose id is its issue number; cases for the same issue (`84`, `84-n1`) go to separate runs, so one
 * run holds each issue once. Each run gets a fresh git repository laid out as its cases' 2.1 tables
 * describe (see caseLayout), and every item in it runs at `--parallel`.
 */
export async function replayReport(cases: readonly CorpusCase[], options: ReplayOptions): Promise<string[]> {
  const folder = mkdtempSync(join(tmpdir(), 'lldflow-corpus-replay-'));
  const results: CaseResult[] = [];
  const started = performance.now();
  try {
    for (const [index, batch] of batches(cases).entries()) {
      results.push(...(await replayBatch(batch, join(folder, `run-${index + 1}`), options.parallel)));
    }
  } finally {
    if (!options.keep) rmSync(folder, { recursive: true, force: true });
  }
  return [
    ...render(results, options, performance.now() - started),
    ...(options.keep ? ['', `replayed repositories kept in ${folder}`] : []),
  ];
}

/** Cases in runs where each issue appears once: the first case of every issue, then the second, … */
function batches(cases: readonly CorpusCase[]): CorpusCase[][] {
  const runs: CorpusCase[][] = [];
  const seen = new Map<string, number>();
  for (const recorded of cases) {
    const round = seen.get(recorded.itemId) ?? 0;
    seen.set(recorded.itemId, round + 1);
    (runs[round] ??= []).push(recorded);
  }
  return runs;
}

async function replayBatch(batch: readonly CorpusCase[], base: string, parallel: number): Promise<CaseResult[]> {
  const repo = join(base, 'repo');
  const items = join(base, 'items');
  createRepository(repo, batch);
  mkdirSync(items, { recursive: true });
  for (const recorded of batch) {
    writeFileSync(
      join(items, `${recorded.itemId}.md`),
      `---\ntitle: ${JSON.stringify(recorded.issueTitle)}\n---\n\n${recorded.issueBody}\n`,
    );
  }
  const server = await new ReplayServer(batch).start();
  try {
    const keys = Array.from({ length: Math.max(parallel, 1) }, (_, index) => `replay-key-${index + 1}`);
    const maxIterations = Math.max(5, ...batch.map((recorded) => recorded.verdicts.length));
    const run = await requirementsInProcess({
      repo,
      items,
      baseUrl: server.baseUrl,
      keys,
      drafter: `openai:${DRAFTER_MODEL}`,
      reviewer: `openai:${REVIEWER_MODEL}`,
      options: ['--type', 'lld', '--parallel', String(parallel), '--max-iterations', String(maxIterations)],
    });
    const summary = run.summary;
    if (!summary) throw new Error(`the replay run exited with ${run.code} and no summary:\n${run.stderr.slice(-2000)}`);
    return batch.map((recorded) => ({
      recorded,
      item: summary.items.find((item) => item.id === recorded.itemId),
      served: server.served(recorded.itemId),
      validationFailures: validationFailures(repo, recorded.itemId),
    }));
  } finally {
    await server.close();
  }
}

/** A git repository with every file and folder the batch's cases say exists (files are empty). */
function createRepository(repo: string, batch: readonly CorpusCase[]): void {
  mkdirSync(repo, { recursive: true });
  writeFileSync(join(repo, 'README.md'), '# Replayed repository\n');
  for (const recorded of batch) {
    const { files, folders } = caseLayout(recorded);
    for (const folder of folders) mkdirSync(join(repo, folder), { recursive: true });
    for (const file of files) {
      mkdirSync(join(repo, file, '..'), { recursive: true });
      try {
        writeFileSync(join(repo, file), '', { flag: 'wx' });
      } catch {
        // Already there (another case names it too), or a folder of that name: either way it exists.
      }
    }
  }
  const git = (...args: string[]): void =>
    void execFileSync('git', ['-c', 'user.name=replay', '-c', 'user.email=replay@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
      cwd: repo,
      stdio: 'ignore',
      env: { ...process.env, ...ISOLATED_GIT_ENV },
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'replayed layout');
}

/** The first problem of each failed validation in the item's lineage. */
function validationFailures(repo: string, itemId: string): string[] {
  const lineage = join(repo, 'docs', 'lineage', 'active', `${itemId}-lld`);
  const runs = readdirOrEmpty(lineage);
  return runs.flatMap((run) =>
    readdirOrEmpty(join(lineage, run))
      .filter((file) => file.endsWith('-validation.md'))
      .sort()
      .map((file) => firstProblem(join(lineage, run, file))),
  );
}

function firstProblem(path: string): string {
  const text = readFileSync(path, 'utf8');
  return (/^- (.*)$/m.exec(text)?.[1] ?? '').slice(0, 160);
}

function readdirOrEmpty(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function outcomeOf(result: CaseResult): 'approved' | 'blocked' | 'failed' {
  if (result.item?.status === 'succeeded') return 'approved';
  if (result.item?.status === 'blocked') return 'blocked';
  return 'failed';
}

function render(results: readonly CaseResult[], options: ReplayOptions, wallMs: number): string[] {
  const count = (outcome: string): number => results.filter((result) => outcomeOf(result) === outcome).length;
  const recordedCalls = results.reduce((total, result) => total + result.recorded.drafts.length + result.recorded.verdicts.length, 0);
  const calls = results.reduce((total, result) => total + (result.item?.llmCalls ?? 0), 0);
  const same = results.filter((result) => outcomeOf(result) === recordedOutcome(result.recorded)).length;
  const percent = (part: number, whole: number): string => `${whole === 0 ? '0.0' : ((100 * part) / whole).toFixed(1)}%`;
  const lines = [
    `replayed ${results.length} cases from ${options.corpusLabel} through \`lldflow requirements --parallel ${options.parallel}\` in ${(wallMs / 1000).toFixed(1)} s`,
    `ended approved / blocked / failed        ${count('approved')} / ${count('blocked')} / ${count('failed')}`,
    `ended as the recorded run did            ${same}/${results.length} (${percent(same, results.length)})`,
    `model calls, lldflow vs recorded         ${calls} vs ${recordedCalls} (${calls >= recordedCalls ? '+' : ''}${percent(calls - recordedCalls, recordedCalls)})`,
    '',
  ];
  const differing = results.filter((result) => pathDiffers(result));
  lines.push(
    differing.length === 0 ? 'every case took the recorded path' : `cases whose path differs from the recorded run (${differing.length}):`,
  );
  for (const result of differing) lines.push(`  ${result.recorded.name}: ${describe(result)}`);
  return lines;
}

function pathDiffers(result: CaseResult): boolean {
  const served = result.served;
  return (
    outcomeOf(result) !== recordedOutcome(result.recorded) ||
    served === undefined ||
    served.draftsServed !== result.recorded.drafts.length ||
    served.verdictsServed !== result.recorded.verdicts.length ||
    served.beyondRecording > 0
  );
}

function describe(result: CaseResult): string {
  const { recorded, served } = result;
  const outcome = outcomeOf(result);
  const expected = recordedOutcome(recorded);
  const used = served
    ? `${served.draftsServed}/${recorded.drafts.length} drafts, ${served.verdictsServed}/${recorded.verdicts.length} verdicts${served.beyondRecording > 0 ? `, ${served.beyondRecording} ${plural(served.beyondRecording, 'answer')} past the recording` : ''}`
    : 'no call';
  const why: string[] = [];
  if (outcome !== expected)
    why.push(`ended ${outcome}, recorded ${expected}${result.item?.error ? `: ${result.item.error.slice(0, 200)}` : ''}`);
  if (result.validationFailures.length > 0)
    why.push(
      `lldflow's checks failed ${result.validationFailures.length} ${plural(result.validationFailures.length, 'draft')}, first: ${result.validationFailures[0] ?? ''}`,
    );
  if (outcome === expected && served && served.verdictsServed < recorded.verdicts.length) {
    why.push(
      `approved at recorded verdict ${served.verdictsServed} (${recorded.verdictLabels.slice(0, served.verdictsServed).join(', ')}); the recording went on: ${recorded.verdictLabels.slice(served.verdictsServed).join(', ')}`,
    );
  }
  if (outcome === expected && served && served.draftsServed < recorded.drafts.length && result.validationFailures.length === 0) {
    why.push('the recorded run made drafts lldflow did not need (its own extra checks, or edits after approval)');
  }
  return `${used}; ${why.join('; ') || 'different order of calls'}`;
}
