import { fenced } from '../markdown-fence.js';
import type { ImplementState } from './implement-state.js';
import { feedbackSection } from './implement-prompts.js';

/**
 * What a coding agent is told. Pure: the exact words are recorded in the lineage. Unlike the file-block
 * prompts, these hand over no file contents: the agent reads the worktree itself.
 */
export const AGENT_INSTRUCTIONS = [
  'You are implementing an approved Low-Level Design (LLD) under lldflow, test first, in the current directory (a git worktree).',
  'lldflow governs every turn from git: after your turn it keeps only the changes the phase allows, reverts the rest and tells you why in your next turn.',
  'lldflow runs the tests itself after your turn; only its run counts. You may run them yourself too.',
  'Work only inside the current directory. Do not commit, switch branches or reset: lldflow makes the commits.',
  'Never write under docs/lineage/: it is lldflow’s audit trail.',
].join('\n');

/** Said before the prompt of a turn that an interruption (Ctrl+C, a crash) cut short, in the same session. */
const CONTINUE_NOTE =
  'lldflow was stopped during this turn and has started again. The worktree holds what you had done by then; continue the same task from there.';

export function agentTestsPrompt(input: { state: ImplementState; testCommand: string; continuing: boolean }): string {
  const { state } = input;
  return [
    ...continuing(input.continuing),
    `Write the tests for LLD-${state.lld?.id ?? ''}: ${state.lld?.title ?? ''}. Tests first: do NOT implement the design in this turn.`,
    '',
    '## Test scenarios to cover (section 10)',
    '',
    state.scenarios.length > 0
      ? state.scenarios.map((scenario) => `- ${scenario}`).join('\n')
      : '- (the design lists none; cover its requirements)',
    '',
    `The tests run with: \`${input.testCommand}\`. After your turn lldflow runs them, and they must fail then (the code does not exist yet) and pass once the design is implemented.`,
    'In this turn only test files may change (for example under test/ or tests/, or named *.test.* / test_*.py): lldflow reverts every other change.',
    ...feedbackSection(state.feedback),
    '',
    ...designSection(state),
  ].join('\n');
}

export function agentCodePrompt(input: { state: ImplementState; testCommand: string; continuing: boolean }): string {
  const { state } = input;
  const allowed = state.files.map((file) => `- \`${file.path}\` (${file.change}): ${file.description}`).join('\n');
  return [
    ...continuing(input.continuing),
    `Implement LLD-${state.lld?.id ?? ''}: ${state.lld?.title ?? ''} (iteration ${state.iteration + 1}).`,
    '',
    '## Files you may change (section 2.1)',
    '',
    allowed || '- (none listed)',
    '',
    state.testsFrozen
      ? 'The tests are FROZEN: lldflow reverts any change to a test file; change only the code so that they pass.'
      : 'Make the tests pass. Change a test only if it is wrong about the design.',
    'lldflow reverts every change to a file that is not listed above.',
    `The tests run with: \`${input.testCommand}\`. The tests: ${state.testFiles.map((file) => `\`${file}\``).join(', ') || '(none)'}.`,
    ...feedbackSection(state.feedback),
    '',
    ...designSection(state),
  ].join('\n');
}

function continuing(interrupted: boolean): string[] {
  return interrupted ? [CONTINUE_NOTE, ''] : [];
}

function designSection(state: ImplementState): string[] {
  return [`## The design (${state.lld?.path ?? 'the approved LLD'})`, '', fenced(state.lld?.document ?? '')];
}
