// The connection-error table's new classes, produced for real on the lab's PostgreSQL and MariaDB:
// the error the driver hands over classifies as the table says, and its row is the one listed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { classify } from '../../src/db/classify.js';
import { lookupError } from '../../src/db/errors/table.js';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from './helpers.js';

const HANG_GUARD_MS = 30_000;

/** The error a pg client gets, from the query or from the connection's own 'error' event (a FATAL while
 *  idle); 'no error' after the hang guard. */
async function pgError(url: string, work: (c: pg.Client) => Promise<unknown>): Promise<unknown> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: HANG_GUARD_MS });
  const fatal = new Promise<unknown>((resolve) => {
    client.on('error', resolve);
    setTimeout(() => resolve(new Error('no error')), HANG_GUARD_MS).unref();
  });
  try {
    await client.connect();
    return await Promise.race([work(client).then(() => fatal), fatal]);
  } catch (err) {
    return err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function mysqlError(opts: mysql.ConnectionOptions, work?: (c: mysql.Connection) => Promise<unknown>): Promise<unknown> {
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({ connectTimeout: HANG_GUARD_MS, ...opts });
    conn.on('error', () => undefined);
    await work?.(conn);
    return new Error('no error');
  } catch (err) {
    return err;
  } finally {
    await conn?.end().catch(() => undefined);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL, for real', () => {
  let server: LabServer;
  before(async () => { server = await startPostgres(); });
  after(async () => { await server?.stop(); });

  test('the server ends an idle session: 57P05 is session-timeout', async () => {
    const err = await pgError(server.url(), async (c) => { await c.query("SET idle_session_timeout = '100ms'"); await sleep(600); });
    assert.equal((err as { code?: string }).code, '57P05', String(err));
    assert.equal(classify(err), 'session-timeout');
  });

  test('the server ends a session idle in a transaction: 25P03 is session-timeout', async () => {
    const err = await pgError(server.url(), async (c) => {
      await c.query("SET idle_in_transaction_session_timeout = '100ms'");
      await c.query('BEGIN');
      await sleep(600);
      await c.query('SELECT 1');
    });
    assert.equal((err as { code?: string }).code, '25P03', String(err));
    assert.equal(classify(err), 'session-timeout');
  });

  test('a database closed to connections is database-closed', async () => {
    await adminQuery(server, 'CREATE DATABASE closed_db');
    await adminQuery(server, 'ALTER DATABASE closed_db ALLOW_CONNECTIONS false');
    const err = await pgError(server.url({ database: 'closed_db' }), async () => undefined);
    assert.equal((err as { code?: string }).code, '55000', String(err));
    assert.equal(classify(err), 'database-closed');
  });

  test('a role at its CONNECTION LIMIT is too-many-connections', async () => {
    await adminQuery(server, `CREATE ROLE capped LOGIN PASSWORD 'capped-pw' CONNECTION LIMIT 0`);
    const err = await pgError(server.url({ user: 'capped', password: 'capped-pw' }), async () => undefined);
    assert.equal((err as { code?: string }).code, '53300', String(err));
    assert.equal(classify(err), 'too-many-connections');
  });

  test('a write to a server that takes none is not-read-only to the table (the SQL executor makes it read-only-server)', async () => {
    await adminQuery(server, `ALTER DATABASE ${server.database} SET default_transaction_read_only = on`);
    try {
      const err = await pgError(server.url(), (c) => c.query('CREATE TABLE t (id int)'));
      assert.equal((err as { code?: string }).code, '25006', String(err));
      assert.equal(lookupError(err as object)?.name, 'read_only_sql_transaction');
    } finally {
      // The administrator's own session reads the database default too: turn it off for that session first.
      const admin = new pg.Client({ connectionString: server.adminUrl(), connectionTimeoutMillis: HANG_GUARD_MS });
      await admin.connect();
      await admin.query('SET default_transaction_read_only = off');
      await admin.query(`ALTER DATABASE ${server.database} RESET default_transaction_read_only`);
      await admin.end();
    }
  });

  test('a client that sends no password is password-missing', async () => {
    const url = new URL(server.url());
    url.password = '';
    const err = await pgError(url.toString(), async () => undefined);
    assert.equal(classify(err), 'password-missing', String(err));
  });
});

describe('MariaDB, for real', () => {
  let server: LabServer;
  let base: mysql.ConnectionOptions;
  before(async () => {
    server = await startMariadb();
    base = { host: server.host, port: server.port, database: server.database };
  });
  after(async () => { await server?.stop(); });

  test('no password sent is password-missing (1045 "using password: NO")', async () => {
    const err = await mysqlError({ ...base, user: server.appUser });
    assert.equal((err as { errno?: number }).errno, 1045, String(err));
    assert.equal(classify(err), 'password-missing');
  });

  test('an account blocked after failed passwords is too-many-login-failures (4150)', async () => {
    await adminQuery(server, `CREATE USER 'fumbler'@'%' IDENTIFIED BY 'right-pw'`);
    await adminQuery(server, 'SET GLOBAL max_password_errors = 1');
    try {
      await mysqlError({ ...base, database: undefined, user: 'fumbler', password: 'wrong' });
      const err = await mysqlError({ ...base, database: undefined, user: 'fumbler', password: 'right-pw' });
      assert.equal((err as { errno?: number }).errno, 4150, String(err));
      assert.equal(classify(err), 'too-many-login-failures');
    } finally {
      await adminQuery(server, 'SET GLOBAL max_password_errors = DEFAULT');
    }
  });

  test('an hourly quota used up is quota-exceeded (1226), a per-account slot limit too-many-connections', async () => {
    await adminQuery(server, `CREATE USER 'hourly'@'%' IDENTIFIED BY 'pw' WITH MAX_CONNECTIONS_PER_HOUR 1`);
    await mysqlError({ ...base, database: undefined, user: 'hourly', password: 'pw' });
    const quota = await mysqlError({ ...base, database: undefined, user: 'hourly', password: 'pw' });
    assert.equal((quota as { errno?: number }).errno, 1226, String(quota));
    assert.equal(classify(quota), 'quota-exceeded');

    await adminQuery(server, `CREATE USER 'single'@'%' IDENTIFIED BY 'pw' WITH MAX_USER_CONNECTIONS 1`);
    const held = await mysql.createConnection({ ...base, database: undefined, user: 'single', password: 'pw', connectTimeout: HANG_GUARD_MS });
    try {
      const slots = await mysqlError({ ...base, database: undefined, user: 'single', password: 'pw' });
      assert.equal(classify(slots), 'too-many-connections', String(slots));
    } finally {
      await held.end();
    }
  });

  test('a write on a read_only server is read-only-server (1290)', async () => {
    await adminQuery(server, 'SET GLOBAL read_only = 1');
    try {
      const err = await mysqlError({ ...base, user: server.appUser, password: server.appPassword },
        (c) => c.query('CREATE TABLE t (id int)'));
      assert.equal((err as { errno?: number }).errno, 1290, String(err));
      assert.equal(classify(err), 'read-only-server');
    } finally {
      await adminQuery(server, 'SET GLOBAL read_only = 0');
    }
  });

  test('a failing init_connect drops every ordinary login: init-connect-failed (1184)', async () => {
    await adminQuery(server, `SET GLOBAL init_connect = 'SELECT * FROM no_such_db.no_such_table'`);
    try {
      const err = await mysqlError({ ...base, user: server.appUser, password: server.appPassword }, (c) => c.query('SELECT 1'));
      assert.equal((err as { errno?: number }).errno, 1184, String(err));
      assert.equal(classify(err), 'init-connect-failed');
    } finally {
      await adminQuery(server, `SET GLOBAL init_connect = ''`);
    }
  });

  test('an account that logs in through unix_socket, tried over TCP, is auth-method (1698)', async () => {
    await adminQuery(server, `CREATE USER 'sockonly'@'%' IDENTIFIED VIA unix_socket`);
    const err = await mysqlError({ ...base, database: undefined, user: 'sockonly', password: 'x' });
    assert.equal((err as { errno?: number }).errno, 1698, String(err));
    assert.equal(classify(err), 'auth-method');
  });
});
