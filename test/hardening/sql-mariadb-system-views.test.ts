// On MariaDB the schemas mysql and sys hold the server's own views (mysql.user is one on 10.4+), and the engine
// took every relation there as the server's code, never asked about. But an administrator (a hostile database
// owner) can create a view there, or replace mysql.user, with any definer, even 'mariadb.sys'@'localhost': a
// read of it ran the view's stored function, which changed a global setting, in real runs and dry runs (issue
// #45). Now a view in mysql or sys counts as the server's own only when a fresh install's account defined it
// and its definition, as the server keeps it, is itself proven a read, and what that definition reads is asked
// about in turn (db/mysql-relations-check.ts).
// Generated: each planted view under every spelling, in every query context; the server's own mysql.user
// still reads.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { classifySql } from '../../src/language/sql/index.js';
import { adminQuery } from '../db/helpers.js';
import { runSteps, type Step } from './read-steps.js';

/** Where a relation can stand in a read ('{v}' is the view). */
const CONTEXTS = [
  'SELECT * FROM {v}',
  'SELECT COUNT(*) AS n FROM {v}',
  'SELECT 1 AS one FROM DUAL WHERE 1 IN (SELECT 1 FROM {v})',
  'SELECT (SELECT COUNT(*) FROM {v}) AS n',
  'WITH c AS (SELECT * FROM {v}) SELECT COUNT(*) AS n FROM c',
  'SELECT 1 AS one FROM information_schema.TABLES t JOIN {v} ON 1 LIMIT 1',
  'SELECT 1 AS one UNION ALL SELECT 1 FROM {v}',
];

/** Every spelling of a qualified name the server resolves to it. */
const spellings = (schema: string, name: string): string[] =>
  [`${schema}.${name}`, `\`${schema}\`.\`${name}\``, `${schema} . ${name}`, `\`${schema}\`.${name}`, `${schema}.\`${name}\``];

const GLOBAL = 'SELECT @@GLOBAL.max_connections AS m';

describe('MariaDB: a view in the server\'s own schemas (mysql, sys) is the server\'s only when its code is a proven read', () => {
  let server: LabServer;
  let savedUser = '';
  /** The planted views: [schema, name]. */
  const planted: [string, string][] = [['mysql', 'twin_v'], ['sys', 'twin_v'], ['mysql', 'twin_sys_definer'], ['sys', 'twin_nested'], ['mysql', 'twin_proven_outer'], ['mysql', 'user'], ['mysql', 'twin_plain_root']];
  const maxConnections = async () => Number((await adminQuery(server, GLOBAL) as { m: unknown }[])[0]!.m);

  before(async () => {
    server = await startMariadb();
    const db = server.database;
    const app = `'${server.appUser}'@'%'`;
    await adminQuery(server, `CREATE FUNCTION ${db}.twin_set() RETURNS INT NOT DETERMINISTIC BEGIN SET GLOBAL max_connections = 77; RETURN 1; END`);
    await adminQuery(server, `CREATE VIEW ${db}.app_v AS SELECT 1 AS x FROM DUAL WHERE ${db}.twin_set() = 1`);
    await adminQuery(server, `CREATE VIEW mysql.twin_v AS SELECT 1 AS x FROM DUAL WHERE ${db}.twin_set() = 1`);
    await adminQuery(server, `CREATE VIEW sys.twin_v AS SELECT 1 AS x FROM DUAL WHERE ${db}.twin_set() = 1`);
    await adminQuery(server, `CREATE DEFINER = 'mariadb.sys'@'localhost' SQL SECURITY INVOKER VIEW mysql.twin_sys_definer AS SELECT 1 AS x FROM DUAL WHERE ${db}.twin_set() = 1`);
    await adminQuery(server, `CREATE VIEW sys.twin_nested AS SELECT x FROM mysql.twin_v`);
    // Its own definition is a plain read; what it reads is an application's view that calls the function.
    await adminQuery(server, `CREATE VIEW mysql.twin_proven_outer AS SELECT x FROM ${db}.app_v`);
    // A plain read, but defined by another account than a fresh install's views are.
    await adminQuery(server, 'CREATE VIEW mysql.twin_plain_root AS SELECT 1 AS x FROM DUAL');
    await adminQuery(server, "CREATE DEFINER = 'mariadb.sys'@'localhost' SQL SECURITY INVOKER VIEW mysql.plain_sys_definer AS SELECT 1 AS x FROM DUAL");
    await adminQuery(server, `GRANT SELECT ON mysql.plain_sys_definer TO ${app}`);
    savedUser = String((await adminQuery(server, 'SHOW CREATE VIEW mysql.user') as Record<string, unknown>[])[0]!['Create View']);
    await adminQuery(server, `CREATE OR REPLACE VIEW mysql.user AS SELECT 'localhost' AS Host, 'root' AS User FROM DUAL WHERE ${db}.twin_set() = 1`);
    for (const [schema, name] of planted) await adminQuery(server, `GRANT SELECT ON ${schema}.${name} TO ${app}`);
  });
  after(async () => { await server?.stop(); });

  const reads = (): string[] => planted.flatMap(([schema, name]) => spellings(schema, name).flatMap((v) => CONTEXTS.map((c) => c.replace('{v}', v))));

  it('premise: every planted view reads, and through a plain connection a read of one changes the global setting', async () => {
    const conn = await mysql.createConnection({ uri: server.url() });
    try {
      for (const [schema, name] of planted) await conn.query(`SELECT 1 FROM ${schema}.${name} LIMIT 0`);
      await adminQuery(server, 'SET GLOBAL max_connections = 151');
      await conn.query('SELECT * FROM mysql.twin_v');
      assert.equal(await maxConnections(), 77, 'the plain read ran the view\'s function');
    } finally {
      await conn.end();
      await adminQuery(server, 'SET GLOBAL max_connections = 151');
    }
  });

  it('the generated reads are many, and the text classifier proves them (only the server knows what the view holds)', () => {
    const all = reads();
    assert.ok(all.length >= 200, `only ${all.length}`);
    const refused = all.filter((q) => !classifySql(q, 'mysql').readOnly);
    assert.deepEqual(refused.slice(0, 5), [], `${refused.length} not proven by the text alone`);
  });

  // As the application's account (which cannot see a definition in mysql or sys) and as the administrator's
  // (which can, so the definition itself is judged); each text in one of the four runs.
  const runs = [true, false].flatMap((dryRun) => [false, true].map((admin) => ({ dryRun, admin })));
  runs.forEach(({ dryRun, admin }, k) => {
    it(`through the engine${dryRun ? ', dry run' : ''}, as the ${admin ? 'administrator' : 'application'}: every read is refused with the view named, vouched or not, and the setting never changes`, async () => {
      const all = reads().filter((_, i) => i % runs.length === k);
      const steps: Step[] = all.map((query, i) => ({ query, params: [], vouched: i % 3 === 0 }));
      const events = await runSteps(admin ? server.adminUrl() : server.url(), steps, dryRun);
      const result = (i: number) => { const f = events.find((e) => e.type === 'step-finished' && e.stepId === `s${i}`); assert.ok(f?.type === 'step-finished', `s${i} finished`); return f.result; };
      all.forEach((q, i) => {
        const r = result(i);
        assert.deepEqual([r.status, r.classification], ['failed', 'not-read-only'], `${q}: ${r.error}`);
        // A read of every column of mysql.user is a read of the server's password store (account-stores.ts): its
        // error, like its rows, is withheld from the record, which says why.
        if (r.withheld) assert.match(r.withheld.because.join(', '), /the server's stored passwords/, q);
        else assert.match(r.error ?? '', /(mysql|sys)\.(twin_|user)|app_v/, q);
      });
      assert.equal(await maxConnections(), 151, 'no read changed max_connections');
    });
  });

  it('a view there defined by another account than the server\'s is refused with its definer named, however plain its code; the same code by the server\'s account reads', async () => {
    for (const dryRun of [true, false]) {
      const events = await runSteps(server.adminUrl(), [{ query: 'SELECT x FROM mysql.twin_plain_root', params: [] }, { query: 'SELECT x FROM mysql.plain_sys_definer', params: [] }], dryRun);
      const result = (id: string) => { const f = events.find((e) => e.type === 'step-finished' && e.stepId === id); assert.ok(f?.type === 'step-finished', id); return f.result; };
      assert.equal(result('s0').status, 'failed');
      assert.match(result('s0').error ?? '', /mysql\.twin_plain_root, a view in the server's own schema defined by lab_admin@%, not by the server/);
      assert.equal(result('s1').status, 'ok', result('s1').error);
    }
  });

  it('the server\'s own mysql.user still reads, dry and real, once it is the server\'s again', async () => {
    await adminQuery(server, savedUser.replace(/^CREATE /, 'CREATE OR REPLACE '));
    for (const dryRun of [true, false]) {
      const events = await runSteps(server.adminUrl(), [{ query: 'SELECT User, Host FROM mysql.user', params: [] }, { query: 'SELECT COUNT(*) AS n FROM `mysql`.`user` WHERE User = ?', params: ['root'] }], dryRun);
      for (const id of ['s0', 's1']) {
        const f = events.find((e) => e.type === 'step-finished' && e.stepId === id);
        assert.ok(f?.type === 'step-finished' && f.result.status === 'ok', `${dryRun ? 'dry run: ' : ''}${id}: ${f?.type === 'step-finished' ? f.result.error : 'not finished'}`);
      }
    }
  });
});
