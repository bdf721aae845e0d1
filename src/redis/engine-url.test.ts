import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { maskUrlPassword, parseEngineUrl } from './engine-url.js';

describe('parseEngineUrl', () => {
  it('reads host, port and database, spelling the URL out in full', () => {
    expect(parseEngineUrl('redis://10.0.0.5:6380/2')).toEqual({ host: '10.0.0.5', port: 6380, db: 2, url: 'redis://10.0.0.5:6380/2' });
    expect(parseEngineUrl('redis://127.0.0.1:7000')).toEqual({ host: '127.0.0.1', port: 7000, db: 0, url: 'redis://127.0.0.1:7000/0' });
    expect(parseEngineUrl('redis://127.0.0.1:7000/')).toMatchObject({ db: 0 });
  });

  it('takes port 6379 when none is given', () => {
    expect(parseEngineUrl('redis://queue.internal')).toEqual({
      host: 'queue.internal',
      port: 6379,
      db: 0,
      url: 'redis://queue.internal:6379/0',
    });
  });

  it('reads a login, decoding it, and masks the password in the URL it gives back', () => {
    expect(parseEngineUrl('redis://fleet:s%40cret@queue.internal:6379/1')).toEqual({
      host: 'queue.internal',
      port: 6379,
      db: 1,
      username: 'fleet',
      password: 's@cret',
      url: 'redis://fleet:***@queue.internal:6379/1',
    });
    expect(parseEngineUrl('redis://:only-a-password@queue.internal')).toMatchObject({
      password: 'only-a-password',
      url: 'redis://:***@queue.internal:6379/0',
    });
    expect(parseEngineUrl('redis://queue.internal')).not.toHaveProperty('username');
  });

  it('reads an IPv6 address without its brackets', () => {
    expect(parseEngineUrl('redis://[::1]:6379')).toEqual({ host: '::1', port: 6379, db: 0, url: 'redis://[::1]:6379/0' });
  });

  it('refuses anything but a plain redis:// URL, naming the origin and the value', () => {
    expect(() => parseEngineUrl('http://x')).toThrow(new UsageError('invalid --engine "http://x": expected redis://host:port[/db]'));
    for (const [value, problem] of [
      ['localhost:6379', /expected redis:\/\/host:port\[\/db\]$/],
      ['', /expected redis:\/\/host:port\[\/db\]$/],
      ['rediss://queue.internal', /TLS is not supported/],
      ['redis://', /no host/],
      ['redis://queue.internal:0', /port 0 is out of range/],
      ['redis://queue.internal:99999', /expected redis:\/\/host:port\[\/db\]$/],
      ['redis://queue.internal/queue', /"queue" is not a database number/],
      ['redis://queue.internal/1/2', /is not a database number/],
      ['redis://queue.internal?db=1', /no query or fragment/],
    ] as const) {
      expect(() => parseEngineUrl(value), value).toThrow(UsageError);
      expect(() => parseEngineUrl(value), value).toThrow(problem);
      expect(() => parseEngineUrl(value), value).toThrow(`invalid --engine ${JSON.stringify(value)}: `);
    }
  });

  it('names another origin when given one', () => {
    expect(() => parseEngineUrl('queue', 'LLDFLOW_ENGINE')).toThrow(/^invalid LLDFLOW_ENGINE "queue": expected/);
  });

  it('never repeats a password in its message', () => {
    const error = (() => {
      try {
        parseEngineUrl('redis://fleet:hunter2@queue.internal:6379/queue');
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a UsageError');
    })();
    expect(error.message).toContain('"redis://fleet:***@queue.internal:6379/queue"');
    expect(error.message).not.toContain('hunter2');
    expect(() => parseEngineUrl('http://fleet:hunter2@x')).toThrow('"http://fleet:***@x"');
  });
});

describe('maskUrlPassword', () => {
  it('masks only the password of a URL', () => {
    expect(maskUrlPassword('redis://user:pa@ss@host:1/0')).toBe('redis://user:***@host:1/0');
    expect(maskUrlPassword('redis://host:6379/0')).toBe('redis://host:6379/0');
    expect(maskUrlPassword('redis://user@host')).toBe('redis://user@host');
  });
});
