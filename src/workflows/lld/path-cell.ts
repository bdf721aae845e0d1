import picomatch from 'picomatch';

export type PathCell =
  | {
      ok: true;
      kind: 'path';
      /** Relative to the repository root, `/`-separated, no `./`, no trailing `/`. */
      path: string;
      directory: boolean;
      /** The path holds wildcards (`nodes/*.py`): it stands for the files it matches. */
      glob: boolean;
      /** A remark after the path, `(or \`b/\` after #139)`, kept with the description. */
      note: string;
    }
  /** The cell describes a set of files instead of naming them: `All files importing \`x\``. */
  | { ok: true; kind: 'described'; text: string }
  | { ok: false; reason: string };

// A closing remark in parentheses, one level of nesting allowed: `(various)`, `(or \`x/\` (later))`.
const TRAILING_REMARK = /\s*\(((?:[^()]|\([^()]*\))*)\)\s*$/;
// Prose that names files by what they have in common rather than by path.
const DESCRIBED_SET = /^(all|any|every|each|other|remaining)\b.*\b(files?|modules?|tests?|callers|importers|scripts)\b/i;

/**
 * A File cell: one path, backticked or plain, optionally marked `(new)` or followed by a remark in
 * parentheses; or prose describing a set of files. Two paths in one cell (`a` or `b`) are refused:
 * the design must decide which.
 */
export function parsePathCell(cell: string): PathCell {
  let text = cell
    .trim()
    .replace(/\((?:new|added)\)/gi, '')
    .trim();
  text = text
    .replace(/^\[([^\]]*)\]\([^)]*\)$/, '$1')
    .replace(/^(\*\*|__)(.*)\1$/, '$2')
    .trim();
  let note = '';
  const remark = TRAILING_REMARK.exec(text);
  if (remark && remark.index > 0 && /^`[^`]*`$/.test(text.slice(0, remark.index).trim())) {
    note = (remark[1] ?? '').trim();
    text = text.slice(0, remark.index).trim();
  }
  const spans = [...text.matchAll(/`([^`]*)`/g)];
  let raw: string;
  if (spans.length > 0 && text.startsWith('`')) {
    const rest = text.replace(/`[^`]*`/g, '').replace(/[\s,;.]+/g, '');
    if (spans.length > 1 || rest !== '') {
      return { ok: false, reason: 'the File cell must hold exactly one path (one row per file), without other text.' };
    }
    raw = spans[0]?.[1] ?? '';
  } else {
    if (DESCRIBED_SET.test(text)) return { ok: true, kind: 'described', text };
    if (spans.length > 0 || /\s/.test(text)) {
      return { ok: false, reason: 'the File cell must hold one path in backticks, e.g. `src/feature.ts`, without other text.' };
    }
    raw = text;
  }
  const path = normalisePath(raw.trim());
  return path.ok ? { ...path, kind: 'path', note } : path;
}

export type NormalisedPath = { ok: true; path: string; directory: boolean; glob: boolean } | { ok: false; reason: string };

/** Repository-relative form of a path or glob; absolute and `..` paths are refused. */
export function normalisePath(raw: string): NormalisedPath {
  if (raw === '') return { ok: false, reason: 'the path is empty.' };
  const slashed = raw.replace(/\\/g, '/');
  if (slashed.startsWith('/') || slashed.startsWith('~') || /^[A-Za-z]:/.test(slashed)) {
    return { ok: false, reason: `\`${raw}\` is an absolute path; write it relative to the repository root.` };
  }
  const segments = slashed.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    return { ok: false, reason: `\`${raw}\` leaves the repository with '..'; write the path from the repository root.` };
  }
  if (segments.length === 0) return { ok: false, reason: `\`${raw}\` names no file.` };
  const path = segments.join('/');
  return { ok: true, path, directory: slashed.endsWith('/'), glob: isGlob(path) };
}

/**
 * Only `*`, `**` and `?` are wildcards: brackets, braces and parentheses are ordinary characters in
 * real file names (`app/[id]/page.tsx`, `app/(auth)/layout.tsx`).
 */
export function isGlob(path: string): boolean {
  return /[*?]/.test(path);
}

/** The folders of a glob before its first wildcard segment: `src/nodes/*.py` → `src/nodes`. */
export function globBase(path: string): string {
  const segments = path.split('/');
  const first = segments.findIndex((segment) => isGlob(segment));
  return (first === -1 ? segments.slice(0, -1) : segments.slice(0, first)).join('/');
}

/** A matcher for repository-relative paths; `*` stays inside one folder, `**` crosses folders. */
export function globMatcher(pattern: string): (path: string) => boolean {
  const matches = picomatch(pattern.replace(/[[\]{}()!+@]/g, '\\$&'), { dot: true });
  // One argument only: picomatch's second one asks for a result object, and Array.prototype.some passes an index there.
  return (path) => matches(path);
}
