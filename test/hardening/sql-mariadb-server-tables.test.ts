// A probe of stop 70 (MariaDB 10.11, root): the server reads tables of its own that a read does not name. A plain
// `SELECT a, b FROM t` made it read mysql.table_stats (use_stat_tables, when it opened t afresh), which root had
// made FEDERATED over a view calling a function: max_connections went down at a dry run. And SHOW EVENTS read
// mysql.event, made FEDERATED to another server, which was sent the database's name. A read now pins
// use_stat_tables = NEVER; SHOW forms and information_schema tables are proven only from an allowlist, EVENTS,
// ROUTINES, PARAMETERS and the procedure and function SHOWs not on it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { classifyMysql } from '../../src/language/sql/mysql-classify.js';
import { adminQuery, appQuery } from '../db/helpers.js';
import { myQuery } from '../lab/helpers.js';
import { runSteps, stepResult } from './read-steps.js';

const LISTINGS = ['SHOW EVENTS', 'SHOW PROCEDURE STATUS', 'SHOW FUNCTION STATUS', 'SHOW CREATE PROCEDURE p', 'SHOW PROCEDURE CODE p',
  'SELECT EVENT_NAME FROM information_schema.EVENTS', 'SELECT ROUTINE_NAME FROM information_schema.ROUTINES',
  'SELECT PARAMETER_NAME FROM INFORMATION_SCHEMA.`parameters`', 'SELECT * FROM information_schema.INNODB_CMP_RESET'];

describe('MariaDB: tables of the server\'s own that a read does not name', () => {
  let server: LabServer;
  let federated = true;
  before(async () => {
    server = await startMariadb();
    federated = await adminQuery(server, "INSTALL SONAME 'ha_federatedx'").then(() => true, () => false);
  });
  after(async () => { await server?.stop(); });

  it('a plain read of the application\'s table, mysql.table_stats FEDERATED over a function: nothing runs, dry or real', async (t) => {
    if (!federated) { t.skip('no FEDERATED engine on this server'); return; }
    await appQuery(server, 'CREATE TABLE t (a INT PRIMARY KEY, b VARCHAR(20)) ENGINE=InnoDB');
    await appQuery(server, "INSERT INTO t VALUES (1, 'x'), (2, 'y')");
    for (const sql of [
      'CREATE DATABASE evil',
      "CREATE DEFINER = CURRENT_USER FUNCTION evil.f() RETURNS BIGINT NO SQL SQL SECURITY DEFINER BEGIN SET GLOBAL max_connections = @@GLOBAL.max_connections - 1; RETURN NULL; END",
      `CREATE DEFINER = CURRENT_USER SQL SECURITY DEFINER VIEW evil.ts AS SELECT '${server.database}' AS db_name, 't' AS table_name, evil.f() AS cardinality`,
      "CREATE USER fed@'127.0.0.1' IDENTIFIED BY 'fedpw'", "GRANT SELECT ON evil.* TO fed@'127.0.0.1'",
      'RENAME TABLE mysql.table_stats TO mysql.table_stats_orig',
      `CREATE TABLE mysql.table_stats (db_name varchar(64) NOT NULL, table_name varchar(64) NOT NULL, cardinality bigint(21) unsigned DEFAULT NULL,
         PRIMARY KEY (db_name, table_name)) ENGINE=FEDERATED DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_bin CONNECTION='mysql://fed:fedpw@127.0.0.1:${server.port}/evil/ts'`,
      'SET GLOBAL max_connections = 30',
    ]) await adminQuery(server, sql);
    const max = async () => Number((await adminQuery(server, 'SELECT @@GLOBAL.max_connections AS m'))[0]?.m);
    for (const dryRun of [true, false]) {
      await adminQuery(server, 'FLUSH TABLES');
      const r = stepResult(await runSteps(server.url(), [{ query: 'SELECT a, b FROM t WHERE a = 1', params: [] }], dryRun), 's0');
      assert.equal(r.status, 'ok', JSON.stringify(r));
      assert.equal(await max(), 30, `${dryRun ? 'dry' : 'real'} run: the statistics table's function ran`);
    }
    // The plant is real: the application's own client, with the server's default, runs it.
    await adminQuery(server, 'FLUSH TABLES');
    await myQuery(server.url(), 'SELECT a, b FROM t WHERE a = 1');
    assert.equal(await max(), 29, 'a plain client read the FEDERATED statistics table');
  });

  it('SHOW forms and information_schema tables that read mysql.event or mysql.proc: refused by validate and by the run', async () => {
    for (const query of LISTINGS) {
      const verdict = classifyMysql(query);
      assert.equal(verdict.readOnly, false, `${query}: validate proves it a read`);
    }
    const events = await runSteps(server.url(), LISTINGS.map((query) => ({ query, params: [] })), true, undefined, true);
    LISTINGS.forEach((query, i) => assert.equal(stepResult(events, `s${i}`).status, 'failed', `${query}: the run read it`));
    // Their neighbours on the allowlists still read.
    for (const query of ['SHOW TABLE STATUS', 'SHOW GLOBAL STATUS', 'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST', 'SELECT TABLE_NAME FROM information_schema.TABLES WHERE 0']) {
      assert.equal(classifyMysql(query).readOnly, true, query);
    }
  });
});
