// The two ways the engine holds a MariaDB read's relations still (db/mysql-hold.ts) must never run a view's code,
// whatever the view: the hold comes before the check, so it meets views nobody has judged yet. Tried against the
// server itself, on generated views: a stored function (DETERMINISTIC or not, of a constant or of a column) in
// every clause a view can hold, under each algorithm. The function signals when it runs.
// - The base-table probe (`USE INDEX () LIMIT 0`) fails on every view, and nothing runs.
// - LOCK TABLES … READ holds every view, and nothing runs.
// - Neither logs in to the server a FEDERATED table reads (a base table of another engine, swapped in between
//   the check and the hold, is opened by them before the second check refuses it).
// - A plain `SELECT 1 FROM v LIMIT 0`, which would hold a view, runs the function for some of them: why the
//   engine does not hold views that way.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { holdSql } from '../../src/db/mysql-hold.js';

const RAN = 'the view ran its function';

/** Where a view can call `{f}`. */
const CLAUSES = [
  'SELECT {f} AS c', 'SELECT x AS c FROM t WHERE x = {f}', 'SELECT x AS c FROM t WHERE y = {f}', 'SELECT 1 AS c FROM DUAL WHERE {f} = 1',
  'SELECT COUNT(*) AS c FROM t HAVING {f} = 1', 'SELECT COUNT(*) AS c FROM t HAVING MAX(x) = {f}', 'SELECT x AS c FROM t ORDER BY {f}',
  'SELECT (SELECT {f}) AS c', 'SELECT x AS c FROM t WHERE x IN (SELECT {f})', 'SELECT x AS c FROM t WHERE EXISTS (SELECT {f})',
  'SELECT c FROM (SELECT {f} AS c) d', 'SELECT c FROM (SELECT {f} AS c FROM t LIMIT 1) d', 'SELECT MAX(x) AS c FROM t GROUP BY {f}',
  'SELECT t.x AS c FROM t JOIN (SELECT {f} AS z) d ON d.z = t.x', 'SELECT {f} AS c UNION SELECT 2', 'WITH w AS (SELECT {f} AS c) SELECT c FROM w',
  'SELECT SUM(x) OVER (ORDER BY {f}) AS c FROM t', 'SELECT x AS c FROM t WHERE x BETWEEN {f} AND 3', 'SELECT x AS c FROM t WHERE x = (SELECT {f})',
  'SELECT x AS c FROM t WHERE x > ALL (SELECT {f})', 'SELECT COUNT(*) AS c FROM t WHERE {f} IS NULL', 'SELECT IF({f}, 1, 2) AS c',
  'SELECT x AS c FROM t a WHERE a.x = (SELECT MAX(b.x) FROM t b WHERE b.y = {f})', 'SELECT x AS c FROM t WHERE x IN ({f}, 2)',
  'SELECT x AS c FROM t LEFT JOIN t u ON u.y = {f}', 'SELECT CASE WHEN {f} = 1 THEN 1 END AS c FROM t', 'SELECT x AS c FROM t LIMIT 1',
];
const CALLS = ['det(1)', 'det(x)', 'nondet(1)', 'nondet(x)'];
const ALGORITHMS = ['MERGE', 'TEMPTABLE', 'UNDEFINED'];

describe('MariaDB: holding a relation never runs a view\'s code', () => {
  let server: LabServer;
  let admin: mysql.Connection;
  const views: string[] = [];
  const ran = (err: unknown) => (err as Error).message === RAN;

  before(async () => {
    server = await startMariadb();
    admin = await mysql.createConnection({ uri: server.adminUrl(), database: server.database });
    await admin.query('CREATE TABLE t (x INT PRIMARY KEY, y INT, KEY (y))');
    await admin.query('INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)');
    // Quiet while the views are made (the server itself evaluates some while creating them), signalling after.
    const functions = (body: string) => Promise.all(['DETERMINISTIC', 'NOT DETERMINISTIC'].map((d) =>
      admin.query(`CREATE OR REPLACE FUNCTION ${d === 'DETERMINISTIC' ? 'det' : 'nondet'}(a INT) RETURNS INT ${d} BEGIN ${body} RETURN a; END`)));
    await functions('');
    for (const clause of CLAUSES) for (const call of CALLS) for (const algorithm of ALGORITHMS) {
      const name = `v${views.length}`;
      // A column where the clause has no table (`det(x)` alone) is not a view the server makes.
      const made = await admin.query(`CREATE ALGORITHM = ${algorithm} VIEW ${name} AS ${clause.replaceAll('{f}', call)}`).then(() => true, () => false);
      if (made) views.push(name);
    }
    assert.ok(views.length > 250, `only ${views.length} views made`);
    await functions(`SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${RAN}';`);
  });
  after(async () => { await admin?.end(); await server?.stop(); });

  it('the base-table probe fails on each of the generated views before it runs anything', async () => {
    for (const v of views) {
      await admin.query('START TRANSACTION READ ONLY');
      const err = await admin.query(holdSql([server.database, v])).then(() => undefined, (e: unknown) => e);
      await admin.query('ROLLBACK');
      assert.ok(!ran(err), `${v}: the probe ran its function`);
      assert.equal((err as { errno?: unknown } | undefined)?.errno, 1176, `${v}: the probe passed a view`);
    }
  });

  it('LOCK TABLES takes each of them and runs nothing', async () => {
    for (const v of views) {
      const err = await admin.query(`LOCK TABLES \`${server.database}\`.\`${v}\` READ`).then(() => undefined, (e: unknown) => e);
      await admin.query('UNLOCK TABLES');
      assert.equal(err, undefined, `${v}: ${String(err)}`);
    }
  });

  it('neither hold reaches the server a FEDERATED table reads; a SELECT of it does', async () => {
    await admin.query("INSTALL SONAME 'ha_federatedx'");
    await admin.query('SET GLOBAL userstat = 1');
    await admin.query("CREATE USER 'fed'@'%' IDENTIFIED BY 'fed-pw'");
    await admin.query(`GRANT SELECT ON ${server.database}.* TO 'fed'@'%'`);
    await admin.query(`CREATE TABLE far (x INT) ENGINE = FEDERATED CONNECTION = 'mysql://fed:fed-pw@127.0.0.1:${server.port}/${server.database}/t'`);
    const logins = async () => Number(((await admin.query("SELECT COALESCE(SUM(TOTAL_CONNECTIONS), 0) AS n FROM information_schema.USER_STATISTICS WHERE USER = 'fed'"))[0] as { n: unknown }[])[0]!.n);
    const before = await logins();
    await admin.query('START TRANSACTION READ ONLY');
    await admin.query(holdSql([server.database, 'far']));
    await admin.query('ROLLBACK');
    await admin.query(`LOCK TABLES \`${server.database}\`.far READ`);
    await admin.query('UNLOCK TABLES');
    assert.equal(await logins(), before, 'a hold logged in to the FEDERATED table\'s server');
    await admin.query('SELECT x FROM far');
    assert.ok(await logins() > before, 'the oracle sees a login: a SELECT of it logs in');
  });

  it('a plain SELECT … LIMIT 0 on them runs the function of some: not a way to hold a view', async () => {
    let runs = 0;
    for (const v of views) {
      await admin.query('START TRANSACTION READ ONLY');
      if (await admin.query(`SELECT 1 FROM ${v} LIMIT 0`).then(() => false, ran)) runs++;
      await admin.query('ROLLBACK');
    }
    assert.ok(runs > 0, 'no view ran under LIMIT 0 on this server');
  });
});
