import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calendarDate } from '../../clock/clock.js';
import { writeFileAtomic } from '../../files/atomic-write.js';
import { commitAll } from '../../git/commit.js';
import { ensureWorktree } from '../../git/worktree.js';
import type { ModelClient } from '../../model-call/model-client.js';
import { repositoryLayout } from '../../repository/layout.js';
import type { ItemContext } from '../../runner/types.js';
import type { ItemOutcome } from '../../core/items.js';
import { LineageWriter } from '../review-loop/lineage-writer.js';
import { summarizeTestFailures } from './failure-summary.js';
import { parseFileBlocks } from './file-blocks.js';
import { codePrompt, IMPLEMENTER_SYSTEM_PROMPT, testsPrompt, type FileView } from './implement-prompts.js';
import { initialImplementState, type ImplementLimits, type ImplementState, type PlannedFile, type TestRunRecord } from './implement-state.js';
import { afterApply, afterGreenRun, afterImplementationFinalized, afterImplementerAnswer, afterLoadLld, afterRedRun, afterWorktree, blockImplementation, decideImplementStep, withCommit, type ApplyReport } from './implement-transitions.js';
import { implementationReport } from './implementation-report.js';
import { allowedPaths, allowedPatterns, applyFileOperations, isTestFile } from './path-policy.js';
import { runTestCommand } from './test-command.js';

export interface ImplementationSetup {
  context: ItemContext;
  implementer: ModelClient;
  limits: ImplementLimits;
  repo: string;
  baseRef: string;
  testCommand: string;
  testTimeoutMs: number;
  loadLld: () => Promise<{ lld: NonNullable<ImplementState['lld']>; files: PlannedFile[]; scenarios: string[] }>;
  /** Serialises git operations that touch the shared repository (worktree creation). */
  withRepositoryLock: <T>(work: () => Promise<T>) => Promise<T>;
  /** After the final commit of a succeeded item: push, open a pull request. */
  publish?: (state: ImplementState) => Promise<void>;
}

/** Drives one approved LLD to tests and code on its own branch, one checkpointed step at a time. */
export async function runImplementation(setup: ImplementationSetup): Promise<ItemOutcome> {
  const { context, limits } = setup;
  const id = context.item.id;
  let state: ImplementState = (context.resumeFrom?.state as ImplementState | undefined) ?? initialImplementState(context.runId, new Date(context.clock.now()).toISOString());
  if (state.worktree) {
    // Resume in the same worktree; re-created on its branch if the folder was removed.
    const worktree = await setup.withRepositoryLock(() => ensureWorktree({ repo: setup.repo, id, baseRef: setup.baseRef, signal: context.signal }));
    state = { ...state, worktree: { path: worktree.path, branch: worktree.branch } };
    context.log(`resuming at ${state.stage} in ${worktree.path}`);
  }
  let lineage = state.worktree ? lineageWriter(state, id) : undefined;
  await lineage?.sync(state.lineage);

  for (;;) {
    const step = decideImplementStep(state, limits);
    context.setStage(step.kind === 'call-implementer' ? `${step.phase === 'tests' ? 'write tests' : `code ${state.iteration + 1}`}` : step.kind === 'run-tests' ? `${step.phase} run` : step.kind);
    switch (step.kind) {
      case 'load': {
        const loaded = await setup.loadLld();
        state = afterLoadLld(state, loaded.lld, loaded.files, loaded.scenarios);
        break;
      }
      case 'worktree': {
        const worktree = await setup.withRepositoryLock(() => ensureWorktree({ repo: setup.repo, id, baseRef: setup.baseRef, signal: context.signal }));
        context.log(`${worktree.created ? 'created' : 'reusing'} worktree ${worktree.path} on branch ${worktree.branch}`);
        state = afterWorktree(state, { path: worktree.path, branch: worktree.branch });
        lineage = lineageWriter(state, id);
        break;
      }
      case 'call-implementer': {
        const prompt = step.phase === 'tests' ? await buildTestsPrompt(state, setup) : await buildCodePrompt(state, setup);
        context.log(step.phase === 'tests' ? `writing tests with ${setup.implementer.label}` : `writing code (iteration ${state.iteration + 1}) with ${setup.implementer.label}`);
        const response = await setup.implementer.complete(
          { role: 'implementer', system: IMPLEMENTER_SYSTEM_PROMPT, messages: [{ role: 'user', content: prompt }], trace: { itemId: id, step: step.traceStep }, signal: context.signal },
          { log: (message) => context.log(message) },
        );
        context.recordModelCall({
          provider: response.provider,
          model: response.model,
          ...(response.keyName ? { keyName: response.keyName } : {}),
          role: 'implementer',
          durationMs: response.durationMs,
          inputTokens: response.usage.inputTokens,
          outputTokens: response.usage.outputTokens,
          costUsd: response.costUsd,
        });
        state = afterImplementerAnswer(state, step.phase, response.text, prompt, response);
        break;
      }
      case 'apply': {
        const report = await applyAnswer(state, step.phase);
        for (const refusal of report.refused) context.log(`refused ${refusal.path}: ${refusal.reason}`);
        for (const problem of report.problems) context.log(`answer problem: ${problem}`);
        context.log(`wrote ${report.written.length} file(s)${report.deleted.length > 0 ? `, deleted ${report.deleted.length}` : ''}`);
        state = afterApply(state, step.phase, report, limits);
        if (step.phase === 'tests' && state.stage === 'run-red') {
          state = withCommit(state, await commit(state, `${id}: tests for LLD-${id} (lldflow)`, `Tests written first by ${setup.implementer.label}.`, context));
        }
        break;
      }
      case 'run-tests': {
        const run = await runTests(state, step.phase, setup);
        context.log(`${step.phase === 'red' ? 'red run' : `test run ${run.iteration}`}: ${run.passed ? 'passed' : run.timedOut ? 'timed out' : 'failed'}`);
        if (step.phase === 'red') {
          state = afterRedRun(state, run, testsCannotLoad(run.summary), limits);
        } else {
          state = afterGreenRun(state, run, summarizeTestFailures(run.summary).signature, limits);
          if (run.passed) state = withCommit(state, await commit(state, `${id}: tests pass (lldflow)`, `Iteration ${state.iteration} by ${setup.implementer.label}.`, context));
        }
        break;
      }
      case 'block':
        state = blockImplementation(state, step.reason);
        break;
      case 'finalize': {
        const report = await finalize(state, setup);
        state = afterImplementationFinalized(state, report.path, report.commit);
        if (state.outcome?.status === 'succeeded') await setup.publish?.(state);
        break;
      }
      case 'done':
        return state.outcome?.status === 'succeeded'
          ? { status: 'succeeded', output: `${state.worktree?.branch ?? ''}:${state.report ?? ''}` }
          : { status: 'blocked', reason: state.outcome?.status === 'blocked' ? state.outcome.reason : 'ended without an outcome' };
    }
    await context.checkpoint.commit({ stage: state.stage, state });
    await lineage?.sync(state.lineage);
  }
}

/**
 * A syntax error in the tests themselves: they cannot be run at all, so there is no RED yet. A missing
 * module or export (the code the tests are for does not exist yet) is the expected RED, not this.
 */
export function testsCannotLoad(output: string): boolean {
  return /\b(SyntaxError|IndentationError|TabError): (?!The requested module)/.test(output);
}

function lineageWriter(state: ImplementState, id: string): LineageWriter {
  return new LineageWriter(join(state.worktree?.path ?? '', 'docs', 'lineage', 'active', `${id}-implement`, state.lineageRunId));
}

async function applyAnswer(state: ImplementState, phase: 'tests' | 'code'): Promise<ApplyReport> {
  const parsed = parseFileBlocks(state.pendingResponse ?? '');
  const policy = phase === 'tests' ? { allowed: new Set<string>(), allowTests: true } : { allowed: allowedPaths(state.files), patterns: allowedPatterns(state.files), allowTests: !state.testsFrozen };
  const applied = await applyFileOperations(state.worktree?.path ?? '', parsed.operations, policy);
  const problems = parsed.problems.map((problem) => `line ${problem.line}: ${problem.message}`);
  if (parsed.operations.length === 0 && problems.length === 0) problems.push('the answer held no "### File:" block');
  return { ...applied, problems, testFiles: applied.written.filter(isTestFile) };
}

async function runTests(state: ImplementState, phase: 'red' | 'green', setup: ImplementationSetup): Promise<TestRunRecord> {
  const result = await runTestCommand({ command: setup.testCommand, cwd: state.worktree?.path ?? '', timeoutMs: setup.testTimeoutMs, signal: setup.context.signal, clock: setup.context.clock });
  const passed = result.exitCode === 0 && !result.timedOut;
  return {
    iteration: phase === 'red' ? 0 : state.iteration,
    phase,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    passed,
    durationMs: result.durationMs,
    summary: passed ? result.output.split('\n').slice(-15).join('\n') : summarizeTestFailures(result.output).summary,
  };
}

async function buildTestsPrompt(state: ImplementState, setup: ImplementationSetup): Promise<string> {
  return testsPrompt({ state, testCommand: setup.testCommand, layout: await repositoryLayout(state.worktree?.path ?? setup.repo), feedback: state.feedback });
}

async function buildCodePrompt(state: ImplementState, setup: ImplementationSetup): Promise<string> {
  const view = async (path: string): Promise<FileView> => ({ path, content: await readFile(join(state.worktree?.path ?? '', path), 'utf8').catch(() => undefined) });
  const files = await Promise.all(state.files.filter((file) => file.change !== 'delete' && !file.path.endsWith('/')).map((file) => view(file.path)));
  const tests = await Promise.all(state.testFiles.map(view));
  return codePrompt({ state, testCommand: setup.testCommand, files, tests, feedback: state.feedback });
}

function commit(state: ImplementState, message: string, body: string, context: ItemContext): Promise<string | undefined> {
  return commitAll({ worktree: state.worktree?.path ?? '', message, body, signal: context.signal });
}

async function finalize(state: ImplementState, setup: ImplementationSetup): Promise<{ path: string; commit: string | undefined }> {
  const id = setup.context.item.id;
  const path = join('docs', 'reports', 'active', `${id}-implementation-report.md`);
  const now = setup.context.clock.now();
  const report = implementationReport(state, {
    implementer: setup.implementer.label,
    durationMs: now - Date.parse(state.startedAt),
    date: calendarDate(now),
    testCommand: setup.testCommand,
  });
  await writeFileAtomic(join(state.worktree?.path ?? '', path), report);
  await lineageWriter(state, id).sync(state.lineage);
  const succeeded = state.outcome?.status === 'succeeded';
  const subject = succeeded ? `${id}: implement LLD-${id} (lldflow)` : `${id}: implementation of LLD-${id} blocked (lldflow)`;
  const body = `Implementer: ${setup.implementer.label}\nIterations: ${state.iteration}\nModel calls: ${state.calls}${succeeded ? '' : `\nBlocked: ${state.outcome?.status === 'blocked' ? state.outcome.reason : ''}`}`;
  return { path, commit: await commitAll({ worktree: state.worktree?.path ?? '', message: subject, body, signal: setup.context.signal }) };
}
