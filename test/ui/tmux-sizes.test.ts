// The terminal UI at real sizes (issue #17): the live frame is never taller than the terminal, so ink never
// clears the screen and the scrollback (ESC[2J / ESC[3J) while redrawing; at 80x24 the header and the whole
// decision (command, settings, question, keys) are on screen at a gate; after the run, the final record holds
// each step row once and no stale live rows. Checked on the raw bytes the program wrote and on tmux's screen.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { sleep } from './helpers.js';
import { hasTmux, Terminal } from './terminal.js';

const clears = (raw: Buffer) => ({ screen: raw.toString('latin1').split('\x1b[2J').length - 1, scrollback: raw.toString('latin1').split('\x1b[3J').length - 1 });

describe('the terminal UI at 80x24 and other sizes', { skip: !hasTmux && 'tmux not installed', concurrency: true }, () => {
  for (const [cols, rows] of [[80, 24], [100, 30], [160, 50]] as const) {
    test(`${cols}x${rows}: a tall gate fits; no screen or scrollback clears; the final record is clean`, async () => {
      const t = new Terminal('tall-gate.yaml', [], { cols, rows });
      try {
        const raw = t.recordRaw();
        await t.until('End the 30 idle sessions now?');
        const screen = await t.until('abort the run'); // the keys line shows once the gate takes keys
        await sleep(1500); // a second of clock ticks at the gate
        const atGate = t.screen();
        assert.match(atGate, /^runbook A gate taller than a small terminal/m, `header on screen:\n${atGate}`);
        for (const shown of [/CONFIRM +end-sessions/, /will run +echo "ending"/, /env +REASON=pool exhausted/, /TICKET=INC-4242/, /End the 30 idle sessions now\?/, /y +run +s +skip +a +abort the run/]) {
          assert.match(screen, shown, `${shown} on screen at ${cols}x${rows}:\n${screen}`);
        }
        assert.deepEqual(clears(readFileSync(raw)), { screen: 0, scrollback: 0 }, 'no clear while live');
        t.keys('y'); // armed: its keys were on screen
        assert.equal(await t.exitCode(), 0);
        assert.ok(existsSync(t.file));
        const history = t.history();
        assert.equal(history.split('\n').filter((l) => /^runbook A gate taller/.test(l)).length, 1, `one header in screen + scrollback:\n${history}`);
        assert.doesNotMatch(history, /awaiting confirmation|running  \d/, `no stale live rows:\n${history}`);
        assert.ok(!/╭─/.test(history.split(/^runbook A gate taller/m)[1]!.split('\n').slice(0, 2).join('\n')), 'no stale gate border under the final header');
        assert.deepEqual(clears(readFileSync(raw)), { screen: 0, scrollback: 0 });
      } finally { t.close(); }
    });
  }
});
