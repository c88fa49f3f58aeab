// A PostgreSQL URL as libpq, the application's reader, takes it: every PG* variable fills the field the URL leaves
// out (libpq-envars, PostgreSQL 18's list). runbook reads the variables it understands the same way; any other of
// libpq's variables that is set would send the application elsewhere or otherwise than runbook goes (PGHOSTADDR
// another address, PGTARGETSESSIONATTRS another server, PGCHANNELBINDING another login), so the connection is
// refused naming it: a run must not end "resolved" on a connection the application cannot make.
import { libpqDefaultFiles } from './libpq-files.js';
import { libpqIntegerProblem } from './libpq-integers.js';
import { libpqUser } from './pgpass.js';
import { UrlError, type ConnectionInfo } from './url.js';

type Env = Record<string, string | undefined>;

/** Read: the URL parameter each stands for (url-params.ts READ), filled in where the URL leaves it out. User,
 *  password, database, host and port are ConnectionInfo fields (libpqReading). */
const FILLS: Record<string, string> = {
  PGSSLROOTCERT: 'sslrootcert', PGSSLCERT: 'sslcert', PGSSLKEY: 'sslkey',
  PGSSLMINPROTOCOLVERSION: 'ssl_min_protocol_version', PGSSLMAXPROTOCOLVERSION: 'ssl_max_protocol_version',
};
const FIELDS = ['PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE', 'PGSSLMODE'];

/** Read and harmless, as their URL parameters are (url-params.ts INERT): runbook sets its own name and timeouts;
 *  PGLOCALEDIR only picks the language of libpq's messages. A PGCONNECT_TIMEOUT libpq cannot read is refused
 *  (libpq-integers.ts). */
const INERT = ['PGAPPNAME', 'PGCONNECT_TIMEOUT', 'PGLOCALEDIR'];

/** Read by node-postgres itself from runbook's own process environment, as libpq reads them (the password file;
 *  the session options, which runbook's read pin overrides: db/pg-pin.ts). Accepted when the run's environment gives
 *  the value the driver sees; one only an --env-file gives would reach the application and not runbook. */
const DRIVER_READS = ['PGOPTIONS', 'PGPASSFILE'];

/** The rest of libpq's list, with the connection parameter each stands for (null: none, always applied). */
const UNREAD: Record<string, string | null> = {
  PGHOSTADDR: 'hostaddr', PGSERVICE: 'service', PGSERVICEFILE: 'servicefile', PGSYSCONFDIR: null,
  PGREQUIREAUTH: 'require_auth', PGCHANNELBINDING: 'channel_binding', PGREQUIREPEER: 'requirepeer',
  PGTARGETSESSIONATTRS: 'target_session_attrs', PGLOADBALANCEHOSTS: 'load_balance_hosts',
  PGSSLNEGOTIATION: 'sslnegotiation', PGREQUIRESSL: 'requiressl', PGSSLCOMPRESSION: 'sslcompression',
  PGSSLCERTMODE: 'sslcertmode', PGSSLCRL: 'sslcrl', PGSSLCRLDIR: 'sslcrldir', PGSSLSNI: 'sslsni',
  PGGSSENCMODE: 'gssencmode', PGKRBSRVNAME: 'krbsrvname', PGGSSLIB: 'gsslib', PGGSSDELEGATION: 'gssdelegation',
  PGCLIENTENCODING: 'client_encoding', PGMINPROTOCOLVERSION: 'min_protocol_version',
  PGMAXPROTOCOLVERSION: 'max_protocol_version', PGDATESTYLE: null, PGTZ: null, PGGEQO: null,
};

/** Every variable of libpq's list, for tests and docs. */
export const LIBPQ_VARIABLES = [...FIELDS, ...Object.keys(FILLS), ...INERT, ...DRIVER_READS, ...Object.keys(UNREAD)];
export const LIBPQ_UNREAD = Object.keys(UNREAD);

/** Why `env` makes libpq read this URL otherwise than runbook can, or undefined. An empty variable counts as unset. */
export function unreadVariable(params: Record<string, string>, env: Env): string | undefined {
  for (const [name, field] of Object.entries(UNREAD)) {
    if (!env[name] || (field !== null && field in params)) continue;
    return `${name} is set: runbook does not read it, and libpq (the application's reader) applies it to this connection, so runbook would connect elsewhere or otherwise than the application; unset it to run`;
  }
  for (const name of DRIVER_READS) {
    if (env[name] && env[name] !== process.env[name]) return `${name} is given only by the run's environment (--env-file): runbook's driver reads it from the process's own; export it instead`;
  }
  for (const name of ['PGHOST', 'PGPORT']) {
    if (env[name]?.includes(',')) return `${name} names several servers: runbook connects to one; give the URL the one the application reaches`;
  }
  return undefined;
}

/** `info` (a PostgreSQL URL's) as libpq reads it with `env`; throws UrlError naming a variable runbook cannot read. */
export function libpqReading(info: ConnectionInfo, env: Env): ConnectionInfo {
  const problem = unreadVariable(info.params, env);
  if (problem) throw new UrlError(problem);
  const { unset, ...given } = info;
  const params = { ...given.params };
  for (const [name, key] of Object.entries(FILLS)) {
    const value = env[name];
    if (value && params[key] === undefined) params[key] = value;
  }
  // sslmode, or node-postgres' `ssl`, stands for the mode (ssl-options.ts); PGSSLMODE only where neither is written.
  const sslmode = given.sslmode ?? (params.ssl === undefined ? env.PGSSLMODE || undefined : undefined);
  if (sslmode !== undefined && given.sslmode === undefined) params.sslmode = sslmode;
  // No host anywhere: libpq connects to its compiled-in socket directory (/var/run/postgresql on Debian, /tmp
  // upstream), which the engine cannot know; it had connected over TCP to localhost instead, and a run ended
  // "resolved" while psql with the same URL reached no server (a probe of stop 69).
  if (unset?.includes('host') && !env.PGHOST) {
    throw new UrlError('the URL names no host (nor PGHOST): libpq then connects to its own build\'s socket directory, which runbook cannot know; write the host (localhost, or ?host=/var/run/postgresql for a socket)');
  }
  const host = unset?.includes('host') && env.PGHOST ? env.PGHOST : given.host;
  const integers = libpqIntegerProblem(params, env, host.startsWith('/'));
  if (integers) throw new UrlError(integers);
  const user = loginUser(given.user, env);
  const read: ConnectionInfo = {
    ...given,
    host,
    port: unset?.includes('port') && env.PGPORT ? port(env.PGPORT) : given.port,
    user,
    password: given.password || env.PGPASSWORD || '',
    database: given.database || env.PGDATABASE || user, // libpq's default database is the user's name
    params,
    sslmode,
  };
  return { ...read, params: { ...params, ...libpqDefaultFiles(params, env) } };
}

/** The URL's user, else PGUSER, else the effective uid's name, as libpq takes it: never $USER, which node-postgres
 *  read when the engine left the user to it, so a root operator with USER=app_user logged in as app_user where psql
 *  logs in as root (a probe of stop 72 ended "resolved"). */
function loginUser(user: string, env: Env): string {
  try {
    return libpqUser(user, env);
  } catch {
    throw new UrlError('the URL names no user (nor PGUSER), and this process\'s user id has no name (no passwd entry), which libpq then logs in as: write the user');
  }
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new UrlError(`PGPORT '${value.slice(0, 10)}' is not a port number`);
  if (String(n) !== value) throw new UrlError(`PGPORT '${value}' is written with a leading zero: write it as ${n} (libpq compares it with ~/.pgpass as written)`);
  return n;
}
