import { describe, expect, it } from 'vitest';
import { summarizeTestFailures } from './failure-summary.js';

const ESC = '\u001b';

function vitestOutput(durations: { adds: number; throws: number; total: number }, column = 36): string {
  return [
    '',
    ` ${ESC}[1m${ESC}[46m RUN ${ESC}[49m${ESC}[22m v4.1.12 /tmp/project`,
    '',
    ` ${ESC}[31m❯${ESC}[39m calc.test.ts (3 tests | 2 failed) ${durations.total}ms`,
    `${ESC}[31m     ×${ESC}[39m adds ${durations.adds}ms`,
    `     ${ESC}[32m✓${ESC}[39m passes 0ms`,
    `${ESC}[31m     ×${ESC}[39m throws ${durations.throws}ms`,
    '',
    '⎯⎯⎯⎯⎯⎯⎯ Failed Tests 2 ⎯⎯⎯⎯⎯⎯⎯',
    '',
    ` ${ESC}[41m${ESC}[1m FAIL ${ESC}[22m${ESC}[49m calc.test.ts ${ESC}[2m>${ESC}[22m calc ${ESC}[2m>${ESC}[22m adds`,
    `${ESC}[31m${ESC}[1mAssertionError${ESC}[22m: expected 2 to be 3 // Object.is equality${ESC}[39m`,
    '',
    '- Expected',
    '+ Received',
    '',
    '- 3',
    '+ 2',
    '',
    ` ❯ calc.test.ts:3:${column}`,
    "      3|   it('adds', () => { expect(1 + 1).toBe(3); });",
    '',
    ' FAIL  calc.test.ts > calc > throws',
    'TypeError: boom is not a function',
    ' ❯ calc.test.ts:5:30',
    '',
    ' Test Files  1 failed (1)',
    '      Tests  2 failed | 1 passed (3)',
    `   Duration  ${durations.total * 10}ms (transform 22ms, setup 0ms)`,
  ].join('\n');
}

const JEST = `
 FAIL  src/sum.test.js
  sum
    ✓ adds 1 + 2 to equal 3 (2 ms)
    ✕ adds 2 + 2 to equal 5 (3 ms)

  ● sum › adds 2 + 2 to equal 5

    expect(received).toBe(expected) // Object.is equality

    Expected: 5
    Received: 4

      5 |   it('adds 2 + 2 to equal 5', () => {
    > 6 |     expect(sum(2, 2)).toBe(5);
        |                       ^

      at Object.toBe (src/sum.test.js:6:23)

  ● Console

    console.log
      noise

Test Suites: 1 failed, 1 total
Tests:       1 failed, 1 passed, 2 total
Time:        0.512 s
`;

function nodeTap(durationMs: string): string {
  return `TAP version 13
# Subtest: adds numbers
not ok 1 - adds numbers
  ---
  duration_ms: ${durationMs}
  location: '/tmp/project/a.test.mjs:3:1'
  failureType: 'testCodeFailure'
  error: |-
    Expected values to be strictly equal:

    2 !== 3

  code: 'ERR_ASSERTION'
  name: 'AssertionError'
  ...
# Subtest: passes
ok 2 - passes
  ---
  duration_ms: 0.451356
  ...
# Subtest: suite
    # Subtest: inner fails
    not ok 1 - inner fails
      ---
      duration_ms: 0.313874
      error: 'x is not a function'
      code: 'ERR_TEST_FAILURE'
      ...
    1..1
not ok 3 - suite
  ---
  error: '1 subtest failed'
  ...
not ok 4 - later # TODO not written yet
1..4
# pass 1
# fail 3
`;
}

const NODE_SPEC = `✖ adds numbers (2.961617ms)
  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:

  2 !== 3

      at TestContext.<anonymous> (file:///tmp/project/a.test.mjs:3:37)
✔ passes (0.41077ms)
▶ suite
  ✖ inner fails (0.331697ms)
    TypeError [Error]: x is not a function
        at TestContext.<anonymous> (file:///tmp/project/a.test.mjs:5:72)
✖ suite (0.750208ms)
ℹ tests 4
ℹ fail 3

✖ failing tests:

test at a.test.mjs:3:1
✖ adds numbers (2.961617ms)
  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:
`;

function pytestOutput(seconds: string, address: string): string {
  return `============================= test session starts ==============================
collected 3 items

test_calc.py F.F                                                         [100%]

=================================== FAILURES ===================================
___________________________________ test_add ___________________________________

    def test_add():
>       assert add(1, 2) == 3
E       assert -1 == 3
E        +  where -1 = add(1, 2)

test_calc.py:3: AssertionError
____________________________ TestThing.test_raises _____________________________

self = <test_calc.TestThing object at ${address}>

    def test_raises(self):
>       raise ValueError("bad value 42")
E       ValueError: bad value 42

test_calc.py:8: ValueError
=========================== short test summary info ============================
FAILED test_calc.py::test_add - assert -1 == 3
FAILED test_calc.py::TestThing::test_raises - ValueError: bad value 42
========================= 2 failed, 1 passed in ${seconds} ==========================`;
}

const GO = `--- FAIL: TestAdd (0.00s)
    calc_test.go:9: add(1, 2) = -1, want 3
FAIL
FAIL	example.com/calc	0.003s
`;

function testsOf(summary: string): string[] {
  const section = /Failing tests \(\d+\):\n((?:- .*\n?)*)/.exec(summary)?.[1] ?? '';
  return section
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(2));
}

describe('summarizeTestFailures', () => {
  it('reads vitest output, colours and all', () => {
    const { summary } = summarizeTestFailures(vitestOutput({ adds: 8, throws: 1, total: 12 }));
    expect(testsOf(summary)).toEqual(['calc.test.ts > calc > adds', 'calc.test.ts > calc > throws']);
    expect(summary).toContain('- AssertionError: expected 2 to be 3 // Object.is equality');
    expect(summary).toContain('- TypeError: boom is not a function');
    expect(summary).not.toContain(ESC);
  });

  it('reads jest output', () => {
    const { summary } = summarizeTestFailures(JEST);
    expect(testsOf(summary)).toEqual(['sum › adds 2 + 2 to equal 5', 'src/sum.test.js']);
    expect(summary).toContain('- expect(received).toBe(expected) // Object.is equality');
    expect(summary).toContain('- Expected: 5');
    expect(summary).toContain('- Received: 4');
  });

  it('reads node:test TAP output, skipping TODO tests', () => {
    const { summary } = summarizeTestFailures(nodeTap('7.308331'));
    expect(testsOf(summary)).toEqual(['adds numbers', 'inner fails', 'suite']);
    expect(summary).toContain('- Expected values to be strictly equal: 2 !== 3');
    expect(summary).toContain('- x is not a function');
  });

  it('reads node:test spec output', () => {
    const { summary } = summarizeTestFailures(NODE_SPEC);
    expect(testsOf(summary)).toEqual(['adds numbers', 'inner fails', 'suite']);
    expect(summary).toContain('- AssertionError [ERR_ASSERTION]: Expected values to be strictly equal: 2 !== 3');
    expect(summary).toContain('- TypeError [Error]: x is not a function');
  });

  it('reads pytest output', () => {
    const { summary } = summarizeTestFailures(pytestOutput('3.17s', '0x7fec5aba5c50'));
    expect(testsOf(summary)).toEqual(['test_calc.py::test_add', 'test_calc.py::TestThing::test_raises']);
    expect(summary).toContain('- assert -1 == 3');
    expect(summary).toContain('- +  where -1 = add(1, 2)');
    expect(summary).toContain('- ValueError: bad value 42');
  });

  it('reads go test output', () => {
    const { summary } = summarizeTestFailures(GO);
    expect(testsOf(summary)).toEqual(['TestAdd', 'example.com/calc']);
    expect(summary).toContain('- add(1, 2) = -1, want 3');
  });

  it('falls back to the end of the output when it recognises nothing', () => {
    const output = `${'compiling…\n'.repeat(2000)}make: *** [all] Segmentation fault (core dumped)\n`;
    const { summary, signature } = summarizeTestFailures(output, 500);
    expect(summary.length).toBeLessThanOrEqual(500);
    expect(summary).toMatch(/^No failing test recognised/);
    expect(summary.endsWith('make: *** [all] Segmentation fault (core dumped)')).toBe(true);
    expect(signature).toContain('Segmentation fault');
  });

  it('keeps the summary within maxChars, adding the output tail when there is room', () => {
    const big = Array.from(
      { length: 400 },
      (_, index) => `not ok ${index + 1} - test number ${index + 1} with a long descriptive name`,
    ).join('\n');
    expect(summarizeTestFailures(big, 1000).summary.length).toBeLessThanOrEqual(1000);
    const roomy = summarizeTestFailures(GO, 4000).summary;
    expect(roomy).toContain('End of the output:\n');
    expect(roomy.endsWith('FAIL example.com/calc 0.003s') || roomy.endsWith('FAIL\texample.com/calc\t0.003s')).toBe(true);
  });
});

describe('failure signature', () => {
  it('is the same for the same failures with other durations, columns and addresses', () => {
    expect(summarizeTestFailures(vitestOutput({ adds: 8, throws: 1, total: 12 })).signature).toBe(
      summarizeTestFailures(vitestOutput({ adds: 120, throws: 33, total: 9001 }, 41)).signature,
    );
    expect(summarizeTestFailures(nodeTap('7.308331')).signature).toBe(summarizeTestFailures(nodeTap('0.02')).signature);
    expect(summarizeTestFailures(pytestOutput('3.17s', '0x7fec5aba5c50')).signature).toBe(
      summarizeTestFailures(pytestOutput('0.41s', '0x7f0000000010')).signature,
    );
    expect(summarizeTestFailures(NODE_SPEC).signature).toBe(summarizeTestFailures(NODE_SPEC.replace(/\d+\.\d+ms/g, '9.5ms')).signature);
  });

  it('does not depend on the order tests were reported in', () => {
    const first = "not ok 1 - alpha\n  error: 'a broke'\nnot ok 2 - beta\n  error: 'b broke'";
    const second = "not ok 1 - beta\n  error: 'b broke'\nnot ok 2 - alpha\n  error: 'a broke'";
    expect(summarizeTestFailures(first).signature).toBe(summarizeTestFailures(second).signature);
  });

  it('differs when other tests fail or the error changes', () => {
    const base = summarizeTestFailures(vitestOutput({ adds: 8, throws: 1, total: 12 })).signature;
    expect(summarizeTestFailures(vitestOutput({ adds: 8, throws: 1, total: 12 }).replace('> throws', '> explodes')).signature).not.toBe(
      base,
    );
    expect(
      summarizeTestFailures(vitestOutput({ adds: 8, throws: 1, total: 12 }).replace('expected 2 to be 3', 'expected 4 to be 3')).signature,
    ).not.toBe(base);
    expect(summarizeTestFailures(pytestOutput('1s', '0x1')).signature).not.toBe(base);
  });

  it('names the failing tests and their first errors', () => {
    const { signature } = summarizeTestFailures(pytestOutput('3.17s', '0x7fec5aba5c50'));
    expect(signature).toContain('test_calc.py::test_add');
    expect(signature).toContain('ValueError: bad value 42');
    expect(signature).not.toContain('3.17');
  });
});
