// A wide result in the `r` view (issue 49): 200 columns at 80 columns wide. The title says which columns are
// shown of how many ("columns 1–5 of 200"); → and ← bring every column on screen, one at a time, to the last;
// x shows every cell in full, row by row, so the end of a 5,016-character cell is reached by scrolling.
import './ci-off.js';
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../src/ui/ink/App.js';
import { TerminalSizeContext, type SizeSource } from '../../src/ui/ink/use-terminal-size.js';
import { createViewStore } from '../../src/ui/view-store.js';
import { ask, plain, sleep, testRun, waitFor } from './helpers.js';
import type { Run } from '../../src/engine/run.js';

const runs: Run[] = [];
afterEach(() => { cleanup(); for (const r of runs.splice(0)) if (!r.result) r.abort('the test ended'); });

const COLUMNS = Array.from({ length: 200 }, (_, i) => `c${i + 1}`);
const LONG = `${'x'.repeat(5000)}-THE-END-OF-IT`;
const ROWS = [0, 1, 2].map((r) => Object.fromEntries(COLUMNS.map((c, i) => [c, r === 1 && i === 7 ? LONG : `v${r}.${i + 1}`])));

test('200 columns at 80x24: the title counts them, → reaches each, x shows a 5,016-character cell to its end', async () => {
  const t = testRun(`
name: wide
title: Wide
connections:
  db: { url: 'postgres://u@h/d' }
steps:
  - id: wide
    sql: { query: 'select * from wide' }
    next: look
  - id: look
    manual: Look at it
  - id: done
    end: resolved
`, { wide: { columns: COLUMNS, rows: ROWS, rowCount: 3 }, look: ask });
  runs.push(t.run);
  const size: SizeSource = { get: () => ({ rows: 24, columns: 80 }), subscribe: () => () => undefined, resizedAt: () => 0 };
  const app = render(<TerminalSizeContext.Provider value={size}><App run={t.run} store={createViewStore(t.run, t.runbook.doc)} gateArmMs={0} /></TerminalSizeContext.Provider>);
  const frame = () => plain(app.lastFrame());
  const until = async (re: RegExp) => { await waitFor(() => re.test(frame()), String(re)); await sleep(10); return frame(); };
  void t.run.start();
  await until(/MANUAL STEP/);
  app.stdin.write('r');
  await until(/results of finished steps/);
  app.stdin.write('\r');
  let f = await until(/result of wide: columns 1–(\d+) of 200/);
  const seen = new Set<string>();
  const header = (s: string) => s.split('\n').find((l) => /^c\d+ /.test(l)) ?? '';
  for (const w of header(f).split(/\s*│\s*/)) seen.add(w.trim());
  assert.ok(f.split('\n').every((l) => l.length <= 80), f);
  for (let i = 0; i < 199; i++) {
    app.stdin.write('\u001b[C'); // →
    f = await until(new RegExp(`columns ${i + 2}–\\d+ of 200`));
    for (const w of header(f).split(/\s*│\s*/)) seen.add(w.trim());
  }
  assert.match(f, /columns 200–200 of 200/);
  assert.deepEqual(COLUMNS.filter((c) => !seen.has(c)), [], 'every column on screen at some point');
  app.stdin.write('\u001b[D'); // ←
  await until(/columns 199–200 of 200/);
  // x: every cell in full; the long cell wrapped, its end reached by scrolling.
  app.stdin.write('x');
  f = await until(/every cell in full/);
  for (let i = 0; i < 200 && !f.includes('THE-END-OF-IT'); i++) { app.stdin.write('\u001b[6~'); await sleep(15); f = frame(); }
  assert.match(f, /THE-END-OF-IT/);
  app.stdin.write('x');
  await until(/result of wide: columns/);
  app.stdin.write('\u001b');
  await until(/results of finished steps/);
  app.stdin.write('\u001b');
  await until(/MANUAL STEP/);
  // d answers the manual step; on a starved machine a key read as the view closes may be lost, so it is pressed
  // again while the step still waits (nothing after it could take a d).
  for (let i = 0; i < 10 && !t.run.result; i++) {
    app.stdin.write('d');
    await waitFor(() => t.run.result, 'the run to end', 5_000).catch(() => undefined);
  }
  await waitFor(() => t.run.result, 'the run to end');
});
