// What each server-backed fault needs from the server and which URL reproduces it.
import { readFileSync } from 'node:fs';
import { sqlString } from './credentials.js';
import type { FaultKind, LabEngine, LabServer, LabServerOptions, UrlOptions } from './types.js';

export type ServerFaultKind = Exclude<FaultKind, 'refused' | 'timeout' | 'dropped'>;

export interface ServerFaultSpec {
  /** Options to start a fresh server for this fault. */
  options(engine: LabEngine): LabServerOptions;
  /** Why a given server cannot produce the fault, or undefined if it can. */
  unsuitable(config: Required<LabServerOptions>): string | undefined;
  /** URL changes relative to the healthy URL of the chosen role. */
  url(server: LabServer): UrlOptions;
  describe(server: LabServer): string;
  /** Engines that have this fault (default both). */
  engines?: LabEngine[];
  /** Superuser statements that build the fault in the server's catalog (idempotent). */
  setup?(server: LabServer): string[];
}

/** Accounts and databases the catalog faults create, beside the lab's own. */
export const FAULT_NAMES = { locked: 'locked_user', expired: 'expired_user', noConnectDb: 'no_connect_db' } as const;

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
  standby: {
    options: () => ({ standby: true }),
    unsuitable: (c) => (c.standby ? undefined : 'needs standby: true'),
    url: () => ({}),
    describe: (s) => `${where(s)} is a standby with hot_standby off: it answers, but refuses every login (57P03)`,
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

/** Ordinary (non-reserved) slots the lab fills for too-many-connections. */
export function ordinarySlots(engine: LabEngine, config: Required<LabServerOptions>): number {
  return engine === 'postgres' ? config.maxConnections - config.reservedConnections : config.maxConnections;
}
