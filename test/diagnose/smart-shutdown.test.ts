// A PostgreSQL smart shutdown (SIGTERM, pg_ctl stop -m smart) while the application holds a connection (issue #35):
// the server waits for every client to disconnect, and refuses new logins with 57P03 "the database system is
// shutting down" for as long as they stay. diagnose's class is server-starting (57P03 has no code of its own for
// it); its finding must not promise that waiting ends it. What the refused runbook does with it (wait-login, up to
// three times three minutes) is in docs/runbooks/refused.md's review, with the change proposed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { labServerInfo, startPostgres, type LabServer } from '../../src/lab/index.js';
import { until } from '../helpers/poll.js';

describe('diagnose during a smart shutdown that an application connection holds open', () => {
  let server: LabServer;
  let held: pg.Client;
  before(async () => {
    server = await startPostgres();
    held = new pg.Client({ connectionString: server.url() });
    held.on('error', () => undefined); // the immediate stop at the end cuts it
    await held.connect();
    process.kill(labServerInfo(server)!.pid, 'SIGTERM');
  });
  after(async () => { await held?.end().catch(() => undefined); await server?.stop(); });

  it('57P03 "shutting down": server-starting, the refused runbook, and a finding that says a smart shutdown does not end by itself', async () => {
    // A hang guard only: the signal is handled at once on an idle machine.
    const d = await until(async () => {
      const r = await diagnose({ url: server.url(), from: 'test' }, { timeoutMs: 30_000 });
      return /shutting down/.test(r.checks.find((c) => c.layer === 'connect')?.summary ?? '') ? r : undefined;
    }, 60_000, 'the server refusing logins while it shuts down', 100);
    assert.equal(d.classification, 'server-starting', JSON.stringify(d.checks));
    assert.equal(d.runbook, 'refused');
    assert.match(d.checks.find((c) => c.layer === 'connect')?.summary ?? '', /57P03: the database system is shutting down/);
    assert.match(d.finding, /smart shutdown .* waits for every client to disconnect/);
    // The held connection still works: that is what keeps the shutdown waiting.
    assert.equal((await held.query('SELECT 1 AS one')).rows[0].one, 1);
  });
});
