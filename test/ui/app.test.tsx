// The ink UI with ink-testing-library, over a real Run (scripted executors): step states, the gate and its
// keys, typed confirmation, notes, prompts, manual steps, Ctrl-C, SQL tables, branches, dry run.
import './ci-off.js';
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../src/ui/ink/App.js';
import { TerminalSizeContext, type SizeSource } from '../../src/ui/ink/use-terminal-size.js';
import { createViewStore } from '../../src/ui/view-store.js';
import { ask, ends, plain, sleep, testRun, waitFor, type Script } from './helpers.js';
import type { Run, RunOptions } from '../../src/engine/run.js';
import { armAfter, type ArmScheduler } from '../../src/ui/ink/use-gate-arming.js';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

// A run a failed test left waiting (a held step, a wait between polls, a question) is stopped: its timers
// would otherwise keep this file's process alive after the test has already failed.
const mounted: Run[] = [];
afterEach(() => {
  cleanup();
  for (const run of mounted.splice(0)) if (!run.result) run.abort('the test ended');
});

function mount(yaml: string, script: Script = {}, opts: { gateArmMs?: number; gateArming?: ArmScheduler; run?: Partial<RunOptions>; transcript?: string; rows?: number; columns?: number; size?: SizeSource } = {}) {
  const t = testRun(yaml, script, opts.run);
  mounted.push(t.run);
  const store = createViewStore(t.run, t.runbook.doc);
  const app = render(
    <TerminalSizeContext.Provider value={opts.size}>
      <App run={t.run} store={store} gateArmMs={opts.gateArmMs ?? 0} gateArming={opts.gateArming} transcriptPath={opts.transcript ?? '/tmp/runbook-transcript.jsonl'} />
    </TerminalSizeContext.Provider>,
  );
  // ink-testing-library's terminal is 100 columns and has no height (the App then lays out for 24 rows).
  if (opts.rows) Object.defineProperty(app.stdout, 'rows', { value: opts.rows, configurable: true });
  if (opts.columns) Object.defineProperty(app.stdout, 'columns', { value: opts.columns, configurable: true });
  const frame = () => plain(app.lastFrame());
  // Settles a moment after the frame matches: ink subscribes a newly shown panel's keys in an effect,
  // after the frame is written (a person cannot type in between; a test can).
  const until = async (text: string | RegExp, what = String(text)) => {
    await waitFor(() => (typeof text === 'string' ? frame().includes(text) : text.test(frame())), what);
    await sleep(10);
    return frame();
  };
  const finished = t.run.start();
  // The run's end, with a hang guard: a key the UI dropped or a step that never ends fails the test, named.
  const end = () => ends(finished);
  return { ...t, app, frame, until, end };
}

/** A step that runs until the test releases it. */
function held() {
  let release!: (r?: object) => void;
  const gate = new Promise<object>((resolve) => { release = (r = {}) => resolve(r); });
  return { release, step: async (_a: unknown, ctx: { signal: AbortSignal }) => Promise.race([gate, new Promise<object>((r) => ctx.signal.addEventListener('abort', () => r({ status: 'aborted' })))]) };
}

const GATED = `
name: gated
title: Gated restart
connections:
  db: { url: 'postgres://admin@db.internal:5432/app' }
steps:
  - id: look
    title: Look at the sessions
    shell: echo look
  - id: restart-app
    title: Restart the app
    description: The pool is exhausted; a restart drops every connection.
    destructive: true
    blast_radius: every app instance restarts
    confirm: Restart the app now?
    shell: systemctl restart app
  - id: done
    end: resolved
    message: restarted
`;

test('step states: pending, running (spinner and elapsed), ok, failed, skipped', async () => {
  const slow = held();
  const ui = mount(`
name: states
title: States
steps:
  - id: first
    shell: echo 1
  - id: never
    if: "1 == 2"
    shell: echo never
  - id: slow
    title: Slow one
    description: Takes its time.
    shell: sleep 1
  - id: broken
    shell: exit 3
    on: { error: fine }
  - id: fine
    end: resolved
    message: all checked
`, { slow: slow.step, broken: { status: 'failed', exitCode: 3, durationMs: 7 } });
  let f = await ui.until(/ running \d/, 'a running step');
  assert.match(f, /✓ first .* ok 5ms/);
  assert.match(f, /↷ never .* skipped: condition false/);
  assert.match(f, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] slow +Slow one +shell +running \d/);
  assert.match(f, /· broken/);
  assert.match(f, /why: Takes its time\./);
  assert.match(f, /\$ sleep 1/);
  assert.match(f, /runbook States \(states\)/);
  assert.match(f, /transcript \/tmp\/runbook-transcript\.jsonl/);
  slow.release({ durationMs: 1200 });
  await ui.end();
  f = await ui.until('RESOLVED');
  assert.match(f, /✓ slow .* ok 1\.2s/);
  assert.match(f, /✗ broken .* failed 7ms: exit code 3/);
  assert.match(f, /◆ fine/);
  assert.match(f, /resolved in .*: all checked/);
});

test('gate: shows what will run, where, why, blast radius; y runs the step', async () => {
  const ui = mount(GATED, {}, { run: { target: 'postgres://admin:****@db.internal:5432/app' } });
  const f = await ui.until('CONFIRM');
  assert.match(f, /CONFIRM +restart-app · Restart the app/);
  assert.match(f, /will run +systemctl restart app/);
  // A local script runs here, not on the database host the run is about (issue #30).
  assert.match(f, /on +this machine \(/);
  assert.doesNotMatch(f, /on +postgres:/);
  assert.match(f, /why +The pool is exhausted; a restart drops every connection\./);
  assert.match(f, /affects +every app instance restarts/);
  assert.match(f, /Restart the app now\?/);
  assert.match(f, /y +run +s +skip +a +abort the run/);
  assert.match(f, /\? restart-app .* awaiting confirmation/);
  assert.doesNotMatch(f, /partly run/);
  ui.app.stdin.write('y');
  const done = await ui.end();
  assert.equal(done.outcome, 'resolved');
  assert.deepEqual(ui.executed, ['look', 'restart-app']);
  const answered = ui.events.find((e) => e.type === 'confirmation-answered');
  assert.deepEqual(answered && [answered.answer, answered.how, answered.by], ['yes', 'key', 'alice']);
});

test('gate: s skips the step and the run goes on', async () => {
  const ui = mount(GATED);
  await ui.until('CONFIRM');
  ui.app.stdin.write('s');
  assert.equal((await ui.end()).outcome, 'resolved');
  assert.deepEqual(ui.executed, ['look']);
  assert.match(await ui.until('RESOLVED'), /↷ restart-app .* skipped by you/);
});

test('gate: a aborts the run; the step never runs', async () => {
  const ui = mount(GATED);
  await ui.until('CONFIRM');
  ui.app.stdin.write('a');
  assert.equal((await ui.end()).outcome, 'aborted');
  assert.deepEqual(ui.executed, ['look']);
  assert.match(await ui.until('ABORTED'), /■ restart-app .* aborted/);
});

test('gate: no key but y, s or a answers it; n and ? work at a gate without answering it', async () => {
  const ui = mount(GATED);
  await ui.until(/y +run +s +skip/);
  for (const key of ['x', 'Y', '\r', ' ', 'q', '1', '\u001b', 'yes', 'Z']) {
    ui.app.stdin.write(key);
    await sleep(20);
  }
  assert.equal(ui.run.pendingGate?.stepId, 'restart-app');
  assert.ok(!ui.events.some((e) => e.type === 'confirmation-answered' || e.type === 'note'));
  // ? shows the keys in place of the gate; y there does nothing (the gate's keys are not on screen).
  ui.app.stdin.write('?');
  let f = await ui.until('? or Esc: close');
  assert.doesNotMatch(f, /CONFIRM/);
  ui.app.stdin.write('y');
  await sleep(20);
  ui.app.stdin.write('?');
  await ui.until(/CONFIRM[\s\S]*y +run +s +skip/);
  // n: a note while the gate waits; its text (with a y in it) answers nothing.
  ui.app.stdin.write('n');
  await ui.until('note for the transcript');
  ui.app.stdin.write('yes, checked the sessions');
  await ui.until('✎ yes, checked the sessions');
  ui.app.stdin.write('\r');
  f = await ui.until('✎ alice at restart-app: yes, checked the sessions');
  assert.match(f, /CONFIRM/);
  assert.equal(ui.run.pendingGate?.stepId, 'restart-app');
  assert.ok(!ui.events.some((e) => e.type === 'confirmation-answered'), 'nothing answered the gate');
  await ui.until(/y +run +s +skip +a +abort the run\s/);
  ui.app.stdin.write('a');
  assert.equal((await ui.end()).outcome, 'aborted');
});

test('gate: keys typed before the gate settles are ignored (no type-ahead confirmation)', async () => {
  // The gate is armed by hand (no clock): keys before that do nothing, however long they take to arrive.
  let arm: (() => void) | undefined;
  let starts = 0;
  const ui = mount(GATED, {}, { gateArming: (a) => { starts++; arm = a; return () => { arm = undefined; }; } });
  await ui.until('CONFIRM');
  for (const key of ['y', 's', 'a', 'y']) ui.app.stdin.write(key);
  await sleep(50);
  assert.equal(ui.run.pendingGate?.stepId, 'restart-app');
  assert.ok(!ui.events.some((e) => e.type === 'confirmation-answered'), 'a key before arming answered the gate');
  assert.equal(starts, 1, 'one arming per gate');
  arm!();
  await ui.until(/y +run +s +skip/); // its keys are taken once they are drawn
  ui.app.stdin.write('y');
  assert.equal((await ui.end()).outcome, 'resolved');
});

const TWO_MANUALS = `
name: two-manuals
title: Two manual steps
steps:
  - id: first
    manual: { instructions: Check the first thing, choices: [a, b] }
  - id: second
    manual: { instructions: Check the second thing, choices: [c, d] }
  - id: done
    end: resolved
    message: "\${{ steps.first.value }} then \${{ steps.second.value }}"
`;

/** Arming by hand, for questions as for gates: each panel that appears waits in `pending` until armed. */
function handArming() {
  const pending: (() => void)[] = [];
  const scheduler: ArmScheduler = (arm) => { pending.push(arm); return () => { const i = pending.indexOf(arm); if (i >= 0) pending.splice(i, 1); }; };
  return { scheduler, pending, armAll: () => { for (const arm of pending.splice(0)) arm(); } };
}

// Questions are armed like gates (use-armed.ts with the gate's scheduler), here by hand: keys before that do
// nothing however long they take to arrive, and the keys are shown once they work (no sleeping past a window
// raced against the timer on a loaded machine, issue #20).
test('manual: a key typed for one question does not answer the next (type-ahead); the answer records how and when', async () => {
  const hand = handArming();
  const ui = mount(TWO_MANUALS, { first: ask, second: ask }, { gateArming: hand.scheduler });
  const answers: { stepId: string; how?: string; waitedMs?: number }[] = [];
  ui.run.on((e) => { if (e.type === 'question-answered') answers.push(e); });
  await ui.until(/Check the first thing[\s\S]*the keys work in a moment/);
  ui.app.stdin.write('1');                  // before the question is armed: ignored
  await sleep(50);
  assert.equal(answers.length, 0, 'the first question was not answered by a key typed as it appeared');
  hand.armAll();
  await ui.until('1-2 or ↑↓ + Enter to answer');
  ui.app.stdin.write('1');                  // "1 Enter": the 1 answers the first question…
  await ui.until(/Check the second thing[\s\S]*the keys work in a moment/);
  ui.app.stdin.write('\r');                 // …and the Enter must not take the second question's first choice
  await sleep(50);
  assert.deepEqual(answers.map((a) => a.stepId), ['first']);
  hand.armAll();
  await ui.until(/Check the second thing[\s\S]*1-2 or ↑↓ \+ Enter to answer/);
  ui.app.stdin.write('2');
  const end = await ui.end();
  assert.equal(end.message, 'a then d');
  assert.deepEqual(answers.map((a) => a.how), ['key', 'key']);
  assert.ok(answers.every((a) => typeof a.waitedMs === 'number' && a.waitedMs >= 50), JSON.stringify(answers)); // each waited ≥ the 50 ms slept while unarmed
});

test('prompt: Enter in the first moment does not accept the default', async () => {
  const hand = handArming();
  const ui = mount(`
name: prompted
title: Prompted
steps:
  - id: how-many
    prompt: { message: How many workers?, default: "4" }
  - id: done
    end: resolved
    message: "\${{ steps['how-many'].value }} workers"
`, { 'how-many': ask }, { gateArming: hand.scheduler });
  await ui.until(/How many workers\?[\s\S]*the keys work in a moment/);
  ui.app.stdin.write('\r');
  await sleep(50);
  assert.equal(ui.run.pendingQuestions.length, 1, 'still asked');
  hand.armAll();
  await ui.until(/How many workers\?[\s\S]*› /);
  ui.app.stdin.write('7');
  await sleep(20);
  ui.app.stdin.write('\r');
  assert.equal((await ui.end()).message, '7 workers');
});

test('gate arming: a key waiting unread when the window ends (a blocked event loop) is handled before the arming', async (t) => {
  // The key travels a real socket (loopback), like a terminal's: written, then the loop is kept busy past the
  // window, as on a loaded machine. The old clock check (time at handling ≥ window) took that key as an answer.
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', r));
  const ours = await accepted;
  t.after(() => { client.destroy(); ours.destroy(); server.close(); }); // a failed assertion must not leave them open
  let armed = false;
  const seen: boolean[] = [];
  ours.on('data', () => seen.push(armed));
  armAfter(5)(() => { armed = true; });
  client.write('y');
  const busyUntil = Date.now() + 50; // not a bound: the loop is held past the 5 ms window on purpose
  while (Date.now() < busyUntil) { /* the machine is busy */ }
  await waitFor(() => armed, 'the gate to arm');
  assert.deepEqual(seen, [false], 'the waiting key was read before the gate armed');
  // Cancelled (answered or gone first): never armed.
  let late = false;
  armAfter(1)(() => { late = true; })();
  await sleep(20);
  assert.equal(late, false);
});

test('gate: a resumed step warns that it may have partly run', async () => {
  const ui = mount(GATED, {}, { run: { resume: { stepId: 'restart-app', context: { inputs: {}, results: {}, captures: {}, visits: {} } } } });
  assert.match(await ui.until('CONFIRM'), /⚠ this step was in flight when the run was interrupted; it may have partly run/);
  ui.app.stdin.write('a');
  await ui.end();
});

test('high risk: y does nothing; the step id must be typed, then Enter', async () => {
  const ui = mount(`
name: risky
title: Risky
steps:
  - id: drop-replica
    destructive: true
    risk: high
    shell: echo drop
`);
  let f = await ui.until('CONFIRM (HIGH RISK)');
  assert.match(f, /type drop-replica and Enter to run it/);
  ui.app.stdin.write('y');
  await sleep(20);
  ui.app.stdin.write('\r');
  f = await ui.until('type drop-replica exactly');
  assert.equal(ui.run.pendingGate?.stepId, 'drop-replica');
  ui.app.stdin.write('drop-replic');
  await ui.until('› drop-replic');
  ui.app.stdin.write('a');
  await ui.until('› drop-replica');
  ui.app.stdin.write('\r');
  assert.equal((await ui.end()).outcome, 'resolved');
  const answered = ui.events.find((e) => e.type === 'confirmation-answered');
  assert.deepEqual(answered && [answered.answer, answered.how], ['yes', 'typed']);
  assert.deepEqual(ui.executed, ['drop-replica']);
});

test('high risk: keys that arrive in one chunk (fast typing, a busy machine) are read key by key, Enter included', async () => {
  const ui = mount(`
name: risky
title: Risky
steps:
  - id: drop-replica
    destructive: true
    risk: high
    shell: echo drop
`);
  await ui.until('CONFIRM (HIGH RISK)');
  // ink reports "y\rdrop\r" as one input without Enter: each carriage return must still submit.
  ui.app.stdin.write('y\rdrop\r');
  const f = await ui.until('type drop-replica exactly');
  assert.doesNotMatch(f, /› ydrop/);
  assert.equal(ui.run.pendingGate?.stepId, 'drop-replica');
  ui.app.stdin.write('drop-replica\r');
  assert.equal((await ui.end()).outcome, 'resolved');
  assert.deepEqual(ui.executed, ['drop-replica']);
});

test('note: n, a typed line, Enter adds an operator note for the current step', async () => {
  const slow = held();
  const ui = mount(`
name: noted
title: Noted
steps:
  - id: wait-a-bit
    shell: sleep 5
`, { 'wait-a-bit': slow.step });
  await ui.until(/ running \d/, 'a running step');
  ui.app.stdin.write('n');
  await ui.until('note for the transcript');
  ui.app.stdin.write('paged the DBA');
  await ui.until('✎ paged the DBA');
  ui.app.stdin.write('\r');
  const f = await ui.until('✎ alice at wait-a-bit: paged the DBA');
  assert.doesNotMatch(f, /note for the transcript/);
  const note = ui.events.find((e) => e.type === 'note');
  assert.deepEqual(note && [note.text, note.stepId, note.by], ['paged the DBA', 'wait-a-bit', 'alice']);
  slow.release();
  await ui.end();
});

test('prompt: typed text, masked when secret, checked against the pattern before it is sent', async () => {
  const ui = mount(`
name: prompted
title: Prompted
steps:
  - id: token
    prompt: { message: 'Paste the break-glass token', secret: true, pattern: '[a-z]{3}-[0-9]{3}' }
`, { token: ask });
  await ui.until('Paste the break-glass token');
  ui.app.stdin.write('abc-12');
  let f = await ui.until('••••••');
  assert.doesNotMatch(f, /abc-12/);
  ui.app.stdin.write('\r');
  f = await ui.until("expected 3 lower-case letters, then '-', then 3 digits"); // in words, not the regex
  assert.doesNotMatch(f, /\[a-z\]/);
  assert.equal(ui.run.pendingQuestions.length, 1);
  ui.app.stdin.write('3');
  await ui.until('•••••••');
  ui.app.stdin.write('\r');
  assert.equal((await ui.end()).outcome, 'resolved');
  const answered = ui.events.find((e) => e.type === 'question-answered');
  assert.equal(answered?.answer, '****', 'a secret answer is masked in the events');
  assert.doesNotMatch(ui.app.frames.join(''), /abc-123/);
});

test('manual: instructions as markdown; d marks it done; a choice by number', async () => {
  const ui = mount(`
name: by-hand
title: By hand
steps:
  - id: restart
    manual: "## Restart the pooler\\n- run \`systemctl restart pgbouncer\`"
  - id: check
    manual: { instructions: 'Did it help?', choices: [fixed, not-fixed] }
    on: { fixed: ok, not-fixed: escalate }
  - id: ok
    end: resolved
  - id: escalate
    end: escalate
`, { restart: ask, check: ask });
  let f = await ui.until('MANUAL STEP');
  assert.match(f, /Restart the pooler/);
  assert.match(f, /• run systemctl restart pgbouncer/);
  assert.match(f, /d +or +Enter +when it is done/);
  ui.app.stdin.write('d');
  f = await ui.until('Did it help?');
  assert.match(f, /1\. fixed/);
  assert.match(f, /2\. not-fixed/);
  ui.app.stdin.write('2');
  assert.equal((await ui.end()).outcome, 'escalate');
  assert.match(await ui.until('ESCALATE'), /→ check → escalate +on not-fixed/);
});

test('manual: ↓ then Enter picks the second choice, even when both arrive in one chunk', async () => {
  const ui = mount(`
name: by-hand
title: By hand
steps:
  - id: check
    manual: { instructions: 'Did it help?', choices: [fixed, not-fixed] }
`, { check: ask });
  await ui.until('Did it help?');
  ui.app.stdin.write('\u001b[B\r');
  await ui.end();
  const answered = ui.events.find((e) => e.type === 'question-answered');
  assert.equal(answered?.answer, 'not-fixed');
});

test('Ctrl-C during a running step asks first; n resumes; a second Ctrl-C aborts', async () => {
  const slow = held();
  const ui = mount(`
name: long
title: Long
steps:
  - id: long-query
    shell: sleep 60
`, { 'long-query': slow.step });
  await ui.until(/ running \d/, 'a running step');
  ui.app.stdin.write('\u0003');
  await ui.until("abort 'long-query' and end the run? (y/n)");
  ui.app.stdin.write('n');
  await waitFor(() => !ui.frame().includes('end the run?'), 'the prompt to close');
  await sleep(10);
  assert.equal(ui.run.result, undefined);
  ui.app.stdin.write('\u0003');
  await ui.until('end the run?');
  ui.app.stdin.write('\u0003');
  const done = await ui.end();
  assert.equal(done.outcome, 'aborted');
  assert.match(done.message, /Ctrl-C/);
  assert.match(await ui.until('ABORTED'), /■ long-query/);
});

test('Ctrl-C then y aborts', async () => {
  const slow = held();
  const ui = mount(`
name: long
title: Long
steps:
  - id: long-query
    shell: sleep 60
`, { 'long-query': slow.step });
  await ui.until(/ running \d/, 'a running step');
  ui.app.stdin.write('\u0003');
  await ui.until('end the run?');
  ui.app.stdin.write('y');
  assert.equal((await ui.end()).outcome, 'aborted');
});

test('SQL results as a table; the branch taken with its expression and value; r shows a finished step\'s result', async () => {
  const ui = mount(`
name: sql
title: SQL
connections:
  db: { url: 'postgres://u@h/d' }
steps:
  - id: idle
    sql: { query: 'select pid, state from pg_stat_activity' }
    capture: idle
    next:
      - if: idle.rowCount > 2
        goto: many
  - id: few
    end: resolved
  - id: many
    manual: Look at them
  - id: done
    end: escalate
    message: too many idle sessions
`, { idle: { columns: ['pid', 'state'], rows: [{ pid: 101, state: 'idle' }, { pid: 102, state: 'idle in transaction' }, { pid: 103, state: 'idle' }], rowCount: 3 }, many: ask });
  // At the manual step the evidence that led to it is on screen: the table, the branch and why.
  let f = await ui.until('MANUAL STEP');
  assert.match(f, /result of idle:/);
  assert.match(f, /pid +│ state/);
  assert.match(f, /102 +│ idle in transaction/);
  assert.match(f, /\(3 rows\)/);
  assert.match(f, /✓ idle .* → many/);
  assert.match(f, /→ idle → many +because idle\.rowCount > 2 is true/);
  // r: the finished steps; Enter shows one, whole; Esc back to the list, Esc again to the question.
  ui.app.stdin.write('r');
  f = await ui.until('results of finished steps');
  assert.match(f, /› ✓ idle .*3 rows/);
  ui.app.stdin.write('\r');
  f = await ui.until('result of idle');
  assert.match(f, /103 +│ idle/);
  assert.doesNotMatch(f, /MANUAL STEP/, 'the view takes the place of the question: its keys are not on screen');
  ui.app.stdin.write('\u001b');
  await ui.until('results of finished steps');
  ui.app.stdin.write('\u001b');
  await ui.until(/MANUAL STEP[\s\S]*when it is done/);
  ui.app.stdin.write('d');
  assert.equal((await ui.end()).outcome, 'escalate');
});

test('the branch line says why while the run goes on', async () => {
  const slow = held();
  const ui = mount(`
name: br
title: Branch
steps:
  - id: count
    shell: echo 5
    capture: n
    next:
      - if: n.stdout contains '5'
        goto: wait
  - id: other
    end: failed
  - id: wait
    shell: sleep 9
`, { count: { stdout: '5\n' }, wait: slow.step });
  const f = await ui.until(/ running \d/, 'a running step');
  assert.match(f, /→ count → wait +because n\.stdout contains '5' is true/);
  slow.release();
  await ui.end();
});

test('? shows the keys; ? again hides them', async () => {
  const slow = held();
  const ui = mount(`
name: help
title: Help
steps:
  - id: s
    shell: sleep 9
`, { s: slow.step });
  await ui.until(/ running \d/, 'a running step');
  ui.app.stdin.write('?');
  const f = await ui.until('? or Esc: close');
  assert.match(f, /Ctrl-C +abort: asks first/);
  ui.app.stdin.write('?');
  await waitFor(() => !ui.frame().includes('? or Esc: close'), 'help to close');
  slow.release();
  await ui.end();
});

test('output pane: the focused step\'s newest lines, stderr too, and a label that says which', async () => {
  const slow = held();
  const ui = mount(`
name: out
title: Out
steps:
  - id: chatty
    shell: seq 1 100
`, { chatty: async (a, ctx) => { ctx.onOutput('stdout', Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n') + '\n'); ctx.onOutput('stderr', 'oops\n'); return slow.step(a, ctx); } });
  const f = await ui.until('│ oops');
  assert.match(f, /│ line 100\n│ oops/, 'the newest lines are the ones shown');
  assert.doesNotMatch(f, /│ line 50\n/);
  const shown = f.split('\n').filter((l) => l.startsWith('│ ')).length;
  assert.match(f, new RegExp(`output \\(last ${shown} of 101 lines\\)`), 'the label counts exactly the lines shown');
  assert.ok(f.split('\n').length <= 23, 'the frame fits the terminal');
  ui.app.stdin.write('\u001b[5~'); // PgUp
  const back = await ui.until('End to follow');
  assert.match(back, /output \(lines \d+–\d+ of 101, End to follow\)/);
  slow.release();
  await ui.end();
});

test('output pane: one line is "1 line"', async () => {
  const slow = held();
  const ui = mount(`
name: out
title: Out
steps:
  - id: one
    shell: echo one
`, { one: async (a, ctx) => { ctx.onOutput('stdout', 'only\n'); return slow.step(a, ctx); } });
  const f = await ui.until('│ only');
  assert.match(f, /output \(1 line\)/);
  slow.release();
  await ui.end();
});

test('dry run: the final frame lists what a real run would ask about', async () => {
  const ui = mount(GATED, {}, { run: { dryRun: true } });
  const done = await ui.end();
  assert.equal(done.outcome, 'resolved');
  const f = await ui.until('RESOLVED');
  assert.match(f, /DRY RUN/);
  assert.match(f, /a real run would ask you to confirm:\n +- restart-app: systemctl restart app/);
  assert.match(f, /- restart-app: systemctl restart app/);
  assert.match(f, /↷ restart-app .* dry run: not run/);
  assert.deepEqual(ui.executed, ['look']);
});

test('evidence at a gate: the latest earlier SQL result is on screen, named, while the operator decides', async () => {
  const ui = mount(`
name: ev
title: Evidence
connections:
  db: { url: 'postgres://u@h/d' }
steps:
  - id: blockers
    title: Find the blocking sessions
    sql: { query: 'select pid, state from pg_stat_activity' }
  - id: terminate
    title: Terminate them
    destructive: true
    confirm: Terminate 2 sessions?
    shell: echo kill
  - id: done
    end: resolved
`, { blockers: { columns: ['pid', 'state'], rows: [{ pid: 4711, state: 'idle in transaction' }, { pid: 4712, state: 'active' }], rowCount: 2 } });
  const f = await ui.until('Terminate 2 sessions?');
  assert.match(f, /result of Find the blocking sessions:/);
  assert.match(f, /4711 +│ idle in transaction/);
  assert.match(f, /4712 +│ active/);
  ui.app.stdin.write('y');
  await ui.end();
});

test('final record: every destructive action taken with its result and who allowed it, notes count, the whole transcript path', async () => {
  // Longer than the 100 columns ink-testing-library draws: it must wrap, not be cut.
  const path = `/var/lib/runbook/transcripts/${'incident-2026-11-22-'.repeat(6)}restart.jsonl`;
  const ui = mount(GATED, {}, { transcript: path });
  await ui.until('CONFIRM');
  ui.run.note('pool was at 100/100');
  ui.app.stdin.write('y');
  await ui.end();
  const f = await ui.until('RESOLVED');
  assert.match(f, /destructive steps:\n +✓ confirmed by alice, ok .* · Restart the app/);
  assert.doesNotMatch(f, /no destructive action/);
  assert.match(f, /1 note in the transcript/);
  assert.ok(f.replace(/\n/g, '').includes(`transcript ${path}`), f);
});

test('final record: a run that took no destructive action says so', async () => {
  const ui = mount(GATED);
  await ui.until('CONFIRM');
  ui.app.stdin.write('s');
  await ui.end();
  const f = await ui.until('RESOLVED');
  assert.match(f, /destructive steps:\n +↷ skipped by you · Restart the app\nno destructive action taken/);
});

test('a running step redraws once a second (the clock), not at a spinner\'s rate', async () => {
  const slow = held();
  const ui = mount(`
name: waits
title: Waits
steps:
  - id: ready
    wait: { shell: echo no, until: "result.stdout == 'yes'", every: 60s, for: 600s }
`, { ready: slow.step });
  await ui.until(/ running \d+s/, 'a running step');
  const before = ui.app.frames.length;
  await sleep(2500);
  // 1 Hz: two or three frames in 2.5 s (fewer on a loaded machine, never more); the old 150 ms tick drew ~16.
  const drawn = ui.app.frames.length - before;
  assert.ok(drawn <= 4, `${drawn} frames in 2.5 s`);
  slow.release({ stdout: 'yes' });
  await ui.end();
});

test('waiting at a gate nothing moves: no frame is drawn, and the header says since when it waits', async () => {
  const ui = mount(GATED);
  // The armed keys are the gate's last change: a frame for them after `before` would be no clock.
  const shown = await ui.until(/Restart the app now\?[\s\S]*y +run +s +skip/);
  assert.match(shown, /waiting since \d\d:\d\d:\d\d/);
  assert.doesNotMatch(shown.split('\n')[0]!, /running +\d+:\d\d/, 'no elapsed time that would go stale');
  const before = ui.app.frames.length;
  // A clock ticking once a second would have drawn at least two frames by now, however busy the machine.
  await sleep(2500);
  assert.equal(ui.app.frames.length, before, 'a frame was drawn while the gate waited');
  ui.app.stdin.write('s');
  assert.equal((await ui.end()).outcome, 'resolved');
});

const EIGHT_STEPS = `
name: by-hand
title: Check by hand
steps:
  - id: look
    shell: echo look
  - id: check-lag
    title: Check the replica lag
    manual:
      instructions: |
        # Check the replica lag by hand

        1. Log in to the replica host with your own account (not the shared one).
        2. Run \`SELECT now() - pg_last_xact_replay_timestamp();\` and note the value.
        3. Compare with the dashboard; if the two disagree by more than a minute, the dashboard is lying.
        4. Look at the WAL receiver status in pg_stat_wal_receiver.
        5. Check the network between primary and replica with mtr for at least 30 seconds.
        6. Look at disk latency on the replica with iostat -x 1 10.
        7. Check that no long query on the replica holds back replay (hot_standby_feedback).
        8. Write down everything you saw in a note.
      choices: [lag-ok, lag-high, unknown]
  - id: done
    end: resolved
    message: "\${{ steps['check-lag'].value }}"
`;

test('manual at 80x24: the instructions give up rows (counted, i shows them all), never the choices or the keys', async () => {
  const ui = mount(EIGHT_STEPS, { 'check-lag': ask }, { rows: 24, columns: 80 });
  const f = await ui.until('1-3 or ↑↓ + Enter to answer');
  assert.ok(f.split('\n').length <= 23, `the frame fits:\n${f}`);
  for (const choice of ['› 1. lag-ok', '2. lag-high', '3. unknown']) assert.ok(f.includes(choice), `${choice} on screen:\n${f}`);
  assert.match(f, /✓ look/, 'the step list is still there');
  assert.match(f, /… \d+ more lines \(i: read all\)/);
  ui.app.stdin.write('i');
  const all = await ui.until('instructions of check-lag');
  assert.match(all, /8\. Write down everything/);
  ui.app.stdin.write('\r'); // the view: Enter takes no choice there
  await sleep(20);
  assert.equal(ui.run.pendingQuestions.length, 1);
  ui.app.stdin.write('i');
  await ui.until('1-3 or ↑↓ + Enter to answer');
  ui.app.stdin.write('\u001b[B\r');
  assert.equal((await ui.end()).message, 'lag-high');
});

test('manual on a terminal too short for its choices: it says so, and Enter takes nothing', async () => {
  const ui = mount(EIGHT_STEPS, { 'check-lag': ask }, { rows: 8, columns: 40 });
  const f = await ui.until(/terminal is too[\s│]*short for the question/);
  assert.ok(f.split('\n').length <= 7, f);
  assert.doesNotMatch(f, /lag-ok/);
  for (const key of ['\r', '1', 'd']) { ui.app.stdin.write(key); await sleep(20); }
  assert.equal(ui.run.pendingQuestions.length, 1, 'a key whose choice was not on screen answered the question');
  Object.defineProperty(ui.app.stdout, 'rows', { value: 24, configurable: true });
  ui.app.stdout.emit('resize');
  await ui.until('1-3 or ↑↓ + Enter to answer');
  ui.app.stdin.write('3');
  assert.equal((await ui.end()).message, 'unknown');
});

const SESSIONS_GATE = `
name: ev
title: Evidence at the gate
connections:
  db: { url: 'postgres://u@h/d' }
steps:
  - id: blockers
    title: Find the blocking sessions
    sql: { query: 'select pid, state from pg_stat_activity' }
  - id: terminate
    title: Terminate them
    description: These sessions hold locks that every other query waits on; ending them rolls back their open transactions.
    blast_radius: 10 sessions are terminated, their transactions rolled back
    destructive: true
    confirm: Terminate 10 sessions?
    sql: { query: 'select pg_terminate_backend(pid) from pg_stat_activity where state = $1', params: ['idle in transaction'] }
  - id: done
    end: resolved
`;
const TEN = Array.from({ length: 10 }, (_, i) => ({ pid: 4700 + i, usename: 'app', state: 'idle in transaction', age: `${i + 10}m` }));

test('evidence at 80x24: the session table shows rows beside the gate; e swaps in all of it and back; y there does nothing', async () => {
  const ui = mount(SESSIONS_GATE, { blockers: { columns: ['pid', 'usename', 'state', 'age'], rows: TEN, rowCount: 10 } }, { rows: 24, columns: 80 });
  const f = await ui.until(/Terminate 10 sessions\?[\s\S]*y +run/);
  assert.ok(f.split('\n').length <= 23, f);
  assert.match(f, /result of Find the blocking sessions:/);
  assert.match(f, /4700 +│ app/);
  // The whole command is wrapped now (issue #30), so the table beside it has the rows left: at least one, counted.
  assert.match(f, /\(10 rows, first \d+ shown\)/);
  ui.app.stdin.write('e');
  let all = await ui.until('evidence before terminate');
  assert.doesNotMatch(all, /CONFIRM/);
  ui.app.stdin.write('y');
  for (let i = 0; i < 3 && !all.includes('4709'); i++) { ui.app.stdin.write('\u001b[6~'); await sleep(20); all = ui.frame(); }
  assert.match(all, /4709 +│ app +│ idle in transaction +│ 19m/);
  assert.equal(ui.run.pendingGate?.stepId, 'terminate', 'y in the evidence view answered the gate');
  ui.app.stdin.write('e');
  await ui.until(/Terminate 10 sessions\?[\s\S]*y +run/);
  ui.app.stdin.write('s');
  assert.equal((await ui.end()).outcome, 'resolved');
});

test('resize: the frame is laid out again for the new size at once, never taller than the terminal', async () => {
  // As mount.tsx does: the real size comes from a source that hears the resize before ink does.
  const size = { rows: 50, columns: 100 };
  const listeners = new Set<() => void>();
  let resizedAt = 0;
  const source: SizeSource = { get: () => ({ ...size }), subscribe: (l) => { listeners.add(l); return () => listeners.delete(l); }, resizedAt: () => resizedAt };
  const ui = mount(SESSIONS_GATE, { blockers: { columns: ['pid', 'usename', 'state', 'age'], rows: TEN, rowCount: 10 } }, { size: source });
  let f = await ui.until(/Terminate 10 sessions\?[\s\S]*y +run/);
  assert.match(f, /4709 +│/, 'a tall terminal shows the whole table');
  for (const [rows, columns] of [[24, 80], [20, 60], [40, 160]] as const) {
    Object.assign(size, { rows, columns });
    Object.defineProperty(ui.app.stdout, 'columns', { value: columns, configurable: true });
    const before = ui.app.frames.length;
    resizedAt = Date.now();
    for (const l of listeners) l(); // ink itself is not told (screen.ts)
    await waitFor(() => ui.app.frames.length > before, 'a frame after the resize');
    await sleep(50);
    for (const frame of ui.app.frames.slice(before)) {
      const lines = plain(frame).split('\n');
      assert.ok(lines.length <= rows - 1, `${rows} rows: a frame of ${lines.length}`);
      assert.ok(lines.every((l) => l.length <= columns), `${columns} columns:\n${plain(frame)}`);
    }
    // The keys are drawn at every size; y is live only where the whole confirmation fits (else it says what is unseen).
    assert.match(ui.frame(), /y +run +s +skip|s +skip +a +abort +y: (see all first \(c\): \d+ rows?|c first, \d+) unseen/);
  }
  ui.app.stdin.write('a');
  await ui.end();
});
