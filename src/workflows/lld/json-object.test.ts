import { describe, expect, it } from 'vitest';
import { findJsonObject } from './json-object.js';

describe('findJsonObject', () => {
  it('parses a whole-text object, with a BOM and whitespace', () => {
    expect(findJsonObject('\uFEFF  {"a": 1}\n')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('reads the one fence, ignoring braces in the prose around it', () => {
    expect(findJsonObject('Use {curly} wisely.\n```json\n{"a": {"b": [1, 2]}}\n```')).toEqual({ ok: true, value: { a: { b: [1, 2] } } });
  });

  it('ignores fences in other languages', () => {
    expect(findJsonObject('```ts\nconst x = {}\n```\n{"a": 2}')).toEqual({ ok: true, value: { a: 2 } });
  });

  it('tracks escaped quotes and braces inside strings', () => {
    expect(findJsonObject('result: {"a": "x \\" } {", "b": 1} done')).toEqual({ ok: true, value: { a: 'x " } {', b: 1 } });
  });

  it('takes an object followed by prose', () => {
    expect(findJsonObject('{"a": 1}\nThat is my verdict.')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('ignores brace spans in prose that are not JSON when one real object exists', () => {
    expect(findJsonObject('Set {name} then {"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('reports the parse error of the only candidate', () => {
    const result = findJsonObject('{"a": 1,, }');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^The response's JSON is not valid \(/);
  });

  it('refuses two objects and an empty text', () => {
    expect(findJsonObject('{"a": 1} {"b": 2}')).toEqual({
      ok: false,
      reason: 'The response holds 2 separate JSON objects; send exactly one.',
    });
    expect(findJsonObject('   ')).toEqual({ ok: false, reason: 'The response was empty.' });
  });
});
