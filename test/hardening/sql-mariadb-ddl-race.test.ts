// A hostile database owner racing the check on MariaDB (issue #45): another session changes, in a tight loop,
// what a read's relation is, while the engine reads it 150 times. The engine's checks of a read's relations (a
// base table of a plain engine, a server view whose code is a proven read) were queries of their own before the
// statement, and nothing held the relations between them: a table swapped for a view by RENAME TABLE, or a
// server view replaced, ran its stored function in the read that followed (52 to 66 of 150 reads). Now the read's
// relations are held before they are checked, until the read ends (db/mysql-hold.ts): a base table by a probe in
// the read's transaction, a name that was not shown by opening it there, a server view by LOCK TABLES. Every read
// runs what was checked or is refused. The function signals when it runs, so a read that ran it fails with its
// message; none may, real or dry; and no read logs in to the server a FEDERATED table swapped in reads. Each race
// is live: the loop changed the relation many times while reads passed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { runSteps } from './read-steps.js';
import { raceReads } from './ddl-race.js';

const READS = 150;
const RAN = 'the hostile function ran';

/** [what changes, setup, the two DDL statements the loop alternates, the read, whether some reads pass];
 *  `{db}` is the lab's database. */
const RACES: [string, string[], [string, string], string, boolean][] = [
  ['a base table swapped for a view (RENAME TABLE)',
    ['CREATE TABLE {db}.t (x INT)', 'INSERT INTO {db}.t VALUES (1)', 'CREATE VIEW {db}.t_hostile AS SELECT {db}.mark() AS x'],
    ['RENAME TABLE {db}.t TO {db}.t_plain, {db}.t_hostile TO {db}.t', 'RENAME TABLE {db}.t TO {db}.t_hostile, {db}.t_plain TO {db}.t'],
    'SELECT x FROM t', true],
  ['a view created and dropped under a name the read writes, which does not exist when it is checked',
    [],
    ['CREATE VIEW {db}.absent AS SELECT {db}.mark() AS x', 'DROP VIEW {db}.absent'],
    'SELECT x FROM absent', false],
  ['a view of the server\'s own schema replaced in place',
    ["CREATE DEFINER = 'mariadb.sys'@'localhost' SQL SECURITY INVOKER VIEW mysql.race_v AS SELECT 1 AS x FROM DUAL",
      "GRANT SELECT, SHOW VIEW ON mysql.race_v TO '{app}'@'%'", "GRANT LOCK TABLES ON mysql.* TO '{app}'@'%'"],
    ["CREATE OR REPLACE DEFINER = 'mariadb.sys'@'localhost' SQL SECURITY INVOKER VIEW mysql.race_v AS SELECT {db}.mark() AS x FROM DUAL",
      "CREATE OR REPLACE DEFINER = 'mariadb.sys'@'localhost' SQL SECURITY INVOKER VIEW mysql.race_v AS SELECT 1 AS x FROM DUAL"],
    'SELECT x FROM mysql.race_v', true],
  ['a base table swapped for a FEDERATED one, which reads another server (here this one, as the account fed)',
    ["CREATE USER 'fed'@'%' IDENTIFIED BY 'fed-pw'", "GRANT SELECT ON {db}.* TO 'fed'@'%'", 'CREATE TABLE {db}.remote (x INT)',
      'CREATE TABLE {db}.u (x INT)', 'INSERT INTO {db}.u VALUES (1)',
      "CREATE TABLE {db}.u_federated (x INT) ENGINE = FEDERATED CONNECTION = 'mysql://fed:fed-pw@127.0.0.1:{port}/{db}/remote'"],
    ['RENAME TABLE {db}.u TO {db}.u_plain, {db}.u_federated TO {db}.u', 'RENAME TABLE {db}.u TO {db}.u_federated, {db}.u_plain TO {db}.u'],
    'SELECT x FROM u', true],
];

/** Logins of the account a FEDERATED table reads its server as (information_schema.USER_STATISTICS). */
const FED_LOGINS = "SELECT COALESCE(SUM(TOTAL_CONNECTIONS), 0) AS n FROM information_schema.USER_STATISTICS WHERE USER = 'fed'";

describe('MariaDB: DDL racing a read never runs what was not checked', { concurrency: 1 }, () => {
  let server: LabServer;
  const fill = (sql: string) => sql.replaceAll('{db}', server.database).replaceAll('{app}', server.appUser).replaceAll('{port}', String(server.port));
  const fedLogins = async () => Number((await adminQuery(server, FED_LOGINS))[0]!.n);
  before(async () => {
    server = await startMariadb();
    await adminQuery(server, "INSTALL SONAME 'ha_federatedx'");
    await adminQuery(server, 'SET GLOBAL userstat = 1');
    await adminQuery(server, fill(`CREATE FUNCTION {db}.mark() RETURNS INT NOT DETERMINISTIC SQL SECURITY INVOKER
      BEGIN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${RAN}'; RETURN 1; END`));
    await adminQuery(server, fill("GRANT EXECUTE ON FUNCTION {db}.mark TO '{app}'@'%'"));
    for (const [, setup] of RACES) for (const sql of setup) await adminQuery(server, fill(sql));
  });
  after(() => server?.stop());

  it('an account that may not LOCK TABLES in mysql reads a view there only by being refused, told what lets it', async () => {
    await adminQuery(server, fill("CREATE USER 'no_lock'@'%' IDENTIFIED BY 'no-lock-pw'"));
    await adminQuery(server, fill("GRANT SELECT, SHOW VIEW ON mysql.race_v TO 'no_lock'@'%'"));
    for (const dryRun of [false, true]) {
      const events = await runSteps(server.url({ user: 'no_lock', password: 'no-lock-pw', database: 'mysql' }), [{ query: 'SELECT x FROM mysql.race_v', params: [] }], dryRun);
      const f = events.find((e) => e.type === 'step-finished');
      assert.ok(f?.type === 'step-finished');
      assert.deepEqual([f.result.status, f.result.classification], ['failed', 'not-read-only'], f.result.error);
      assert.match(f.result.error ?? '', /holds still with LOCK TABLES .* GRANT LOCK TABLES ON mysql\.\* to it lets it/);
    }
  });

  for (const [what, , [change, back], read, somePass] of RACES) {
    for (const dryRun of [false, true]) {
      it(`${what}${dryRun ? ', dry run' : ''}: ${READS} reads, none runs it`, async () => {
        const logins = await fedLogins();
        const admin = await mysql.createConnection({ uri: server.adminUrl() });
        let race;
        try {
          // A millisecond after each change, so that reads also land between changes and some pass.
          race = await raceReads({ exec: (sql) => admin.query(fill(sql)), change, back, url: server.url(), read, reads: READS, dryRun, pauseMs: 1 });
        } finally {
          await admin.end();
        }
        const { finished, rounds } = race;
        assert.equal(finished.length, READS);
        assert.ok(rounds > 20, `the loop changed it ${rounds} times: no race`);
        if (somePass) assert.ok(finished.some((r) => r.status === 'ok'), `every read was refused: ${finished.find((r) => r.status !== 'ok')?.error}`);
        const ran = finished.filter((r) => (r.error ?? '').includes(RAN));
        assert.equal(ran.length, 0, `${ran.length} of ${READS} reads ran the function the check did not see`);
        assert.equal(await fedLogins(), logins, 'a read reached the server of a FEDERATED table it did not check');
      });
    }
  }
});
