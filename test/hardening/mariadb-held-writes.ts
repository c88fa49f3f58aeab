// The fixture of the MariaDB lock tests (sql-mariadb-hold-writes, sql-mariadb-table-locks): a server with an
// application's InnoDB table `t`, read by the administrator's account, and a write run from another session while
// read steps run, timed: a proven read must never keep it waiting.
import mysql from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import type { RunEvent } from '../../src/engine/events.js';
import { adminQuery } from '../db/helpers.js';
import { runSteps, type Step } from './read-steps.js';

export interface HeldWritesServer { server: LabServer; url: string; db: string }

/** MariaDB with `db.t` (x auto-increment, y: 1, 2, 3); `url` is the administrator's account (LOCK TABLES and
 *  SELECT on mysql) in the application's database. */
export async function startWithAppTable(): Promise<HeldWritesServer> {
  const server = await startMariadb();
  const db = server.database;
  const url = server.url({ user: server.superuser, password: server.superPassword, database: db });
  await adminQuery(server, `CREATE TABLE ${db}.t (x INT AUTO_INCREMENT PRIMARY KEY, y INT) ENGINE = InnoDB`);
  await adminQuery(server, `INSERT INTO ${db}.t (y) VALUES (1), (2), (3)`);
  return { server, url, db };
}

/** Runs the steps, and meanwhile (from `delayMs` in) runs `write` from another session: how long it took. */
export async function runWhileWriting(s: HeldWritesServer, write: string, steps: Step[], dryRun: boolean, first?: string, delayMs = 700): Promise<{ events: RunEvent[]; writeMs: number }> {
  const conn = await mysql.createConnection({ uri: s.server.adminUrl() });
  try {
    const run = runSteps(s.url, steps, dryRun, first);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const t0 = performance.now();
    await conn.query(write);
    const writeMs = performance.now() - t0;
    return { events: await run, writeMs };
  } finally {
    await conn.end();
  }
}
