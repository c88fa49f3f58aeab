// A resize while a gate is up (issue #44, found by a probe): at 200x50 the whole command fits and y is live;
// tmux then resized the window and sent y in the same instant, before the frame was laid out again, and y ran
// the step with most of its 31 lines off screen (5 of 10 trials). The gate now takes a key only while the
// terminal is the size its frame was drawn for, asked of the terminal itself at the key. Each size is tried
// several times; y never runs, and the redrawn gate says what is unseen.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { hasTmux, Terminal } from './terminal.js';
import { sleep } from './helpers.js';

const SIZES = [[80, 24], [60, 20], [40, 12], [80, 5]] as const;
const TRIALS = 3;

describe('a resize while the gate is up', { skip: !hasTmux && 'tmux not installed', concurrency: true }, () => {
  for (const [cols, rows] of SIZES) {
    test(`200x50 → ${cols}x${rows} with y sent at once: y never runs a command the screen no longer shows`, async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const t = new Terminal('long-gate.yaml', [], { cols: 200, rows: 50 });
        try {
          await t.until(/y\s+run/);
          await sleep(600); // armed: keys count only after the gate's arming delay
          t.tmux('resize-window', '-t', 'ui', '-x', String(cols), '-y', String(rows), ';', 'send-keys', '-t', 'ui', 'y');
          await sleep(800);
          assert.equal(existsSync(t.file), false, `trial ${trial}: y ran the step after the resize:\n${t.screen()}`);
          // Laid out again for the new size: the whole command does not fit, and the gate says so.
          if (rows >= 20) await t.until(/unseen|more lines/);
        } finally {
          t.close();
        }
      }
    });
  }

  test('without a resize, y runs it (the fixture and the keys are right)', async () => {
    const t = new Terminal('long-gate.yaml', [], { cols: 200, rows: 50 });
    try {
      await t.until(/y\s+run/);
      await sleep(600);
      t.keys('y');
      for (let i = 0; i < 100 && !existsSync(t.file); i++) await sleep(50);
      assert.ok(existsSync(t.file), t.screen());
    } finally {
      t.close();
    }
  });
});
