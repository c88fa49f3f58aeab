// An SQL step's own login to a server at its connection limit (db/slot-wait.ts), on real PostgreSQL and MariaDB:
// the application's slots full and the administrators' slot taken by someone else. Freed a moment after the
// step starts, the step gets in and runs; taken throughout, the step fails too-many-connections, saying how often
// it was refused. A probe, which reports what the application sees, is refused at once.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createExecutors } from '../../src/executors/index.js';
import { holdConnections, startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import type { ExecutorSet, SqlAction } from '../../src/executors/types.js';
import { testContext } from '../executors/context.js';

for (const engine of ['postgres', 'mariadb'] as const) {
  describe(`an SQL step's login to a full ${engine} server`, () => {
    let server: LabServer;
    let executors: ExecutorSet; // one set per test: a set keeps its sessions, and each test needs a new login
    const step = (): SqlAction => ({ kind: 'sql', connection: 'admin', url: server.adminUrl(), query: 'SELECT 1 AS one', params: [], readOnly: true, timeoutMs: 30_000 });

    before(async () => {
      // PostgreSQL: 4 slots, 1 kept for superusers. MariaDB: 10 (its least), and its one extra for SUPER.
      server = engine === 'postgres' ? await startPostgres({ maxConnections: 4, reservedConnections: 1 }) : await startMariadb({ maxConnections: 10 });
    });
    beforeEach(() => { executors = createExecutors(); });
    afterEach(async () => { await executors.close(); });
    after(async () => { await server.stop(); });

    /** Every ordinary slot held by the application, and the administrators' slot by another administrator. The
     *  last test's connections may still count for a moment (MariaDB counts a closed one until its thread has
     *  left): then the application got fewer, and the holds are let go and taken again. */
    async function fill() {
      const ordinary = engine === 'postgres' ? 3 : 10;
      for (let i = 0; ; i++) {
        const app = await holdConnections(engine, server.url(), 20);
        const admin = await holdConnections(engine, server.adminUrl(), 20);
        const release = async () => { await admin.release(); await app.release(); };
        if (app.opened === ordinary && admin.opened === 1) return { app, admin, release };
        await release();
        if (i === 300) assert.fail(`the application held ${app.opened} of ${ordinary} slots, the administrator ${admin.opened} of 1`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    it('the administrators\' slot freed a moment later: the step gets in and runs', async () => {
      const held = await fill();
      try {
        const running = executors.execute(step(), testContext());
        setTimeout(() => void held.admin.release(), 350); // after the first refusal (the next try is at 250 ms + 500 ms)
        const r = await running;
        assert.equal(r.status, 'ok', r.error);
        assert.deepEqual(r.rows, [{ one: 1 }]);
      } finally {
        await held.release();
      }
    });

    it('taken throughout: too-many-connections, saying how often it was refused; a probe is refused at once', async () => {
      const held = await fill();
      try {
        const r = await executors.execute(step(), testContext());
        assert.equal(r.status, 'failed');
        assert.equal(r.classification, 'too-many-connections', r.error);
        assert.match(r.error ?? '', /refused \d+ times over [4-9]\.\d s/, r.error);
        const probe = await executors.execute({ kind: 'probe', probe: 'db-connect', url: server.adminUrl(), timeoutMs: 30_000 }, testContext());
        assert.equal(probe.classification, 'too-many-connections');
        assert.doesNotMatch(probe.error ?? '', /refused \d+ times/, 'the probe says what the application sees, once');
      } finally {
        await held.release();
      }
    });
  });
}
