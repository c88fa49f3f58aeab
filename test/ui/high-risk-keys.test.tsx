// A high-risk gate is confirmed by typing the step id: every key typed goes to the field (r, e, c, n, ? too: the
// built-ins' restart-db and raise-max-mysql hold them), sent one by one with pauses or in chunks; the views open
// with F1–F5 or Esc then a letter, and what was typed is there when the view closes. And a prompt's field applies
// a Backspace that arrives in the same read as other keys.
import './ci-off.js';
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../src/ui/ink/App.js';
import { createViewStore } from '../../src/ui/view-store.js';
import { ask, ends, plain, sleep, testRun, waitFor, type Script } from './helpers.js';
import type { Run } from '../../src/engine/run.js';

const mounted: Run[] = [];
afterEach(() => {
  cleanup();
  for (const run of mounted.splice(0)) if (!run.result) run.abort('the test ended');
});

const HIGH = `
name: risky
title: Risky
steps:
  - id: look
    shell: echo looked
  - id: restart-db
    destructive: true
    risk: high
    shell: echo restart
  - id: done
    end: resolved
`;

function mount(yaml: string, script: Script = {}) {
  const t = testRun(yaml, script);
  mounted.push(t.run);
  const app = render(<App run={t.run} store={createViewStore(t.run, t.runbook.doc)} gateArmMs={0} transcriptPath="/tmp/t.jsonl" />);
  Object.defineProperty(app.stdout, 'rows', { value: 30, configurable: true });
  const frame = () => plain(app.lastFrame());
  const until = async (what: string | RegExp) => {
    await waitFor(() => (typeof what === 'string' ? frame().includes(what) : what.test(frame())), String(what));
    await sleep(10);
    return frame();
  };
  const finished = t.run.start();
  return { ...t, app, frame, until, end: () => ends(finished) };
}

const F = { 1: '\u001bOP', 2: '\u001bOQ', 3: '\u001bOR', 4: '\u001bOS', 5: '\u001b[15~' };

for (const [how, reads] of [
  ['one key at a time', [...'rec?n', '\u007f', '\u007f', '\u007f', '\u007f', '\u007f', ...'restart-db', '\r']],
  ['in chunks', ['rec', '?n\u007f\u007f', '\u007f\u007f\u007fres', 'tart-d', 'b\r']],
  ['in one read', ['rec?n\u007f\u007f\u007f\u007f\u007frestart-db\r']],
] as const) {
  test(`high risk, ${how}: r e c n ? go to the field, not to views; the id confirms`, async () => {
    const ui = mount(HIGH);
    await ui.until('CONFIRM (HIGH RISK)');
    for (const read of reads) {
      ui.app.stdin.write(read);
      await sleep(15);
      const f = ui.frame();
      assert.match(f, /CONFIRM \(HIGH RISK\)|resolved|RESOLVED/, `a view opened on ${JSON.stringify(read)}:\n${f}`);
      assert.doesNotMatch(f, /note for the transcript|results of finished steps|the whole confirmation of|evidence before/);
    }
    assert.equal((await ui.end()).outcome, 'resolved');
    assert.deepEqual(ui.executed, ['look', 'restart-db']);
    const answered = ui.events.find((e) => e.type === 'confirmation-answered');
    assert.deepEqual(answered && [answered.answer, answered.how], ['yes', 'typed']);
  });
}

test('high risk: F-keys and Esc + a letter open the views; what was typed is kept while they are open', async () => {
  const ui = mount(HIGH);
  await ui.until(/CONFIRM \(HIGH RISK\)[\s\S]*› /);
  ui.app.stdin.write('resta');
  await ui.until('› resta');
  for (const [open, title, close] of [
    [[F[2]], 'the whole confirmation of restart-db', '\u001b'],
    [['\u001b', 'c'], 'the whole confirmation of restart-db', F[2]],
    [['\u001bc'], 'the whole confirmation of restart-db', 'c'],
    [[F[3]], 'evidence before restart-db', '\u001b'],
    [['\u001b', 'r'], 'results of finished steps', '\u001b'],
    [[F[1]], 'show or hide these keys', '\u001b'],
    [[F[5]], 'note for the transcript', '\u001b'],
  ] as const) {
    for (const k of open) { ui.app.stdin.write(k); await sleep(30); }
    await ui.until(title);
    ui.app.stdin.write(close);
    await waitFor(() => !ui.frame().includes(title), `${title} closed`);
    const f = await ui.until(/CONFIRM \(HIGH RISK\)[\s\S]*› /);
    assert.match(f, /› resta/, `after ${title}, the typed text is gone:\n${f}`);
  }
  ui.app.stdin.write('rt-db\r');
  assert.equal((await ui.end()).outcome, 'resolved');
});

test('high risk: Esc twice clears the field; Esc then a non-view key types it', async () => {
  const ui = mount(HIGH);
  await ui.until('CONFIRM (HIGH RISK)');
  ui.app.stdin.write('wrong');
  await ui.until('› wrong');
  ui.app.stdin.write('\u001b');
  await ui.until('then: ? keys');
  ui.app.stdin.write('\u001b');
  await waitFor(() => /║ › +║/.test(ui.frame()), 'the cleared field');
  ui.app.stdin.write('\u001b');
  await ui.until('then: ? keys');
  ui.app.stdin.write('skip\r');
  assert.equal((await ui.end()).outcome, 'resolved');
  const answered = ui.events.find((e) => e.type === 'confirmation-answered');
  assert.equal(answered?.type === 'confirmation-answered' && answered.answer, 'skip');
});

test('prompt: a Backspace in the same read as other keys is applied in order (INC-12⌫3⏎ is INC-13)', async () => {
  const ui = mount(`
name: ask
title: Ask
steps:
  - id: ticket
    prompt: { message: 'Which ticket?', pattern: 'INC-[0-9]+' }
    capture: ticket
  - id: done
    end: resolved
`, { ticket: ask });
  await ui.until(/Which ticket\?[\s\S]*Enter submit/);
  ui.app.stdin.write('INC-12\u007f3\r');
  await ui.end();
  const answer = ui.events.find((e) => e.type === 'question-answered');
  assert.equal(answer?.type === 'question-answered' && answer.answer, 'INC-13');
});

test('too short: the gate names the terminal height at which its keys show, and at that height they do', async () => {
  const at = async (rows: number) => {
    const t = testRun(HIGH);
    mounted.push(t.run);
    const app = render(<App run={t.run} store={createViewStore(t.run, t.runbook.doc)} gateArmMs={0} transcriptPath="/tmp/t.jsonl" />);
    Object.defineProperty(app.stdout, 'rows', { value: rows, configurable: true });
    Object.defineProperty(app.stdout, 'columns', { value: 80, configurable: true });
    void t.run.start();
    const f = await waitFor(() => { const s = plain(app.lastFrame()); return /too short|type restart-db and Enter/.test(s) && s; }, `the gate at ${rows} rows`);
    app.unmount();
    t.run.abort('the test ended');
    return f;
  };
  const short = await at(8);
  const need = Number(/it needs (\d+) rows/.exec(short)?.[1]);
  assert.ok(need > 8, short);
  assert.match(await at(need), /type restart-db and Enter/);
  assert.match(await at(need - 1), /too short/);
});
