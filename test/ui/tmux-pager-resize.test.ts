// Widening the terminal while reading the whole confirmation (c) must not count rows never drawn as read (a
// probe of stop 66): 22 pages down at 40x12 reached row 133 of 242; at 80x24 the same text was 127 rows, and the
// reach of 133 covered all of it, lines 23 to 35 (the one that acts among them) never drawn. y then ran. The
// reach now belongs to one layout (width) of one gate: another starts the reading again.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { hasTmux, Terminal } from './terminal.js';
import { sleep } from './helpers.js';
import { DWELL_MS } from '../../src/ui/ink/Pager.js';

describe('reading the whole confirmation across a resize', { skip: !hasTmux && 'tmux not installed' }, () => {
  // A probe of stop 68: at 80x20 in the c view, grown to 80x50 and shrunk back 10 ms later: tmux held the shrink
  // ~240 ms, the 50-row page stayed in the pty past DWELL_MS and counted as read, though the 20-row pane showed
  // only its bottom; End, Escape and y ran the step (4 of 4). A page is counted only RESIZE_QUIET_MS after a resize.
  test('80x20, grown to 80x50 and shrunk back at once in the c view: the page drawn only into rows scrolled away does not count', async () => {
    for (let trial = 0; trial < 2; trial++) {
      const t = new Terminal('long-gate.yaml', [], { cols: 80, rows: 20 });
      try {
        await t.until(/see all first|unseen/);
        await sleep(600);
        t.keys('c');
        await t.until(/lines 1–\d+ of \d+/);
        t.resize(80, 50);
        await sleep(10);
        t.resize(80, 20);
        await sleep(600);
        t.keys('End');
        await sleep(DWELL_MS + 100);
        t.keys('Escape');
        await sleep(400);
        t.keys('y');
        await sleep(800);
        assert.equal(existsSync(t.file), false, `trial ${trial}: y ran with rows never drawn:\n${t.screen()}`);
      } finally {
        t.close();
      }
    }
  });

  test('read partly at 40x12, widened to 80x24: y is not live until the new layout is read through; then it is', async () => {
    const t = new Terminal('wide-lines-gate.yaml', [], { cols: 40, rows: 12 });
    try {
      await t.until(/c:\s*\d+|unseen/);
      await sleep(600);
      t.keys('c');
      await t.until(/lines \d+–\d+ of \d+/);
      for (let i = 0; i < 22; i++) { t.keys('PageDown'); await sleep(DWELL_MS + 100); } // each page stays on screen long enough to count
      const narrow = Number(/lines 1\d\d–\d+ of (\d+)/.exec(await t.until(/lines 1\d\d–\d+ of \d+/))![1]);
      t.resize(80, 24);
      const wideScreen = await t.until(new RegExp(`of (?!${narrow}\\b)\\d+`));
      const wide = Number(/of (\d+)/.exec(wideScreen.slice(wideScreen.indexOf('lines ')))![1]);
      assert.ok(wide < 150 && wide < narrow, `the wider layout has fewer rows (${wide} < ${narrow})`);
      t.keys('Escape');
      await sleep(400);
      t.keys('y');
      await sleep(800);
      assert.equal(existsSync(t.file), false, `y ran with rows never drawn:\n${t.screen()}`);
      // Read through in the new layout: y is live then.
      t.keys('c');
      await t.until(new RegExp(`of ${wide}`));
      t.keys('Home');
      let page = await t.until(new RegExp(`lines 1–\\d+ of ${wide}`));
      // Each page waits to be drawn before its dwell starts: under load a key's page may be drawn late.
      for (let i = 0; i < 40; i++) {
        await sleep(DWELL_MS + 100);
        const last = /lines \d+–(\d+) of \d+/.exec(page)![1];
        if (last === String(wide)) break;
        t.keys('PageDown');
        page = await t.until(new RegExp(`lines \\d+–(?!${last} )\\d+ of ${wide}`));
      }
      assert.match(page, new RegExp(`–${wide} of ${wide}`));
      t.keys('Escape');
      await sleep(400);
      t.keys('y');
      await t.until(/ran|resolved/);
      assert.equal(existsSync(t.file), true, `y did not run once all was read:\n${t.screen()}`);
    } finally {
      t.close();
    }
  });
});
