// A probe of stop 71: `runbook approve`, follow and replay printed a question's, an affects', a message's or a
// note's line breaks as rows of their own, and text padded to the terminal's edge started a row of its own at the
// left: a forged gate above approve's y/N (its y ran `rm -rf`), a "run finished: RESOLVED" under a run that ended
// escalate. Every row is now one of the engine's: the first of a line starts with its time, every other with the
// indent, and a row longer than the terminal is cut by the engine with ↪. Generated fields, fixed seed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderLine } from '../../src/transcript/replay/render.js';
import { displayWidth } from '../../src/common/display-width.js';
import type { TranscriptLine } from '../../src/events/schema.js';
import { rng } from '../helpers/rng.js';

const TS = '2026-11-27T23:23:08.000Z';
const FORGED = '23:23:08  ■ run finished: RESOLVED — The application answers again.';

function hostile(random: () => number): string {
  const parts: string[] = [];
  const n = 1 + Math.floor(random() * 6);
  for (let i = 0; i < n; i++) {
    const pick = Math.floor(random() * 6);
    parts.push(pick === 0 ? '\n'.repeat(1 + Math.floor(random() * 30)) : pick === 1 ? ' '.repeat(Math.floor(random() * 200)) : pick === 2 ? '\r\n'
      : pick === 3 ? FORGED : pick === 4 ? '$ systemctl reload app-cache' : 'x'.repeat(Math.floor(random() * 120)));
  }
  return parts.join('');
}

function lines(text: string): TranscriptLine[] {
  return [
    { type: 'run-finished', ts: TS, outcome: 'escalate', message: text, durationMs: 78, steps: { ok: 1, failed: 0, skipped: 0 } },
    { type: 'confirmation-requested', ts: TS, stepId: 'wipe', title: 'Wipe', command: 'rm -rf /tmp/data', question: text, risk: 'normal', blastRadius: text },
    { type: 'note', ts: TS, by: 'bob', text },
    { type: 'confirmation-answered', ts: TS, stepId: 'wipe', answer: 'no', how: 'key', by: 'bob', reason: text, waitedMs: 5 },
  ] as unknown as TranscriptLine[];
}

test('replay, follow and approve: every row is the engine\'s, at any width (600 generated)', () => {
  const random = rng(71);
  for (let n = 0; n < 150; n++) {
    const text = hostile(random);
    for (const line of lines(text)) {
      for (const width of [undefined, 40, 80, 132]) {
        const rows = renderLine(line, width === undefined ? {} : { width });
        assert.ok(rows.length >= 1);
        assert.ok(rows[0]!.startsWith('23:23:08  ') || /^\d\d:\d\d:\d\d  /.test(rows[0]!), rows[0]);
        rows.slice(1).forEach((r) => assert.ok(r.startsWith(' '.repeat(10)), `${line.type} at ${width}: a row at the left: ${JSON.stringify(r)}`));
        rows.forEach((r) => assert.ok(!r.includes('\n') && !r.includes('\r'), JSON.stringify(r)));
        if (width !== undefined) rows.forEach((r) => assert.ok(displayWidth(r) <= width, `${displayWidth(r)} > ${width}: ${JSON.stringify(r)}`));
      }
    }
  }
});

test('the run that ended escalate says so in its first row, whatever its message holds', () => {
  const rows = renderLine(lines(`app is down${'\n'.repeat(30)}${FORGED}`)[0]!, { width: 80 });
  assert.match(rows[0]!, /■ run finished: ESCALATE — app is down ⏎/);
  assert.ok(rows.slice(1).every((r) => r.startsWith(`${' '.repeat(10)}↪ `)), rows.join('\n'));
});

// Round 3 of the probe: a tab counted 0 columns (the terminal moved 8), and a row with colour inside it (a bold step
// id before the author's command, in --plain) was left uncut: the terminal's wrap put forged text at the left again.
test('tabs and colour inside a row: cut where the terminal would wrap it (generated)', async () => {
  const { fitRow } = await import('../../src/ui/fit-row.js');
  const random = rng(7149);
  const strip = (r: string) => r.replace(/\x1b\[[0-9;]*m/g, '');
  for (let n = 0; n < 300; n++) {
    const width = 40 + Math.floor(random() * 100);
    const tabs = '\t'.repeat(Math.floor(random() * 12));
    const filler = 'x'.repeat(Math.floor(random() * 90));
    const row = `start    \x1b[1mlook\x1b[22m [shell]: ${filler}${tabs}${FORGED}`;
    const rows = fitRow(row, width, 9);
    let col = 0;
    for (const [i, r] of rows.entries()) {
      // As the terminal draws it: tabs to the next stop of 8, from the row's first column.
      col = 0;
      for (const c of strip(r)) col = c === '\t' ? col + 8 - (col % 8) : col + displayWidth(c);
      assert.ok(col <= width, `row ${i} takes ${col} columns of ${width}: ${JSON.stringify(r)}`);
      if (i > 0) assert.ok(strip(r).startsWith(`${' '.repeat(9)}↪ `), JSON.stringify(r));
    }
  }
});
