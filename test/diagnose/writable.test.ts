// diagnose's writable layer on real servers: a login that works to a server that takes no writes (a
// database or server set read-only) is read-only-server, with the reason; a writable one passes on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { startServer, type LabEngine, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { assertAdviceAgrees } from './advice-agrees.js';

const TARGETS: { engine: LabEngine; name: string; postgresVersion?: '18' }[] = [
  { engine: 'postgres', name: 'postgres' }, { engine: 'postgres', name: 'postgres 18', postgresVersion: '18' }, { engine: 'mariadb', name: 'mariadb' },
];

/** Makes the app's database (PostgreSQL) or the server (MariaDB) read-only; returns the undo. */
async function readOnly(server: LabServer): Promise<() => Promise<void>> {
  if (server.engine === 'mariadb') {
    await adminQuery(server, 'SET GLOBAL read_only = 1');
    return async () => { await adminQuery(server, 'SET GLOBAL read_only = 0'); };
  }
  await adminQuery(server, `ALTER DATABASE ${server.database} SET default_transaction_read_only = on`);
  return async () => {
    const admin = new pg.Client({ connectionString: server.adminUrl(), connectionTimeoutMillis: 30_000 });
    await admin.connect();
    await admin.query('SET default_transaction_read_only = off'); // the admin's session reads the default too
    await admin.query(`ALTER DATABASE ${server.database} RESET default_transaction_read_only`);
    await admin.end();
  };
}

for (const { engine, name, postgresVersion } of TARGETS) {
  describe(`diagnose's writable layer on ${name}`, () => {
    let server: LabServer;
    before(async () => { server = await startServer(engine, postgresVersion ? { postgresVersion } : {}); });
    after(async () => { await server?.stop(); });

    it('a writable server passes the layer and goes on to the pool', async () => {
      const d = await diagnose({ url: server.url(), from: 'test' }, { timeoutMs: 10_000 });
      assert.equal(d.classification, 'ok', JSON.stringify(d.checks));
      assert.equal(d.checks.find((c) => c.layer === 'writable')?.status, 'ok');
    });

    if (engine === 'mariadb') {
      // A probe of stop 71: the global tx_read_only (every new session's transactions read-only) was not asked.
      it('the global tx_read_only: read-only-server, naming it; the read-only runbook has the application reconnect', async () => {
        await adminQuery(server, 'SET GLOBAL tx_read_only = 1');
        try {
          const d = await diagnose({ url: server.url(), from: 'test' }, { timeoutMs: 10_000 });
          assert.equal(d.classification, 'read-only-server', JSON.stringify(d.checks));
          assert.match(d.checks.find((c) => c.layer === 'writable')?.summary ?? '', /tx_read_only is ON/);
          const { advice } = await assertAdviceAgrees(server.url(), d);
          assert.match(advice, /SET GLOBAL tx_read_only = OFF/);
          assert.match(advice, /sessions the pool already holds keep read-only transactions/);
        } finally { await adminQuery(server, 'SET GLOBAL tx_read_only = 0'); }
      });
    }

    it('a read-only server is read-only-server, with the setting that makes it so', async () => {
      const undo = await readOnly(server);
      try {
        const d = await diagnose({ url: server.url(), from: 'test' }, { timeoutMs: 10_000 });
        assert.equal(d.classification, 'read-only-server', JSON.stringify(d.checks));
        const layer = d.checks.find((c) => c.layer === 'writable');
        assert.match(layer?.summary ?? '', engine === 'mariadb' ? /read_only is ON/ : /default_transaction_read_only is on/);
        assert.match(d.finding, /takes no writes/);
        assert.equal(d.checks.find((c) => c.layer === 'pool')?.status, 'skipped');
        // The read-only runbook names the same setting; on MariaDB its advice is the server's global, not a pool's.
        const { advice } = await assertAdviceAgrees(server.url(), d);
        assert.match(advice, engine === 'mariadb' ? /read_only/ : /default_transaction_read_only/);
      } finally {
        await undo();
      }
    });
  });
}
