// Statements run as the lab superuser, to build faults that live in the server's catalog
// (a locked account, a database without CONNECT). Each fault's statements are idempotent, so a
// shared server can build the same fault twice.
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { LabServer } from './types.js';

export async function adminSql(server: LabServer, statements: string[]): Promise<void> {
  if (server.engine === 'postgres') {
    const client = new pg.Client({ connectionString: server.adminUrl() });
    await client.connect();
    try {
      for (const s of statements) await client.query(s);
    } finally {
      await client.end();
    }
    return;
  }
  const conn = await mysql.createConnection(server.adminUrl());
  try {
    for (const s of statements) await conn.query(s);
  } finally {
    await conn.end();
  }
}
