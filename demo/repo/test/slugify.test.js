import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slugify } from '../src/slugify.js';

test('lower-cases words and joins them with single dashes', () => {
  assert.equal(slugify('Hello, World!'), 'hello-world');
});

test('folds accents to their base letters', () => {
  assert.equal(slugify('Crème Brûlée'), 'creme-brulee');
});

test('collapses runs of separators and trims them from both ends', () => {
  assert.equal(slugify('  --Release   notes: v2.0--  '), 'release-notes-v2-0');
});

test('returns an empty string when nothing usable is left', () => {
  assert.equal(slugify('!!!'), '');
});

test('rejects a non-string argument', () => {
  assert.throws(() => slugify(42), TypeError);
});
