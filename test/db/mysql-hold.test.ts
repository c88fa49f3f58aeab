// The statements that hold a MySQL/MariaDB read's relations (db/mysql-hold.ts), as text: what they name and how
// they quote it. Their effect on a real server is test/hardening/sql-mariadb-hold-probe.test.ts's and
// sql-mariadb-ddl-race.test.ts's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answered, holdSql, lockSql, sameRelations } from '../../src/db/mysql-hold.js';
import { mysqlReadRelations } from '../../src/language/sql/mysql-read-relations.js';
import { PinRefusal } from '../../src/db/pin-refusal.js';

describe('MySQL/MariaDB holds, as text', () => {
  it('a probe quotes every name, backquotes doubled, and reads no row through no index', () => {
    assert.equal(holdSql(['a`b', 't`']), 'SELECT 1 FROM `a``b`.`t``` USE INDEX () LIMIT 0');
    assert.equal(holdSql([undefined, 't']), 'SELECT 1 FROM `t` USE INDEX () LIMIT 0');
    assert.equal(holdSql({ s: 'db', n: 'x' }), 'SELECT 1 FROM `db`.`x` USE INDEX () LIMIT 0');
  });

  it('LOCK TABLES names each relation under each alias the read gives it, once, and never information_schema', () => {
    const refs = mysqlReadRelations('SELECT u.User FROM information_schema.PROCESSLIST p JOIN mysql.user u ON 1 WHERE 1 IN (SELECT 1 FROM mysql.user) AND 2 IN (SELECT 1 FROM mysql.user) AND 3 IN (SELECT 1 FROM INFORMATION_SCHEMA.TABLES)', true);
    assert.equal(lockSql(refs ?? []), 'LOCK TABLES `mysql`.`user` AS `u` READ, `mysql`.`user` READ');
    assert.equal(lockSql(mysqlReadRelations('SELECT 1 FROM information_schema.TABLES', true) ?? []), undefined);
  });

  it('a relation the read writes is matched to its answer by the schema it was asked in and its exact name', () => {
    const rows = [{ s: 'app', n: 't', a: null }, { s: 'other', n: 'u', a: 'other' }];
    assert.ok(answered(rows, [undefined, 't']));
    assert.ok(answered(rows, ['other', 'u']));
    assert.ok(!answered(rows, [undefined, 'T']), 'names are case-sensitive where the server keeps them so');
    assert.ok(!answered(rows, ['app', 't']), 'asked unqualified, not in app');
    assert.ok(!answered(rows, [undefined, 'u']));
  });

  it('two answers that differ in any column, or in a row, are refused', () => {
    const row = { s: 'app', n: 't', t: 'BASE TABLE', e: 'InnoDB', own: 0, a: null };
    sameRelations([row], [{ ...row }]);
    for (const after of [[{ ...row, e: 'FEDERATED' }], [{ ...row, t: 'VIEW' }], [], [row, { ...row, n: 'u' }]]) {
      assert.throws(() => sameRelations([row], after), (e: unknown) => e instanceof PinRefusal && /changed while the engine checked it/.test(e.message));
    }
  });
});
