// One connection to the store. pg is imported here, on first use only: a run without a store never loads
// it. Every connect and statement is bounded (STORE_TIMEOUT_MS): a store that accepts TCP and never answers
// costs a background upload 500 ms, never the run. A command the operator waits on (approve, follow, runs)
// connects with FOREGROUND_CONNECT_MS: a store across a network, or a loaded one, may take seconds to log in.
import type { Client, ClientConfig, QueryResultRow } from 'pg';
import { parseUrl } from '../db/url.js';
import { sslMode, tlsFiles } from '../db/ssl-options.js';
import { findPassword, passFile } from '../db/pgpass.js';

export const STORE_TIMEOUT_MS = 500;
export const FOREGROUND_CONNECT_MS = 10_000;

export interface StoreClient {
  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /** The login role: who the database says this is. */
  readonly role: string;
  readonly raw: Client;
  end(): Promise<void>;
}

export interface ConnectOptions {
  /** Statements that wait for something (LISTEN needs none): default STORE_TIMEOUT_MS. */
  statementMs?: number;
  applicationName?: string;
  /** The bound on connecting and logging in: default STORE_TIMEOUT_MS. */
  connectMs?: number;
}

export async function connectStore(url: string, opts: ConnectOptions = {}): Promise<StoreClient> {
  const { default: pg } = await import('pg');
  const client = new pg.Client(clientConfig(url, opts));
  // A dropped connection emits 'error' outside any query: the owner sees it at its next query instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    void client.end().catch(() => undefined);
    throw e;
  }
  let role = '';
  try {
    role = String((await client.query<{ r: string }>('SELECT session_user AS r')).rows[0]?.r ?? '');
  } catch (e) {
    void client.end().catch(() => undefined);
    throw e;
  }
  return {
    role, raw: client,
    query: async (sql, params) => (await client.query(sql, params)).rows,
    end: async () => { await Promise.race([client.end().catch(() => undefined), new Promise((r) => setTimeout(r, STORE_TIMEOUT_MS).unref())]); },
  };
}

function clientConfig(url: string, opts: ConnectOptions): ClientConfig {
  const info = parseUrl(url);
  const statementMs = opts.statementMs ?? STORE_TIMEOUT_MS;
  // Unset sslmode means no TLS here (not libpq's prefer): a store URL says verify-full when it crosses a network.
  const mode = info.sslmode === undefined && info.params.ssl === undefined ? 'disable' : sslMode(info);
  const ssl = mode === 'disable' || mode === 'allow' || mode === 'prefer' ? false
    : { ...tlsFiles(info), rejectUnauthorized: mode !== 'require', ...(mode === 'verify-full' ? {} : { checkServerIdentity: () => undefined }) };
  return {
    // Left out of the URL, the user, password and database come from PGUSER, PGPASSWORD / ~/.pgpass and
    // PGDATABASE, as for psql: a committed runbook.config.yaml need not hold anyone's credentials.
    host: info.host, port: info.port,
    ...(info.user ? { user: info.user } : {}), ...(info.database ? { database: info.database } : {}),
    password: info.password ? info.password : () => passwordFor(info),
    ssl,
    connectionTimeoutMillis: opts.connectMs ?? STORE_TIMEOUT_MS,
    statement_timeout: statementMs, query_timeout: statementMs + 100,
    keepAlive: true,
    application_name: opts.applicationName ?? 'runbook',
  };
}

/** Asked by pg only when the server wants a password: PGPASSWORD or the password file, else one line naming
 *  where a password is looked for (pg would otherwise fail deep in SASL, or warn that its own reading is deprecated). */
function passwordFor(info: ReturnType<typeof parseUrl>): string {
  const found = findPassword({ host: info.host, port: info.port, database: info.database || undefined, user: info.user || undefined });
  if (found.password !== undefined) return found.password;
  const why = found.ignored ? `; ${found.ignored}` : '';
  throw new Error(`the store asks for a password and none was found: not in the store URL, PGPASSWORD, or ${passFile()}${why}`);
}

/** The first line of a pg error, without a password (pg's messages never hold the URL). */
export function storeErrorText(e: unknown): string {
  const err = e as { message?: string; code?: string };
  const text = (err?.message ?? String(e)).split('\n')[0] ?? '';
  return err?.code && /^[0-9A-Z]{5}$/.test(err.code) && !/^RB/.test(err.code) ? `${text} (${err.code})` : text;
}
