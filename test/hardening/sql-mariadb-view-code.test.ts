// NOT FIXED (probe2, found 2026-11-24): on MariaDB a read's views are not looked into (docs/confirmation.md,
// "What is not covered"), and this is what it costs. A step without `destructive: true` whose SQL is
// `SELECT g FROM v` validates as a read and runs, in --dry-run too, while the view v calls a stored function
// that takes GET_LOCK('probe2', 0) (or any other non-writing effect a stored function may have: SLEEP, a
// session variable, RELEASE_ALL_LOCKS of the locks the application holds): the READ ONLY transaction and
// `SET STATEMENT tx_read_only=1` stop writes, not locks. Observed: status ok, rows [{ g: 1 }], dry and real.
// What it should do, the allowlist way (as db/pg-pin-sql.ts does on PostgreSQL): ask information_schema which of
// the tables the text names (node-sql-parser's table list, DATABASE() for unqualified ones) are views outside
// mysql/sys/information_schema/performance_schema, or use an engine not known to be a plain store (CONNECT,
// FEDERATED, SPIDER …), and refuse the read as "not known to be read-only" (vouchable with safe_because) unless
// their definitions only call known functions. Skipped until that exists; remove the skip to see it fail.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { runSteps } from './read-steps.js';

describe('MariaDB: code a view calls, which the read\'s text does not show', { skip: 'not fixed: MariaDB views are not resolved (see the comment at the top)' }, () => {
  let server: LabServer;
  before(async () => { server = await startMariadb(); });
  after(async () => { await server?.stop(); });

  it('a view calling a stored function that takes a named lock: refused, dry and real', async () => {
    const db = server.database;
    await adminQuery(server, `CREATE FUNCTION ${db}.grab() RETURNS INT DETERMINISTIC RETURN GET_LOCK('probe2', 0)`);
    await adminQuery(server, `CREATE VIEW ${db}.v AS SELECT ${db}.grab() AS g`);
    for (const dryRun of [true, false]) {
      const events = await runSteps(server.url(), [{ query: 'SELECT g FROM v', params: [] }], dryRun);
      const f = events.find((e) => e.type === 'step-finished' && e.stepId === 's0');
      assert.ok(f?.type === 'step-finished');
      assert.deepEqual([f.result.status, f.result.classification], ['failed', 'not-read-only'], `${dryRun ? 'dry run: ' : ''}${f.result.error}`);
      assert.match(f.result.error ?? '', /not known to be read-only/);
    }
  });
});
