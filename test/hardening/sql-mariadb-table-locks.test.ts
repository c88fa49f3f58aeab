// A hostile probe (MariaDB 10.11, dry runs) found proven reads that kept writes waiting without LOCK TABLES:
// a read of an Aria/MyISAM/MEMORY/MERGE table locks the whole table for the statement (SLEEP beside
// mysql.global_priv kept SET PASSWORD waiting 5.3 s; beside an application's Aria table, its UPDATE 8.3 s); under
// SERIALIZABLE (the server's global, or a destructive step's session setting left on the connection) every InnoDB
// read took shared row locks (an UPDATE waited 6.1 s); information_schema.INNODB_CMP_RESET resets counters when
// read; a wait step polling `SLEEP(4.5)` on mysql.user kept account administration blocked back to back; a MERGE
// table in mysql passed as the server's own while LOCK TABLES locked the application's table under it.
// Each is now refused before it runs, or no longer blocks: the concurrent write completes in under a second.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import type { LabServer } from '../../src/lab/index.js';
import { HOLD_LIMIT_MS } from '../../src/db/mysql-hold.js';
import type { RunEvent } from '../../src/engine/events.js';
import { adminQuery } from '../db/helpers.js';
import { runSteps, stepResult, type Step } from './read-steps.js';
import { runWhileWriting, startWithAppTable, type HeldWritesServer } from './mariadb-held-writes.js';

const result = stepResult;

describe('MariaDB: a proven read holds no lock that keeps a write waiting', () => {
  let server: LabServer;
  let url = '';
  let db = '';

  let s: HeldWritesServer;
  before(async () => {
    s = await startWithAppTable();
    ({ server, url, db } = s);
    for (const engine of ['Aria', 'MyISAM', 'MEMORY']) {
      await adminQuery(server, `CREATE TABLE ${db}.m_${engine.toLowerCase()} (x INT, y INT) ENGINE = ${engine}`);
      await adminQuery(server, `INSERT INTO ${db}.m_${engine.toLowerCase()} VALUES (1, 1), (2, 2)`);
    }
    await adminQuery(server, `CREATE TABLE mysql.mm (x INT, y INT) ENGINE = MRG_MyISAM UNION = (${db}.m_myisam)`);
    await adminQuery(server, `CREATE TABLE ${db}.mm_app (x INT, y INT) ENGINE = MRG_MyISAM UNION = (${db}.m_myisam)`);
    await adminQuery(server, `CREATE USER 'probe_target'@'%' IDENTIFIED BY 'pw'`);
  });
  after(async () => {
    await adminQuery(server, "SET GLOBAL tx_isolation = 'REPEATABLE-READ'").catch(() => undefined);
    await server?.stop();
  });

  const runWhile = (write: string, steps: Step[], dryRun: boolean, first?: string, delayMs = 700) => runWhileWriting(s, write, steps, dryRun, first, delayMs);

  const refused = (events: RunEvent[], id: string, pattern: RegExp): void => {
    const r = result(events, id);
    assert.deepEqual([r.status, r.classification], ['failed', 'not-read-only'], `${id}: ${r.error}`);
    assert.match(r.error ?? '', pattern);
  };

  for (const dryRun of [true, false]) {
    const dry = dryRun ? 'dry run: ' : '';

    it(`${dry}SLEEP in a read of mysql.global_priv (Aria) is refused, and SET PASSWORD does not wait`, async () => {
      const { events, writeMs } = await runWhile("SET PASSWORD FOR 'probe_target'@'%' = PASSWORD('pw2')",
        [{ query: 'SELECT SLEEP(8) AS s, COUNT(*) AS n FROM mysql.global_priv', params: [] }], dryRun);
      refused(events, 's0', /calls SLEEP\(\) in a read of mysql\.global_priv \(the Aria engine\), which locks the whole table/);
      assert.ok(writeMs < 1000, `SET PASSWORD waited ${Math.round(writeMs)} ms`);
    });

    it(`${dry}a read of an application's Aria, MyISAM or MEMORY table is refused before it runs, naming it and its engine`, async () => {
      const steps: Step[] = [
        { query: 'SELECT SLEEP(10) AS s, COUNT(*) AS n FROM m_aria', params: [] },
        { query: `SELECT COUNT(*) AS n FROM ${db}.m_myisam`, params: [] },
        { query: 'SELECT y FROM m_memory WHERE x = ?', params: ['1'], vouched: true },
        { query: `SELECT COUNT(*) AS n FROM t JOIN ${db}.m_aria a ON a.x = t.x`, params: [] },
      ];
      const { events, writeMs } = await runWhile(`UPDATE ${db}.m_aria SET y = y + 1`, steps, dryRun, undefined, 300);
      refused(events, 's0', new RegExp(`${db}\\.m_aria \\(the Aria engine\\), which locks the whole table while a statement reads it: the application's writes`));
      refused(events, 's1', new RegExp(`${db}\\.m_myisam \\(the MyISAM engine\\)`));
      refused(events, 's2', new RegExp(`${db}\\.m_memory \\(the MEMORY engine\\)`));
      refused(events, 's3', new RegExp(`${db}\\.m_aria \\(the Aria engine\\)`));
      assert.ok(writeMs < 1000, `the UPDATE waited ${Math.round(writeMs)} ms`);
    });

    it(`${dry}a MERGE table is refused, in mysql (beside mysql.user too) and in the application's database`, async () => {
      const steps: Step[] = [
        { query: 'SELECT COUNT(*) AS n FROM mysql.user JOIN mysql.mm', params: [] },
        { query: 'SELECT COUNT(*) AS n, SLEEP(3) AS s FROM mysql.mm', params: [] },
        { query: 'SELECT COUNT(*) AS n FROM mm_app', params: [] },
      ];
      const { events, writeMs } = await runWhile(`INSERT INTO ${db}.m_myisam VALUES (3, 3)`, steps, dryRun, undefined, 300);
      refused(events, 's0', /mysql\.mm, a MERGE table \(MRG_MyISAM\)/);
      refused(events, 's1', /mysql\.mm, a MERGE table \(MRG_MyISAM\)/);
      refused(events, 's2', new RegExp(`${db}\\.mm_app, a MERGE table`));
      assert.ok(writeMs < 1000, `the INSERT waited ${Math.round(writeMs)} ms`);
    });

    it(`${dry}SLEEP in a read of mysql.user (LOCK TABLES) is refused before the lock: a polling wait cannot hold account administration`, async () => {
      const steps: Step[] = [
        { query: 'SELECT COUNT(*) AS n, SLEEP(4.5) AS s FROM mysql.user', params: [] },
        { query: 'SELECT COUNT(*) AS n, (SELECT sleep(4.5)) AS s FROM mysql.user u JOIN mysql.db d ON d.User = u.User', params: [] },
      ];
      const { events, writeMs } = await runWhile("SET PASSWORD FOR 'probe_target'@'%' = PASSWORD('pw3')", steps, dryRun, undefined, 300);
      refused(events, 's0', /calls SLEEP\(\) in a read of mysql\.user, a view of the server's own/);
      refused(events, 's1', /calls SLEEP\(\) in a read of mysql\.user/);
      assert.ok(writeMs < 1000, `SET PASSWORD waited ${Math.round(writeMs)} ms`);
    });

    it(`${dry}information_schema's *_RESET tables are not proven reads: validate says so, and the run refuses them`, async () => {
      const steps: Step[] = [
        { query: 'SELECT * FROM information_schema.INNODB_CMP_RESET', params: [] },
        { query: 'SELECT page_size FROM `INFORMATION_SCHEMA`.`innodb_cmpmem_reset`', params: [] },
        { query: 'SELECT COUNT(*) AS n FROM information_schema.INNODB_CMP_PER_INDEX_RESET', params: [] },
      ];
      await assert.rejects(runSteps(url, steps, dryRun), /step 's0' runs SQL that is not read-only: it reads information_schema\.INNODB_CMP_RESET, which resets the server's counters when read[\s\S]*'s1'[\s\S]*'s2'/);
      const events = await runSteps(url, steps, dryRun, undefined, true);
      steps.forEach((_, i) => refused(events, `s${i}`, /resets the server's counters when read/));
    });
  }

  // Real runs only: a dry run runs no destructive step, so nothing leaves SERIALIZABLE on its connection.
  it('a read after a destructive step left SERIALIZABLE on the connection takes no row lock', async () => {
    const { events, writeMs } = await runWhile(`UPDATE ${db}.t SET y = y + 1 WHERE x = 1`,
      [{ query: 'SELECT COUNT(*) AS n, SLEEP(3) AS s FROM t', params: [] }], false,
      'SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE');
    const r = result(events, 's0');
    assert.equal(r.status, 'ok', r.error);
    assert.ok(writeMs < 1000, `the UPDATE waited ${Math.round(writeMs)} ms`);
  });

  it('under a SERIALIZABLE server default, a read runs REPEATABLE READ (the pin sets it and reads it back), and takes no row lock', async () => {
    await adminQuery(server, "SET GLOBAL tx_isolation = 'SERIALIZABLE'");
    const conn = await mysql.createConnection({ uri: server.adminUrl() });
    try {
      for (const dryRun of [true, false]) {
        const run = runSteps(url, [{ query: 'SELECT COUNT(*) AS n, SLEEP(3) AS s FROM t', params: [] }], dryRun);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        // The read's own transaction, as InnoDB shows it.
        const [levels] = await conn.query("SELECT trx_isolation_level AS l FROM information_schema.INNODB_TRX WHERE trx_query LIKE '%SLEEP(3)%'");
        const t0 = performance.now();
        await conn.query(`UPDATE ${db}.t SET y = y + 1 WHERE x = 2`);
        const writeMs = performance.now() - t0;
        const events = await run;
        assert.equal(result(events, 's0').status, 'ok', result(events, 's0').error);
        assert.deepEqual((levels as { l: string }[]).map((r) => r.l), ['REPEATABLE READ']);
        assert.ok(writeMs < 1000, `the UPDATE waited ${Math.round(writeMs)} ms`);
      }
    } finally {
      await conn.end();
      await adminQuery(server, "SET GLOBAL tx_isolation = 'REPEATABLE-READ'");
    }
  });

  it(`a slow read of mysql.global_priv (Aria, no LOCK TABLES) is stopped after ${HOLD_LIMIT_MS / 1000} s, and account changes wait no longer`, async () => {
    const slow = 'WITH RECURSIVE c (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000) SELECT COUNT(*) AS n FROM c a JOIN c b JOIN c d JOIN mysql.global_priv g';
    for (const dryRun of [true, false]) {
      const { events, writeMs } = await runWhile(`CREATE USER 'held_${dryRun ? 'dry' : 'real'}'@'%' IDENTIFIED BY 'pw'`, [{ query: slow, params: [] }], dryRun);
      const r = result(events, 's0');
      assert.deepEqual([r.status, r.classification], ['timeout', 'timeout'], r.error);
      assert.match(r.error ?? '', /mysql\.global_priv \(the Aria engine\), whose engine locks the whole table while a statement reads it, and the engine stops such a read after 5 s/);
      assert.ok(r.durationMs < HOLD_LIMIT_MS + 1500, `the step took ${r.durationMs} ms`);
      assert.ok(writeMs < HOLD_LIMIT_MS + 500, `CREATE USER waited ${Math.round(writeMs)} ms`);
    }
  });

  it('the server\'s own Aria tables still read, and a read of them is held to the hold\'s limit', async () => {
    const steps: Step[] = [
      { query: 'SELECT COUNT(*) AS n FROM mysql.global_priv', params: [] },
      { query: 'SELECT User, Host FROM mysql.user', params: [] },
      { query: 'SELECT d.Db FROM mysql.db d JOIN t ON t.x = 1', params: [] },
    ];
    for (const dryRun of [true, false]) {
      const events = await runSteps(url, steps, dryRun);
      steps.forEach((s, i) => assert.equal(result(events, `s${i}`).status, 'ok', `${s.query}: ${result(events, `s${i}`).error}`));
    }
  });
});
