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

  it('replaces short keys too, as whole tokens only', () => {
    const redactor = new SecretRedactor([{ value: 'abc', name: 'google#1' }]);
    expect(redactor.redact('key=abc&x=abcabc')).toBe('key=google#1&x=abcabc');
  });

  it('replaces a key only where it stands as a whole token, not inside a longer word', () => {
    const redactor = new SecretRedactor([{ value: 'abcdefgh', name: 'openai#1' }]);
    expect(redactor.redact('abcdefgh')).toBe('openai#1');
    expect(redactor.redact('xabcdefghy abcdefgh')).toBe('xabcdefghy openai#1');
    for (const glued of ['xabcdefgh', 'abcdefghy', '_abcdefgh', 'abcdefgh_', '-abcdefgh', 'abcdefgh-', '9abcdefgh', 'abcdefgh0']) {
      expect(redactor.redact(glued), glued).toBe(glued);
    }
  });

  it('takes punctuation, spaces and the ends of the text as token boundaries', () => {
    const redactor = new SecretRedactor([{ value: 'abcdefgh', name: 'openai#1' }]);
    const cases: Array<[string, string]> = [
      ['key=abcdefgh&next=1', 'key=openai#1&next=1'],
      ['"abcdefgh"', '"openai#1"'],
      ["'abcdefgh',", "'openai#1',"],
      ['(abcdefgh)', '(openai#1)'],
      ['Bearer abcdefgh.', 'Bearer openai#1.'],
      ['https://x.test/v1?key=abcdefgh#frag', 'https://x.test/v1?key=openai#1#frag'],
      ['path/abcdefgh/end', 'path/openai#1/end'],
      ['line\nabcdefgh\tnext', 'line\nopenai#1\tnext'],
      ['abcdefgh:abcdefgh;abcdefgh', 'openai#1:openai#1;openai#1'],
    ];
    for (const [text, expected] of cases) expect(redactor.redact(text), text).toBe(expected);
  });

  it('does not garble words around a value that is also a common string (the short-key bug)', () => {
    const redactor = new SecretRedactor([
      { value: 'a', name: 'openai#1' },
      { value: 'b', name: 'openai#2' },
    ]);
    expect(redactor.redact('drafting with openai:x, a b')).toBe('drafting with openai:x, openai#1 openai#2');
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

  it('names key-shaped text that is not a configured key <provider>#?, after the prefix it carries', () => {
    const redactor = new SecretRedactor();
    expect(redactor.redact('Incorrect API key provided: sk-proj-abc123****wxyz.')).toBe('Incorrect API key provided: openai#?.');
    expect(redactor.redact('x-api-key sk-ant-api03-AbCdEf123456 rejected')).toBe('x-api-key anthropic#? rejected');
    expect(redactor.redact('key AIzaSyA1234567890abcdefghij invalid')).toBe('key google#? invalid');
    expect(redactor.redact('plain words stay: sk-short, task-runner, AIzaShort')).toBe(
      'plain words stay: sk-short, task-runner, AIzaShort',
    );
  });

  it('gives a configured key its own name even when it is key-shaped, and masks the others by shape', () => {
    const redactor = new SecretRedactor([{ value: 'sk-live-aaaaaaaa', name: 'openai#1' }]);
    expect(redactor.redact('tried sk-live-aaaaaaaa, then sk-other-bbbbbbbb')).toBe('tried openai#1, then openai#?');
  });

  it('never passes an inserted name through the key-shaped fallback', () => {
    // The key follows `sk-*` in the text (`*` is a boundary for keys, but key-shaped text may hold it): replacing the key
    // first must not leave `sk-*openai…` for the fallback to rewrite.
    const redactor = new SecretRedactor([{ value: 'proj1234567', name: 'openai#1' }]);
    expect(redactor.redact('Bearer sk-*proj1234567 and sk-unknown-key')).toBe('Bearer sk-*openai#1 and openai#?');
  });

  it('leaves a configured key glued to `sk-` to the key-shaped fallback, which still hides it', () => {
    const redactor = new SecretRedactor([{ value: 'proj1234567', name: 'openai#1' }]);
    expect(redactor.redact('Bearer sk-proj1234567')).toBe('Bearer openai#?');
  });

  it('leaves redacted text as it is when it passes again (keys of the usual shape)', () => {
    const redactor = new SecretRedactor([
      { value: 'sk-live-aaaaaaaa', name: 'openai#1' },
      { value: 'AIzaSyA1234567890abcdefghij', name: 'google#1' },
    ]);
    const once = redactor.redact('sk-live-aaaaaaaa, AIzaSyA1234567890abcdefghij and sk-ant-api03-unknown1');
    expect(once).toBe('openai#1, google#1 and anthropic#?');
    expect(redactor.redact(once)).toBe(once);
  });

  it('replaces a configured key whole even where a key-shaped run of text begins before it', () => {
    const redactor = new SecretRedactor([{ value: 'abc.def-secret', name: 'openai#1' }]);
    // A pattern pass first would take `sk-zzzzzz*abc` as one key-shaped token and leave `.def-secret` behind.
    expect(redactor.redact('sk-zzzzzz*abc.def-secret')).toBe('openai#?openai#1');
  });

  it('is a bound function that can be handed on as a Redact', () => {
    const redact = new SecretRedactor([{ value: 'k-123', name: 'google#1' }]).redact;
    expect(['a k-123', 'b'].map(redact)).toEqual(['a google#1', 'b']);
  });
});

describe('SecretRedactor.holdsKnownSecret', () => {
  it('finds a configured key anywhere in the text, also a short one or one added later', () => {
    const redactor = new SecretRedactor([{ value: 'sk-live-aaaaaaaa', name: 'openai#1' }]);
    expect(redactor.holdsKnownSecret('const key = "sk-live-aaaaaaaa";')).toBe(true);
    expect(redactor.holdsKnownSecret('prefixsk-live-aaaaaaaasuffix')).toBe(true);
    expect(redactor.holdsKnownSecret('sk-live-aaaaaaa')).toBe(false);
    redactor.add('abc', 'google#1');
    expect(redactor.holdsKnownSecret('x=abc')).toBe(true);
  });

  it('does not count key-shaped text that is not a configured key', () => {
    const redactor = new SecretRedactor([{ value: 'sk-live-aaaaaaaa', name: 'openai#1' }]);
    expect(redactor.holdsKnownSecret('fixture: sk-test-0123456789abcdef, AIzaFakeFakeFake1234, sk-ant-api03-fake')).toBe(false);
    expect(redactor.holdsKnownSecret('')).toBe(false);
  });

  it('holds nothing without configured keys', () => {
    const redactor = new SecretRedactor();
    redactor.add('', 'ignored');
    expect(redactor.holdsKnownSecret('sk-test-0123456789abcdef and any text')).toBe(false);
  });

  it('treats key characters literally and is a bound function', () => {
    const holds = new SecretRedactor([{ value: 'a.b*c(d)', name: 'anthropic#1' }]).holdsKnownSecret;
    expect(['aXbbbc(d)', 'x a.b*c(d)'].map(holds)).toEqual([false, true]);
  });
});
