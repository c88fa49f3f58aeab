// A probe of stop 71: a tmux client without UTF-8 draws the gate's wrap mark ↪ as `_` (LANG=C draws it `>`), so a
// command whose second line is written `_ s-and-why || touch F` was drawn exactly as one comment line wrapping onto
// the next row, and y ran the touch. Each line of a command now starts two columns in, and only a continuing row has
// anything before that: the mark's place, not its glyph, tells a continuation from a line. Generated commands,
// fixed seed; each drawn as a UTF-8 terminal, a non-UTF-8 tmux client (every non-ASCII character `_`) and the
// engine's own ASCII mode would draw it: the wrapped line and its forged twin never look alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { valueRows } from '../../src/ui/frame/gate.js';
import { asciiText } from '../../src/ui/ascii-text.js';
import { rng } from '../helpers/rng.js';

const drawn = (text: string, width: number) => valueRows(text, width, undefined, false, true).rows.map((r) => r.map((s) => s.text).join(''));
const DRAWINGS: Record<string, (row: string) => string> = {
  utf8: (r) => r,
  'tmux without UTF-8': (r) => r.replace(/[^\x00-\x7f]/gu, '_'),
  'ASCII mode': (r) => asciiText(r),
};

test('a wrapped command line and a second line forged to look like its continuation are drawn apart (600 generated)', () => {
  const random = rng(7144);
  const words = ['#', 'gated', 'by', 'policy;', 'see', 'https://wiki.example.com/runbook/pool-status-and-why', '||', 'true', 'echo', 'status'];
  for (let n = 0; n < 200; n++) {
    const width = 20 + Math.floor(random() * 100);
    let line = '';
    while (line.length < width * 1.6) line += `${words[Math.floor(random() * words.length)]} `;
    line = line.trim();
    const rows = drawn(line, width);
    assert.ok(rows.length >= 2, `${width}: ${line}`);
    // Every row of one line: the first starts two columns in, the rest with the mark.
    assert.ok(rows[0]!.startsWith('  ') && rows.slice(1).every((r) => r.startsWith('↪ ')), rows.join('\n'));
    // The forgery: the same text, the second row's text as a line of its own after each mark's glyph.
    const [first, ...rest] = rows;
    for (const glyph of ['_', '>', '↪']) {
      const forged = `${first!.slice(2).replace(/·$/, ' ').trimEnd()}\n${glyph} ${rest.map((r) => r.slice(2)).join('')}`;
      const forgedRows = drawn(forged, width);
      for (const [terminal, draw] of Object.entries(DRAWINGS)) {
        assert.notDeepEqual(forgedRows.map(draw), rows.map(draw), `${terminal} at ${width}: ${JSON.stringify(forged)}`);
      }
    }
  }
});
