import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExpectedCalls } from '../../runner/expected-calls.js';
import { parseFilesChanged } from '../lld/files-changed.js';
import { isCodingAgent, type Implementer } from './implementation-setup.js';
import { IMPLEMENTER_SYSTEM_PROMPT } from './implement-prompts.js';

/** The tests of one design: a test file or two. */
const TESTS_TOKENS = 3_000;
/** What an implementation adds to the files it writes, whole, in its answer. */
const NEW_CODE_TOKENS = 3_000;
/** The prompts' own words (rules, the answer format) around the design and the files. */
const INSTRUCTIONS_CHARACTERS = 2_000;
const CHARACTERS_PER_TOKEN = 4;

export interface ImplementProjection {
  repo: string;
  implementer: Implementer;
  /** The approved design's text. */
  design: string;
  /** The paths shown to the implementer with the tests prompt, joined (measured once per run). */
  layoutCharacters: number;
}

/**
 * A typical item: one tests call (the design, the repository's paths) and one code call (the design,
 * the current content of the files its 2.1 table names, the tests), each file answered whole. A coding
 * agent's turns make as many requests as it decides: no projection.
 */
export async function expectedImplementCalls(projection: ImplementProjection): Promise<ExpectedCalls> {
  const { implementer, design } = projection;
  if (isCodingAgent(implementer)) {
    return { unknown: `${implementer.label} works in turns of as many requests as it decides` };
  }
  const files = parseFilesChanged(design).changes.filter((change) => !change.directory && change.change !== 'delete');
  const contents = await Promise.all(
    files.map((file) =>
      readFile(join(projection.repo, file.path), 'utf8').then(
        (text) => text.length,
        () => 0,
      ),
    ),
  );
  const existing = contents.reduce((total, length) => total + length, 0);
  const around = IMPLEMENTER_SYSTEM_PROMPT.length + INSTRUCTIONS_CHARACTERS + design.length;
  const call = (inputCharacters: number, outputTokens: number) => ({
    role: 'implementer',
    provider: implementer.provider,
    model: implementer.model,
    inputCharacters,
    outputTokens,
  });
  return {
    calls: [
      call(around + projection.layoutCharacters, TESTS_TOKENS),
      call(around + existing + TESTS_TOKENS * CHARACTERS_PER_TOKEN, Math.ceil(existing / CHARACTERS_PER_TOKEN) + NEW_CODE_TOKENS),
    ],
    assumes: 'tests, then code that passes them in one iteration, the files of the design answered whole',
  };
}
