// Independent checks on lab servers with the plain drivers (not through the code under test).
import mysql from 'mysql2/promise';
import pg from 'pg';
import { eventually as poll } from '../helpers/poll.js';
import type { LabServer } from '../../src/lab/index.js';

/** Connect timeout of the independent checks: it must not fire (~20 ms idle; a hang guard, issue #20). */
const CONNECT_MS = 30_000;

export const adminQuery = (server: LabServer, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => queryAt(server, server.adminUrl(), sql, params);

/** The same as the application's own role (the lab's app user): what a hostile database owner can do. */
export const appQuery = (server: LabServer, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => queryAt(server, server.url(), sql, params);

async function queryAt(server: LabServer, url: string, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  if (server.engine === 'postgres') {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_MS });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  }
  const conn = await mysql.createConnection({ uri: url, connectTimeout: CONNECT_MS });
  try {
    const [rows] = await conn.query(sql, params);
    return rows as Record<string, unknown>[];
  } finally {
    await conn.end();
  }
}

/** Polls `check` (a query: every 100 ms, not to crowd the server) until it is true or `ms` pass (a hang
 *  guard: what it waits for, a cancelled or killed session, goes within ~100 ms on an idle machine). */
export const eventually = (check: () => Promise<boolean>, ms = 15_000): Promise<boolean> => poll(check, ms, 100);

/** createExecutors' cancelGraceMs for tests whose cancel must land. The product drops the connection after 1 s
 *  (db/canceller.ts: the bound for a frozen server, so Ctrl-C stays prompt); a live server answers a cancel
 *  within ~50 ms idle, but on a loaded machine the cancel (a fork on PostgreSQL, a whole login before KILL on
 *  MariaDB) can take longer than 1 s, and then the session is dropped instead. 30 s: a hang guard (issue #20). */
export const CANCEL_LANDS_MS = 30_000;

/** An abort reason the executors read as the step's timeout (the engine's timer gives the same). */
export const timedOut = (): Error => Object.assign(new Error('step timed out'), { name: 'TimeoutError' });

/** A plain session as the application, named `victim`: a read that kills backends or takes locks shows on it. */
export async function victimSession(server: LabServer): Promise<pg.Client> {
  const victim = new pg.Client({ connectionString: server.url(), application_name: 'victim' });
  victim.on('error', () => undefined);
  await victim.connect();
  return victim;
}
