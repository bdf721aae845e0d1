import { describe, expect, it } from 'vitest';
import { SecretRedactor } from './redact.js';

describe('SecretRedactor', () => {
  it('replaces every occurrence of every key with its name', () => {
    const redactor = new SecretRedactor([
      { value: 'sk-live-aaaaaaaa', name: 'openai#1' },
      { value: 'sk-live-bbbbbbbb', name: 'openai#2' },
    ]);
    const text = 'bad key sk-live-aaaaaaaa; retried with sk-live-bbbbbbbb then sk-live-aaaaaaaa';
    expect(redactor.redact(text)).toBe('bad key openai#1; retried with openai#2 then openai#1');
  });

  it('replaces short keys too', () => {
    const redactor = new SecretRedactor([{ value: 'abc', name: 'google#1' }]);
    expect(redactor.redact('key=abc&x=abcabc')).toBe('key=google#1&x=google#1google#1');
  });

  it('replaces a key that contains another key as a whole', () => {
    const redactor = new SecretRedactor([
      { value: 'key-1', name: 'openai#1' },
      { value: 'key-12345', name: 'openai#2' },
    ]);
    expect(redactor.redact('used key-12345 and key-1')).toBe('used openai#2 and openai#1');
  });

  it('treats key characters literally, not as a pattern', () => {
    const redactor = new SecretRedactor([{ value: 'a.b*c(d)', name: 'anthropic#1' }]);
    expect(redactor.redact('x a.b*c(d) aXbbbc(d)')).toBe('x anthropic#1 aXbbbc(d)');
  });

  it('learns keys added later and leaves text without keys alone', () => {
    const redactor = new SecretRedactor([]);
    expect(redactor.redact('nothing to hide')).toBe('nothing to hide');
    redactor.add('sk-late-key', 'openai#3');
    redactor.add('', 'ignored');
    expect(redactor.redact('Bearer sk-late-key')).toBe('Bearer openai#3');
    expect(redactor.redact('nothing to hide')).toBe('nothing to hide');
  });

  it('does not rewrite a name it just inserted', () => {
    const redactor = new SecretRedactor([
      { value: 'secret', name: 'openai#1' },
      { value: 'openai', name: 'anthropic#9' },
    ]);
    expect(redactor.redact('secret')).toBe('openai#1');
  });
});
