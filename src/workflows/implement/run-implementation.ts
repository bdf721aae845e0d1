import { plural } from '../../core/format.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calendarDate } from '../../clock/clock.js';
import { writeFileAtomic } from '../../files/atomic-write.js';
import { commitAll } from '../../git/commit.js';
import { ensureWorktree } from '../../git/worktree.js';
import { repositoryLayout } from '../../repository/layout.js';
import type { ItemOutcome } from '../../core/items.js';
import { inRepository, repositoryPaths } from '../../core/paths.js';
import { callModel } from '../steps/model-step.js';
import { driveSteps, type StepMachine } from '../steps/step-driver.js';
import { implementBlockedDetail } from './blocked-implementation.js';
import { summarizeTestFailures } from './failure-summary.js';
import { applyAnswer } from './apply-answer.js';
import { codePrompt, IMPLEMENTER_SYSTEM_PROMPT, testsPrompt, type FileView } from './implement-prompts.js';
import { initialImplementState, type ImplementState, type TestRunRecord } from './implement-state.js';
import {
  afterApply,
  afterGreenRun,
  afterImplementationFinalized,
  afterImplementerAnswer,
  afterLoadLld,
  afterRedRun,
  afterWorktree,
  blockImplementation,
  decideImplementStep,
  withCommit,
  type ImplementStep,
} from './implement-transitions.js';
import { implementationReport } from './implementation-report.js';
import { runTestCommand } from './test-command.js';
import { performAgentTurn, performGovernance } from './agent-steps.js';
import { isCodingAgent, type ImplementationSetup } from './implementation-setup.js';

/** Drives one approved LLD to tests and code on its own branch, one checkpointed step at a time. */
export async function runImplementation(setup: ImplementationSetup, resumeFrom: ImplementState | undefined): Promise<ItemOutcome> {
  const { context } = setup;
  let state = resumeFrom ?? initialImplementState(context.runId, new Date(context.clock.now()).toISOString());
  if (state.worktree) {
    // Resume in the same worktree; re-created on its branch if the folder was removed.
    const worktree = await setup.withRepositoryLock(() =>
      ensureWorktree({ repo: setup.repo, id: context.item.id, baseRef: setup.baseRef, signal: context.signal }),
    );
    state = { ...state, worktree: { path: worktree.path, branch: worktree.branch } };
    context.log(`resuming at ${state.stage} in ${worktree.path}`);
  }
  const machine: StepMachine<ImplementState, ImplementStep> = {
    decide: (current) => decideImplementStep(current, setup.limits, isCodingAgent(setup.implementer) ? 'agent' : 'model'),
    stageLabel,
    isDone: (step) => step.kind === 'done',
    perform: (current, step) => performStep(setup, current, step),
    lineageDirectory: (current) => lineageDirectory(setup, current),
  };
  const finished = await driveSteps(context, machine, state);
  return finished.outcome?.status === 'succeeded'
    ? { status: 'succeeded', output: `${finished.worktree?.branch ?? ''}:${finished.report ?? ''}` }
    : {
        status: 'blocked',
        reason: finished.outcome?.status === 'blocked' ? finished.outcome.reason : 'ended without an outcome',
        blocked: implementBlockedDetail(finished),
      };
}

/**
 * Where the item's lineage goes: the main repository from the first step, or with `commitLineage` the
 * worktree (once it exists), so that the commits carry it.
 */
function lineageDirectory(setup: ImplementationSetup, state: ImplementState): string | undefined {
  const folder = repositoryPaths.lineage(setup.context.item.id, 'implement', state.lineageRunId);
  if (!setup.commitLineage) return inRepository(setup.lineageRoot ?? setup.repo, folder);
  return state.worktree ? inRepository(state.worktree.path, folder) : undefined;
}

function stageLabel(state: ImplementState, step: ImplementStep): string {
  if (step.kind === 'call-implementer' || step.kind === 'agent-turn')
    return step.phase === 'tests' ? 'write tests' : `code ${state.iteration + 1}`;
  if (step.kind === 'run-tests') return `${step.phase} run`;
  if (step.kind === 'govern') return `check ${step.phase}`;
  return step.kind;
}

async function performStep(setup: ImplementationSetup, state: ImplementState, step: ImplementStep): Promise<ImplementState> {
  const { context, limits } = setup;
  const id = context.item.id;
  switch (step.kind) {
    case 'load': {
      const loaded = await setup.loadLld();
      return afterLoadLld(state, loaded.lld, loaded.files, loaded.scenarios);
    }
    case 'worktree': {
      const worktree = await setup.withRepositoryLock(() =>
        ensureWorktree({ repo: setup.repo, id, baseRef: setup.baseRef, signal: context.signal }),
      );
      context.log(`${worktree.created ? 'created' : 'reusing'} worktree ${worktree.path} on branch ${worktree.branch}`);
      return afterWorktree(state, { path: worktree.path, branch: worktree.branch });
    }
    case 'agent-turn':
      if (!isCodingAgent(setup.implementer)) throw new TypeError(`${setup.implementer.label} is not a coding agent`);
      return performAgentTurn(setup, setup.implementer, state, step);
    case 'call-implementer': {
      const implementer = setup.implementer;
      if (isCodingAgent(implementer)) throw new TypeError(`${implementer.label} edits the worktree itself; it is not asked for files`);
      const prompt = step.phase === 'tests' ? await buildTestsPrompt(state, setup) : await buildCodePrompt(state, setup);
      context.log(
        step.phase === 'tests'
          ? `writing tests with ${setup.implementer.label}`
          : `writing code (iteration ${state.iteration + 1}) with ${setup.implementer.label}`,
      );
      const response = await callModel(context, implementer, {
        role: 'implementer',
        system: IMPLEMENTER_SYSTEM_PROMPT,
        messages: [{ role: 'user', content: prompt }],
        trace: { itemId: id, step: step.traceStep },
      });
      return afterImplementerAnswer(state, step.phase, response.text, prompt, response);
    }
    case 'apply':
    case 'govern': {
      const applied =
        step.kind === 'apply' ? await applyPending(state, step.phase, setup) : await performGovernance(setup, state, step.phase);
      // Tests first: they are committed before any code may exist, and the RED run is of this commit.
      if (step.phase !== 'tests' || applied.stage !== 'run-red') return applied;
      return withCommit(
        applied,
        await commit(applied, `${id}: tests for LLD-${id} (lldflow)`, `Tests written first by ${setup.implementer.label}.`, setup),
      );
    }
    case 'run-tests': {
      // Test output is stored (state, lineage, report) and sent back to the model: secrets out first.
      const run = redactedRun(await runTests(state, step.phase, setup), (text) => context.redact(text));
      context.log(
        `${step.phase === 'red' ? 'red run' : `test run ${run.iteration}`}: ${run.passed ? 'passed' : run.timedOut ? 'timed out' : 'failed'}`,
      );
      if (step.phase === 'red') return afterRedRun(state, run, testsCannotLoad(run.summary), limits);
      const next = afterGreenRun(state, run, summarizeTestFailures(run.summary).signature, limits);
      if (!run.passed) return next;
      return withCommit(
        next,
        await commit(next, `${id}: tests pass (lldflow)`, `Iteration ${next.iteration} by ${setup.implementer.label}.`, setup),
      );
    }
    case 'block':
      return blockImplementation(state, step.reason);
    case 'finalize': {
      const report = await finalize(state, setup);
      const finalized = afterImplementationFinalized(state, report.path, report.commit);
      if (finalized.outcome?.status === 'succeeded') await setup.publish?.(finalized);
      return finalized;
    }
    case 'done':
      return state;
  }
}

/** Writes the implementer's pending answer under the phase's policy, and says what it did. */
async function applyPending(state: ImplementState, phase: 'tests' | 'code', setup: ImplementationSetup): Promise<ImplementState> {
  const { context } = setup;
  const report = await applyAnswer(state, phase);
  for (const refusal of report.refused) context.log(`refused ${refusal.path}: ${refusal.reason}`);
  for (const problem of report.problems) context.log(`answer problem: ${problem}`);
  context.log(
    `wrote ${report.written.length} ${plural(report.written.length, 'file')}${report.deleted.length > 0 ? `, deleted ${report.deleted.length}` : ''}`,
  );
  return afterApply(state, phase, report, setup.limits);
}

/**
 * A syntax error in the tests themselves: they cannot be run at all, so there is no RED yet. A missing
 * module or export (the code the tests are for does not exist yet) is the expected RED, not this.
 */
export function testsCannotLoad(output: string): boolean {
  return /\b(SyntaxError|IndentationError|TabError): (?!The requested module)/.test(output);
}

function redactedRun(run: TestRunRecord, redact: (text: string) => string): TestRunRecord {
  return { ...run, summary: redact(run.summary) };
}

async function runTests(state: ImplementState, phase: 'red' | 'green', setup: ImplementationSetup): Promise<TestRunRecord> {
  const result = await runTestCommand({
    command: setup.testCommand,
    cwd: state.worktree?.path ?? '',
    timeoutMs: setup.testTimeoutMs,
    signal: setup.context.signal,
    clock: setup.context.clock,
    // Model-written code: writable only in its worktree; lldflow's own state (checkpoints, logs, the other
    // items' worktrees) hidden; no value lldflow would redact in its environment.
    sandbox: {
      ...setup.sandbox,
      readable: [setup.repo],
      hidden: [inRepository(setup.repo, repositoryPaths.localState)],
    },
    isSecretValue: (value) => setup.context.redact(value) !== value,
  });
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
  return testsPrompt({
    state,
    testCommand: setup.testCommand,
    layout: await repositoryLayout(state.worktree?.path ?? setup.repo),
    feedback: state.feedback,
  });
}

async function buildCodePrompt(state: ImplementState, setup: ImplementationSetup): Promise<string> {
  const view = async (path: string): Promise<FileView> => ({
    path,
    content: await readFile(join(state.worktree?.path ?? '', path), 'utf8').catch(() => undefined),
  });
  const files = await Promise.all(
    state.files.filter((file) => file.change !== 'delete' && !file.path.endsWith('/')).map((file) => view(file.path)),
  );
  const tests = await Promise.all(state.testFiles.map(view));
  return codePrompt({ state, testCommand: setup.testCommand, files, tests, feedback: state.feedback });
}

async function commit(state: ImplementState, message: string, body: string, setup: ImplementationSetup): Promise<string | undefined> {
  const { context } = setup;
  const sha = await commitAll({
    worktree: state.worktree?.path ?? '',
    message,
    body,
    signal: context.signal,
    holdsSecret: context.holdsSecret,
  });
  if (sha) await setup.shareCommit?.(state);
  return sha;
}

async function finalize(state: ImplementState, setup: ImplementationSetup): Promise<{ path: string; commit: string | undefined }> {
  const id = setup.context.item.id;
  const path = repositoryPaths.implementationReport(id);
  const now = setup.context.clock.now();
  const report = implementationReport(state, {
    implementer: setup.implementer.label,
    durationMs: now - Date.parse(state.startedAt),
    date: calendarDate(now),
    testCommand: setup.testCommand,
    redact: (text) => setup.context.redact(text),
  });
  // The report (redacted, it quotes test output) is committed. With commitLineage every lineage entry is in
  // the worktree by now (the driver writes them after each step), so the commit holds them too; otherwise
  // they are in the main repository and the branch carries none.
  await writeFileAtomic(join(state.worktree?.path ?? '', path), report);
  const succeeded = state.outcome?.status === 'succeeded';
  const subject = succeeded ? `${id}: implement LLD-${id} (lldflow)` : `${id}: implementation of LLD-${id} blocked (lldflow)`;
  const body = `Implementer: ${setup.implementer.label}\nIterations: ${state.iteration}\nModel calls: ${state.calls}${succeeded ? '' : `\nBlocked: ${state.outcome?.status === 'blocked' ? state.outcome.reason : ''}`}`;
  return { path, commit: await commit(state, subject, body, setup) };
}
