// Shared helpers for lab tests: connect with the real drivers and capture their errors.
import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import pg from 'pg';

export type DriverError = Error & { code?: string; errno?: number; sqlState?: string; reason?: string };

const CONNECT_TIMEOUT_MS = 500;

/** Connects with pg and returns the connect error; fails the test if it connects. */
export async function pgConnectError(url: string): Promise<DriverError> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
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
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function myConnectError(url: string): Promise<DriverError> {
  try {
    const conn = await mysql.createConnection({ uri: url, connectTimeout: CONNECT_TIMEOUT_MS });
    await conn.end();
  } catch (err) {
    return err as DriverError;
  }
  throw new Error(`expected ${url} to fail, but it connected`);
}

export async function myQuery<T = Record<string, unknown>>(url: string, sql: string, ssl?: { caFile: string }): Promise<T[]> {
  const conn = await mysql.createConnection({
    uri: url,
    connectTimeout: 5_000,
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
