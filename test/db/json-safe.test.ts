import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonSafe } from '../../src/db/json-safe.js';
import { MAX_ROWS, RowBudget, serialiseRow, toQueryResult, type Serialise } from '../../src/db/row-budget.js';
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

describe('RowBudget', () => {
  /** The default serialiser, counting its calls. */
  const counting = (): { serialise: Serialise; calls: () => number } => {
    let n = 0;
    return { serialise: (raw) => { n++; return serialiseRow(raw); }, calls: () => n };
  };

  it('serialises no row once it is full: the rest are only counted (calls counted, not time)', () => {
    const { serialise, calls } = counting();
    const budget = new RowBudget(100, 1024 * 1024, serialise);
    for (let i = 0; i < 50_000; i++) budget.add({ i, pad: 'x'.repeat(20) });
    const r = budget.result(['i', 'pad'], 0, 'SELECT');
    assert.equal(r.rows.length, 100);
    assert.equal(r.rowCount, 50_000);
    assert.equal(r.rowsOmitted, 49_900);
    assert.equal(calls(), 100, 'the kept rows only: the row limit is known before serialising');
    assert.ok((r.bytesOmitted ?? 0) >= 49_900 * 20, 'the size of what was not kept is estimated from the cells');

    const bytes = counting();
    const byBytes = new RowBudget(10_000, 1000, bytes.serialise);
    for (let i = 0; i < 10_000; i++) byBytes.add({ pad: 'y'.repeat(100) });
    assert.equal(byBytes.result(['pad'], 0, 'SELECT').rows.length, 9, '9 rows of 110 bytes in 1000');
    assert.equal(bytes.calls(), 10, 'the kept rows and the one that did not fit; none after it');
  });

  it('a row that cannot be serialised is counted, not kept, and never throws out of add()', () => {
    const cyclic: Record<string, unknown> = { id: 3 };
    cyclic.self = cyclic;
    const throwing = { id: 4, get cell(): string { throw new Error('no value'); } };
    for (const bad of [cyclic, throwing]) {
      const budget = new RowBudget();
      budget.add({ id: 1 });
      budget.add({ id: 2 });
      assert.doesNotThrow(() => budget.add(bad));
      budget.add({ id: 5 });
      const r = budget.result(['id'], 0, 'SELECT');
      assert.deepEqual(r.rows, [{ id: 1 }, { id: 2 }], 'the prefix before it; nothing after it (kept rows stay a prefix)');
      assert.deepEqual([r.rowCount, r.rowsOmitted], [4, 2]);
    }
    // A serialiser that fails (a cell too large for a string: RangeError) through the hook.
    const budget = new RowBudget(MAX_ROWS, 1024 * 1024, () => { throw new RangeError('Invalid string length'); });
    assert.doesNotThrow(() => budget.add({ huge: 'z' }));
    assert.deepEqual(budget.result(['huge'], 0, 'SELECT').rowsOmitted, 1);
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
