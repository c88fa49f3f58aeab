// PgBouncer's admin console through the sql executor: a step that is not destructive may send only SHOW <word>
// (no read-only transaction exists there), enforced by the session before anything is sent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openSession } from '../../src/db/open.js';
import { parseUrl } from '../../src/db/url.js';
import { createExecutors } from '../../src/executors/index.js';
import { addressOf, fingerprintSession } from '../../src/executors/fingerprint.js';
import { startServer, type LabServer } from '../../src/lab/index.js';
import { pgbouncerBinary, startPgbouncer, type LabPooler } from '../../src/lab/pgbouncer.js';
import { testContext } from '../executors/context.js';

describe('PgBouncer admin console sessions', { skip: pgbouncerBinary() ? false : 'pgbouncer is not installed' }, () => {
  let backend: LabServer;
  let pooler: LabPooler;
  before(async () => { backend = await startServer('postgres'); pooler = await startPgbouncer(backend, { defaultPoolSize: 3 }); });
  after(async () => { await pooler?.stop(); await backend?.stop(); });

  it('a read-only sql step runs SHOW POOLS / SHOW CONFIG on the console (no BEGIN READ ONLY)', async () => {
    const executors = createExecutors();
    try {
      const sql = (query: string) => executors.execute({ kind: 'sql', connection: 'pooler', url: pooler.adminUrl(), query, params: [], readOnly: true }, testContext());
      const pools = await sql('SHOW POOLS');
      assert.equal(pools.status, 'ok', pools.error);
      assert.ok(pools.columns?.includes('cl_waiting'));
      const config = await sql('show config;');
      assert.equal(config.status, 'ok', config.error);
      assert.equal(config.rows?.find((r) => r.key === 'default_pool_size')?.value, '3');
      // The session survives a refusal and the next SHOW still works.
      const refused = await sql('SELECT 1');
      assert.equal(refused.classification, 'not-read-only', refused.error);
      assert.match(String(refused.error), /^not read-only: step test-step: (25006: )?the PgBouncer admin console takes only SHOW <word> from a step that is not destructive \(got: SELECT 1\); mark it 'destructive: true'/);
      assert.equal((await sql('SHOW CLIENTS')).status, 'ok');
    } finally {
      await executors.close();
    }
  });

  it('anything but SHOW <word> is refused before it is sent: PAUSE, SET, two commands, bind parameters', async () => {
    const session = await openSession(parseUrl(pooler.adminUrl()), { timeoutMs: 5000, signal: new AbortController().signal });
    try {
      assert.match(session.serverVersion, /PgBouncer/);
      const ro = { readOnly: true, signal: new AbortController().signal };
      for (const text of ['PAUSE', 'SET default_pool_size = 1', 'SHOW POOLS; PAUSE', 'SHOW POOLS PAUSE', 'KILL app_db', 'SHUTDOWN', 'RELOAD']) {
        await assert.rejects(session.query(text, [], ro), (e: Error & { code?: string }) => e.code === '25006' && /only SHOW <word>/.test(e.message), text);
      }
      await assert.rejects(session.query('SHOW POOLS', [1], ro), /no bind parameters/);
      // Who answered, for the transcript and resume: the pooler's version, weak (compared with the URL's address).
      const fp = await fingerprintSession(session, addressOf(parseUrl(pooler.adminUrl())), ro.signal);
      assert.deepEqual([fp.weak, fp.port, fp.database], [true, pooler.port, 'pgbouncer']);
      assert.match(fp.server, /^PgBouncer 1\./);
      // Nothing was paused or changed: the pool still says its configured size, the app still gets in.
      const r = await session.query('SHOW CONFIG', [], ro);
      assert.equal(r.rows.find((x) => x.key === 'default_pool_size')?.value, '3');
      const executors = createExecutors();
      try {
        const app = await executors.execute({ kind: 'probe', probe: 'db-connect', url: pooler.url(), timeoutMs: 5000 }, testContext());
        assert.equal(app.status, 'ok', app.error);
      } finally { await executors.close(); }
      // A destructive step (past its gate) sends its command as it is, without BEGIN.
      const paused = await session.query('RELOAD', [], { readOnly: false, signal: new AbortController().signal });
      assert.equal(paused.rowCount, 0);
      assert.equal(session.alive, true);
    } finally {
      await session.close();
    }
  });
});
