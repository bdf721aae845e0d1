import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { lldflowPackage } from '../src/core/lldflow-package.js';

/** The repository root: the lldflow package, found from here both in bench/ and in its compiled copy. */
export const REPOSITORY_ROOT = lldflowPackage(dirname(fileURLToPath(import.meta.url))).root;

/** Where `npm run bench` compiles lldflow and the bench before running the scenarios. */
const BUILD_FOLDER = join(REPOSITORY_ROOT, '.bench-build');

/** Whether this module runs from the compiled copy (plain Node) rather than from TypeScript (tsx). */
const COMPILED = import.meta.url.endsWith('.js');

/**
 * Compiles src/, bench/ and test/support/ with tsc into .bench-build/. The scenarios run there on
 * plain Node, as users run lldflow (from dist/): under tsx every process would carry its loader (a
 * thread and tens of MB) and its hooks on every module, which is not lldflow's cost. Throws with
 * tsc's output when it fails.
 */
export function buildForBench(): void {
  const tsc = join(REPOSITORY_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(REPOSITORY_ROOT, 'tsconfig.bench.json')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`bench: compiling for the benchmark failed:\n${result.stdout}${result.stderr}`);
}

/**
 * Node's arguments to run a bench entry (`child`, `fake-server/server-process`): the compiled file on
 * plain Node once buildForBench ran, else the TypeScript file through tsx (given by URL: `--import tsx`
 * would resolve from the child's working directory, which may be a temporary repository).
 */
export function benchEntry(parts: readonly string[], extra: readonly string[] = []): { file: string; execArgv: string[] } {
  if (COMPILED) return { file: `${join(BUILD_FOLDER, 'bench', ...parts)}.js`, execArgv: [...extra] };
  const loader = pathToFileURL(join(REPOSITORY_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return { file: `${join(REPOSITORY_ROOT, 'bench', ...parts)}.ts`, execArgv: [...extra, '--import', loader] };
}

/** The compiled scenario runner, for bench/run.ts (which itself runs under tsx) to start. */
export function compiledChild(): string {
  return join(BUILD_FOLDER, 'bench', 'child.js');
}
