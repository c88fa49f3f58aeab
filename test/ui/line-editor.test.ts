// One line editor for every text field: the same keystrokes give the same result however the terminal's reads cut
// them (a key at a time, all in one read, anything between): Backspace, Ctrl-W, Ctrl-U and Enter inside a read
// apply in order. Every chunking of each case is tried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyKey, feedLine, lineKeys } from '../../src/ui/line-editor.js';

const BS = '\u007f';
const CTRL_H = '\b';
const CTRL_U = '\u0015';
const CTRL_W = '\u0017';

/** keys: the keystrokes one by one; submitted: what each Enter sent; left: the field after the last key. The
 *  field is cleared after each submit, as the gate and the prompt do. */
const CASES: { name: string; keys: string[]; submitted: string[]; left: string }[] = [
  { name: 'backspace then a digit (the #30 case)', keys: [...'INC-12', BS, '3', '\r'], submitted: ['INC-13'], left: '' },
  { name: 'Ctrl-H is a backspace too', keys: [...'ab', CTRL_H, 'c', '\r'], submitted: ['ac'], left: '' },
  { name: 'backspace past the start', keys: ['a', BS, BS, 'b', '\r'], submitted: ['b'], left: '' },
  { name: 'Ctrl-U clears what came before it', keys: [...'wrong', CTRL_U, ...'restart-db', '\r'], submitted: ['restart-db'], left: '' },
  { name: 'Ctrl-W erases the last word and the spaces after it', keys: [...'skip this ', CTRL_W, '\r'], submitted: ['skip '], left: '' },
  { name: 'Ctrl-W then more text', keys: [...'a b', CTRL_W, ...'cd', '\r'], submitted: ['a cd'], left: '' },
  { name: 'two answers, the first refused', keys: [...'y', '\r', ...'restart-db', '\r'], submitted: ['y', 'restart-db'], left: '' },
  { name: 'a CRLF is one Enter', keys: [...'ok', '\r\n'], submitted: ['ok'], left: '' },
  { name: 'text after the last Enter stays in the field', keys: [...'a', '\r', ...'bc', BS], submitted: ['a'], left: 'b' },
  { name: 'other control characters are dropped', keys: ['a', '\u0001', '\u0002', 'b', '\r'], submitted: ['ab'], left: '' },
  { name: 'backspace removes a whole emoji, not half', keys: ['x', '😀', BS, '\r'], submitted: ['x'], left: '' },
];

/** Every way to cut `keys` into consecutive reads (2^(n-1); long cases sample the cut masks evenly). */
function* chunkings(keys: string[]): Generator<string[]> {
  const total = 2 ** (keys.length - 1);
  const step = total > 4096 ? Math.floor(total / 4096) : 1;
  for (let mask = 0; mask < total; mask += step) {
    const reads: string[] = [];
    let cur = keys[0]!;
    for (let i = 1; i < keys.length; i++) {
      if (mask & (1 << (i - 1))) { reads.push(cur); cur = keys[i]!; } else cur += keys[i]!;
    }
    reads.push(cur);
    yield reads;
  }
  yield [...keys]; // one key per read
}

for (const c of CASES) {
  test(`line editor, every chunking: ${c.name}`, () => {
    let tried = 0;
    for (const reads of chunkings(c.keys)) {
      let value = '';
      const submitted: string[] = [];
      const field = { get: () => value, set: (v: string) => { value = v; } };
      for (const read of reads) feedLine(read, field, { submit: (v) => { submitted.push(v); value = ''; } });
      assert.deepEqual({ submitted, left: value }, { submitted: c.submitted, left: c.left }, `reads ${JSON.stringify(reads)}`);
      tried++;
    }
    assert.ok(tried >= c.keys.length, 'at least one chunking per key');
  });
}

test('Esc on its own cancels; an escape sequence (an arrow, a function key) is no text', () => {
  assert.deepEqual(lineKeys('\u001b'), [{ kind: 'cancel' }]);
  assert.deepEqual(lineKeys('\u001b[A'), []);
  assert.deepEqual(lineKeys('\u001bOQ'), []);
  assert.equal(applyKey('abc', { kind: 'erase-line' }), '');
});
