import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, UsageError } from '../core/errors.js';
import { loadConfig, parseConfig } from './config-file.js';

describe('parseConfig', () => {
  it('reads the long options in camelCase from JSON and YAML alike', () => {
    const json = parseConfig(
      JSON.stringify({ drafter: 'openai:gpt-4.1', parallel: 4, perKeyConcurrency: 2, timeout: 10, sandbox: 'none' }),
      'lldflow.config.json',
    );
    expect(json).toEqual({ drafter: 'openai:gpt-4.1', parallel: 4, perKeyConcurrency: 2, timeout: 10, sandbox: 'none' });
    const yaml = parseConfig(
      'reviewer: anthropic:claude-sonnet-4-5\nmaxIterations: 3\nprices:\n  openai:local-model: { inputPerMillion: 0.5, outputPerMillion: 1 }\n',
      'lldflow.config.yaml',
    );
    expect(yaml).toEqual({
      reviewer: 'anthropic:claude-sonnet-4-5',
      maxIterations: 3,
      prices: { 'openai:local-model': { inputPerMillion: 0.5, outputPerMillion: 1 } },
    });
    expect(parseConfig('', 'lldflow.config.yaml')).toEqual({});
  });

  it('names the file, the key and the value of a bad setting', () => {
    expect(() => parseConfig('{"parallel": "four"}', '/repo/lldflow.config.json')).toThrow(
      /^\/repo\/lldflow\.config\.json: parallel = "four": .*number/,
    );
    expect(() => parseConfig('{"sandbox": "docker"}', 'lldflow.config.json')).toThrow(/sandbox = "docker"/);
    expect(() => parseConfig('{"drafter": "gpt-4"}', 'lldflow.config.json')).toThrow(/drafter = "gpt-4": expected <provider>:<model>/);
    expect(() => parseConfig('prices:\n  openai:m: { inputPerMillion: -1, outputPerMillion: 1 }\n', 'c.yaml')).toThrow(
      /prices\.openai:m\.inputPerMillion = -1/,
    );
    expect(() => parseConfig('{"parallel": 1.5}', 'lldflow.config.json')).toThrow(UsageError);
  });

  it('refuses an unknown key, suggesting the one meant', () => {
    expect(() => parseConfig('{"paralel": 3}', 'lldflow.config.json')).toThrow(
      /lldflow\.config\.json: unknown key "paralel" \(did you mean "parallel"\?\); known keys: drafter, /,
    );
    expect(() => parseConfig('{"colour": true}', 'lldflow.config.json')).toThrow(/unknown key "colour"; known keys/);
    expect(() => parseConfig('prices:\n  openai:m: { input: 1, outputPerMillion: 1 }\n', 'c.yaml')).toThrow(
      /unknown key "prices\.openai:m\.input"/,
    );
  });

  it('refuses a file that does not parse, or is not an object of settings', () => {
    expect(() => parseConfig('{"parallel": 3,', 'lldflow.config.json')).toThrow(/lldflow\.config\.json: not valid JSON/);
    expect(() => parseConfig('drafter: [unclosed', 'lldflow.config.yaml')).toThrow(/lldflow\.config\.yaml: not valid YAML/);
    expect(() => parseConfig('- openai:x', 'lldflow.config.yaml')).toThrow(/expected an object of settings/);
  });
});

describe('loadConfig', () => {
  it('finds lldflow.config.json, then .yaml, at the repository root; --config names any file, which must exist', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'lldflow-config-'));
    expect(await loadConfig({ explicit: undefined, cwd: repo, repo })).toEqual({ path: undefined, settings: {} });
    writeFileSync(join(repo, 'lldflow.config.yaml'), 'parallel: 2\n');
    expect(await loadConfig({ explicit: undefined, cwd: repo, repo })).toEqual({
      path: join(repo, 'lldflow.config.yaml'),
      settings: { parallel: 2 },
    });
    writeFileSync(join(repo, 'lldflow.config.json'), '{"parallel": 5}');
    expect((await loadConfig({ explicit: undefined, cwd: repo, repo })).settings).toEqual({ parallel: 5 });
    writeFileSync(join(repo, 'team.yaml'), 'parallel: 7\n');
    expect((await loadConfig({ explicit: 'team.yaml', cwd: repo, repo: '/elsewhere' })).settings).toEqual({ parallel: 7 });
    await expect(loadConfig({ explicit: 'missing.json', cwd: repo, repo })).rejects.toThrow(ConfigurationError);
    await expect(loadConfig({ explicit: 'missing.json', cwd: repo, repo })).rejects.toThrow(/--config missing\.json: no such file/);
  });
});
