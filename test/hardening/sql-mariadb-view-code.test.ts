// On MariaDB a read's views are looked into the allowlist way (db/mysql-relations-check.ts): found by probe2,
// a step without `destructive: true` whose SQL is `SELECT g FROM v` validated as a read and ran, in --dry-run too,
// while the view v called a stored function that took GET_LOCK('probe2', 0): the READ ONLY transaction and
// `SET STATEMENT tx_read_only=1` stop writes, not locks. Now a read may name base tables of the reviewed engines
// and the server's own schemas; a view (however its name is written) is not known to be read-only, unless the
// step vouches for it with safe_because. A plain table still reads, dry and real.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { runSteps } from './read-steps.js';

describe('MariaDB: code a view calls, which the read\'s text does not show', () => {
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
    const lock = await adminQuery(server, `SELECT IS_USED_LOCK('probe2') AS holder`);
    assert.equal((lock as { holder: unknown }[])[0]!.holder, null, 'no session took the lock');
  });

  it('every spelling of the view\'s name is asked about; a base table reads; a vouched view runs', async () => {
    const db = server.database;
    await adminQuery(server, `CREATE TABLE ${db}.plain_rows (id INT)`);
    await adminQuery(server, `INSERT INTO ${db}.plain_rows VALUES (1), (2)`);
    await adminQuery(server, `CREATE VIEW ${db}.quiet AS SELECT 1 AS one`);
    const views = ['SELECT one FROM quiet', `SELECT one FROM ${db}.quiet`, 'SELECT one FROM `quiet`', `SELECT one FROM \`${db}\`.\`quiet\``,
      'SELECT p.id FROM plain_rows p JOIN quiet q ON 1', 'SELECT (SELECT one FROM quiet) AS x', 'WITH c AS (SELECT one FROM quiet) SELECT one FROM c',
      'SELECT id FROM plain_rows /*!50000 JOIN quiet ON 1 */'];
    const events = await runSteps(server.url(), [...views.map((query) => ({ query, params: [] })),
      { query: 'SELECT count(*) AS n FROM plain_rows', params: [] }, { query: 'SELECT one FROM quiet', params: [], vouched: true }], false);
    const result = (i: number) => { const f = events.find((e) => e.type === 'step-finished' && e.stepId === `s${i}`); assert.ok(f?.type === 'step-finished'); return f.result; };
    views.forEach((q, i) => assert.deepEqual([result(i).status, result(i).classification], ['failed', 'not-read-only'], `${q}: ${result(i).error}`));
    assert.equal(result(views.length).status, 'ok', result(views.length).error);
    assert.equal(result(views.length + 1).status, 'ok', `vouched: ${result(views.length + 1).error}`);
  });
});
