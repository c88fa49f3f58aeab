// The evidence beside a gate is the result the gate acts on (issue #30): not the latest SQL result (the flagship
// showed "0 rows" of lock blockers above "Terminate these 4 sessions"), and a script's output when the step names
// it, within the free rows. ink over a real Run with scripted results, at 80x24.
import './ci-off.js';
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../src/ui/ink/App.js';
import { createViewStore } from '../../src/ui/view-store.js';
import { ends, plain, sleep, testRun, waitFor, type Script } from './helpers.js';
import type { Run } from '../../src/engine/run.js';

const mounted: Run[] = [];
afterEach(() => {
  cleanup();
  for (const run of mounted.splice(0)) if (!run.result) run.abort('the test ended');
});

const BOOK = (evidence: string) => `
name: ev
title: Evidence at the gate
connections:
  db: { url: 'postgres://admin@db/app' }
steps:
  - id: look
    title: Look at the service
    shell: systemctl status app
  - id: find-idle
    title: Find the idle sessions
    sql: { query: "select pid, state from pg_stat_activity" }
    capture: idle
  - id: lock-check
    title: Check for lock blockers
    sql: { query: "select pid from pg_locks" }
    capture: locks
  - id: terminate
    title: Terminate them
    destructive: true${evidence}
    confirm: Terminate these \${{ idle.rowCount }} sessions?
    for_each: { in: idle.rows, as: s, label: "pid \${{ s.pid }}" }
    sql: { query: "select pg_terminate_backend($1)", params: ["\${{ s.pid }}"] }
    on: { skipped: done }
  - id: done
    end: resolved
`;

const SCRIPT: Script = {
  look: async (_a, ctx) => { ctx.onOutput('stdout', 'app.service: failed\nlast log: too many connections\n'); return { exitCode: 0 }; },
  'find-idle': { columns: ['pid', 'state'], rows: [4711, 4712, 4713, 4714].map((pid) => ({ pid, state: 'idle' })), rowCount: 4 },
  'lock-check': { columns: ['pid'], rows: [], rowCount: 0 },
};

function mount(yaml: string, rows = 24) {
  const t = testRun(yaml, SCRIPT);
  mounted.push(t.run);
  const app = render(<App run={t.run} store={createViewStore(t.run, t.runbook.doc)} gateArmMs={0} transcriptPath="/tmp/t.jsonl" />);
  Object.defineProperty(app.stdout, 'rows', { value: rows, configurable: true });
  Object.defineProperty(app.stdout, 'columns', { value: 80, configurable: true });
  const frame = () => plain(app.lastFrame());
  const finished = t.run.start();
  return { ...t, app, frame, end: () => ends(finished) };
}

test('the gate shows the sessions it terminates (the capture its params read), not the latest result', async () => {
  const ui = mount(BOOK(''));
  const f = await waitFor(() => { const s = ui.frame(); return /y +run/.test(s) && s; }, 'the gate');
  assert.match(f, /result of Find the idle sessions: 4 rows/, f);
  assert.doesNotMatch(f, /result of Check for lock blockers/, 'the latest result is not the evidence');
  assert.ok(f.split('\n').length <= 23, f);
  await sleep(10);
  ui.app.stdin.write('s');
  await ui.end();
  // With free rows, its rows.
  const tall = mount(BOOK(''), 40);
  const g = await waitFor(() => { const s = tall.frame(); return /y +run/.test(s) && s; }, 'the gate at 40 rows');
  assert.match(g, /4711 +│ idle/, g);
  assert.doesNotMatch(g, /result of Check for lock blockers/);
  assert.ok(g.split('\n').length <= 39, g);
  await sleep(10);
  tall.app.stdin.write('s');
  await tall.end();
});

test('evidence: named by the step, a script\'s output is shown too, within the free rows', async () => {
  const ui = mount(BOOK('\n    evidence: [look, find-idle]'), 40);
  const f = await waitFor(() => { const s = ui.frame(); return /y +run/.test(s) && s; }, 'the gate');
  assert.match(f, /output of Look at the service/, f);
  assert.match(f, /last log: too many connections/, f);
  assert.match(f, /result of Find the idle sessions/, f);
  assert.ok(f.split('\n').length <= 39, f);
  await sleep(10);
  ui.app.stdin.write('s');
  await ui.end();
});
