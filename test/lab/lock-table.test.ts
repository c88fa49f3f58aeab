// fillLockTable: a real PostgreSQL whose lock table one session's advisory locks fill. Every new login, the
// superuser's too, gets 53200 "out of shared memory" while the holder lives; once it ends, logins work again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { fillLockTable, startPostgres, type LabServer } from '../../src/lab/index.js';

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
