import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { abortStatus, errorLine } from '../../src/executors/outcome.js';

const aborted = (reason: unknown): AbortSignal => {
  const ac = new AbortController();
  ac.abort(reason);
  return ac.signal;
};

describe('abortStatus', () => {
  it('reads a TimeoutError reason as timeout, anything else as aborted', () => {
    assert.equal(abortStatus(aborted(Object.assign(new Error('x'), { name: 'TimeoutError' }))), 'timeout');
    assert.equal(abortStatus(AbortSignal.abort(new DOMException('t', 'TimeoutError'))), 'timeout');
    assert.equal(abortStatus(aborted(new Error('operator pressed q'))), 'aborted');
    assert.equal(abortStatus(aborted(undefined)), 'aborted');
  });
});

describe('errorLine', () => {
  it('is one masked line with the code first', () => {
    const err = Object.assign(new Error('password authentication failed\nfor user "bob" with hunter22'), { code: '28P01' });
    assert.equal(errorLine(err, (s) => s.replaceAll('hunter22', '****')),
      '28P01: password authentication failed for user "bob" with ****');
  });

  it('reads an AggregateError with an empty message from its errors', () => {
    const err = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], '');
    assert.match(errorLine(err, (s) => s), /ECONNREFUSED/);
  });

  it('bounds very long messages', () => {
    assert.ok(errorLine('x'.repeat(10_000), (s) => s).length <= 500);
  });
});

describe('errorLine: the server code name', () => {
  it("names MariaDB's 4150/4151 as MariaDB does, not by MySQL's meaning of the number that mysql2 gives them", () => {
    const blocked = Object.assign(new Error("User is blocked because of too many credential errors; unblock with 'ALTER USER / FLUSH PRIVILEGES'"),
      { errno: 4150, code: 'ER_BULK_PARSER_UNEXPECTED_CHAR_AFTER_COLUMN_TERMINATOR' });
    assert.match(errorLine(blocked, (s) => s), /^ER_USER_IS_BLOCKED: User is blocked/);
    const locked = Object.assign(new Error('Access denied, this account is locked'), { errno: 4151, code: 'ER_BULK_PARSER_INCOMPLETE_ESCAPE_SEQUENCE' });
    assert.match(errorLine(locked, (s) => s), /^ER_ACCOUNT_HAS_BEEN_LOCKED: Access denied/);
    // MySQL's own 4150 (a bulk-load parser error) keeps its name: the text decides.
    const bulk = Object.assign(new Error('Unexpected character after column terminator'), { errno: 4150, code: 'ER_BULK_PARSER_UNEXPECTED_CHAR_AFTER_COLUMN_TERMINATOR' });
    assert.match(errorLine(bulk, (s) => s), /^ER_BULK_PARSER_UNEXPECTED_CHAR_AFTER_COLUMN_TERMINATOR: /);
  });
});
