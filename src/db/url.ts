// Connection URLs, parsed by hand: WHATWG URL accepts a raw '@' in a password silently and turns a
// raw '#' or '?' into a fragment or query, so a mistyped DATABASE_URL would connect somewhere else
// or fail far away. Here each such mistake is one clear line that never repeats the password.

import { engineOfScheme, type Engine } from '../common/engine-scheme.js';
import { unreadParameter } from './url-params.js';

export { engineOfScheme, type Engine } from '../common/engine-scheme.js';

export interface ConnectionInfo {
  engine: Engine;            // from the scheme; MySQL vs MariaDB servers are told apart after connecting
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  params: Record<string, string>;
  sslmode: string | undefined; // as written (sslmode, ssl-mode or sslMode param); see ssl-options.ts
  /** What the URL leaves out and the parser defaulted: libpq fills these from PGHOST/PGPORT (db/libpq-env.ts). */
  unset?: ('host' | 'port')[];
}

/** A URL problem. Its message is safe to print: it never contains the password. */
export class UrlError extends Error {
  override name = 'UrlError';
}

export const DEFAULT_PORTS: Record<Engine, number> = { postgres: 5432, mysql: 3306, mariadb: 3306 };
const EXPECTED = 'expected scheme://user:password@host:port/database?param=value';

/** host[:port][/database][?k=v&…]: what follows the credentials. */
const TAIL = /^(\[[0-9A-Fa-f:.]+\]|[^/?#@:[\]]*)(?::(\d*))?(?:\/([^/?#@]*))?(?:\?([^#]*))?$/;

export function parseUrl(raw: string): ConnectionInfo {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(raw.trim());
  if (!m) throw new UrlError(`not a connection URL: ${EXPECTED}`);
  const engine = engineOfScheme(raw);
  if (!engine) throw new UrlError(`unsupported scheme '${m[1]!.slice(0, 20)}': use postgres://, postgresql://, mysql:// or mariadb://`);
  // libpq refuses a NUL anywhere it decodes (every part): "forbidden value %00 in percent-encoded value".
  if (engine === 'postgres' && raw.includes('%00')) throw new UrlError('the URL has %00 (a NUL byte) in it: libpq, the application\'s reader, refuses the whole URL; remove it');
  const { userinfo, tail } = splitCredentials(m[2]!);
  const t = TAIL.exec(tail);
  if (!t) throw new UrlError(`the URL is not valid: ${EXPECTED}`);
  const [user, password] = splitUserinfo(userinfo);
  const params = parseParams(t[4] ?? '', engine);
  const unread = unreadParameter(params, engine);
  if (unread) throw new UrlError(unread);
  // A part given twice, in the URL and as a parameter: libpq takes the parameter, mysql2 the URL's own, and the
  // engine took one or the other by part; a run ended "resolved" logged in where the application was not (a
  // probe of stop 69). Allowed once only.
  const twice = twiceGiven({ user, password, host: t[1] ?? '', port: t[2] ?? '', database: t[3] ?? '' }, params);
  if (twice) throw new UrlError(`the URL gives its ${twice} twice, in the URL and as a ?parameter: clients read that differently (libpq takes the parameter, mysql2 the URL's own); write it once`);
  // A socket directory may stand in the host's place percent-encoded (libpq: postgres://u@%2Ftmp/db).
  const host = params.host ?? decode((t[1] ?? '').replace(/^\[(.*)\]$/, '$1'), 'host');
  const port = params.port ?? t[2];
  const unset = [...(host ? [] : ['host' as const]), ...(port ? [] : ['port' as const])];
  return {
    engine,
    host: host || 'localhost',
    port: parsePort(port, engine),
    user: user || params.user || '',
    password: password || params.password || '',
    database: decode(t[3] ?? '', 'database name') || params.dbname || params.database || '',
    params,
    sslmode: params.sslmode ?? params['ssl-mode'] ?? params.sslMode,
    ...(unset.length ? { unset } : {}),
  };
}

/** Which part of the URL a parameter gives again, if any. */
function twiceGiven(parts: Record<'user' | 'password' | 'host' | 'port' | 'database', string>, params: Record<string, string>): string | undefined {
  const keys: Record<keyof typeof parts, string[]> = { user: ['user'], password: ['password'], host: ['host'], port: ['port'], database: ['dbname', 'database'] };
  return (Object.keys(keys) as (keyof typeof parts)[]).find((part) => parts[part] !== '' && keys[part].some((k) => params[k] !== undefined));
}

/**
 * Finds the '@' that ends the credentials: the first one after which a well-formed
 * host/port/database/params follows. A query value may contain '@' (first match wins), and so may
 * a mistyped password (the '@'s inside it are not followed by a well-formed tail).
 */
function splitCredentials(rest: string): { userinfo: string; tail: string } {
  const authority = /^[^/?#]*/.exec(rest)![0];
  if (!authority.includes('@') && !rest.includes('#') && wellFormed(rest)) {
    if (ambiguous(rest)) throw new UrlError(`the URL reads two ways: URL-encode a '?' in the password as %3F (or an '@' in a parameter as %40)`);
    return { userinfo: '', tail: rest };
  }
  for (let i = rest.indexOf('@'); i >= 0; i = rest.indexOf('@', i + 1)) {
    const userinfo = rest.slice(0, i);
    const tail = rest.slice(i + 1);
    if (wellFormed(tail)) {
      checkRawCharacters(userinfo);
      return { userinfo, tail };
    }
  }
  throw new UrlError(`the URL is not valid: ${EXPECTED}`);
}

/**
 * The URL as written with its password left out (`scheme://user@…`), its credentials found as parseUrl finds them;
 * undefined when it does not parse. What a resume compares: a rotated password names the same server, and any
 * other change of the text (read two ways or not) is a change.
 */
export function writtenWithoutPassword(raw: string): string | undefined {
  try { parseUrl(raw); } catch { return undefined; }
  const [, scheme, rest] = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)(.*)$/s.exec(raw.trim())!;
  const { userinfo, tail } = splitCredentials(rest!);
  if (!userinfo) return `${scheme}${tail}`;
  const colon = userinfo.indexOf(':');
  return `${scheme}${colon < 0 ? userinfo : userinfo.slice(0, colon)}@${tail}`;
}

/** `user:1234?x=y@host/db`: host "user", port 1234 and a parameter — or a password "1234?x=y" with a raw '?'
 *  (which would connect elsewhere and show the password as a port in errors). And any '@' before the first '/'
 *  behind a '?' or '#': libpq takes everything up to the first '@' before a '/' for the credentials
 *  (`postgres://h?port=N&…&application_name=x@localhost` is user "h?port=N…" at localhost:5432 to libpq), where a
 *  URL's authority ends at the '?' (a probe of stop 70 ended "resolved" on a server psql never reached). */
function ambiguous(rest: string): boolean {
  return /^[^/?#@:]*:\d*\?[^#]*@/.test(rest) || /^[^/?#@]*[?#][^/]*@/.test(rest);
}

function wellFormed(tail: string): boolean {
  const query = TAIL.exec(tail)?.[4];
  if (query === undefined) return TAIL.test(tail);
  return query.split('&').every((pair) => !pair || /^[A-Za-z0-9_.%-]+=/.test(pair));
}

const ENCODINGS: Record<string, string> = { '@': '%40', '#': '%23', '/': '%2F', '?': '%3F', '%': '%25', ' ': '%20' };

/** Names the first character that must be percent-encoded, never the value around it. */
function checkRawCharacters(userinfo: string): void {
  const colon = userinfo.indexOf(':');
  const parts: [string, string][] = colon < 0 ? [['user name', userinfo]]
    : [['user name', userinfo.slice(0, colon)], ['password', userinfo.slice(colon + 1)]];
  for (const [what, text] of parts) {
    const bad = /[@#/? ]|%(?![0-9A-Fa-f]{2})/.exec(text);
    if (bad) throw new UrlError(`the ${what} contains '${bad[0]}' — URL-encode it as ${ENCODINGS[bad[0]]}`);
  }
}

function splitUserinfo(userinfo: string): [string, string] {
  if (!userinfo) return ['', ''];
  const colon = userinfo.indexOf(':');
  if (colon < 0) return [decode(userinfo, 'user name'), ''];
  return [decode(userinfo.slice(0, colon), 'user name'), decode(userinfo.slice(colon + 1), 'password')];
}

function parseParams(query: string, engine: Engine): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq), 'parameter name');
    if (!/^[A-Za-z0-9_.-]+$/.test(key)) throw new UrlError(`the URL has a malformed parameter: ${EXPECTED}`);
    // '+' is a space in a MySQL URL's query, as URLSearchParams (mysql2) reads it; libpq, the reader of a PostgreSQL
    // URL, decodes only %-escapes (`?dbname=app+db` is the database "app+db").
    // Defined, not assigned: `__proto__=` is then a parameter like any other (assigned, it vanished unchecked).
    const raw = eq < 0 ? '' : pair.slice(eq + 1);
    const value = decode(engine === 'postgres' ? raw : raw.replace(/\+/g, ' '), `parameter '${key}'`);
    Object.defineProperty(params, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return params;
}

function parsePort(port: string | undefined, engine: Engine): number {
  if (!port) return DEFAULT_PORTS[engine];
  const n = Number(port);
  if (!/^\d+$/.test(port) || n < 1 || n > 65535) throw new UrlError('the port is not a number from 1 to 65535'); // not echoed: in a mistyped URL it may be part of the password
  // libpq compares the port with ~/.pgpass lines as written ("036415" is not "36415"): a spelling the two read
  // otherwise is refused, not guessed (a probe of stop 69 ended "resolved" on a password psql never sent).
  if (engine === 'postgres' && String(n) !== port) throw new UrlError(`the port is written with a leading zero: write it as ${n} (libpq compares it with ~/.pgpass as written)`);
  return n;
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new UrlError(`the ${what} has an invalid %-escape — write a literal '%' as %25`);
  }
}

/**
 * The Unix socket a URL names, or undefined for TCP. PostgreSQL (libpq): a host that is a directory
 * (`?host=/run/postgresql` or `%2Frun%2Fpostgresql`), the socket being `<dir>/.s.PGSQL.<port>`.
 * MySQL/MariaDB: `?socket=/run/mysqld/mysqld.sock` (mysql2's socketPath), or a host that is the socket file.
 * A socket host is a path, never a DNS name.
 */
export function socketPath(info: ConnectionInfo): string | undefined {
  if (info.engine === 'postgres') return info.host.startsWith('/') ? `${info.host.replace(/\/+$/, '')}/.s.PGSQL.${info.port}` : undefined;
  const given = info.params.socket ?? info.params.socketPath;
  if (given) return given;
  return info.host.startsWith('/') ? info.host : undefined;
}

/** Builds a URL with every part encoded: the inverse of parseUrl. */
export function buildUrl(info: Omit<ConnectionInfo, 'sslmode'> & { sslmode?: string | undefined }): string {
  const enc = encodeURIComponent;
  const auth = info.user ? `${enc(info.user)}${info.password ? `:${enc(info.password)}` : ''}@` : '';
  const host = info.host.startsWith('/') ? enc(info.host) : info.host.includes(':') ? `[${info.host}]` : info.host;
  const params = { ...info.params, ...(info.sslmode && !hasSslParam(info.params) ? { sslmode: info.sslmode } : {}) };
  const query = Object.entries(params).map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  const scheme = info.engine === 'postgres' ? 'postgresql' : info.engine;
  return `${scheme}://${auth}${host}:${info.port}/${enc(info.database)}${query ? `?${query}` : ''}`;
}

function hasSslParam(params: Record<string, string>): boolean {
  return 'sslmode' in params || 'ssl-mode' in params || 'sslMode' in params;
}

/**
 * The password as written in the URL (not decoded): one for a URL that parses; for a malformed one, each
 * string up to every '@' that could end it (a raw '@', '/' or '#' in a password is the usual typo), since a
 * redactor had better mask too much of a broken URL than show part of its password.
 */
export function passwordCandidates(url: string): string[] {
  const rest = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(.*)$/s.exec(url)?.[1];
  const colon = rest?.indexOf(':') ?? -1;
  if (rest === undefined || colon < 0) return [];
  // Every '@' after the first ':' may end the password: a raw '@' or '?' in one (`:Q@?A=x@db/`) still parses,
  // as a shorter password and a query, so a URL with more than one '@' is masked in every reading.
  const everyReading: string[] = [];
  for (let at = rest.indexOf('@', colon); at >= 0; at = rest.indexOf('@', at + 1)) everyReading.push(rest.slice(colon + 1, at));
  try {
    parseUrl(url); // a URL that parses has this reading; with one '@' it is the only one
    const { userinfo } = splitCredentials(rest);
    const parsed = colon < userinfo.length ? [userinfo.slice(colon + 1)] : [];
    return everyReading.length > 1 ? [...parsed, ...everyReading] : parsed;
  } catch {
    return everyReading;
  }
}

/** The URL with its password replaced by ****; works on malformed URLs too. */
/** A URL as a command line or a target line shows it before the redactor sees it: a database URL with its
 *  password's place masked (which server stays readable), any other URL as it is (a webhook's token is in its
 *  path, not in a password: the redactor masks the whole of a secret one). */
export function displayUrl(url: string): string {
  return engineOfScheme(url) ? maskUrl(url) : url;
}

export function maskUrl(url: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)(.*)$/s.exec(url);
  if (!m) return url;
  // A password may also ride in the query (libpq and mysql2 read it there).
  const rest = m[2]!.replace(/([?&](?:password|sslpassword|pass)=)[^&]*/gi, '$1****');
  url = `${m[1]}${rest}`;
  let at = -1;
  try {
    const { userinfo } = splitCredentials(rest);
    at = userinfo ? userinfo.length : -1;
    // Another '@' later may mean a raw '@' or '?' in the password (`:Q@?A=x@db/` parses as password Q and a
    // query): hide up to the last one. Showing less of the URL is the safe mistake.
    if (at >= 0 && rest.indexOf('@', at + 1) >= 0) at = rest.lastIndexOf('@');
  } catch {
    at = rest.lastIndexOf('@'); // malformed: assume everything up to the last '@' is credentials
  }
  if (at < 0) return url;
  const colon = rest.indexOf(':');
  if (colon < 0 || colon > at) return url;
  return `${m[1]}${rest.slice(0, colon + 1)}****${rest.slice(at)}`;
}
