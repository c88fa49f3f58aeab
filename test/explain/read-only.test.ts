// An application's read-only transaction is the server's doing, not the engine's own read-only session (issue #48):
// PostgreSQL 25006 and MariaDB 1792 in an application's log had a class (not-read-only) with no runbook path. The
// errors come from real servers (a role whose default_transaction_read_only is on, a session in a READ ONLY
// transaction on MariaDB), written the way the drivers print them; explain must name read-only-server and the
// read-only runbook.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli } from '../helpers/cli.js';

/** The error a write gets, as the driver prints it (inspected, with its code). */
async function refusedWrite(write: () => Promise<unknown>): Promise<string> {
  try { await write(); } catch (err) { return `${String(err)} code: '${String((err as { code?: unknown }).code)}' errno: ${String((err as { errno?: unknown }).errno)}`; }
  throw new Error('the write was not refused');
}

describe('explain: a read-only transaction in the application\'s log', () => {
  let postgres: LabServer;
  let mariadb: LabServer;
  before(async () => { [postgres, mariadb] = await Promise.all([startPostgres(), startMariadb()]); });
  after(async () => { await Promise.all([postgres?.stop(), mariadb?.stop()]); });

  it('PostgreSQL 25006 from a role with default_transaction_read_only on: read-only-server, the read-only runbook', async () => {
    await adminQuery(postgres, `ALTER ROLE ${postgres.appUser} SET default_transaction_read_only = on`);
    const c = new pg.Client({ connectionString: postgres.url() });
    await c.connect();
    const text = await refusedWrite(() => c.query('CREATE TABLE t_ro (x int)')).finally(() => c.end());
    assert.match(text, /read-only transaction.*code: '25006'/);
    const r = cli(['explain', text]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^1 × read-only-server — from the server/);
    assert.match(r.stdout, /run: runbook run read-only /);
  });

  it('MariaDB 1792 from a READ ONLY transaction: read-only-server, the read-only runbook', async () => {
    const c = await mysql.createConnection({ uri: mariadb.url() });
    await c.query('CREATE TABLE IF NOT EXISTS t_ro (x int)');
    await c.query('START TRANSACTION READ ONLY');
    const text = await refusedWrite(() => c.query('INSERT INTO t_ro VALUES (1)')).finally(() => c.end());
    assert.match(text, /errno: 1792/);
    const r = cli(['explain', text]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^1 × read-only-server — from the server/);
    assert.match(r.stdout, /run: runbook run read-only /);
  });
});
