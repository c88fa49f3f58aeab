// A wide result in a real terminal (issue 49): a PostgreSQL query of 200 columns, one cell 5,016 characters long,
// in tmux at 80x24. In the `r` view the title says "columns 1–N of 200", → brings every column on screen to the
// last one (the pane as tmux drew it), and x shows every cell in full, the long one read to its end with PgDn.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/lab/index.js';
import type { LabServer } from '../../src/lab/types.js';
import { Tmux, TMUX } from '../hardening/tmux.js';
import { scratch, writeRunbook } from '../hardening/helpers.js';

const dir = scratch({ after });
const COLUMNS = Array.from({ length: 200 }, (_, i) => (i === 7 ? `repeat('x', 5000) || '-THE-END-OF-IT' AS c8` : `${i + 1} AS c${i + 1}`));
const rb = writeRunbook(dir, 'wide', `name: wide
title: A wide result
inputs:
  url: { description: the database, required: true, secret: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: wide
    sql: { query: "SELECT ${COLUMNS.join(', ')}" }
    next: look
  - id: look
    manual: Look at it
    next: done
  - { id: done, end: resolved }
`);

let pg: LabServer | undefined;
before(async () => { if (TMUX) pg = await startServer('postgres'); });
after(async () => { await pg?.stop(); });

test('200 columns at 80x24 in tmux: every column reached with →, the long cell read to its end with x', { skip: !TMUX && 'tmux not installed', timeout: 180_000 }, async (t) => {
  const term = new Tmux(dir, ['run', rb, '--no-transcript', '--input', `url=${pg!.url()}`], { cols: 80, rows: 24 });
  t.after(() => term.close());
  await term.until(/MANUAL STEP/);
  term.keys('r');
  await term.until('results of finished steps');
  // The list takes keys once React has attached its handler, a moment after it is drawn: on a loaded machine an
  // Enter sent in that moment goes to the frame, which ignores it. Pressed again, it opens the step.
  let screen = '';
  for (let i = 0; i < 5 && !screen; i++) {
    term.keys('Enter');
    screen = await term.until(/result of wide: columns 1–\d+ of 200/, 10_000).catch(() => '');
  }
  assert.match(screen, /result of wide: columns 1–\d+ of 200/, term.screen());
  const seen = new Set<string>();
  const header = (s: string) => (s.split('\n').find((l) => /^c\d+ /.test(l)) ?? '').split(/\s*│\s*/).map((w) => w.trim());
  for (const w of header(screen)) seen.add(w);
  for (let i = 2; i <= 200; i++) {
    term.keys('Right');
    screen = await term.until(new RegExp(`columns ${i}–\\d+ of 200`));
    for (const w of header(screen)) seen.add(w);
    for (const row of screen.split('\n')) assert.ok([...row].length <= 80, row);
  }
  assert.match(screen, /columns 200–200 of 200/);
  assert.deepEqual(Array.from({ length: 200 }, (_, i) => `c${i + 1}`).filter((c) => !seen.has(c)), [], 'every column drawn');
  term.keys('x');
  screen = await term.until(/every cell in full/);
  for (let i = 0; i < 150 && !screen.includes('THE-END-OF-IT'); i++) {
    term.keys('NPage');
    await new Promise((r) => setTimeout(r, 60));
    screen = term.screen();
  }
  assert.match(screen, /THE-END-OF-IT/, 'the end of the 5,016-character cell');
  term.keys('Escape');
  await term.until('results of finished steps');
  term.keys('Escape');
  await term.until(/MANUAL STEP[\s\S]*when it is done/);
  await new Promise((r) => setTimeout(r, 350)); // back on the question, it takes keys after its type-ahead pause
  term.keys('d');
  assert.equal(await term.exitCode(), 0);
});
