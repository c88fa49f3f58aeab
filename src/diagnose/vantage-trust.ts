// Whom the application trusts when its URL verifies the server but names no CA file of its own: what its client
// reads then, in the application's root (a container's files, not this host's). libpq (and every stack on it:
// psql, psycopg, Ruby pg, PHP) reads PGSSLROOTCERT, else ~/.postgresql/root.crt of the user it runs as;
// `sslrootcert=system` and most other clients (Go, Python's ssl, the MariaDB client) use the system store.
// A Node.js application (pg, mysql2) trusts Node's bundled store and the file its NODE_EXTRA_CA_CERTS names (the
// system store under --use-openssl-ca): the probes run in Node too, and take that file the same way. A Java
// application against MySQL/MariaDB trusts its JSSE keystore (java-trust.ts); PgJDBC's default factory reads
// ~/.postgresql/root.crt as libpq does, and its Java factory (a JDBC URL with sslfactory=DefaultJavaSSLFactory,
// where the engine can see one: its command line, its environment) the JSSE keystore; another factory is not
// known, and said so.
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { sslMode } from '../db/ssl-options.js';
import { parseUrl } from '../db/url.js';
import { javaTrust } from './java-trust.js';
import { UserError } from '../common/errors.js';

/** URL parameters that name a file the client reads (PostgreSQL's and MySQL's spellings: db/ssl-options.ts). */
export const TLS_PARAMS = ['sslrootcert', 'sslcert', 'sslkey', 'ssl-ca', 'ssl-cert', 'ssl-key', 'sslca'];

/** Whether the URL's client checks the server's certificate: only then does whom it trusts decide anything. */
export function verifies(url: string): boolean {
  try { return sslMode(parseUrl(url)).startsWith('verify'); } catch { return false; }
}

/** A TLS file the probes read for a place: the URL's parameter (or the variable) that names it, the path as the
 *  place names it, where it was read, and for a trust the URL does not name, whose it is. */
export interface TlsFile { param: string; path: string; read: string; from?: string }
/** `given`: the file the probes are given when it is not `read` (a Java keystore, as PEM). */
export interface Trust extends TlsFile { from: string; given?: string }

/** How a process reads a path it is given: an absolute one in its own root, a relative one from its working directory. */
export const asProcessReads = (pid: number, path: string): string => (path.startsWith('/') ? `/proc/${pid}/root${path}` : `/proc/${pid}/cwd/${path}`);

/** A place's files as the text names them: `path (whose, or the parameter)`. */
export const fileNames = (files: TlsFile[]): string[] => files.map((f) => `${f.path} (${f.from ?? f.param})`);

/** Whose CA the URL says to trust: a file it names (sslrootcert, ssl-ca, sslca), the system store
 *  (`sslrootcert=system`), mysql2's `ssl` JSON with its own "ca", or nothing (the client's default). */
export function ownCa(u: URL): 'file' | 'system' | 'inline' | undefined {
  const named = ['sslrootcert', 'ssl-ca', 'sslca'].map((p) => u.searchParams.get(p)).find((p) => p);
  if (named) return named === 'system' ? 'system' : 'file';
  return u.searchParams.get('ssl')?.includes('"ca"') ? 'inline' : undefined;
}

/** The system stores of the common distributions, as the application's root holds them. */
export const SYSTEM_STORES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

/** The CA file the application's client would read for URL `u`, or undefined when the URL names one itself. */
export function applicationTrust(pid: number, u: URL): Trust | undefined {
  const postgres = u.protocol.startsWith('postgres');
  const param = postgres ? 'sslrootcert' : 'ssl-ca';
  const own = ownCa(u);
  if (own === 'file' || own === 'inline') return undefined;
  const root = (path: string) => `/proc/${pid}/root${path}`;
  const found = (path: string, from: string): Trust | undefined => (existsSync(root(path)) ? { param, path, read: root(path), from } : undefined);
  const system = () => SYSTEM_STORES.map((s) => found(s, 'its system store')).find(Boolean);
  if (own === 'system') return system();
  const env = environOf(pid);
  if (isNode(pid)) return nodeTrust(pid, env, system);
  const pgjdbc = postgres && isJava(pid) ? pgjdbcTrust(argvOf(pid), env) : undefined;
  if (typeof pgjdbc === 'object') {
    throw new UserError(`process ${pid}: its PgJDBC verifies with sslfactory ${pgjdbc.unknown.slice(0, 200)}, whose trust the engine does not know (it reads LibPQFactory's and DefaultJavaSSLFactory's), so whom it trusts is not known`);
  }
  if (isJava(pid) && (!postgres || pgjdbc === 'jsse')) {
    const java = javaTrust(pid, argvOf(pid), env);
    const factory = postgres ? ' (PgJDBC with sslfactory=DefaultJavaSSLFactory)' : '';
    return java && { param, path: java.path, read: java.read, from: `${java.from}${factory}`, given: java.pem };
  }
  if (!postgres) return system();
  const fromEnv = env.get('PGSSLROOTCERT');
  if (fromEnv) {
    return { param, path: fromEnv, read: asProcessReads(pid, fromEnv), from: 'its PGSSLROOTCERT' };
  }
  const home = env.get('HOME') ?? homeOf(pid);
  return (home ? found(`${home.replace(/\/$/, '')}/.postgresql/root.crt`, "libpq's default ~/.postgresql/root.crt") : undefined) ?? system();
}

/** The variable through which a Node.js application's extra CAs reach the probes (they run in Node too). */
export const NODE_EXTRA = 'NODE_EXTRA_CA_CERTS';

/** Whether the process is Node.js: its executable, as its own root names it. */
function isNode(pid: number): boolean {
  try { return /^node(js)?[\d.]*$/.test(basename(readlinkSync(`/proc/${pid}/exe`))); } catch { return false; }
}

/** PgJDBC's factories whose trust the engine knows: its default reads libpq's files, the Java one JSSE's store. */
const LIBPQ_FACTORIES = new Set(['org.postgresql.ssl.LibPQFactory', 'org.postgresql.ssl.jdbc4.LibPQFactory']);
const JSSE_FACTORY = 'org.postgresql.ssl.DefaultJavaSSLFactory';

/** The `sslfactory` a JDBC URL names, read as PgJDBC's Driver.parseURL reads it: the query after the first `?`,
 *  split on `&`, each value URL-decoded (`+` a space), the last of a name winning; undefined when it names none.
 *  test/diagnose/pgjdbc-url.test.ts holds this to PgJDBC's own parser on generated URLs. */
export function jdbcSslFactory(url: string): string | undefined {
  const at = url.indexOf('?');
  let factory: string | undefined;
  if (at < 0) return undefined;
  for (const pair of url.slice(at + 1).split('&')) {
    const eq = pair.indexOf('=');
    if ((eq < 0 ? pair : pair.slice(0, eq)) !== 'sslfactory') continue;
    const raw = eq < 0 ? '' : pair.slice(eq + 1); // a name without a value is set to the empty string
    try { factory = decodeURIComponent(raw.replace(/\+/g, ' ')); } catch { factory = raw; } // PgJDBC refuses such a URL
  }
  return factory;
}

/**
 * Which trust a JVM's PgJDBC verifies with, from the JDBC URLs on its command line or in its environment (Spring's
 * `spring.datasource.url`, `JDBC_DATABASE_URL`, …): `jsse` when each names the Java factory, `libpq` when none
 * names a factory or each its default; any other factory (NonValidatingFactory trusts every certificate, a
 * custom one is its own code), or URLs that disagree, is not known.
 */
export function pgjdbcTrust(argv: string[], env: Map<string, string>): 'jsse' | 'libpq' | { unknown: string } {
  const factories = new Set([...argv, ...env.values()].flatMap((text) => {
    const at = text.indexOf('jdbc:postgresql:');
    return at < 0 ? [] : [jdbcSslFactory(text.slice(at).split(/\s/)[0]!) ?? 'org.postgresql.ssl.LibPQFactory'];
  }).map((f) => (LIBPQ_FACTORIES.has(f) ? 'libpq' : f === JSSE_FACTORY ? 'jsse' : f)));
  if (factories.size === 0) return 'libpq';
  if (factories.size === 1 && (factories.has('libpq') || factories.has('jsse'))) return [...factories][0] as 'libpq' | 'jsse';
  return { unknown: [...factories].join(', ') };
}

/** Whether the process is a JVM: its executable is `java`. */
function isJava(pid: number): boolean {
  try { return basename(readlinkSync(`/proc/${pid}/exe`)) === 'java'; } catch { return false; }
}

/** Its command line, one argument each ([] once it is gone: judged by its environment). */
function argvOf(pid: number): string[] {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean); } catch { return []; }
}

/** Node's trust: its bundled store and NODE_EXTRA_CA_CERTS, or the system store under --use-openssl-ca. */
function nodeTrust(pid: number, env: Map<string, string>, system: () => Trust | undefined): Trust | undefined {
  const argv = argvOf(pid).join(' ');
  if (/--use-openssl-ca\b/.test(`${argv} ${env.get('NODE_OPTIONS') ?? ''}`)) {
    const store = system();
    return store && { ...store, from: 'its system store (node --use-openssl-ca)' };
  }
  const extra = env.get(NODE_EXTRA);
  if (!extra) return undefined; // Node's bundled store alone: the probes' own
  return { param: NODE_EXTRA, path: extra, read: asProcessReads(pid, extra), from: "Node's bundled store and its NODE_EXTRA_CA_CERTS" };
}

/** The process's environment as it started (/proc/PID/environ: NUL-separated). */
function environOf(pid: number): Map<string, string> {
  let text = '';
  try { text = readFileSync(`/proc/${pid}/environ`, 'latin1'); } catch { return new Map(); }
  return new Map(text.split('\0').filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

/** The home directory of the user the process runs as, from the passwd file in its root. */
function homeOf(pid: number): string | undefined {
  try {
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    const line = readFileSync(`/proc/${pid}/root/etc/passwd`, 'utf8').split('\n').find((l) => l.split(':')[2] === uid);
    return line?.split(':')[5] || undefined;
  } catch { return undefined; }
}
