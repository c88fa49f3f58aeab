// Paging faster than the terminal is drawn (a probe of stop 67): ink writes at most one frame per interval (34 ms)
// and drops the frames replaced within it, so PgDn pressed every 10 to 30 ms rendered the page holding the acting
// line (row 45 of 100) without it ever being written to the terminal, the reading counted it, and y ran it. A
// page now counts as read once it has stayed on screen DWELL_MS (src/ui/ink/Pager.tsx). tmux is the reader: what
// it was sent is recorded, byte for byte.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { hasTmux, Terminal } from './terminal.js';
import { sleep } from './helpers.js';
import { DWELL_MS } from '../../src/ui/ink/Pager.js';

describe('paging through the whole confirmation faster than the terminal draws', { skip: !hasTmux && 'tmux not installed' }, () => {
  for (const gap of [10, 30]) {
    test(`PgDn every ${gap} ms: pages never drawn are not read, y stays dead; read page by page, y runs`, async () => {
      const t = new Terminal('many-lines-gate.yaml', [], { cols: 80, rows: 24, held: true });
      try {
        const raw = t.recordRaw();
        t.start();
        await t.until(/unseen/);
        await sleep(600);
        t.keys('c');
        await t.until(/lines 1–\d+ of \d+/);
        for (let i = 0; i < 5; i++) { t.keys('NPage'); await sleep(gap); }
        await sleep(DWELL_MS + 300);
        t.keys('Escape');
        await t.until(/unseen/);
        t.keys('y');
        await sleep(800);
        assert.equal(existsSync(t.file), false, `y ran a gate part of which was never drawn:\n${t.screen()}`);
        const drawn = readFileSync(raw, 'utf8');
        // Whatever was written, the reading did not count what was not: y stayed dead above. The acting line is
        // the one that must be seen; when it was never written, this run shows the probe's case.
        if (!drawn.includes('touch "')) assert.match(t.screen(), /unseen/);
        await t.readAll();
        await t.until(/y\s+run/);
        t.keys('y');
        await t.until(/ran|resolved/);
        assert.equal(existsSync(t.file), true, `y did not run once every page was read:\n${t.screen()}`);
      } finally {
        t.close();
      }
    });
  }
});
