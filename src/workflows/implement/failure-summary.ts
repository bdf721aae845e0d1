export interface TestFailureSummary {
  /** What went wrong, short enough for the next prompt: failing tests, error lines, then the output's end. */
  summary: string;
  /**
   * The failing tests and their errors with durations, line numbers and addresses removed, sorted:
   * equal signatures across two runs mean the same tests failed the same way.
   */
  signature: string;
}

const MAX_TESTS = 50;
const MAX_ERRORS = 30;
const MAX_LINE = 300;

/**
 * Reads a test run's output (vitest, jest, node:test in TAP or spec form, pytest, go test) and pulls
 * out the failing tests and their error messages; when none are recognised, the end of the output.
 */
export function summarizeTestFailures(output: string, maxChars = 4000): TestFailureSummary {
  const lines = cleanLines(output);
  const tests = failingTests(lines);
  const errors = errorLines(lines);

  const tail = lines.filter((line) => line.trim() !== '');
  if (tests.length === 0 && errors.length === 0) {
    const heading = 'No failing test recognised in the output; its last lines:\n';
    return {
      summary: heading + lastLines(tail, maxChars - heading.length),
      signature: `output:\n${tail
        .slice(-30)
        .map((line) => normalise(line).replace(/\d+/g, '#'))
        .join('\n')}`,
    };
  }

  const sections: string[] = [];
  if (tests.length > 0) {
    sections.push(
      `Failing tests (${tests.length}):\n${tests
        .slice(0, MAX_TESTS)
        .map((name) => `- ${name}`)
        .join('\n')}`,
    );
  }
  if (errors.length > 0)
    sections.push(
      `Errors:\n${errors
        .slice(0, MAX_ERRORS)
        .map((line) => `- ${line}`)
        .join('\n')}`,
    );
  let summary = sections.join('\n\n');
  if (summary.length > maxChars) {
    summary = `${summary.slice(0, Math.max(0, maxChars - 2))}\n…`;
  } else {
    const heading = '\n\nEnd of the output:\n';
    const room = maxChars - summary.length - heading.length;
    if (room >= 200) summary += heading + lastLines(tail, room);
  }

  const signatureTests = unique(tests.map(normalise)).sort();
  const signatureErrors = unique(errors.map(normalise)).sort().slice(0, MAX_ERRORS);
  return { summary, signature: `tests:\n${signatureTests.join('\n')}\nerrors:\n${signatureErrors.join('\n')}` };
}

// eslint-disable-next-line no-control-regex -- terminal colour codes are control characters
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

function cleanLines(output: string): string[] {
  return (
    output
      .replace(ANSI, '')
      .replace(/\r\n/g, '\n')
      .split('\n')
      // A carriage return redraws the line (progress bars): only the last drawing is what was seen.
      .map((line) => line.slice(line.lastIndexOf('\r') + 1).trimEnd())
  );
}

const DURATION = /\s*\(?\b\d+(?:\.\d+)?\s?(?:ms|s|sec|seconds)\)?(?=\s|$|\))/g;

function testName(raw: string): string {
  return raw.replace(DURATION, '').replace(/\s+/g, ' ').trim();
}

function failingTests(lines: readonly string[]): string[] {
  const specific: string[] = [];
  const markers: string[] = [];
  const files: string[] = [];
  let match: RegExpExecArray | null;
  for (const line of lines) {
    if ((match = /^\s*FAIL\s+(.+)$/.exec(line))) {
      // vitest names the test (`file > suite > test`); jest and load failures name only the file.
      const name = testName(match[1]!.replace(/\s*\[[^\]]*\]\s*$/, ''));
      (name.includes(' > ') ? specific : files).push(name);
    } else if ((match = /^\s*●\s+(.+)$/.exec(line)) && match[1] !== 'Console') {
      specific.push(testName(match[1]!));
    } else if ((match = /^(?:FAILED|ERROR)\s+(\S+)(?:\s+-\s.*)?$/.exec(line))) {
      specific.push(match[1]!);
    } else if ((match = /^\s*not ok\s+\d+\s*(?:-\s*)?(.*)$/.exec(line)) && !/#\s*(?:TODO|SKIP)\b/i.test(match[1]!)) {
      specific.push(testName(match[1]!.replace(/\s+#\s.*$/, '')));
    } else if ((match = /^\s*--- FAIL:\s+(\S+)/.exec(line))) {
      specific.push(match[1]!);
    } else if ((match = /^\s*[×✗✕✖]\s+(.+)$/.exec(line)) && !/^failing tests:?$/i.test(match[1]!.trim())) {
      markers.push(testName(match[1]!));
    }
  }
  const named = specific.length > 0 ? specific : markers;
  const uncoveredFiles = files.filter((file) => !named.some((name) => name.startsWith(file)));
  return unique([...named, ...uncoveredFiles].filter((name) => name !== ''));
}

function errorLines(lines: readonly string[]): string[] {
  const found: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    let match: RegExpExecArray | null;
    if ((match = /^E\s{2,}(\S.*)$/.exec(line))) {
      found.push(match[1]!);
    } else if ((match = /^(?:FAILED|ERROR)\s+\S+\s+-\s+(.+)$/.exec(line))) {
      found.push(match[1]!);
    } else if ((match = /^(\s*)error:\s*(.*)$/.exec(line))) {
      // node:test TAP: `error: 'message'`, or `error: |-` with the message on the more indented lines below.
      const value = match[2]!.trim();
      if (/^[|>][-+]?$/.test(value)) {
        const indent = match[1]!.length;
        const block: string[] = [];
        for (const next of lines.slice(index + 1)) {
          if (next.trim() === '') continue;
          if (next.length - next.trimStart().length <= indent) break;
          block.push(next.trim());
        }
        if (block.length > 0) found.push(block.slice(0, 3).join(' '));
      } else if (value !== '') {
        found.push(value.replace(/^'(.*)'$/, '$1'));
      }
    } else if ((match = /^\s*(?:[A-Z]\w*)?(?:Error|Exception)(?:\s*\[[^\]]*\])?:(.*)$/.exec(line))) {
      // Node's assertion messages end with a colon and continue after a blank line.
      const rest = match[1]!.trim();
      const continuation =
        rest === '' || rest.endsWith(':') ? lines.slice(index + 1, index + 4).find((next) => next.trim() !== '') : undefined;
      found.push(continuation === undefined ? line.trim() : `${line.trim()} ${continuation.trim()}`);
    } else if (/^\s*(?:Expected|Received)(?:\s[\w ]+)?:\s+\S/.test(line) || /^\s*expect\(.*\)\.\w+\(/.test(line)) {
      found.push(line.trim());
    } else if ((match = /^\s+\S+_test\.go:\d+:\s+(.+)$/.exec(line))) {
      found.push(match[1]!);
    }
  }
  return unique(found.map((line) => (line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line)));
}

/** Durations, `file:line:col` positions and memory addresses change between runs of the same failure. */
function normalise(text: string): string {
  return text
    .replace(DURATION, '')
    .replace(/:\d+(?::\d+)?\b/g, ':#')
    .replace(/\b0x[0-9a-f]+\b/gi, '0x#')
    .replace(/\s+/g, ' ')
    .trim();
}

function lastLines(lines: readonly string[], maxChars: number): string {
  const kept: string[] = [];
  let size = 0;
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index]!;
    if (size + line.length + 1 > maxChars) {
      if (kept.length === 0) kept.unshift(line.slice(line.length - Math.max(0, maxChars - 1)));
      break;
    }
    kept.unshift(line);
    size += line.length + 1;
  }
  return kept.join('\n');
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
