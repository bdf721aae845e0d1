import { fenced } from '../markdown-fence.js';
import type { ImplementState } from './implement-state.js';

/** Prompt texts for the implementer. Pure: the exact words are recorded in the lineage. */
export const IMPLEMENTER_SYSTEM_PROMPT = [
  'You are a senior software engineer implementing an approved Low-Level Design, test first.',
  'You write complete files that work in the repository as it is, using its language, style and test framework.',
  'You reply only with file blocks in the required format, never with commentary around them.',
].join('\n');

const FILE_PROTOCOL = [
  'Reply with one block per file, each the whole new content of the file:',
  '',
  '### File: <path relative to the repository root>',
  '```<language>',
  '<the complete file>',
  '```',
  '',
  'To delete a file: a line "### Delete: <path>". Paths outside the repository are refused.',
].join('\n');

export interface FileView {
  path: string;
  /** Undefined when the file does not exist yet. */
  content: string | undefined;
}

export function testsPrompt(input: {
  state: ImplementState;
  testCommand: string;
  layout: readonly string[];
  feedback: string | undefined;
}): string {
  const { state } = input;
  return [
    `Write the tests for LLD-${state.lld?.id ?? ''}: ${state.lld?.title ?? ''}. Tests first: do NOT write the implementation yet.`,
    '',
    '## Test scenarios to cover (section 10)',
    '',
    state.scenarios.length > 0
      ? state.scenarios.map((scenario) => `- ${scenario}`).join('\n')
      : '- (the design lists none; cover its requirements)',
    '',
    `The tests run with: \`${input.testCommand}\`. They must fail now (the code does not exist yet) and pass once the design is implemented.`,
    'Only test files are accepted in this step (for example under test/ or tests/, or named *.test.* / test_*.py).',
    ...feedbackSection(input.feedback),
    '',
    '## Repository files',
    '',
    fenced(input.layout.slice(0, 500).join('\n')),
    '',
    ...designAndProtocol(state),
  ].join('\n');
}

export function codePrompt(input: {
  state: ImplementState;
  testCommand: string;
  files: readonly FileView[];
  tests: readonly FileView[];
  feedback: string | undefined;
}): string {
  const { state } = input;
  const allowed = state.files.map((file) => `- \`${file.path}\` (${file.change}): ${file.description}`).join('\n');
  return [
    `Implement LLD-${state.lld?.id ?? ''}: ${state.lld?.title ?? ''} (iteration ${state.iteration + 1}).`,
    '',
    '## Files you may write (section 2.1)',
    '',
    allowed || '- (none listed)',
    '',
    state.testsFrozen
      ? 'The tests are FROZEN: do not change any test file; change only the code so that they pass.'
      : 'Make the tests pass. Change a test only if it is wrong about the design.',
    `The tests run with: \`${input.testCommand}\`.`,
    ...feedbackSection(input.feedback),
    '',
    '## Current content of the files in 2.1',
    '',
    ...input.files.map(renderFile),
    '## The tests',
    '',
    ...input.tests.map(renderFile),
    ...designAndProtocol(state),
  ].join('\n');
}

/** Both prompts end with the approved design and the answer format. */
function designAndProtocol(state: ImplementState): string[] {
  return ['## The design', '', fenced(state.lld?.document ?? ''), '', FILE_PROTOCOL];
}

/** What went wrong last time, for the implementer's next call or turn (both prompt kinds). */
export function feedbackSection(feedback: string | undefined): string[] {
  return feedback ? ['', '## What happened last time', '', fenced(feedback)] : [];
}

function renderFile(file: FileView): string {
  return `### ${file.path}\n\n${file.content === undefined ? '(does not exist yet)' : fenced(file.content)}\n`;
}
