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
