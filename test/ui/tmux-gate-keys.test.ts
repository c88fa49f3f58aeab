// A prompt and a high-risk gate in a real terminal (issue #30), at 60x20, 80x24 and 132x43: `INC-12⌫3⏎` at the
// prompt is INC-13 whether sent key by key or back to back; the id `restart-db` (r, e, c, n, and
// a `?` typed by mistake) is typed key by key with pauses and, in another run, in chunks; no key opens a view, a
// Backspace in a chunk is applied in order, and the step runs. F2 and Esc c open the whole confirmation and Esc
// comes back with what was typed still there. On the gate: the box's border intact (tabs in why, affects and the
// question), the command's 300 padded spaces counted (·×300) and the `; touch …` after them shown, the shell
// evidence named, and `on this machine`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { hasTmux, Terminal } from './terminal.js';
import { DWELL_MS } from '../../src/ui/ink/Pager.js';
import { sleep } from './helpers.js';

const VIEWS = /the whole confirmation of|evidence before|results of finished steps|note for the transcript|show or hide these keys/;

/** Every row of the box is as wide as the terminal and ends with its border. */
function boxIntact(screen: string, cols: number): void {
  const rows = screen.split('\n').filter((l) => /^[╔║╚]/.test(l));
  assert.ok(rows.length > 4, `no box on screen:\n${screen}`);
  for (const r of rows) assert.ok([...r].length === cols && /[╗║╝]$/.test(r), `a broken box row (${[...r].length} of ${cols}):\n${r}\n${screen}`);
}

function gateShown(screen: string, cols: number): void {
  boxIntact(screen, cols);
  // A tab in the runbook's title: shown, and the header stays the top row.
  assert.match(screen.split('\n')[0]!, /^runbook Restart⇥the database/, screen);
  assert.match(screen, /CONFIRM \(HIGH RISK\)/);
  assert.match(screen, /·×300/, 'the padded spaces are counted');
  assert.match(screen.replace(/\s*[║│]\s*(↪ )?/g, ' '), /; touch·?\s+\S*marker/, `the command after the padding is shown:\n${screen}`);
  assert.match(screen, /on +this machine/);
  assert.match(screen, /output of Look at the service|result of Look at the service|Look at the service: 2 lines/, `the shell evidence is named:\n${screen}`);
}

describe('a high-risk gate in tmux', { skip: !hasTmux && 'tmux not installed', concurrency: true }, () => {
  for (const [cols, rows] of [[60, 20], [80, 24], [132, 43]] as const) {
    test(`${cols}x${rows}: the id typed key by key with pauses; F2 and Esc c views keep what was typed`, async () => {
      const t = new Terminal('gate-keys.yaml', [], { cols, rows });
      try {
        await t.until(/Which incident ticket\?[\s\S]*› /);
        for (const k of ['I', 'N', 'C', '-', '1', '2', 'BSpace', '3', 'Enter']) { t.keys(...(k.length > 1 ? [k] : ['-l', k])); await sleep(60); }
        gateShown(await t.until(/type restart-db and Enter[\s\S]*› /), cols);
        assert.match(t.screen(), /\(INC-13\)\?/, 'the ticket typed with a Backspace');
        for (const k of ['r', 'e', 's', 't', 'a']) { t.keys('-l', k); await sleep(60); }
        await t.until('› resta');
        t.keys('F2');
        const page = await t.until('the whole confirmation of restart-db');
        assert.match(page.replace(/\n(↪ )?/g, ' '), /·×300/);
        await sleep(DWELL_MS + 100); // on screen long enough to count as read (src/ui/ink/Pager.tsx)
        t.keys('Escape');
        await t.until(/CONFIRM \(HIGH RISK\)[\s\S]*› resta/);
        t.keys('Escape');
        await t.until('then: ? keys');
        t.keys('c');
        await t.until('the whole confirmation of restart-db');
        await sleep(DWELL_MS + 100);
        t.keys('Escape');
        await t.until(/CONFIRM \(HIGH RISK\)[\s\S]*› resta/);
        // A mistake with view letters in it, erased one Backspace at a time, then the rest of the id.
        for (const k of ['r', 'e', 'c', '?', 'n', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'r', 't', '-', 'd', 'b']) {
          t.keys(k.length > 1 ? k : '-l', ...(k.length > 1 ? [] : [k]));
          await sleep(60);
          const s = t.screen();
          assert.doesNotMatch(s, VIEWS, `${k} opened a view:\n${s}`);
        }
        await t.until('› restart-db');
        t.keys('Enter');
        assert.equal(await t.exitCode(), 0);
        assert.ok(existsSync(t.file), 'the step ran');
      } finally {
        t.close();
      }
    });

    test(`${cols}x${rows}: the id in chunks, Backspaces inside a chunk applied in order`, async () => {
      const t = new Terminal('gate-keys.yaml', [], { cols, rows });
      try {
        await t.until(/Which incident ticket\?[\s\S]*› /);
        t.keys('INC-12', 'BSpace', '3', 'Enter'); // one send-keys: the Backspace arrives inside a read with the text
        gateShown(await t.until(/type restart-db and Enter[\s\S]*› /), cols);
        assert.match(t.screen(), /\(INC-13\)\?/, 'the ticket typed with a Backspace');
        // One send-keys: the keys reach the CLI back to back (one read, or a few).
        t.keys('-l', 'rec?n');
        t.keys('BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'r', 'e', 's', 't', 'a', 'r', 't', '-', 'd', 'x', 'BSpace', 'b');
        const s = await t.until('› restart-db');
        assert.doesNotMatch(s, VIEWS);
        // Part of the confirmation off screen (60x20): the id is refused until it was all seen (F2, to its end).
        if (/rows unseen/.test(s)) {
          t.keys('Enter');
          await t.until(/see all of it first \(F2\): \d+ rows unseen/);
          assert.equal(existsSync(t.file), false, 'the id ran a gate with rows unseen');
          t.keys('-l', 'restart-db');
          await t.readAll('F2');
          await t.until(/CONFIRM \(HIGH RISK\)[\s\S]*› restart-db/);
        }
        t.keys('Enter');
        assert.equal(await t.exitCode(), 0);
        assert.ok(existsSync(t.file), 'the step ran');
      } finally {
        t.close();
      }
    });
  }
});
