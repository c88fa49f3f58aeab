// Independent checks on lab servers with the plain drivers (not through the code under test).
import mysql from 'mysql2/promise';
import pg from 'pg';
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

/** Polls `check` until it returns true or `ms` pass; returns the last outcome. */
export async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
