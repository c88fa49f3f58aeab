// Independent checks on lab servers with the plain drivers (not through the code under test).
import mysql from 'mysql2/promise';
import pg from 'pg';
import { eventually as poll } from '../helpers/poll.js';
import type { LabServer } from '../../src/lab/index.js';

export async function adminQuery(server: LabServer, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (server.engine === 'postgres') {
    const client = new pg.Client({ connectionString: server.adminUrl(), connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  }
  const conn = await mysql.createConnection({ uri: server.adminUrl(), connectTimeout: 5000 });
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
