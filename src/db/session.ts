// A live database connection as the executors see it, whichever the driver.
import type { RefusedServers } from './refused-servers.js';
import type { LoginTimeline } from './login-timeline.js';
import type { MysqlLink } from './mysql-link.js';
import type { TlsSettings } from './ssl-options.js';

/** The server actually reached; a mysql:// URL may lead to MariaDB and vice versa. */
export type ServerFlavour = 'postgres' | 'mysql' | 'mariadb';

export interface QueryOptions {
  readOnly: boolean;
  /** Server-side statement timeout; the engine passes what remains of the step timeout. */
  timeoutMs?: number;
  /** On abort the running statement is cancelled on the server, then the transaction rolled back. */
  signal: AbortSignal;
  /** The step's safe_because: a read whose server-resolved code is not known to be read-only may run
   *  (code known to act never does). */
  vouched?: boolean;
  /** A parameter holds a secret: not sent to a server that would log it (parameter-logging.ts). */
  secretParams?: boolean;
}

export interface QueryResult {
  /** The first rows, bounded by db/row-budget (row count and bytes); rowCount counts them all. */
  rows: Record<string, unknown>[];
  rowCount: number;
  columns: string[];
  /** Rows returned but not kept, and the bytes (as JSON) they would have taken. */
  rowsOmitted?: number;
  bytesOmitted?: number;
  /** What of the server's secrets the read reached as the server resolved it (a view of pg_authid under another
   *  name): the step is given them, its rows and errors withheld (secrets/step-taint.ts). */
  secretsRead?: string[];
}

/** `target` (a result, or the error a statement failed with) told the secrets its read reached. */
export function withSecretsRead<T>(target: T, secretsRead: string[]): T {
  if (secretsRead.length && target !== null && typeof target === 'object') Object.assign(target, { secretsRead });
  return target;
}

/** The secrets a read's result or error says it reached. */
export const secretsReadOf = (value: unknown): string[] | undefined => {
  const s = value !== null && typeof value === 'object' ? (value as { secretsRead?: unknown }).secretsRead : undefined;
  return Array.isArray(s) && s.length ? s.map(String) : undefined;
};

export interface Session {
  readonly flavour: ServerFlavour;
  readonly serverVersion: string;
  /** PostgreSQL backend pid / MySQL connection (thread) id. */
  readonly backendId: number;
  /** The TLS settings the connection was made with (null: plain text). */
  readonly tls: TlsSettings | null;
  /** MySQL/MariaDB: what the login's connection showed below the login (TCP, greeting, certificate). */
  readonly mysqlLink?: MysqlLink;
  /** How long each phase of this connection's login took (db/login-timeline.ts). */
  readonly timeline?: LoginTimeline;
  /** False once the connection broke or was closed; the cache then opens a new one. */
  readonly alive: boolean;
  /** Runs one statement in its own transaction (read-only when asked) and commits. */
  query(sql: string, params: unknown[], opts: QueryOptions): Promise<QueryResult>;
  /** `SELECT 1` outside any transaction. */
  ping(signal: AbortSignal): Promise<void>;
  /** Who this connection is on its server, so that a later process can ask whether it still runs: the backend
   *  id and when it (PostgreSQL: the backend; MySQL/MariaDB, whose ids restart with the server: the server) started. */
  serverSession(signal: AbortSignal): Promise<{ backend: number; started: string }>;
  /** Cancels whatever runs, then disconnects. Idempotent, never throws, bounded in time. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Connect timeout. */
  timeoutMs: number;
  signal: AbortSignal;
  /** The run's environment: credentials the URL leaves out come from here (db/url-env.ts). */
  env?: Record<string, string | undefined>;
  /** How long an aborted statement is cancelled before the connection is dropped (default CANCEL_GRACE_MS). */
  cancelGraceMs?: number;
  /** The run's servers found running code at a login (refused-servers.ts): none logged in to again. */
  refused?: RefusedServers;
  /** The address of the URL's host to connect to (a TCP URL): the one the client's walk of the name reached
   *  (executors/probes/address-walk.ts). The host name still names the server to TLS. */
  address?: string;
}
