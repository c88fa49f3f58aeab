// Recorded text cannot break the Markdown around it: fences hold any output, cells hold any line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cell, clip, code, codeCell, fenced, inline } from '../../src/transcript/report/markdown-text.js';

const hostile = 'a | b\n```\n# not a heading\n````js\n<script>alert(1)</script> $x$ *em* [link](http://x)\n\x1b[31mred\x1b[0m\r\n';

/** Every fence in the document closes where it should: no line inside starts a fence as long as the opener. */
function fencesHold(markdown: string, expectedBlocks: number): void {
  const lines = markdown.split('\n');
  let blocks = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})/.exec(lines[i]!);
    if (!open) continue;
    const close = lines.findIndex((l, j) => j > i && l === open[1]);
    assert.ok(close > i, 'the fence is closed');
    for (const inner of lines.slice(i + 1, close)) assert.ok(!inner.startsWith(open[1]!), `'${inner}' would close the fence early`);
    blocks++;
    i = close;
  }
  assert.equal(blocks, expectedBlocks);
}

test('fenced: output containing fences stays inside one block', () => {
  const block = fenced(hostile, 'text');
  assert.ok(block.startsWith('`````text\n'), 'the fence is longer than any backtick run inside');
  fencesHold(`${block}\n\nafter\n\n${fenced('plain')}`, 2);
  assert.ok(!block.includes('\x1b'), 'terminal colour codes removed');
  assert.ok(block.includes('<script>'), 'inside a fence, text is shown as is');
});

test('cell: one line, pipes escaped, HTML and emphasis inert', () => {
  const c = cell(hostile);
  assert.ok(!c.includes('\n'));
  assert.equal(c.split(/(?<!\\)\|/).length, 1, 'no unescaped pipe');
  assert.ok(!c.includes('<script>') && c.includes('&lt;script>'));
  assert.ok(c.includes('\\*em\\*') && c.includes('\\$x\\$') && c.includes('\\[link\\]'));
  assert.equal(cell('x'.repeat(500), 10), `${'x'.repeat(9)}…`);
});

test('code spans hold backticks; in a table their pipes are escaped', () => {
  assert.equal(code('a ` b'), '``a ` b``');
  assert.equal(code('`x'), '`` `x ``');
  assert.equal(codeCell('grep a|b'), '`grep a\\|b`');
  assert.equal(inline('1 < 2 & 3'), '1 &lt; 2 &amp; 3');
});

test('clip keeps the head and tail of long output and says what it left out', () => {
  const text = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n');
  const clipped = clip(text, 10).split('\n');
  assert.deepEqual([clipped[0], clipped[6], clipped[7], clipped[10]], ['line 1', 'line 7', '… 90 lines not shown …', 'line 100']);
  assert.match(clip('y'.repeat(5000), 40, 100, 10_000), /^y{100}\n… 4900 characters not shown …$/);
  assert.equal(clip('z'.repeat(450)), `${'z'.repeat(400)} … (50 more characters)`);
});
