import { mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { FakeReply, FakeRequest } from '../../src/providers/testing/fake-http-server.js';
import { validLld } from './lld-responder.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../../src/git/testing/temporary-repository.js';

/** A small node:test project with an approved LLD per id, committed, so `implement` can start. */
export function implementRepository(ids: string[]): string {
  const { repo } = temporaryRepository([], {
    'package.json': JSON.stringify({ name: 'fixture', type: 'module', scripts: { test: 'node --test' } }, null, 2),
    'README.md': '# Fixture\n',
    'src/index.js': 'export const version = 1;\n',
    'test/index.test.js':
      "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { version } from '../src/index.js';\ntest('version', () => assert.equal(version, 1));\n",
  });
  mkdirSync(join(repo, 'docs', 'lld', 'active'), { recursive: true });
  for (const id of ids) {
    const document = validLld(id, `Feature ${id}`).replace(
      '* **Status:** Draft',
      '* **Status:** Approved (reviewed by test:reviewer, 2026-01-01)',
    );
    writeFileSync(join(repo, 'docs', 'lld', 'active', `LLD-${id.padStart(3, '0')}.md`), document);
  }
  const env = { ...process.env, ...ISOLATED_GIT_ENV };
  execFileSync('git', ['add', '-A'], { cwd: repo, env });
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', 'commit', '-qm', 'approved designs'], {
    cwd: repo,
    env,
  });
  return repo;
}

export function testFileFor(id: string): string {
  return [
    `### File: test/feature-${id}.test.js`,
    '```js',
    "import { test } from 'node:test';",
    "import assert from 'node:assert/strict';",
    `import { feature } from '../src/feature-${id}.js';`,
    `test('feature ${id} runs', () => assert.equal(feature(), 'ok ${id}'));`,
    '```',
  ].join('\n');
}

export function codeFileFor(id: string, value = `ok ${id}`): string {
  return [`### File: src/feature-${id}.js`, '```js', `export function feature() { return '${value}'; }`, '```'].join('\n');
}

/** Which implementer step a prompt asks for. */
export function implementerCall(prompt: string): { itemId: string; phase: 'tests' | 'code'; iteration: number } {
  const tests = /^Write the tests for LLD-([A-Za-z0-9_-]+)/m.exec(prompt);
  if (tests) return { itemId: tests[1]!, phase: 'tests', iteration: 0 };
  const code = /^Implement LLD-([A-Za-z0-9_-]+): .* \(iteration (\d+)\)/m.exec(prompt);
  if (code) return { itemId: code[1]!, phase: 'code', iteration: Number(code[2]) };
  throw new Error(`not an implementer prompt: ${prompt.slice(0, 80)}`);
}

/** An implementer that writes a failing test first, then the code that makes it pass. */
export function passingImplementer(prompt: string): string {
  const call = implementerCall(prompt);
  return call.phase === 'tests' ? testFileFor(call.itemId) : codeFileFor(call.itemId);
}

export function implementerResponder(request: FakeRequest): FakeReply {
  const body = request.body as { messages?: Array<{ role: string; content: string }> };
  return { text: passingImplementer(body.messages?.find((message) => message.role === 'user')?.content ?? '') };
}
