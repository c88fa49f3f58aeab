// sslmode → the TLS attempts a client makes, with libpq's meanings for PostgreSQL URLs and the MySQL
// client's ssl-mode names for MySQL/MariaDB URLs. The drivers are never handed the URL's sslmode:
// pg's own connection-string reader treats `require` as verify-full (and `prefer` as require),
// which is not what libpq, psql or the application's other tools do with the same URL.
import { readFileSync, statSync } from 'node:fs';
import { socketPath, UrlError, type ConnectionInfo } from './url.js';
import type { Classification } from '../common/classification.js';

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

export interface TlsSettings {
  ca?: string;          // PEM; absent = Node's bundled CA store
  cert?: string;
  key?: string;
  verifyChain: boolean;
  verifyHost: boolean;
  /** MySQL prefer: plain text on the same connection when the greeting offers no TLS (db/mysql-prefer.ts). */
  ifOffered?: boolean;
  /** The TLS versions the URL pins (libpq ssl_min/max_protocol_version, mysql2 ssl={"minVersion","maxVersion"}). */
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
}

const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = typeof TLS_VERSIONS[number];

/**
 * One connection attempt; when it fails with `fallbackOn`, the next attempt is made. 'server-refused': any
 * failure where the server answered (libpq's prefer/allow retry the other way after any error response
 * during startup, and after a failed TLS handshake); not refused, timeout, DNS or routing failures.
 */
export interface TlsAttempt { tls: TlsSettings | null; fallbackOn?: Classification | 'server-refused' }

/** libpq's sslmode values, compared as libpq compares them (case and all): a PostgreSQL URL is read as libpq reads it. */
const LIBPQ_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** MySQL/MariaDB: the mysql client's ssl-mode names (any case) and libpq's. */
const MYSQL_ALIASES: Record<string, SslMode> = {
  disable: 'disable', disabled: 'disable', allow: 'allow', prefer: 'prefer', preferred: 'prefer',
  require: 'require', required: 'require', 'verify-ca': 'verify-ca', verify_ca: 'verify-ca',
  'verify-full': 'verify-full', verify_identity: 'verify-full',
};

/**
 * The effective mode. Unset: PostgreSQL `prefer` (libpq's default); MySQL/MariaDB `disable`
 * (mysql2's default; the mysql CLI would say PREFERRED). A mysql2-style `ssl` param (JSON options,
 * or true/false) is read too, since that is what a Node application hands mysql2.
 */
export function sslMode(info: ConnectionInfo): SslMode {
  if (info.engine === 'postgres') return libpqMode(info);
  if (info.sslmode !== undefined) {
    const mode = MYSQL_ALIASES[info.sslmode.toLowerCase()];
    if (!mode) throw new UrlError(`unknown ssl-mode '${info.sslmode.slice(0, 20)}': use DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY`);
    return mode;
  }
  const ssl = info.params.ssl;
  return ssl === undefined ? 'disable' : fromSslParam(ssl);
}

/**
 * PostgreSQL: only what libpq accepts, since "resolved" means the application's libpq logs in. A spelling libpq
 * refuses (`disabled`, `Require`, node-postgres' `no-verify`) fails every libpq client; taking it for a mode ended
 * "resolved" where psql could not connect (a probe of stop 70). `sslrootcert=system` (libpq 16+) loads the system's
 * CAs and makes verify-full the default and the only mode allowed.
 */
function libpqMode(info: ConnectionInfo): SslMode {
  const given = info.sslmode;
  if (given !== undefined && !LIBPQ_MODES.includes(given as SslMode)) {
    const meant = MYSQL_ALIASES[given.toLowerCase()] ?? (given === 'no-verify' ? 'require' : undefined);
    throw new UrlError(`sslmode '${given.slice(0, 20)}' is not libpq's: libpq refuses it${meant ? `; write sslmode=${meant}` : ''} (disable, allow, prefer, require, verify-ca or verify-full)`);
  }
  if (info.params.sslrootcert === 'system') {
    if (given !== undefined && given !== 'verify-full') throw new UrlError(`sslrootcert=system needs sslmode=verify-full: libpq 16 and later refuse sslmode=${given} with it`);
    return 'verify-full';
  }
  if (given !== undefined) return given as SslMode;
  return info.params.ssl === undefined ? 'prefer' : fromSslParam(info.params.ssl);
}

function fromSslParam(ssl: string): SslMode {
  if (/^(true|1)$/i.test(ssl)) return 'verify-full'; // pg and mysql2 both verify with ssl=true
  if (/^(false|0)$/i.test(ssl)) return 'disable';
  const options = sslJson(ssl);
  if (options.rejectUnauthorized === false) return 'require';
  return options.verifyIdentity === false ? 'verify-ca' : 'verify-full';
}

function sslJson(ssl: string): { rejectUnauthorized?: unknown; verifyIdentity?: unknown; ca?: unknown; minVersion?: unknown; maxVersion?: unknown } {
  try {
    const parsed: unknown = JSON.parse(ssl);
    if (parsed && typeof parsed === 'object') return parsed as Record<string, unknown>;
  } catch { /* fall through */ }
  throw new UrlError("the 'ssl' parameter is neither true/false nor JSON options");
}

/** The attempts a libpq/mysql client makes for this URL, in order. */
export function tlsAttempts(info: ConnectionInfo): TlsAttempt[] {
  const mode = sslMode(info);
  // libpq ignores sslmode on a Unix socket, and a local socket needs no encryption on either engine.
  if (socketPath(info)) return [{ tls: null }];
  const files = { ...tlsFiles(info), ...tlsVersions(info) };
  // libpq: with a root certificate (sslrootcert, PGSSLROOTCERT or ~/.postgresql/root.crt: libpq-env.ts), allow, prefer
  // and require verify the chain like verify-ca (prefer then retries in plain text, as after any failed TLS login).
  const unverified: TlsSettings = files.ca && info.engine === 'postgres'
    ? { ...files, verifyChain: true, verifyHost: false }
    : { ...files, verifyChain: false, verifyHost: false };
  switch (mode) {
    case 'disable': return [{ tls: null }];
    // libpq retries the other way after any error the server sent; MySQL clients only when the server has no TLS
    // (a second login would also count against max_password_errors).
    case 'allow': return [{ tls: null, fallbackOn: info.engine === 'postgres' ? 'server-refused' : 'ssl-required' }, { tls: unverified }];
    // MySQL: the plain attempt is left for a server that refuses TLS after offering it; one without TLS gets plain
    // text on the first connection (a second would count against max_connect_errors).
    case 'prefer': return [{ tls: info.engine === 'postgres' ? unverified : { ...unverified, ifOffered: true }, fallbackOn: info.engine === 'postgres' ? 'server-refused' : 'ssl-unsupported' }, { tls: null }];
    case 'require': return [{ tls: unverified }];
    case 'verify-ca': return [{ tls: { ...files, verifyChain: true, verifyHost: false } }];
    case 'verify-full': return [{ tls: { ...files, verifyChain: true, verifyHost: true } }];
  }
}

/** CA and client certificate from sslrootcert/sslcert/sslkey (or ssl-ca/ssl-cert/ssl-key, or ssl JSON). */
export function tlsFiles(info: ConnectionInfo): Omit<TlsSettings, 'verifyChain' | 'verifyHost'> {
  const p = info.params;
  const out: Omit<TlsSettings, 'verifyChain' | 'verifyHost'> = {};
  const caPath = p.sslrootcert ?? p['ssl-ca'] ?? p.sslca;
  if (caPath && caPath !== 'system') out.ca = readPem(caPath, 'sslrootcert');
  const certPath = p.sslcert ?? p['ssl-cert'];
  const keyPath = p.sslkey ?? p['ssl-key'];
  if (certPath) out.cert = readPem(certPath, 'sslcert');
  if (keyPath) {
    if (info.engine === 'postgres') libpqKeyMode(keyPath);
    out.key = readPem(keyPath, 'sslkey');
  }
  if (p.ssl && p.ssl.startsWith('{')) {
    const json = sslJson(p.ssl);
    if (typeof json.ca === 'string' && json.ca) out.ca = json.ca;
  }
  return out;
}

/**
 * The TLS versions the URL pins, as the application's driver reads them: the application fails the handshake
 * with a server outside them, so the login here must too. The TLS probe leaves them out on purpose: it asks
 * what a default client gets.
 */
export function tlsVersions(info: ConnectionInfo): Pick<TlsSettings, 'minVersion' | 'maxVersion'> {
  const json = info.params.ssl?.startsWith('{') ? sslJson(info.params.ssl) : {};
  const pick = (name: string, value: unknown): TlsVersion | undefined => {
    if (value === undefined || value === '') return undefined;
    if (TLS_VERSIONS.includes(value as TlsVersion)) return value as TlsVersion;
    throw new UrlError(`invalid ${name} value "${String(value)}" (one of ${TLS_VERSIONS.join(', ')})`);
  };
  const min = pick('ssl_min_protocol_version', info.params.ssl_min_protocol_version) ?? pick('minVersion', json.minVersion);
  const max = pick('ssl_max_protocol_version', info.params.ssl_max_protocol_version) ?? pick('maxVersion', json.maxVersion);
  return { ...(min ? { minVersion: min } : {}), ...(max ? { maxVersion: max } : {}) };
}

/** libpq refuses a client key others may read (fe-secure-openssl.c): the application's login fails there, so the
 *  engine's must too, or a run ends "resolved" on a login the application cannot make (a probe of stop 69: a
 *  0644 key). Owned by root: 0640 or less (a group may share it); owned by anyone else: 0600 or less. */
function libpqKeyMode(path: string): void {
  let st;
  try { st = statSync(path); } catch { return; } // readPem says why it cannot be read
  if (!st.isFile()) throw new UrlError(`private key file "${path}" is not a regular file (libpq refuses it)`);
  if (st.uid === 0 ? st.mode & 0o037 : st.mode & 0o077) {
    throw new UrlError(`private key file "${path}" has group or world access; libpq (the application's client) refuses it: file must have permissions u=rw (0600) or less if owned by the current user, or u=rw,g=r (0640) or less if owned by root`);
  }
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'error';
    throw new UrlError(`cannot read ${what} file ${path}: ${code}`);
  }
}
