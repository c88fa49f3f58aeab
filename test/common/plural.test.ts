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

test('one item, one line, one character: singular on replay, in the view, the gate list, the report clipping and the output pane label', async () => {
  const { renderLine } = await import('../../src/transcript/replay/render.js');
  const { gateItemLines } = await import('../../src/ui/gate-items.js');
  const { initialViewModel, reduce } = await import('../../src/ui/view-model.js');
  const { clip } = await import('../../src/transcript/report/markdown-text.js');
  const { outputRows } = await import('../../src/ui/frame/output.js');
  const item = { label: 'pid 7', detail: '' };
  assert.match(renderLine({ type: 'loop-started', stepId: 'kill', items: [item], seq: 1, ts: '2026-01-01T00:00:00.000Z' } as never).join('\n'), /⟳ kill: for each of 1 item$/);
  assert.equal(gateItemLines([item])[0], '1 item:');
  const vm = reduce(initialViewModel(), { type: 'loop-started', stepId: 'kill', items: [item] } as never, 0);
  assert.equal(vm.output[0]?.text, 'for each of 1 item:');
  assert.match(clip(`${'x'.repeat(401)}`, 40, 4000, 400), /… \(1 more character\)$/);
  assert.match(clip(Array.from({ length: 41 }, (_, i) => `l${i}`).join('\n'), 40).split('\n').find((l) => l.includes('not shown'))!, /… 1 line not shown …/);
  const rows = outputRows([{ stepId: 's', stream: 'stdout', text: 'one' }], 0, 5, 80);
  assert.equal(rows[0]!.map((s) => s.text).join(''), 'output (1 line)');
});
