// A proven read of a view of the server's own (mysql.user on MariaDB) is held by LOCK TABLES … READ on every table
// it names (db/mysql-hold.ts). A hostile probe joined mysql.user with an application's InnoDB table and slept in
// it (`SLEEP` is a proven read; any slow join would do): the lock kept another session's INSERT into that table
// waiting for the whole read, 3.3 s where it took 1 ms, in real runs and dry runs, and a table only mentioned in
// a subquery that never runs was locked the same. Now such a read is refused before anything is locked, and a
// read of the server's own tables under the lock is stopped after HOLD_LIMIT_MS. The server's own mysql.user
// reads still work, alone and beside information_schema (the built-in runbooks read them so).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import type { LabServer } from '../../src/lab/index.js';
import { HOLD_LIMIT_MS } from '../../src/db/mysql-hold.js';
import { adminQuery } from '../db/helpers.js';
import { runSteps, stepResult, type Step } from './read-steps.js';
import { runWhileWriting, startWithAppTable, type HeldWritesServer } from './mariadb-held-writes.js';

const result = stepResult;

describe('MariaDB: a read held by LOCK TABLES never locks an application\'s table, and is held for a bounded time', () => {
  let server: LabServer;
  let url = '';
  let db = '';

  let s: HeldWritesServer;
  before(async () => {
    s = await startWithAppTable();
    ({ server, url, db } = s);
    // An administrator's view in mysql, under the server's definer, whose plain definition reads the app's table.
    await adminQuery(server, `CREATE DEFINER = 'mariadb.sys'@'localhost' SQL SECURITY INVOKER VIEW mysql.twin_reads_app AS SELECT y FROM ${db}.t`);
  });
  after(async () => { await server?.stop(); });

  /** Runs the steps, and meanwhile (from `delayMs` in) inserts into the app's table from another session:
   *  how long the insert took. */
  const runWhileInserting = async (steps: Step[], dryRun: boolean, delayMs = 700) => {
    const { events, writeMs } = await runWhileWriting(s, `INSERT INTO ${db}.t (y) VALUES (9)`, steps, dryRun, undefined, delayMs);
    return { events, insertMs: writeMs };
  };

  for (const dryRun of [true, false]) {
    it(`${dryRun ? 'dry run: ' : ''}the probe's read is refused before any lock, naming the app's table, and an INSERT into it is not kept waiting`, async () => {
      const query = `SELECT COUNT(*) AS n, SLEEP(5) AS s FROM mysql.user JOIN ${db}.t`;
      const { events, insertMs } = await runWhileInserting([{ query, params: [] }], dryRun);
      const r = result(events, 's0');
      assert.deepEqual([r.status, r.classification], ['failed', 'not-read-only'], r.error);
      assert.match(r.error ?? '', new RegExp(`mysql\\.user.*would lock the application's table ${db}\\.t against writes while it runs; read the server view in a step of its own`));
      assert.ok(insertMs < 1000, `the INSERT waited ${Math.round(insertMs)} ms`);
    });
  }

  it('every way of naming an app table beside mysql.user is refused (unqualified, a subquery that never runs, WITH, a derived table, LEFT JOIN, vouched)', async () => {
    const reads = [
      'SELECT COUNT(*) AS n FROM mysql.user JOIN t',
      `SELECT User FROM mysql.user WHERE 1 = 0 AND User IN (SELECT CAST(y AS CHAR) FROM ${db}.t)`,
      `WITH c AS (SELECT y FROM ${db}.t) SELECT COUNT(*) AS n FROM mysql.user, c`,
      `SELECT COUNT(*) AS n FROM (SELECT y FROM ${db}.t) d JOIN mysql.user u ON 1 = 1`,
      `SELECT u.User FROM mysql.user u LEFT JOIN ${db}.t a ON a.y = 0`,
      `SELECT (SELECT MAX(y) FROM \`${db}\`.\`t\`) AS m, (SELECT COUNT(*) FROM mysql.user) AS n`,
    ];
    const steps: Step[] = reads.map((query, i) => ({ query, params: [], vouched: i % 2 === 1 }));
    for (const dryRun of [true, false]) {
      const { events, insertMs } = await runWhileInserting(steps, dryRun, 50);
      reads.forEach((q, i) => {
        const r = result(events, `s${i}`);
        assert.deepEqual([r.status, r.classification], ['failed', 'not-read-only'], `${q}: ${r.error}`);
        assert.match(r.error ?? '', new RegExp(`lock the application's table ${db}\\.t against writes`), q);
      });
      assert.ok(insertMs < 1000, `the INSERT waited ${Math.round(insertMs)} ms`);
    }
  });

  it('a view in mysql (the server\'s definer, a plain definition) that reads the app\'s table is refused under the lock, before the statement', async () => {
    for (const dryRun of [true, false]) {
      const { events, insertMs } = await runWhileInserting([{ query: 'SELECT COUNT(*) AS n FROM mysql.twin_reads_app', params: [] }], dryRun);
      const r = result(events, 's0');
      assert.deepEqual([r.status, r.classification], ['failed', 'not-read-only'], r.error);
      assert.match(r.error ?? '', new RegExp(`mysql\\.twin_reads_app, a view in the server's own schema whose definition reads ${db}\\.t, outside the server's own schemas`));
      assert.ok(insertMs < 1000, `the INSERT waited ${Math.round(insertMs)} ms`);
    }
  });

  it(`a slow read of the server's own tables under the lock is stopped after ${HOLD_LIMIT_MS / 1000} s, as a timeout that says why, and account changes wait no longer`, async () => {
    const conn = await mysql.createConnection({ uri: server.adminUrl() });
    try {
      for (const dryRun of [true, false]) {
        // SLEEP is refused in such a read (sql-mariadb-table-locks.test.ts): a slow join it may be.
        const slow = 'WITH RECURSIVE c (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000) SELECT COUNT(*) AS n FROM c a JOIN c b JOIN c d JOIN mysql.user u';
        const run = runSteps(url, [{ query: slow, params: [] }], dryRun);
        await new Promise((resolve) => setTimeout(resolve, 700));
        // Waits for mysql.global_priv, which the lock on mysql.user holds.
        const t0 = performance.now();
        await conn.query(`CREATE USER 'held_${dryRun ? 'dry' : 'real'}'@'%' IDENTIFIED BY 'pw'`);
        const createMs = performance.now() - t0;
        const r = result(await run, 's0');
        // The step's own timeout (the default's) is longer: the step times out, and says at which limit.
        assert.deepEqual([r.status, r.classification], ['timeout', 'timeout'], r.error);
        assert.match(r.error ?? '', /max_statement_time exceeded.*mysql\.user, a view of the server's own.*stops such a read after 5 s/);
        assert.ok(r.durationMs < HOLD_LIMIT_MS + 1500, `the step took ${r.durationMs} ms`);
        assert.ok(createMs < HOLD_LIMIT_MS + 500, `CREATE USER waited ${Math.round(createMs)} ms`);
      }
    } finally {
      await conn.end();
    }
  });

  it('the server\'s own mysql.user still reads under the lock, alone and beside information_schema, dry and real', async () => {
    const steps: Step[] = [
      { query: 'SELECT User, Host FROM mysql.user', params: [] },
      { query: 'SELECT COUNT(*) AS n FROM `mysql`.`user` WHERE User = ?', params: [server.superuser] },
      { query: 'SELECT p.USER AS user, COUNT(*) AS n FROM information_schema.PROCESSLIST p LEFT JOIN mysql.user u ON u.User = p.USER GROUP BY p.USER', params: [] },
      { query: 'SELECT u.User FROM mysql.user u JOIN mysql.global_priv g ON g.User = u.User AND g.Host = u.Host', params: [] },
    ];
    for (const dryRun of [true, false]) {
      const events = await runSteps(url, steps, dryRun);
      steps.forEach((s, i) => {
        const r = result(events, `s${i}`);
        assert.equal(r.status, 'ok', `${dryRun ? 'dry run: ' : ''}${s.query}: ${r.error}`);
      });
    }
  });
});
