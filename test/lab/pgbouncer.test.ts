// PgBouncer in front of a real lab PostgreSQL: each pooler fault is built for real, then db-connect,
// diagnose and the built-in runbooks must name the pooler's layer. One backend serves every fault.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { createExecutors } from '../../src/executors/index.js';
import { startServer, type LabServer } from '../../src/lab/index.js';
import { pgbouncerBinary, startPgbouncer } from '../../src/lab/pgbouncer.js';
import { injectPoolerFault, POOLER_FAULT_CLASS, POOLER_FAULT_KINDS, type PoolerFaultKind } from '../../src/lab/pooler-faults.js';
import { testContext } from '../executors/context.js';

const RUNBOOK: Record<PoolerFaultKind, string> = {
  'pooler-client-limit': 'pool-exhausted', 'pooler-wait-timeout': 'pool-exhausted', 'pooler-queued': 'pool-exhausted',
  'pooler-auth': 'auth', 'pooler-backend-down': 'refused',
};
/** Probe timeouts: ≥ 5 s where the answer comes from the pooler (backend down after client_login_timeout, 3 s; the wait
 *  after query_wait_timeout, 1 s). A queue of 120 s is never answered: the probe's own timeout ends it, so a short one. */
const TIMEOUT_MS = (kind: PoolerFaultKind): number => (kind === 'pooler-queued' ? 1500 : 15_000);

describe('PgBouncer', { skip: pgbouncerBinary() ? false : 'pgbouncer is not installed' }, () => {
  let backend: LabServer;
  before(async () => { backend = await startServer('postgres'); });
  after(async () => { await backend?.stop(); });

  for (const kind of POOLER_FAULT_KINDS) {
    it(`${kind}: db-connect classifies it, diagnose names the pooler and the runbook`, async () => {
      const fault = await injectPoolerFault(kind, backend);
      const executors = createExecutors();
      try {
        const r = await executors.execute({ kind: 'probe', probe: 'db-connect', url: fault.url, timeoutMs: TIMEOUT_MS(kind) }, testContext());
        assert.equal(r.classification, POOLER_FAULT_CLASS[kind], `${fault.describe}: ${r.error ?? ''}`);
        const d = await diagnose({ url: fault.url, from: 'test' }, { timeoutMs: TIMEOUT_MS(kind) });
        assert.deepEqual([d.classification, d.scenario, d.runbook], [POOLER_FAULT_CLASS[kind], 'pooler', RUNBOOK[kind]], JSON.stringify(d.checks));
        if (kind === 'pooler-queued') assert.match(String(r.error), /logged in, but the first query waited/);
        assert.match(d.finding, /pooler/i);
      } finally {
        await executors.close();
        await fault.cleanup();
      }
    });
  }

  it('a missing database at the pooler is database-missing', async () => {
    const pooler = await startPgbouncer(backend);
    const executors = createExecutors();
    try {
      const r = await executors.execute({ kind: 'probe', probe: 'db-connect', url: pooler.url({ database: 'nope' }), timeoutMs: 5000 }, testContext());
      assert.equal(r.classification, 'database-missing', r.error);
    } finally {
      await executors.close();
      await pooler.stop();
    }
  });

  it('db-connect and diagnose work against the admin console (SHOW VERSION, not SELECT 1)', async () => {
    const pooler = await startPgbouncer(backend);
    const executors = createExecutors();
    try {
      const r = await executors.execute({ kind: 'probe', probe: 'db-connect', url: pooler.adminUrl(), timeoutMs: 5000 }, testContext());
      assert.equal(r.status, 'ok', r.error);
      assert.match(String(r.details?.serverVersion), /PgBouncer/);
      const d = await diagnose({ url: pooler.adminUrl(), from: 'test' }, { timeoutMs: 5000 });
      assert.equal(d.checks.find((c) => c.layer === 'connect')?.status, 'ok', JSON.stringify(d.checks));
      assert.match(d.checks.find((c) => c.layer === 'connect')!.summary, /PgBouncer/);
      // Through the pooler to the database, the ordinary probe still works.
      const app = await executors.execute({ kind: 'probe', probe: 'db-connect', url: pooler.url(), timeoutMs: 5000 }, testContext());
      assert.equal(app.status, 'ok', app.error);
    } finally {
      await executors.close();
      await pooler.stop();
    }
  });
});
