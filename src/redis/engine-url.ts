import { UsageError } from '../core/errors.js';

/** Where the engine's Redis is, read from `redis://[user:password@]host[:port][/db]`. */
export interface EngineUrl {
  /** A name or an address; an IPv6 address without its brackets. */
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** The URL spelled out in full (port and db included) for messages, its password masked. */
  url: string;
}

const DEFAULT_PORT = 6379;
const EXPECTED = 'expected redis://host:port[/db]';
const MASK = '***';

/** Reads an engine URL given by `origin` (an option, a setting); anything but a plain redis:// URL is a UsageError. */
export function parseEngineUrl(value: string, origin = '--engine'): EngineUrl {
  const refuse = (problem?: string): never => {
    throw new UsageError(
      `invalid ${origin} ${JSON.stringify(maskUrlPassword(value))}: ${EXPECTED}${problem === undefined ? '' : ` (${problem})`}`,
    );
  };
  let parsed: URL;
  try {
    parsed = new URL(value.trim());
  } catch {
    return refuse();
  }
  if (parsed.protocol !== 'redis:') refuse(parsed.protocol === 'rediss:' ? 'TLS is not supported' : undefined);
  if (parsed.hostname === '') refuse('no host');
  if (parsed.search !== '' || parsed.hash !== '') refuse('no query or fragment allowed');
  const port = parsed.port === '' ? DEFAULT_PORT : Number(parsed.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) refuse(`port ${parsed.port} is out of range`);
  const dbText = parsed.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,5}$/.test(dbText)) refuse(`${JSON.stringify(dbText)} is not a database number`);
  const db = dbText === '' ? 0 : Number(dbText);

  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const username = decodeComponent(parsed.username, refuse);
  const password = decodeComponent(parsed.password, refuse);
  const login = parsed.username === '' && parsed.password === '' ? '' : `${parsed.username}${parsed.password === '' ? '' : `:${MASK}`}@`;
  return {
    host,
    port,
    db,
    ...(username === '' ? {} : { username }),
    ...(password === '' ? {} : { password }),
    url: `redis://${login}${parsed.hostname}:${port}/${db}`,
  };
}

/** `scheme://user:secret@…` with the secret masked, for text that names a URL someone typed. */
export function maskUrlPassword(text: string): string {
  return text.replace(/^(\s*[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@:?#]*):[^/?#]*@/, `$1:${MASK}@`);
}

function decodeComponent(text: string, refuse: (problem: string) => never): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return refuse('bad percent-encoding in the login');
  }
}
