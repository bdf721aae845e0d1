import assert from 'node:assert/strict';
import { test } from 'node:test';
import { camelCase, kebabCase, words } from '../src/case.js';

test('words splits on punctuation, spaces and case changes', () => {
  assert.deepEqual(words('backgroundColor is_set, OK?'), ['background', 'Color', 'is', 'set', 'OK']);
});

test('camelCase joins words with upper-case initials after the first', () => {
  assert.equal(camelCase('background-color'), 'backgroundColor');
  assert.equal(camelCase('Hello wide WORLD'), 'helloWideWorld');
});

test('kebabCase joins lower-cased words with dashes', () => {
  assert.equal(kebabCase('Background Color'), 'background-color');
  assert.equal(kebabCase('fontSize'), 'font-size');
});

test('empty text gives an empty result', () => {
  assert.equal(camelCase(''), '');
  assert.equal(kebabCase(''), '');
});

test('rejects a non-string argument', () => {
  assert.throws(() => camelCase(null), TypeError);
});
