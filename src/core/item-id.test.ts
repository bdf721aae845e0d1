import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { isValidItemId, validateItemId } from './item-id.js';

describe('item ids', () => {
  it.each(['42', '007', 'add-login', 'LLD_12', 'a', 'x'.repeat(64)])('accepts %j', (id) => {
    expect(isValidItemId(id)).toBe(true);
    expect(validateItemId(id)).toBe(id);
  });

  it.each(['../x', '/etc', 'C:x', 'a/b', 'a\\b', '', 'x'.repeat(65), '.', '..', 'a.md', 'two words', 'é'])(
    'rejects %j with a UsageError naming it',
    (id) => {
      expect(isValidItemId(id)).toBe(false);
      expect(() => validateItemId(id)).toThrow(UsageError);
      expect(() => validateItemId(id)).toThrow(JSON.stringify(id));
    },
  );

  it('names where the bad id came from', () => {
    expect(() => validateItemId('../x', 'ideas/active/../x.md')).toThrow('ideas/active/../x.md');
  });
});
