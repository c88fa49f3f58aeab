// A for_each gate in a real terminal (issue #30), at 60x20, 80x24 and 132x43: the items shown and the count of
// those hidden add up to the 12 the approval covers, the shell step that found them is shown as the gate's
// evidence, and a terminal too short for the gate names the height at which its keys show — at that height they
// do, one row less they do not.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hasTmux, Terminal } from './terminal.js';

describe('a for_each gate in tmux', { skip: !hasTmux && 'tmux not installed', concurrency: true }, () => {
  for (const [cols, rows] of [[60, 20], [80, 24], [132, 43]] as const) {
    test(`${cols}x${rows}: shown + counted items = 12; the evidence is the shell step's output; then too short`, async () => {
      const t = new Terminal('items-gate.yaml', [], { cols, rows });
      try {
        const screen = await t.until(/y +run +s +skip|unseen/);
        const shown = screen.split('\n').filter((l) => /^│ +(for each +)?\s*\d+\. session \d+ idle/.test(l)).length;
        const more = /… (\d+) more items? not shown/.exec(screen);
        assert.equal(shown + Number(more?.[1] ?? 0), 12, screen);
        if (rows < 43) assert.ok(more, `some items hidden at ${cols}x${rows}, and counted:\n${screen}`);
        assert.match(screen, /output of Find the idle sessions/);
        // Too short: the gate says which height shows its keys; at that height it takes y.
        t.resize(cols, 9);
        const short = await t.until('too short');
        const need = Number(/it\s+needs\s+(\d+)\s+rows/.exec(short.replace(/│/g, ' '))?.[1]);
        assert.ok(need > 9, short);
        t.resize(cols, need - 1);
        await t.until('too short');
        t.resize(cols, need);
        // Its keys are drawn there; y takes once every item was seen (the c view, read to its end).
        if (!/y +run +s +skip/.test(await t.until(/y +run +s +skip|s +skip +a +abort/))) await t.readAll();
        await t.until(/y +run +s +skip/);
        await t.settled();
        t.keys('y');
        assert.equal(await t.exitCode(), 0);
        assert.equal(readFileSync(t.file, 'utf8').trim().split('\n').length, 12);
      } finally {
        t.close();
      }
    });
  }
});
