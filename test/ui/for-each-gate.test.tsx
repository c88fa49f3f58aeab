// The terminal UI's gate for a for_each step (ink-testing-library, real Run over scripted executors): every item
// the approval covers is on screen, with what the step is given for it; y runs exactly those; the dry-run
// summary lists them too.
import './ci-off.js';
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../src/ui/ink/App.js';
import { DWELL_MS } from '../../src/ui/ink/Pager.js';
import { createViewStore } from '../../src/ui/view-store.js';
import { ends, plain, sleep, testRun, waitFor } from './helpers.js';
import type { Run, RunOptions } from '../../src/engine/run.js';
import { NOT_CHECKED } from '../../src/engine/application-check.js';

// A run a failed test left at its gate is stopped, so that nothing keeps this file's process alive.
const mounted: Run[] = [];
afterEach(() => {
  cleanup();
  for (const run of mounted.splice(0)) if (!run.result) run.abort('the test ended');
});

const SESSIONS = Array.from({ length: 12 }, (_, i) => ({ id: 100 + i, user: i % 2 ? 'app' : 'report', client: `10.0.0.${i}`, idle_s: 600 + i }));

const KILL = `
name: kill
title: Kill idle sessions
connections:
  db: { url: 'mysql://root@db.internal:3306/app' }
steps:
  - id: idle
    sql: { query: "SELECT 1" }
    capture: idle
  - id: kill-idle
    title: Kill idle sessions
    destructive: true
    confirm: Kill these \${{ idle.rowCount }} sessions?
    for_each:
      in: idle.rows
      as: s
      label: id \${{ s.id }} \${{ s.user }}@\${{ s.client }} idle \${{ s.idle_s }}s
    sql: { query: "KILL CONNECTION ?", params: ["\${{ s.id }}"] }
  - id: done
    end: resolved
    message: killed \${{ steps['kill-idle'].details.ok }}
`;

function mount(opts: Partial<RunOptions> = {}, rows = 60) {
  const t = testRun(KILL, { idle: { rows: SESSIONS, rowCount: SESSIONS.length, columns: ['id', 'user', 'client', 'idle_s'] } }, opts);
  mounted.push(t.run);
  const store = createViewStore(t.run, t.runbook.doc);
  const app = render(<App run={t.run} store={store} gateArmMs={0} />);
  // ink-testing-library's terminal has no height: give it one (the frame never grows taller than it).
  Object.defineProperty(app.stdout, 'rows', { value: rows, configurable: true });
  const frame = () => plain(app.lastFrame());
  const until = async (text: string | RegExp) => {
    await waitFor(() => (typeof text === 'string' ? frame().includes(text) : text.test(frame())), String(text));
    await sleep(10);
    return frame();
  };
  const finished = t.run.start();
  return { ...t, app, frame, until, end: () => ends(finished) };
}

test('the gate lists every item with its params; y kills exactly those', async () => {
  const ui = mount();
  const f = await ui.until('Kill these 12 sessions?');
  assert.match(f, /for each +12 items:/);
  for (const [i, s] of SESSIONS.entries()) {
    const line = new RegExp(`${String(i + 1).padStart(2)}\\. id ${s.id} ${s.user}@${s.client.replace(/\./g, '\\.')} idle ${s.idle_s}s  params \\[${s.id}\\]`);
    assert.match(f, line, `item ${i + 1} on screen`);
  }
  ui.app.stdin.write('y');
  const done = await ui.end();
  assert.equal(done.outcome, 'resolved');
  assert.equal(done.message, `killed 12 ${NOT_CHECKED}`);
  assert.equal(ui.executed.filter((s) => s === 'kill-idle').length, 12);
});

test('at 80x24 the gate still shows the question and keys; items that do not fit are counted, never dropped silently', async () => {
  const ui = mount({}, 24);
  const f = await ui.until('Kill these 12 sessions?');
  assert.match(f, /for each +12 items:/);
  assert.match(f, / 1\. id 100 /);
  const more = /… (\d+) more items not shown \(c: see all\)/.exec(f);
  assert.ok(more, f);
  const listed = [...f.matchAll(/^\s*│?\s+(?:for each\s+)?\s*(\d+)\. id /gm)].length;
  assert.equal(listed + Number(more[1]), 12, f);
  // Items off screen: y is dead, and the keys row says how much is unseen and how to see it.
  const unseen = /y: see all first \(c\): (\d+) rows unseen/.exec(f);
  assert.ok(unseen && Number(unseen[1]) > 0, f);
  assert.doesNotMatch(f, /y  run/);
  ui.app.stdin.write('y');
  await sleep(50);
  assert.equal(ui.run.pendingGate?.stepId, 'kill-idle', 'y answered a gate part of which was never seen');
  assert.ok(f.split('\n').length <= 23, `the frame fits the terminal:\n${f}`);
  // c: the whole confirmation, every item, scrolled; y does nothing there (its keys are not on screen).
  ui.app.stdin.write('c');
  let all = await ui.until('the whole confirmation of kill-idle');
  ui.app.stdin.write('y');
  // PgDn to the end (the question is its last line): every line seen, so y is live back at the gate.
  // Each page stays on screen long enough to count as read (src/ui/ink/Pager.tsx, DWELL_MS).
  await sleep(DWELL_MS + 200);
  for (let i = 0; i < 6 && !all.includes('Kill these 12 sessions?'); i++) { ui.app.stdin.write('\u001b[6~'); await sleep(DWELL_MS + 200); all = ui.frame(); }
  assert.match(all, /12\. id 111 app@10\.0\.0\.11/);
  assert.equal(ui.run.pendingGate?.stepId, 'kill-idle', 'y on the view did not answer the gate');
  ui.app.stdin.write('c');
  await ui.until(/Kill these 12 sessions\?.*\n.*y +run/);
  ui.app.stdin.write('y');
  assert.equal((await ui.end()).message, `killed 12 ${NOT_CHECKED}`);
});

test('a dry run shows the items in the plan and runs none', async () => {
  const ui = mount({ dryRun: true });
  const done = await ui.end();
  assert.equal(done.outcome, 'resolved');
  const f = await ui.until('a real run would ask you to confirm');
  assert.match(f, /kill-idle/);
  assert.match(f, /12 items:/);
  assert.match(f, /12\. id 111 app@10\.0\.0\.11 idle 611s/);
  assert.equal(ui.executed.filter((s) => s === 'kill-idle').length, 0);
});
