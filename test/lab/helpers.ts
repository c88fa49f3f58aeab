// Shared helpers for lab tests: connect with the real drivers and capture their errors.
import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { until } from '../helpers/poll.js';

export type DriverError = Error & { code?: string; errno?: number; sqlState?: string; reason?: string };

/** Connect timeouts (issue #20). ANSWER_MS where the server's own answer is the result (a refused login, an
 *  unknown database, TLS, too many connections): it must not fire, and a login is ~20 ms idle but far slower on
 *  a loaded machine, where 500 ms lost to the timer ("timeout expired"). TIMEOUT_MS only where the timeout IS the
 *  result (a silent server, network.test.ts): short, and asserted as at least itself. */
export const ANSWER_MS = 30_000;
export const TIMEOUT_MS = 500;

/** Connects with pg and returns the connect error; fails the test if it connects. */
export async function pgConnectError(url: string, timeoutMs = ANSWER_MS): Promise<DriverError> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    return err as DriverError;
  }
  await client.end();
  throw new Error(`expected ${url} to fail, but it connected`);
}

export async function pgQuery<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: ANSWER_MS });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function myConnectError(url: string, timeoutMs = ANSWER_MS): Promise<DriverError> {
  try {
    const conn = await mysql.createConnection({ uri: url, connectTimeout: timeoutMs });
    await conn.end();
  } catch (err) {
    return err as DriverError;
  }
  throw new Error(`expected ${url} to fail, but it connected`);
}

export async function myQuery<T = Record<string, unknown>>(url: string, sql: string, ssl?: { caFile: string }): Promise<T[]> {
  const conn = await mysql.createConnection({
    uri: url,
    connectTimeout: ANSWER_MS,
    ...(ssl ? { ssl: { ca: readFileSync(ssl.caFile, 'utf8'), verifyIdentity: true } } : {}),
  });
  try {
    const [rows] = await conn.query(sql);
    return rows as T[];
  } finally {
    await conn.end();
  }
}

export { eventually } from '../helpers/poll.js';

/** A MariaDB server has finished with every connection but the asker's: whatever it counts (Aborted_connects,
 *  the host cache) is counted. Hang guard 30 s. */
export async function mariadbSettled(adminUrl: string): Promise<void> {
  await until(async () => {
    const [row] = await myQuery(adminUrl, 'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()');
    return Number(row?.['n']) === 0;
  }, 30_000, 'the server to finish with the connections');
}

/** `query` retried until the server lets it in. A slot is free once the ended session's server process or
 *  thread is gone, a moment after the client saw the end, longer on a loaded machine (issue #20). Hang guard:
 *  30 s (~10 ms idle); the last refusal is in the error. */
export async function onceLetIn<T>(query: () => Promise<T>, what: string, ms = 30_000): Promise<T> {
  let last: unknown;
  const got = await until(async () => {
    try { return { value: await query() }; } catch (err) { last = err; return undefined; }
  }, ms, what, 100).catch((err: Error) => { throw new Error(`${err.message}; last refusal: ${String(last)}`); });
  return got.value;
}

/** True once `pid` no longer runs (absent, or a zombie awaiting its reaper). */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
