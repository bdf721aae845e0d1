import { describe, expect, it } from 'vitest';
import { settleOnce } from './settle-once.js';

describe('settleOnce', () => {
  it('runs only the first outcome', () => {
    const outcomes: string[] = [];
    const finish = settleOnce(undefined, () => outcomes.push('aborted'));
    finish(() => outcomes.push('answer'));
    finish(() => outcomes.push('error'));
    expect(outcomes).toEqual(['answer']);
  });

  it('calls onAbort when the signal aborts first, and stops listening once settled', () => {
    const first = new AbortController();
    const aborts: string[] = [];
    const finishFirst = settleOnce(first.signal, () => finishFirst(() => aborts.push('first aborted')));
    first.abort();
    finishFirst(() => aborts.push('late answer'));

    const second = new AbortController();
    const finishSecond = settleOnce(second.signal, () => aborts.push('second aborted'));
    finishSecond(() => aborts.push('second answered'));
    second.abort();
    expect(aborts).toEqual(['first aborted', 'second answered']);
  });
});
