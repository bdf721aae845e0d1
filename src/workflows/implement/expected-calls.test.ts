import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CodingAgent } from '../../agents/coding-agent.js';
import type { ModelClient } from '../../model-call/model-client.js';
import { expectedImplementCalls } from './expected-calls.js';
import { IMPLEMENTER_SYSTEM_PROMPT } from './implement-prompts.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const DESIGN = [
  '# 7 - Feature: Dark mode',
  '',
  '## 2. Proposed Changes',
  '',
  '### 2.1 Files Changed',
  '',
  '| File | Change Type | Description |',
  '|------|-------------|-------------|',
  '| `src/theme.js` | Modify | The toggle |',
  '| `src/old.js` | Delete | Gone |',
  '| `src/new/` | Add | A folder |',
  '| `src/new/dark.js` | Add | The dark theme |',
  '',
].join('\n');

const model: ModelClient = {
  provider: 'openai',
  model: 'gpt-4.1',
  label: 'openai:gpt-4.1',
  complete: () => Promise.reject(new Error('no call')),
};

describe('expectedImplementCalls', () => {
  it('projects a tests call over the design and the paths, and a code call that also carries the files it rewrites', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'lldflow-projection-'));
    folders.push(repo);
    mkdirSync(join(repo, 'src'));
    writeFileSync(join(repo, 'src', 'theme.js'), 'x'.repeat(8000));
    writeFileSync(join(repo, 'src', 'old.js'), 'y'.repeat(100_000));
    const expected = await expectedImplementCalls({ repo, implementer: model, design: DESIGN, layoutCharacters: 300 });
    if ('unknown' in expected) throw new Error(expected.unknown);
    const around = IMPLEMENTER_SYSTEM_PROMPT.length + 2000 + DESIGN.length;
    // The file to delete is not read, the one to add does not exist yet: only src/theme.js's 8000 characters count.
    expect(expected.calls).toEqual([
      { role: 'implementer', provider: 'openai', model: 'gpt-4.1', inputCharacters: around + 300, outputTokens: 3000 },
      { role: 'implementer', provider: 'openai', model: 'gpt-4.1', inputCharacters: around + 8000 + 12_000, outputTokens: 2000 + 3000 },
    ]);
  });

  it('makes no projection for a coding agent, saying why', async () => {
    const agent = {
      provider: 'claude-agent',
      model: 'opus',
      label: 'claude-agent:opus',
      runTurn: () => Promise.reject(new Error('no turn')),
    } as CodingAgent;
    expect(await expectedImplementCalls({ repo: '/nowhere', implementer: agent, design: DESIGN, layoutCharacters: 0 })).toEqual({
      unknown: 'claude-agent:opus works in turns of as many requests as it decides',
    });
  });
});
