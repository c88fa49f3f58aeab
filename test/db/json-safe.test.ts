import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonSafe } from '../../src/db/json-safe.js';
import { MAX_ROWS, toQueryResult } from '../../src/db/row-budget.js';
import { statementSettings } from '../../src/db/mysql-session.js';

const withStatementTimeout = (sql: string, flavour: 'mysql' | 'mariadb', timeoutMs: number) => statementSettings(sql, flavour, { readOnly: false, timeoutMs });

describe('jsonSafe', () => {
  it('converts BigInt, Buffer, Date and non-finite numbers', () => {
    assert.deepEqual(jsonSafe({
      small: 42n, huge: 2n ** 64n, bin: Buffer.from([0xde, 0xad]), when: new Date('2024-01-02T03:04:05Z'),
      bad: new Date('nope'), nan: Number.NaN, nested: [{ x: 1n }], nothing: undefined,
    }), {
      small: 42, huge: '18446744073709551616', bin: '\\xdead', when: '2024-01-02T03:04:05.000Z',
      bad: null, nan: 'NaN', nested: [{ x: 1 }], nothing: null,
    });
  });

  it('keeps at most MAX_ROWS rows but counts all', () => {
    const rows = Array.from({ length: MAX_ROWS + 5 }, (_, i) => ({ i }));
    const r = toQueryResult(rows, ['i'], 0, 'SELECT');
    assert.equal(r.rows.length, MAX_ROWS);
    assert.equal(r.rowCount, MAX_ROWS + 5);
  });
});

describe('withStatementTimeout', () => {
  it('wraps any MariaDB statement in SET STATEMENT … FOR', () => {
    assert.equal(withStatementTimeout('UPDATE t SET a = 1', 'mariadb', 1500), 'SET STATEMENT max_statement_time=1.500 FOR UPDATE t SET a = 1');
  });
  it('adds the MAX_EXECUTION_TIME hint to MySQL SELECTs only', () => {
    assert.equal(withStatementTimeout('  select * from t', 'mysql', 250), '  SELECT /*+ MAX_EXECUTION_TIME(250) */ * from t');
    assert.equal(withStatementTimeout('/* why */ SELECT 1', 'mysql', 10), '/* why */ SELECT /*+ MAX_EXECUTION_TIME(10) */ 1');
    assert.equal(withStatementTimeout('DELETE FROM t', 'mysql', 10), 'DELETE FROM t');
    assert.equal(withStatementTimeout('selectivity()', 'mysql', 10), 'selectivity()');
  });
  it('makes a read-only step\'s statement itself read-only on MariaDB, with or without a timeout', () => {
    assert.equal(statementSettings('DROP TABLE t', 'mariadb', { readOnly: true, timeoutMs: 1500 }), 'SET STATEMENT max_statement_time=1.500, tx_read_only=1 FOR DROP TABLE t');
    assert.equal(statementSettings('SELECT 1', 'mariadb', { readOnly: true }), 'SET STATEMENT tx_read_only=1 FOR SELECT 1');
    assert.equal(statementSettings('SELECT 1', 'mariadb', { readOnly: false }), 'SELECT 1');
  });
});
