// The gate in a real terminal (issue 44): tmux at 80x24 draws gates whose commands hold a generated corpus
// (gate-corpus.ts: every format character, combining marks, variation selectors, fillers, wide and
// ambiguous-width blocks, lookalikes of the engine's marks; fixed seed), many characters per gate. As tmux drew
// the pane: the frame's top row is still the header and every row of the box is 80 columns with its border (no
// character the frame counted narrow was drawn wide); every character of the command is there as its escape
// (`a‹U+200D›b`), read across the c view's pages; the command rows hold nothing but printable ASCII and the
// engine's marks; and y is dead while part of the command is off screen, live once the c view was read to its end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { hasTmux, Terminal } from './terminal.js';
import { FIXTURES, sleep } from './helpers.js';
import { corpusRunbook, gateCorpus } from './gate-corpus.js';

const COLS = 80;
const ROWS = 24;

function frameIntact(screen: string): void {
  const lines = screen.split('\n');
  assert.match(lines[0]!, /^runbook The gate corpus/, `the header was pushed off the top:\n${screen}`);
  const box = lines.filter((l) => /^[╭│╰]/.test(l));
  assert.ok(box.length > 4, `no box:\n${screen}`);
  for (const r of box) assert.ok([...r].length === COLS && /[╮│╯]$/.test(r), `a box row of ${[...r].length} columns:\n${r}\n${screen}`);
}

/** The command's rows: only printable ASCII and the engine's own marks (‹ › of an escape, ↪, …, ·, ×, ⇥). */
function commandRows(screen: string): string[] {
  return screen.split('\n').filter((l) => /# L\d{3}|^\W*(│\s+)?↪ /.test(l)).map((l) => l.replace(/^│|│\s*$/g, ''));
}

test('80x24: a generated corpus in gate commands is drawn escaped, fits, and y waits until all of it was seen', { skip: !hasTmux && 'tmux not installed', timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-corpus-'));
  const corpus = gateCorpus(Number(process.env.GATE_CORPUS_SEED ?? 44)); // another seed: GATE_CORPUS_SEED
  const { yaml, gates } = corpusRunbook(corpus);
  const file = join(dir, 'corpus.yaml');
  writeFileSync(file, yaml);
  const t = new Terminal(relative(FIXTURES, file), [], { cols: COLS, rows: ROWS });
  try {
    for (const [g, lines] of gates.entries()) {
      const gate = await t.until(new RegExp(`CONFIRM  gate-${g} [\\s\\S]*(rows? unseen|y +run)`));
      frameIntact(gate);
      const hidden = /… \d+ more (lines|rows)/.test(gate);
      assert.ok(hidden, `batch ${g} fits on one gate: the corpus is too small to test y`);
      assert.match(gate, /y: see all first \(c\): \d+ rows unseen/);
      for (const row of commandRows(gate)) assert.match(row, /^[\x20-\x7e‹›↪…·×⇥]*$/u, row);
      // y while part of the command is off screen: nothing runs, the gate stays.
      await sleep(350);
      t.keys('-l', 'y');
      await sleep(400);
      assert.equal(existsSync(`${t.file}.${g}`), false, `y ran batch ${g} with rows unseen`);
      assert.match(t.screen(), new RegExp(`CONFIRM  gate-${g} `));
      // c: page through the whole confirmation, as tmux draws it.
      const seen = new Set<string>();
      for (const page of await t.readAll()) {
        assert.match(page.split('\n')[0]!, /^runbook The gate corpus/, `the header was pushed off the top:\n${page}`);
        for (const row of commandRows(page)) {
          assert.match(row, /^[\x20-\x7e‹›↪…·×⇥]*$/u, `a raw character in a command row:\n${row}`);
          assert.ok([...row].length <= COLS, row);
          for (const w of row.split(/\s+/)) if (w) seen.add(w);
        }
      }
      const missing = lines.flat().filter((w) => !seen.has(w));
      assert.deepEqual(missing, [], `batch ${g}: characters not on screen as themselves or their escape`);
      await t.until(new RegExp(`CONFIRM  gate-${g} [\\s\\S]*y +run +s +skip`));
      t.keys('-l', 'y');
      await sleep(50);
    }
    assert.equal(await t.exitCode(), 0);
    for (const g of gates.keys()) assert.ok(existsSync(`${t.file}.${g}`), `batch ${g} ran once confirmed`);
  } finally {
    t.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
