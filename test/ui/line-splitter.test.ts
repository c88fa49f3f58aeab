import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_LINE, splitLines } from '../../src/ui/line-splitter.js';

test('complete lines come out, the unterminated tail waits', () => {
  assert.deepEqual(splitLines('ab', 'c\r\nd\ne'), { lines: ['abc', 'd'], rest: 'e' });
  assert.deepEqual(splitLines('', '\n'), { lines: [''], rest: '' });
});

test('a line longer than MAX_LINE is cut, so a line without newlines never grows without bound', () => {
  let rest = '';
  let total = 0;
  for (let i = 0; i < 100; i++) {
    const r = splitLines(rest, 'x'.repeat(1000));
    rest = r.rest;
    total += r.lines.reduce((n, l) => n + l.length, 0);
    assert.ok(rest.length <= MAX_LINE);
    assert.ok(r.lines.every((l) => l.length === MAX_LINE));
  }
  assert.equal(total + rest.length, 100_000);
});
