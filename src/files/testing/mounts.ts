import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

/*
 * Real full and read-only file systems for tests: a small tmpfs fills up for real (ENOSPC), a
 * read-only bind mount refuses writes even to root (EROFS), where chmod would not. Mounting needs
 * root (CI runs the tests as root); each helper says why it could not, so the test can skip saying so.
 */

export type Mounted = { ok: true; path: string; unmount: () => void } | { ok: false; reason: string };

/** A tmpfs of `sizeKb` at `path` (created when missing). */
export function mountTmpfs(path: string, sizeKb: number): Mounted {
  mkdirSync(path, { recursive: true });
  return mount(path, ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', path]);
}

/** `path` made read-only in place (a read-only bind mount of itself). */
export function bindReadOnly(path: string): Mounted {
  mkdirSync(path, { recursive: true });
  const bound = mount(path, ['--bind', path, path]);
  if (!bound.ok) return bound;
  try {
    execFileSync('mount', ['-o', 'remount,ro,bind', path], { stdio: 'pipe' });
  } catch (error) {
    bound.unmount();
    return { ok: false, reason: `cannot remount ${path} read-only: ${describe(error)}` };
  }
  return bound;
}

function mount(path: string, args: string[]): Mounted {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'mounting needs root and the tests do not run as root' };
  try {
    execFileSync('mount', args, { stdio: 'pipe' });
  } catch (error) {
    return { ok: false, reason: `mount ${args.join(' ')} failed: ${describe(error)}` };
  }
  let mounted = true;
  return {
    ok: true,
    path,
    unmount: () => {
      if (!mounted) return;
      mounted = false;
      // Lazy: a file a failed test left open must not keep the mount (and the next test's folder) busy.
      execFileSync('umount', ['-l', path], { stdio: 'pipe' });
    },
  };
}

function describe(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return stderr || (error instanceof Error ? error.message : String(error));
}

/** The mounts one test file made: each test takes its mount or skips saying why; all go after each test. */
export class MountSet {
  private readonly mounts: Array<Extract<Mounted, { ok: true }>> = [];

  /** The mount's path, or undefined after printing why the test is skipped. */
  use(result: Mounted, skip: (note?: string) => void): string | undefined {
    if (result.ok) {
      this.mounts.push(result);
      return result.path;
    }
    console.warn(`skipped: ${result.reason}`);
    skip(result.reason);
    return undefined;
  }

  /** Unmounts the newest mount (one a test wants gone before it ends). */
  unmountLast(): void {
    this.mounts.pop()?.unmount();
  }

  unmountAll(): void {
    for (const mounted of this.mounts.splice(0).reverse()) mounted.unmount();
  }
}
