/** One change the implementer asked for; paths are as written, not yet checked. */
export type FileOperation = { kind: 'write'; path: string; content: string } | { kind: 'delete'; path: string };

export interface FileBlockProblem {
  /** 1-based line of the response the problem is about. */
  line: number;
  message: string;
}

export interface ParsedFileBlocks {
  /** In response order; when a path appears twice only its last operation is kept. */
  operations: FileOperation[];
  problems: FileBlockProblem[];
}

const HEADING = /^ {0,3}#{2,4}[ \t]+(File|Delete):[ \t]*(.*?)(?:[ \t]+#+)?[ \t]*$/i;
const OPENING_FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;

/**
 * Reads the implementer's response in the Files protocol: a `### File: <path>` line followed by one
 * fenced code block holding the file's whole new content, or a `### Delete: <path>` line.
 * Headings inside code blocks are content, not operations. A block that is not closed is refused
 * rather than written: it usually means the response was cut off mid-file.
 */
export function parseFileBlocks(response: string): ParsedFileBlocks {
  const lines = response.replace(/\r\n?/g, '\n').split('\n');
  const operations: Array<FileOperation & { line: number }> = [];
  const problems: FileBlockProblem[] = [];

  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    const fence = parseOpeningFence(line);
    if (fence) {
      // Code outside a File block (an explanation, an example) is skipped whole, headings and all.
      index = findClosingFence(lines, index + 1, fence) ?? lines.length;
      index++;
      continue;
    }
    const heading = HEADING.exec(line);
    if (!heading) {
      index++;
      continue;
    }
    const lineNumber = index + 1;
    const kind = heading[1]!.toLowerCase() === 'file' ? 'write' : 'delete';
    const path = unquote(heading[2]!);
    index++;
    if (path === '') {
      problems.push({ line: lineNumber, message: `"${line.trim()}" names no path` });
      if (kind === 'write') index = skipCodeBlock(lines, index);
      continue;
    }
    if (kind === 'delete') {
      operations.push({ kind, path, line: lineNumber });
      continue;
    }

    let blockStart = index;
    while (blockStart < lines.length && lines[blockStart]!.trim() === '') blockStart++;
    const opening = blockStart < lines.length ? parseOpeningFence(lines[blockStart]!) : undefined;
    if (!opening) {
      problems.push({ line: lineNumber, message: `"### File: ${path}" is not followed by a fenced code block` });
      continue;
    }
    const closing = findClosingFence(lines, blockStart + 1, opening);
    if (closing === undefined) {
      problems.push({ line: lineNumber, message: `the code block of "${path}" is not closed (was the response cut off?)` });
      index = lines.length;
      continue;
    }
    const body = lines.slice(blockStart + 1, closing).map((content) => removeIndent(content, opening.indent));
    operations.push({ kind, path, content: body.length === 0 ? '' : `${body.join('\n')}\n`, line: lineNumber });
    index = closing + 1;
  }

  return { operations: keepLastPerPath(operations, problems), problems };
}

interface Fence {
  indent: number;
  character: string;
  length: number;
}

function parseOpeningFence(line: string): Fence | undefined {
  const match = OPENING_FENCE.exec(line);
  if (!match) return undefined;
  const marker = match[2]!;
  // CommonMark: a backtick fence's info string cannot contain backticks (that is inline code).
  if (marker[0] === '`' && match[3]!.includes('`')) return undefined;
  return { indent: match[1]!.length, character: marker[0]!, length: marker.length };
}

/** The index of the line closing `fence`: same character, at least as long, nothing after it. */
function findClosingFence(lines: readonly string[], from: number, fence: Fence): number | undefined {
  const closing = new RegExp(`^ {0,3}${fence.character === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
  for (let index = from; index < lines.length; index++) {
    if (closing.test(lines[index]!)) return index;
  }
  return undefined;
}

/** After a heading that cannot be used, skips the code block that belongs to it, if one follows. */
function skipCodeBlock(lines: readonly string[], from: number): number {
  let index = from;
  while (index < lines.length && lines[index]!.trim() === '') index++;
  const fence = index < lines.length ? parseOpeningFence(lines[index]!) : undefined;
  if (!fence) return from;
  return (findClosingFence(lines, index + 1, fence) ?? lines.length - 1) + 1;
}

function removeIndent(line: string, indent: number): string {
  let removed = 0;
  while (removed < indent && line[removed] === ' ') removed++;
  return line.slice(removed);
}

/** Models often decorate paths: `` `src/a.ts` ``, "src/a.ts", **src/a.ts**. */
function unquote(path: string): string {
  let result = path.trim();
  for (;;) {
    const stripped = result.replace(/^(`|"|'|\*\*)(.*)\1$/, '$2').trim();
    if (stripped === result) return result;
    result = stripped;
  }
}

function keepLastPerPath(operations: Array<FileOperation & { line: number }>, problems: FileBlockProblem[]): FileOperation[] {
  const lastIndex = new Map<string, number>();
  operations.forEach((operation, index) => lastIndex.set(operation.path, index));
  const kept: FileOperation[] = [];
  operations.forEach((operation, index) => {
    const { line, ...rest } = operation;
    if (lastIndex.get(operation.path) === index) {
      kept.push(rest);
    } else {
      problems.push({ line, message: `"${operation.path}" appears more than once; only its last block is used` });
    }
  });
  problems.sort((a, b) => a.line - b.line);
  return kept;
}
