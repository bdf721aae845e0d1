import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvingResponder } from '../../test/support/lld-responder.js';
import type { RunSummary } from '../core/items.js';
import type { FakeHttpServer } from '../providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../providers/testing/fake-openai-server.js';
import { temporaryRepository } from '../git/testing/temporary-repository.js';
import { cliInProcess, localServerEnvironment } from './testing/cli-in-process.js';

/** The real CLI in this process: which settings won shows in the models the server was asked for, and in the costs. */

let server: FakeHttpServer;

beforeAll(async () => {
  server = await fakeOpenAIServer({ respond: approvingResponder });
});

afterAll(async () => {
  await server.close();
});

async function lldflow(
  argv: string[],
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string; summary: RunSummary | undefined }> {
  const run = await cliInProcess(argv, { cwd, env: localServerEnvironment(server.baseUrl, 'sk-config-test-0001', env) });
  const summary = argv.includes('--json') && run.code !== 2 ? (JSON.parse(run.stdout) as RunSummary) : undefined;
  return { ...run, summary };
}

/** The models the server was asked for since `from`, in order, without repeats. */
function modelsAskedSince(from: number): string[] {
  return [...new Set(server.requests.slice(from).map((request) => (request.body as { model?: string }).model ?? ''))];
}

describe('the config file and --env-file', () => {
  it('fills what no flag and no variable gave: flags over environment over config over defaults', async () => {
    const { repo, items } = temporaryRepository(['1', '2', '3']);
    writeFileSync(
      join(repo, 'lldflow.config.json'),
      JSON.stringify({
        drafter: 'openai:config-drafter',
        reviewer: 'openai:config-reviewer',
        maxIterations: 2,
        prices: { 'openai:config-': { inputPerMillion: 1000, outputPerMillion: 1000 } },
      }),
    );
    let from = server.requests.length;
    const fromFile = await lldflow(['requirements', '--repo', repo, '--source', items, '--issue', '1', '--json'], repo);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(modelsAskedSince(from)).toEqual(['config-drafter', 'config-reviewer']);
    // The file's prices apply to models the table lacks.
    expect(fromFile.summary?.items[0]?.costUsd).toBeGreaterThan(0);

    from = server.requests.length;
    const variable = await lldflow(['requirements', '--repo', repo, '--source', items, '--issue', '2'], repo, {
      LLDFLOW_DRAFTER: 'openai:variable-drafter',
    });
    expect(variable.code, variable.stderr).toBe(0);
    expect(modelsAskedSince(from)).toEqual(['variable-drafter', 'config-reviewer']);

    from = server.requests.length;
    const flag = await lldflow(
      ['requirements', '--repo', repo, '--source', items, '--issue', '3', '--drafter', 'openai:flag-drafter'],
      repo,
      { LLDFLOW_DRAFTER: 'openai:variable-drafter' },
    );
    expect(flag.code, flag.stderr).toBe(0);
    expect(modelsAskedSince(from)).toEqual(['flag-drafter', 'config-reviewer']);
  });

  it('--config names another file; a bad one is a usage error naming file, key and value, and nothing is written', async () => {
    const { repo, items } = temporaryRepository(['1']);
    writeFileSync(join(repo, 'team.yaml'), 'drafter: openai:team-drafter\nreviewer: openai:team-reviewer\n');
    const from = server.requests.length;
    const run = await lldflow(['requirements', '--source', items, '--issue', '1', '--config', 'team.yaml'], repo);
    expect(run.code, run.stderr).toBe(0);
    expect(modelsAskedSince(from)).toEqual(['team-drafter', 'team-reviewer']);

    const { repo: other, items: otherItems } = temporaryRepository(['1']);
    writeFileSync(join(other, 'lldflow.config.yaml'), 'drafter: openai:d\nreviewer: openai:r\nperKeyConcurency: 2\n');
    const typo = await lldflow(['requirements', '--repo', other, '--source', otherItems, '--all'], other);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      `${join(other, 'lldflow.config.yaml')}: unknown key "perKeyConcurency" (did you mean "perKeyConcurrency"?)`,
    );
    writeFileSync(join(other, 'lldflow.config.yaml'), 'drafter: openai:d\nreviewer: openai:r\ntimeout: soon\n');
    const bad = await lldflow(['requirements', '--repo', other, '--source', otherItems, '--all'], other);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/lldflow\.config\.yaml: timeout = "soon": /);
    expect(existsSync(join(other, '.lldflow'))).toBe(false);
    expect(existsSync(join(other, 'docs'))).toBe(false);
  });

  it('the file can name the fleet: engine is taken like --engine, below LLDFLOW_ENGINE', async () => {
    const { repo, items } = temporaryRepository(['1']);
    // Port 1 on loopback: nothing listens, so the submitter stops before any model call, naming the engine it was given.
    writeFileSync(
      join(repo, 'lldflow.config.json'),
      JSON.stringify({ drafter: 'openai:d', reviewer: 'openai:r', engine: 'redis://127.0.0.1:1' }),
    );
    const fromFile = await lldflow(['requirements', '--source', items, '--all'], repo);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain('redis://127.0.0.1:1');
    const fromVariable = await lldflow(['requirements', '--source', items, '--all'], repo, { LLDFLOW_ENGINE: 'redis://127.0.0.1:2' });
    expect(fromVariable.code).toBe(2);
    expect(fromVariable.stderr).toContain('redis://127.0.0.1:2');
    expect(fromVariable.stderr).not.toContain('redis://127.0.0.1:1');
  });

  it('--env-file loads variables under the environment’s; a missing file is a usage error', async () => {
    const { repo, items } = temporaryRepository(['1']);
    writeFileSync(
      join(repo, '.env'),
      '# models for this repository\nLLDFLOW_DRAFTER=openai:env-file-drafter\nexport LLDFLOW_REVIEWER="openai:env-file-reviewer"\n',
    );
    let from = server.requests.length;
    const run = await lldflow(['requirements', '--source', items, '--issue', '1', '--env-file', '.env'], repo);
    expect(run.code, run.stderr).toBe(0);
    expect(modelsAskedSince(from)).toEqual(['env-file-drafter', 'env-file-reviewer']);

    from = server.requests.length;
    const { repo: second, items: secondItems } = temporaryRepository(['1']);
    writeFileSync(join(second, '.env'), 'LLDFLOW_DRAFTER=openai:env-file-drafter\nLLDFLOW_REVIEWER=openai:env-file-reviewer\n');
    const real = await lldflow(['requirements', '--source', secondItems, '--issue', '1', '--env-file', '.env'], second, {
      LLDFLOW_REVIEWER: 'openai:real-reviewer',
    });
    expect(real.code, real.stderr).toBe(0);
    expect(modelsAskedSince(from)).toEqual(['env-file-drafter', 'real-reviewer']);

    const missing = await lldflow(['requirements', '--source', items, '--all', '--env-file', 'nowhere.env'], repo);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--env-file nowhere.env: no such file');
  });
});
