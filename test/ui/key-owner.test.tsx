// One owner of the keys at every moment, not only at every frame: a key that changes who owns them (Ctrl-C, n, ?)
// and the keys right after it, in the same read or in reads that arrive before React has drawn and subscribed
// again (a loaded machine, a paste, a fast typist), go where the screen will show them going. Never to the gate
// that the first key took the keys from: "Ctrl-C, y" means abort, not run the destructive step.
import './ci-off.js';
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../src/ui/ink/App.js';
import { createViewStore } from '../../src/ui/view-store.js';
import { ends, plain, sleep, testRun, waitFor } from './helpers.js';
import type { Run } from '../../src/engine/run.js';

const mounted: Run[] = [];
afterEach(() => {
  cleanup();
  for (const run of mounted.splice(0)) if (!run.result) run.abort('the test ended');
});

const GATED = `
name: gated
title: Gated restart
steps:
  - id: restart-app
    destructive: true
    confirm: Restart the app now?
    shell: systemctl restart app
  - id: done
    end: resolved
    message: restarted
`;

const LONG = `
name: long
title: Long
steps:
  - id: long-query
    shell: sleep 60
`;

function held() {
  return async (_a: unknown, ctx: { signal: AbortSignal }) => new Promise<object>((r) => ctx.signal.addEventListener('abort', () => r({ status: 'aborted' })));
}

function mount(yaml: string, script = {}) {
  const t = testRun(yaml, script);
  mounted.push(t.run);
  const app = render(<App run={t.run} store={createViewStore(t.run, t.runbook.doc)} gateArmMs={0} transcriptPath="/tmp/t.jsonl" />);
  const frame = () => plain(app.lastFrame());
  const finished = t.run.start();
  /** Every read delivered at once, as a busy machine delivers them: no frame and no effect in between. */
  const reads = (...rs: string[]) => { for (const r of rs) app.stdin.write(r); };
  return { ...t, app, frame, reads, end: () => ends(finished) };
}

/** The gate's keys are live (armed and drawn), and the effects of that frame have run. */
async function atGate(ui: ReturnType<typeof mount>) {
  await waitFor(() => /y +run +s +skip/.test(ui.frame()), 'the gate with its keys');
  await sleep(20);
}

for (const [name, rs] of [['in one read', ['\u0003y']], ['in two reads', ['\u0003', 'y']]] as const) {
  test(`at a gate, Ctrl-C then y ${name}: y answers the abort question, the destructive step never runs`, async () => {
    const ui = mount(GATED);
    await atGate(ui);
    ui.reads(...rs);
    assert.equal((await ui.end()).outcome, 'aborted');
    assert.deepEqual(ui.executed, [], 'the gated step did not run');
    assert.equal(ui.events.find((e) => e.type === 'confirmation-answered'), undefined, 'the gate was not answered');
  });
}

for (const [name, rs] of [['in one read', ['\u0003\u0003']], ['in two reads', ['\u0003', '\u0003']]] as const) {
  test(`during a running step, Ctrl-C twice ${name} aborts`, async () => {
    const ui = mount(LONG, { 'long-query': held() });
    await waitFor(() => / running \d/.test(ui.frame()), 'a running step');
    ui.reads(...rs);
    const done = await ui.end();
    assert.equal(done.outcome, 'aborted');
    assert.match(done.message, /Ctrl-C/);
  });
}

for (const [name, rs] of [['in one read', ['\u0003n']], ['in two reads', ['\u0003', 'n']]] as const) {
  test(`Ctrl-C then n ${name} closes the question and the run goes on; the gate still waits for its own answer`, async () => {
    const ui = mount(GATED);
    await atGate(ui);
    ui.reads(...rs);
    await waitFor(() => !ui.frame().includes('end the run?') && /y +run +s +skip/.test(ui.frame()), 'the question closed, the gate back');
    await sleep(20);
    assert.equal(ui.run.result, undefined, 'the run goes on');
    assert.deepEqual(ui.executed, []);
    ui.reads('s');
    assert.equal((await ui.end()).outcome, 'resolved');
    assert.deepEqual(ui.executed, [], 'skipped');
  });
}

for (const [key, what] of [['n', 'the note field'], ['?', 'the keys page']] as const) {
  test(`at a gate, ${key} then y before the next frame: y never reaches the gate (${what} owns the keys)`, async () => {
    const ui = mount(GATED);
    await atGate(ui);
    ui.reads(key, 'y');
    await sleep(50);
    assert.deepEqual(ui.executed, [], 'the gated step did not run');
    assert.equal(ui.events.find((e) => e.type === 'confirmation-answered'), undefined, 'the gate was not answered');
    // Esc closes the field or the page (sent again while it is still open: its listener attaches after its first
    // frame, and a loaded machine may deliver the first Esc before that; at the gate Esc does nothing).
    const open = () => /note for the transcript|show or hide these keys/.test(ui.frame());
    await waitFor(() => { if (!open()) return true; ui.reads('\u001b'); return false; }, 'the gate back');
    // The gate's handler attaches again after the frame that shows it: an `a` typed before that is lost (a CI run
    // at load 20 lost it and waited out the run), so it is typed until the gate takes it.
    await waitFor(() => { if (ui.events.some((e) => e.type === 'confirmation-answered')) return true; ui.reads('a'); return false; }, 'the abort taken');
    assert.equal((await ui.end()).outcome, 'aborted');
    assert.deepEqual(ui.executed, []);
  });
}
