// One count wording for every surface: "1 row", never "1 rows".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plural } from '../../src/common/plural.js';
import { tableLines } from '../../src/ui/format.js';
import { PlainFormatter } from '../../src/ui/plain/plain-format.js';
import { paint } from '../../src/ui/plain/paint.js';

test('plural: singular for exactly one, plural otherwise, irregular forms', () => {
  assert.deepEqual([0, 1, 2].map((n) => plural(n, 'row')), ['0 rows', '1 row', '2 rows']);
  assert.equal(plural(1, 'entry', 'entries'), '1 entry');
  assert.equal(plural(3, 'entry', 'entries'), '3 entries');
});

test('a one-row result says "1 row" in the ink table and in plain mode item lines', () => {
  assert.deepEqual(tableLines(['pid'], [{ pid: 7 }], 1, { maxRows: 5, maxCellWidth: 20, maxWidth: 80 }).at(-1), '(1 row)');
  const line = new PlainFormatter(paint(false)).format({ type: 'item-finished', stepId: 'kill', index: 0, label: 'pid 7', result: { status: 'ok', durationMs: 2, rowCount: 1 } });
  assert.match(line.join('\n'), /item 1 ok: pid 7 \(1 row\)$/);
});
