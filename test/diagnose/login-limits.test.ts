// diagnose's pool layer counts the limits that apply to this login, not only the server's: a role or
// database CONNECTION LIMIT (PostgreSQL) or an account's MAX_USER_CONNECTIONS (MariaDB) with one slot
// left warns, though the server has plenty free. Real servers; the other session is really held.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';

const run = (url: string) => diagnose({ url, from: 'test' }, { timeoutMs: 10_000 });
const pool = (d: Awaited<ReturnType<typeof run>>) => d.checks.find((c) => c.layer === 'pool');

describe('login limits on PostgreSQL', () => {
  let server: LabServer;
  before(async () => { server = await startPostgres(); });
  after(async () => { await server?.stop(); });

  it('no role or database limit: the pool layer is the server\'s alone', async () => {
    const d = await run(server.url());
    assert.equal(pool(d)?.status, 'ok', JSON.stringify(pool(d)));
    assert.deepEqual((pool(d)?.details as { loginLimits: unknown[] }).loginLimits, []);
  });

  it('a role limit of 2 with one session held warns, naming the role', async () => {
    await adminQuery(server, `CREATE ROLE capped2 LOGIN PASSWORD 'pw' CONNECTION LIMIT 2`);
    await adminQuery(server, `GRANT CONNECT ON DATABASE ${server.database} TO capped2`);
    const url = server.url({ user: 'capped2', password: 'pw' });
    const held = new pg.Client({ connectionString: url, connectionTimeoutMillis: 30_000 });
    await held.connect();
    try {
      const d = await run(url);
      assert.equal(pool(d)?.status, 'warn', JSON.stringify(pool(d)));
      assert.match(pool(d)?.summary ?? '', /2 of 2 for role capped2's CONNECTION LIMIT/);
      assert.equal(d.runbook, 'pool-exhausted');
    } finally {
      await held.end();
    }
  });
});

describe('login limits on MariaDB', () => {
  let server: LabServer;
  before(async () => { server = await startMariadb(); });
  after(async () => { await server?.stop(); });

  it("an account's MAX_USER_CONNECTIONS of 2 with one session held warns, naming the account", async () => {
    await adminQuery(server, `CREATE USER 'capped2'@'%' IDENTIFIED BY 'pw' WITH MAX_USER_CONNECTIONS 2`);
    await adminQuery(server, `GRANT SELECT ON ${server.database}.* TO 'capped2'@'%'`);
    const url = server.url({ user: 'capped2', password: 'pw' });
    const held = await mysql.createConnection({ uri: url, connectTimeout: 30_000 });
    try {
      const d = await run(url);
      assert.equal(pool(d)?.status, 'warn', JSON.stringify(pool(d)));
      assert.match(pool(d)?.summary ?? '', /2 of 2 for account capped2@%'s MAX_USER_CONNECTIONS/);
    } finally {
      await held.end();
    }
  });
});
