import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wrap } from '../src/wrap.js';

test('puts as many words on a line as fit in the width', () => {
  assert.equal(wrap('the quick brown fox jumps over the lazy dog', 10), 'the quick\nbrown fox\njumps over\nthe lazy\ndog');
});

test('a line may be exactly the width long', () => {
  assert.equal(wrap('abcde fghij', 11), 'abcde fghij');
  assert.equal(wrap('abcde fghij', 10), 'abcde\nfghij');
});

test('collapses whitespace, including newlines, between words', () => {
  assert.equal(wrap('one\n\ntwo\tthree', 80), 'one two three');
});

test('keeps a word longer than the width whole on its own line', () => {
  assert.equal(wrap('a extraordinarily b', 5), 'a\nextraordinarily\nb');
});

test('returns an empty string for empty or blank text', () => {
  assert.equal(wrap('', 10), '');
  assert.equal(wrap('   ', 10), '');
});

test('rejects a width that is not a positive integer', () => {
  assert.throws(() => wrap('text', 0), RangeError);
  assert.throws(() => wrap('text', 2.5), RangeError);
});
