// What each server-backed fault needs from the server and which URL reproduces it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labCredentials, sqlString } from './credentials.js';
import { labServerInfo } from './lab-server.js';
import { APP_HOST, type FaultKind, type LabEngine, type LabServer, type LabServerOptions, type UrlOptions } from './types.js';

export type ServerFaultKind = Exclude<FaultKind, 'refused' | 'timeout' | 'dropped'>;

export interface ServerFaultSpec {
  /** Options to start a fresh server for this fault. */
  options(engine: LabEngine): LabServerOptions;
  /** Why a given server cannot produce the fault, or undefined if it can. */
  unsuitable(config: Required<LabServerOptions>, engine: LabEngine): string | undefined;
  /** URL changes relative to the healthy URL of the chosen role. */
  url(server: LabServer): UrlOptions;
  describe(server: LabServer): string;
  /** Engines that have this fault (default both). */
  engines?: LabEngine[];
  /** Superuser statements that build the fault in the server's catalog (idempotent). */
  setup?(server: LabServer): string[];
}

/** Accounts and databases the catalog faults create, beside the lab's own. */
export const FAULT_NAMES = {
  locked: 'locked_user', expired: 'expired_user', noConnectDb: 'no_connect_db', otherHost: 'net_user', socketUser: 'sock_user', blocked: 'blocked_user',
} as const;

/** max_password_errors for login-failures-blocked: the lab fails this many logins, and the next is refused. */
export const MAX_PASSWORD_ERRORS = 3;

/** max_connect_errors for host-blocked: the lab breaks off this many connections from the application host. */
export const MAX_CONNECT_ERRORS = 3;

export const ENGINE_NAME: Record<LabEngine, string> = { postgres: 'PostgreSQL', mariadb: 'MariaDB' };

const where = (s: LabServer): string => `${ENGINE_NAME[s.engine]} on ${s.host}:${s.port}`;
const anyServer = (): undefined => undefined;

/** URL query asking for TLS. mysql2 JSON-parses query values into its `ssl` option. */
function tlsParams(engine: LabEngine, mode: 'no-verify' | 'verify' | 'verify-with-ca', caFile?: string): Record<string, string> {
  if (engine === 'postgres') {
    if (mode === 'no-verify') return { sslmode: 'require' };
    return mode === 'verify' ? { sslmode: 'verify-full' } : { sslmode: 'verify-full', sslrootcert: caFile ?? '' };
  }
  if (mode === 'no-verify') return { ssl: JSON.stringify({ rejectUnauthorized: false }) };
  if (mode === 'verify') return { ssl: JSON.stringify({ rejectUnauthorized: true, verifyIdentity: true }) };
  // mysql2 wants the CA's PEM text, not a path, so the URL carries it.
  const ca = caFile ? readFileSync(caFile, 'utf8') : '';
  return { ssl: JSON.stringify({ ca, rejectUnauthorized: true, verifyIdentity: true }) };
}

export const SERVER_FAULTS: Record<ServerFaultKind, ServerFaultSpec> = {
  none: {
    options: () => ({}),
    unsuitable: anyServer,
    url: () => ({}),
    describe: (s) => `${where(s)} is healthy`,
  },
  auth: {
    options: () => ({}),
    unsuitable: anyServer,
    url: () => ({ password: 'wrong-password' }),
    describe: (s) => `${where(s)} rejects the password in the URL`,
  },
  'database-missing': {
    options: () => ({}),
    unsuitable: anyServer,
    url: () => ({ database: 'missing_db' }),
    describe: (s) => `${where(s)} has no database "missing_db"`,
  },
  'ssl-required': {
    options: () => ({ tls: 'required' }),
    unsuitable: (c) => (c.tls === 'required' ? undefined : "needs tls: 'required'"),
    url: (s): UrlOptions => (s.engine === 'postgres' ? { params: { sslmode: 'disable' } } : {}),
    describe: (s) => `${where(s)} only accepts TLS connections; the URL connects in plain text`,
  },
  'ssl-unsupported': {
    options: () => ({ tls: 'off' }),
    unsuitable: (c) => (c.tls === 'off' ? undefined : "needs tls: 'off'"),
    url: (s) => ({ params: tlsParams(s.engine, 'no-verify') }),
    describe: (s) => `${where(s)} has TLS disabled; the URL requires TLS`,
  },
  'cert-untrusted': {
    options: () => ({ tls: 'on' }),
    unsuitable: (c) => (c.tls === 'off' ? 'needs TLS on' : undefined),
    url: (s) => ({ params: tlsParams(s.engine, 'verify') }),
    describe: (s) => `${where(s)} presents a certificate from a private CA the client was not given`,
  },
  'cert-hostname': {
    options: () => ({ tls: 'on', cert: 'wrong-host' }),
    unsuitable: (c) => (c.tls !== 'off' && c.cert === 'wrong-host' ? undefined : "needs TLS on with cert: 'wrong-host'"),
    url: (s) => ({ params: tlsParams(s.engine, 'verify-with-ca', s.caFile) }),
    describe: (s) => `${where(s)} presents a trusted certificate naming only db.invalid-host.test, not 127.0.0.1/localhost`,
  },
  'too-many-connections': {
    // MariaDB raises max_connections below 10 to 10; PostgreSQL keeps 1 slot for superusers.
    options: (e) => (e === 'postgres' ? { maxConnections: 5, reservedConnections: 1 } : { maxConnections: 10 }),
    unsuitable: anyServer,
    url: () => ({}),
    describe: (s) => `${where(s)} has every ordinary connection slot held by idle app sessions`,
  },
  'no-hba-entry': {
    // Only hostssl lines on a server without TLS: PostgreSQL still says "no encryption", but no TLS would help.
    options: () => ({ tls: 'off', hostsslOnly: true }),
    unsuitable: (c) => (c.tls === 'off' && c.hostsslOnly ? undefined : "needs tls: 'off' and hostsslOnly"),
    url: () => ({}),
    describe: (s) => `${where(s)} has no TLS and pg_hba.conf only has hostssl lines: no entry matches a TCP client`,
    engines: ['postgres'],
  },
  'hba-no-match-tls': {
    // TLS on, and a line for the administrator only: "no pg_hba.conf entry …, no encryption" for the app in plain
    // text, yet TLS would not help either (no hostssl line names it).
    options: () => ({ tls: 'on', hbaLines: [adminLine()] }),
    unsuitable: (c) => (c.tls !== 'off' && sameLines(c.hbaLines, [adminLine()]) ? undefined : 'needs TLS on and a pg_hba.conf line for the administrator only'),
    url: () => ({ params: { sslmode: 'disable' } }),
    describe: (s) => `${where(s)} offers TLS, but pg_hba.conf has a line for ${s.superuser} only: no line matches the app, with TLS or without`,
    engines: ['postgres'],
  },
  'hba-reject': {
    options: () => ({ hbaLines: [`host all ${labCredentials().appUser} 127.0.0.1/32 reject`, allLine()] }),
    unsuitable: (c) => (c.hbaLines[0]?.endsWith(' reject') ? undefined : 'needs a reject line first in pg_hba.conf'),
    url: () => ({}),
    describe: (s) => `${where(s)}: pg_hba.conf line 2 rejects ${s.appUser} from 127.0.0.1 before the line that would let it in`,
    engines: ['postgres'],
  },
  'client-cert': {
    // PostgreSQL: a hostssl cert line for the app: without a client certificate PostgreSQL says "connection
    // requires a valid client certificate" whatever the password. MariaDB: the app's account REQUIRE X509, so a
    // login without one is a plain 1045. Both servers check a certificate that is sent against the lab CA and its
    // revocation list (client-certs.ts has one of each kind to send).
    options: (e) => (e === 'postgres' ? { tls: 'on', hbaLines: [`hostssl all ${labCredentials().appUser} 127.0.0.1/32 cert`, allLine()] } : { tls: 'on' }),
    unsuitable: (c, e) => (c.tls === 'off' ? 'needs TLS on'
      : e === 'postgres' && !c.hbaLines[0]?.endsWith(' cert') ? 'needs a hostssl … cert line first' : undefined),
    url: (s) => ({ params: tlsParams(s.engine, 'no-verify') }),
    describe: (s) => (s.engine === 'postgres'
      ? `${where(s)}: pg_hba.conf line 2 (hostssl … cert) asks ${s.appUser} for a client certificate; the URL has none`
      : `${where(s)}: account '${s.appUser}'@'%' REQUIRE X509; the URL sends no client certificate`),
    setup: (s) => (s.engine === 'mariadb' ? [`ALTER USER '${s.appUser}'@'%' REQUIRE X509`] : []),
  },
  'anonymous-shadow': {
    // ''@'localhost' is tried before 'app_user'@'%' for a socket client ('localhost'); a TCP client from 127.0.0.1
    // is not 'localhost' under skip-name-resolve (the lab's setting), so over TCP the app's own account still matches.
    options: () => ({}),
    unsuitable: anyServer,
    url: (s) => ({ params: { socket: join(labServerInfo(s)?.dir ?? '', 'mysqld.sock') } }),
    describe: (s) => `${where(s)}: an anonymous account ''@'localhost' is matched before '${s.appUser}'@'%' for socket clients: the right password is refused`,
    engines: ['mariadb'],
    setup: () => ["DROP USER IF EXISTS ''@'localhost'", "CREATE USER ''@'localhost'"],
  },
  'account-other-host': {
    // The account exists, with the right password, for 10.% only; the lab's clients come from 127.0.0.1. Another
    // account matches that host (the administrator's '%'), so the server answers 1045, not 1130.
    options: () => ({}),
    unsuitable: anyServer,
    url: (s) => ({ user: FAULT_NAMES.otherHost, password: s.appPassword }),
    describe: (s) => `${where(s)}: account '${FAULT_NAMES.otherHost}'@'10.%' has the right password, but the client comes from 127.0.0.1`,
    engines: ['mariadb'],
    setup: (s) => [`DROP USER IF EXISTS '${FAULT_NAMES.otherHost}'@'10.%'`,
      `CREATE USER '${FAULT_NAMES.otherHost}'@'10.%' IDENTIFIED BY ${sqlString(s.appPassword)}`,
      `GRANT ALL ON ${s.database}.* TO '${FAULT_NAMES.otherHost}'@'10.%'`],
  },
  'unix-socket-account': {
    // Debian's root: an account that authenticates with the client's OS user over the socket (unix_socket), not a
    // password. The app sends one over the socket as another OS user: 1698, which no password can pass.
    options: () => ({}),
    unsuitable: anyServer,
    url: (s) => ({ user: FAULT_NAMES.socketUser, password: s.appPassword, params: { socket: join(labServerInfo(s)?.dir ?? '', 'mysqld.sock') } }),
    describe: (s) => `${where(s)}: account '${FAULT_NAMES.socketUser}'@'localhost' IDENTIFIED VIA unix_socket; the app logs in over the socket with a password, as another OS user`,
    engines: ['mariadb'],
    setup: (s) => [`DROP USER IF EXISTS '${FAULT_NAMES.socketUser}'@'localhost'`,
      `CREATE USER '${FAULT_NAMES.socketUser}'@'localhost' IDENTIFIED VIA unix_socket`,
      `GRANT ALL ON ${s.database}.* TO '${FAULT_NAMES.socketUser}'@'localhost'`],
  },
  'login-failures-blocked': {
    // max_password_errors: after that many wrong passwords in a row the account is blocked until FLUSH PRIVILEGES
    // (or ALTER USER); then the right password gets 4150 too. The lab sends the wrong ones (faults.ts).
    options: () => ({}),
    unsuitable: anyServer,
    url: (s) => ({ user: FAULT_NAMES.blocked, password: s.appPassword }),
    describe: (s) => `${where(s)}: account '${FAULT_NAMES.blocked}'@'%' blocked after ${MAX_PASSWORD_ERRORS} wrong passwords (max_password_errors = ${MAX_PASSWORD_ERRORS}); the URL has the right one`,
    engines: ['mariadb'],
    setup: (s) => [`DROP USER IF EXISTS '${FAULT_NAMES.blocked}'@'%'`,
      `CREATE USER '${FAULT_NAMES.blocked}'@'%' IDENTIFIED BY ${sqlString(s.appPassword)}`,
      `GRANT ALL ON ${s.database}.* TO '${FAULT_NAMES.blocked}'@'%'`, `SET GLOBAL max_password_errors = ${MAX_PASSWORD_ERRORS}`],
  },
  'host-blocked': {
    // Name resolution on (a private hosts file, faults.ts/host-block.ts), and connections from the application host
    // (a relay from 127.0.0.2: the server never counts 127.0.0.1) broken off after the greeting until it is blocked.
    // The URL goes through the relay; the administrator's (server.adminUrl()) does not, as from the database host.
    options: () => ({ nameResolve: true, maxConnectErrors: MAX_CONNECT_ERRORS }),
    unsuitable: (c) => (c.nameResolve && c.maxConnectErrors > 0 ? undefined : 'needs nameResolve and maxConnectErrors'),
    url: () => ({}),
    describe: (s) => `${where(s)} blocks the application host ${APP_HOST.name} (${APP_HOST.address}) after ${MAX_CONNECT_ERRORS} connections closed before logging in (max_connect_errors = ${MAX_CONNECT_ERRORS})`,
    engines: ['mariadb'],
  },
  'socket-access': {
    // Root opens any socket: the fault is for a client that runs as another OS user (InjectedFault.clientUser).
    // PostgreSQL: the socket file's mode (unix_socket_permissions 0700) in a directory anyone may traverse;
    // MariaDB: the socket in the server's own directory, which only the server's OS user may enter (0700).
    options: (e) => (e === 'postgres' ? { socketPermissions: 0o700 } : {}),
    unsuitable: (c, e) => (e === 'postgres' && c.socketPermissions === 0 ? 'needs socketPermissions' : undefined),
    url: (s): UrlOptions => ({ params: s.engine === 'postgres' ? { host: serverDir(s) } : { socket: join(serverDir(s), 'mysqld.sock') } }),
    describe: (s) => (s.engine === 'postgres'
      ? `${where(s)}: its socket in ${serverDir(s)} has mode 0700 (unix_socket_permissions): only the server's OS user may connect to it`
      : `${where(s)}: its socket is in ${serverDir(s)}, a directory (0700) only the server's OS user may enter`),
  },
  'database-limit': {
    // The server has room (3 of 20 slots), but the database's own CONNECTION LIMIT is reached: 53300 "too many
    // connections for database". The lab holds that many app sessions (faults.ts).
    options: () => ({}),
    unsuitable: anyServer,
    url: () => ({}),
    describe: (s) => `${where(s)}: database ${s.database} has CONNECTION LIMIT ${DATABASE_LIMIT}, all held by idle app sessions; the server itself has room`,
    engines: ['postgres'],
    setup: (s) => [`ALTER DATABASE ${s.database} CONNECTION LIMIT ${DATABASE_LIMIT}`],
  },
  standby: {
    options: () => ({ standby: true }),
    unsuitable: (c) => (c.standby ? undefined : 'needs standby: true'),
    url: () => ({}),
    describe: (s) => `${where(s)} is a standby with hot_standby off: it answers, but refuses every login (57P03)`,
    engines: ['postgres'],
  },
  'server-starting': {
    options: () => ({ startingUp: true }),
    unsuitable: (c) => (c.startingUp ? undefined : 'needs startingUp: true'),
    url: () => ({}),
    describe: (s) => `${where(s)} is held in startup (a standby without the WAL of its last checkpoint): every login gets 57P03 "starting up"`,
    engines: ['postgres'],
  },
  privilege: {
    options: () => ({}),
    unsuitable: anyServer,
    url: () => ({ database: FAULT_NAMES.noConnectDb }),
    describe: (s) => `${where(s)}: the app role has no CONNECT privilege on database "${FAULT_NAMES.noConnectDb}" (42501)`,
    engines: ['postgres'],
    setup: () => [
      // CREATE DATABASE has no IF NOT EXISTS and cannot run in a DO block: drop and recreate (nobody is connected).
      `DROP DATABASE IF EXISTS ${FAULT_NAMES.noConnectDb}`,
      `CREATE DATABASE ${FAULT_NAMES.noConnectDb}`,
      `REVOKE CONNECT ON DATABASE ${FAULT_NAMES.noConnectDb} FROM PUBLIC`,
    ],
  },
  'account-locked': {
    options: () => ({}),
    unsuitable: anyServer,
    url: (s) => ({ user: FAULT_NAMES.locked, password: s.appPassword }),
    describe: (s) => (s.engine === 'postgres'
      ? `${where(s)}: role "${FAULT_NAMES.locked}" exists with the right password but is NOLOGIN`
      : `${where(s)}: account '${FAULT_NAMES.locked}'@'%' exists with the right password but is locked (ACCOUNT LOCK)`),
    setup: (s) => (s.engine === 'postgres'
      ? [`DROP ROLE IF EXISTS ${FAULT_NAMES.locked}`, `CREATE ROLE ${FAULT_NAMES.locked} NOLOGIN PASSWORD ${sqlString(s.appPassword)}`,
        `GRANT CONNECT ON DATABASE ${s.database} TO ${FAULT_NAMES.locked}`]
      : [`DROP USER IF EXISTS '${FAULT_NAMES.locked}'@'%'`,
        `CREATE USER '${FAULT_NAMES.locked}'@'%' IDENTIFIED BY ${sqlString(s.appPassword)} ACCOUNT LOCK`,
        `GRANT ALL ON ${s.database}.* TO '${FAULT_NAMES.locked}'@'%'`]),
  },
  'password-expired': {
    options: () => ({}),
    unsuitable: anyServer,
    url: (s) => ({ user: FAULT_NAMES.expired, password: s.appPassword }),
    describe: (s) => `${where(s)}: account '${FAULT_NAMES.expired}'@'%' has the right password, but it is expired (PASSWORD EXPIRE)`,
    // PostgreSQL reports an expired VALID UNTIL as a wrong password (28P01): nothing to tell apart.
    engines: ['mariadb'],
    setup: (s) => [`DROP USER IF EXISTS '${FAULT_NAMES.expired}'@'%'`,
      `CREATE USER '${FAULT_NAMES.expired}'@'%' IDENTIFIED BY ${sqlString(s.appPassword)} PASSWORD EXPIRE`,
      `GRANT ALL ON ${s.database}.* TO '${FAULT_NAMES.expired}'@'%'`],
  },
};

/** The CONNECTION LIMIT the database-limit fault sets (and fills). */
export const DATABASE_LIMIT = 3;

const serverDir = (s: LabServer): string => labServerInfo(s)?.dir ?? '';

const adminLine = (): string => `host all ${labCredentials().superuser} 127.0.0.1/32 scram-sha-256`;
const allLine = (): string => 'host all all 127.0.0.1/32 scram-sha-256';
const sameLines = (a: string[], b: string[]): boolean => a.length === b.length && a.every((l, i) => l === b[i]);

/** Ordinary (non-reserved) slots the lab fills for too-many-connections. */
export function ordinarySlots(engine: LabEngine, config: Required<LabServerOptions>): number {
  return engine === 'postgres' ? config.maxConnections - config.reservedConnections - config.reservedForRoles : config.maxConnections;
}
