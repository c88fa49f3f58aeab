// Servers out of a resource, for real. fillLockTable: PostgreSQL's lock table filled by one session's advisory
// locks; every new login, the superuser's too, gets 53200 "out of shared memory" until the holder ends.
// capThreads: MariaDB unable to start a thread (RLIMIT_NPROC 1, no thread cache); every new login gets 1135
// until the limit is given back; a session already open keeps working.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { capThreads, fillLockTable, startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';

const login = async (url: string): Promise<string> => {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  const r = await c.connect().then(() => 'ok', (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`);
  await c.end().catch(() => undefined);
  return r;
};

describe('fillLockTable', () => {
  let server: LabServer;
  before(async () => { server = await startPostgres(); });
  after(async () => { await server?.stop(); });

  it('every login gets 53200 out of shared memory until the holder is released', async () => {
    const holder = await fillLockTable(server);
    try {
      assert.ok(holder.locked > 100, `${holder.locked} advisory locks`);
      assert.equal(await login(server.url()), '53200: out of shared memory');
      assert.equal(await login(server.adminUrl()), '53200: out of shared memory');
    } finally {
      await holder.release();
    }
    assert.equal(await login(server.url()), 'ok');
  });
});

const myLogin = (url: string): Promise<string> => mysql.createConnection(url)
  .then(async (c) => { await c.end(); return 'ok'; }, (e: { errno?: number }) => String(e.errno));

describe('capThreads', () => {
  let server: LabServer;
  before(async () => { server = await startMariadb(); });
  after(async () => { await server?.stop(); });

  it('every new login gets 1135 until the limit is released; an open session keeps working', async () => {
    const open = await mysql.createConnection(server.url());
    try {
      const limit = await capThreads(server);
      try {
        assert.equal(await myLogin(server.url()), '1135');
        assert.equal(await myLogin(server.adminUrl()), '1135');
        const [rows] = await open.query('SELECT 1 AS one');
        assert.deepEqual(rows, [{ one: 1 }]);
      } finally {
        await limit.release();
      }
      assert.equal(await myLogin(server.url()), 'ok');
    } finally {
      await open.end();
    }
  });
});
