// What each server-backed fault needs from the server and which URL reproduces it.
import { readFileSync } from 'node:fs';
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
}

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
};

/** Ordinary (non-reserved) slots the lab fills for too-many-connections. */
export function ordinarySlots(engine: LabEngine, config: Required<LabServerOptions>): number {
  return engine === 'postgres' ? config.maxConnections - config.reservedConnections : config.maxConnections;
}
