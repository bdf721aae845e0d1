import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { isValidItemId, itemIdKey, itemIdProblem, validateItemId } from './item-id.js';

describe('item ids', () => {
  it.each(['42', '007', 'add-login', 'LLD_12', 'a', '_x', 'a-', 'x'.repeat(64)])('accepts %j', (id) => {
    expect(isValidItemId(id)).toBe(true);
    expect(validateItemId(id)).toBe(id);
    expect(itemIdProblem(id)).toBeUndefined();
  });

  it.each(['../x', '/etc', 'C:x', 'a/b', 'a\\b', '', 'x'.repeat(65), '.', '..', 'a.md', 'two words', 'é', '-rf', '--help', '-'])(
    'rejects %j with a UsageError naming it',
    (id) => {
      expect(isValidItemId(id)).toBe(false);
      expect(() => validateItemId(id)).toThrow(UsageError);
      expect(() => validateItemId(id)).toThrow(JSON.stringify(id));
    },
  );

  it.each([
    ['', 'is empty'],
    ['-rf', "starts with '-'"],
    ['café', 'contains "é"'],
    ['a b', 'contains " "'],
    ['x..y', 'contains "."'],
    ['C:x', 'contains ":"'],
    ['x'.repeat(70), 'is 70 characters long (at most 64)'],
  ])('says why %j is not an id', (id, problem) => {
    expect(itemIdProblem(id)).toBe(problem);
    expect(() => validateItemId(id)).toThrow(problem);
  });

  it('names where the bad id came from', () => {
    expect(() => validateItemId('../x', 'ideas/active/../x.md')).toThrow('ideas/active/../x.md');
  });

  it('gives ids that name one item one key: numeric ids without leading zeros, any letter case', () => {
    expect(itemIdKey('007')).toBe(itemIdKey('7'));
    expect(itemIdKey('0')).toBe(itemIdKey('000'));
    expect(itemIdKey('Login')).toBe(itemIdKey('login'));
    expect(itemIdKey('70')).not.toBe(itemIdKey('7'));
    expect(itemIdKey('x07')).not.toBe(itemIdKey('x7'));
  });
});
