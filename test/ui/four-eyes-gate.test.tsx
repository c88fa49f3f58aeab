// The terminal UI at a four-eyes gate (a step's `approval:`), over a real Run: it says the gate waits for
// another person and how they answer, who may, and the store's state as the team feed reports it; y explains
// it cannot approve one's own step (and the step does not run); s and a are the operator's; a teammate's
// decision relayed to the run runs the step. The store's lines go to the live view, never to stderr under it.
import './ci-off.js';
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../src/ui/ink/App.js';
import { createViewStore } from '../../src/ui/view-store.js';
import { createTeamFeed, type TeamFeed } from '../../src/ui/team-feed.js';
import { attachFourEyes } from '../../src/cli/four-eyes-gate.js';
import { ends, plain, sleep, testRun, waitFor } from './helpers.js';
import type { Run } from '../../src/engine/run.js';

const mounted: Run[] = [];
afterEach(() => {
  cleanup();
  for (const run of mounted.splice(0)) if (!run.result) run.abort('the test ended');
});

const FOUR_EYES = (risk = '') => `
name: four-eyes
title: Terminate idle sessions
steps:
  - id: look
    shell: echo look
  - id: terminate
    destructive: true
    ${risk}
    approval: { by: another-person }
    blast_radius: the idle sessions
    confirm: Terminate the idle sessions?
    shell: echo terminate
    on: { skipped: kept }
  - id: done
    end: resolved
    message: terminated
  - id: kept
    end: escalate
    message: not terminated
`;

function mount(yaml: string, feed: TeamFeed) {
  const t = testRun(yaml);
  mounted.push(t.run);
  const store = createViewStore(t.run, t.runbook.doc);
  feed.setDrawn(true);
  const app = render(<App run={t.run} store={store} gateArmMs={0} team={feed} transcriptPath="/tmp/runbook-transcript.jsonl" />);
  const frame = () => plain(app.lastFrame());
  const until = async (text: string | RegExp, what = String(text)) => {
    await waitFor(() => (typeof text === 'string' ? frame().includes(text) : text.test(frame())), what);
    await sleep(10);
    return frame();
  };
  const finished = t.run.start();
  return { ...t, app, frame, until, end: () => ends(finished) };
}

/** A feed whose written-out lines (what would reach stderr) are kept, to show none are written under the view. */
function feedLines() {
  const written: string[] = [];
  return { feed: createTeamFeed((l) => written.push(l)), written };
}

const reachableWait = (stepId: string) => ({ stepId, command: `runbook approve 6f1c2a terminate`, store: 'reachable' as const, mayApprove: 'anyone with a store role but alice' });

test('the gate says it waits for another person, who may approve, and the store; y cannot approve', async () => {
  const { feed, written } = feedLines();
  const ui = mount(FOUR_EYES(), feed);
  let f = await ui.until('FOUR EYES');
  assert.match(f, /waiting for approval by another person \(runbook approve <run-id> terminate\)/, 'before the store answered');
  assert.match(f, /store: connecting/);
  feed.setWait(reachableWait('terminate'));
  f = await ui.until('store: reachable');
  assert.match(f, /waiting for approval by another person \(runbook approve 6f1c2a terminate\)/);
  assert.match(f, /may approve: anyone with a store role but alice/);
  assert.match(f, /s +skip +a +abort the run +y: not yours: another person approves/);
  assert.doesNotMatch(f, /y +run/, 'no key offers to run it');

  ui.app.stdin.write('y');
  f = await ui.until('you cannot approve your own step');
  assert.ok(ui.run.pendingGate, 'the gate is still open');
  assert.ok(!ui.executed.includes('terminate'));

  feed.setWait({ ...reachableWait('terminate'), store: 'unreachable', why: 'connect ECONNREFUSED 127.0.0.1:5433' });
  f = await ui.until('store: unreachable');
  assert.match(f, /store: unreachable \(connect ECONNREFUSED 127\.0\.0\.1:5433\); retrying/);

  // The teammate's decision, as cli/four-eyes-gate.ts relays it from the store.
  // It names the gate visit it answers (the gate's own `gate`); without it the run takes none (#47).
  assert.equal(ui.run.confirm('terminate', 'yes', 'four-eyes', { approver: 'bob', decidedAt: new Date().toISOString() }), false);
  assert.equal(ui.run.confirm('terminate', 'yes', 'four-eyes', { approver: 'bob', decidedAt: new Date().toISOString(), gate: ui.run.pendingGate!.event.gate! }), true);
  const done = await ui.end();
  assert.equal(done.outcome, 'resolved');
  assert.ok(ui.executed.includes('terminate'));
  assert.deepEqual(written, [], 'nothing was written under the live view');
});

test('s skips a four-eyes step, and a high-risk one takes s and a as keys (no typed id to give)', async () => {
  for (const risk of ['', 'risk: high']) {
    const { feed } = feedLines();
    const ui = mount(FOUR_EYES(risk), feed);
    const f = await ui.until('FOUR EYES');
    if (risk) assert.match(f, /FOUR EYES \(HIGH RISK\)/);
    assert.doesNotMatch(f, /type terminate and Enter/);
    ui.app.stdin.write('y');
    await ui.until('you cannot approve your own step');
    ui.app.stdin.write('s');
    const done = await ui.end();
    assert.equal(done.outcome, 'escalate');
    assert.ok(!ui.executed.includes('terminate'));
    cleanup();
  }
});

test("the store's notices and the lines waiting for it are the header's while the view draws, lines on stderr otherwise", async () => {
  const { feed, written } = feedLines();
  const ui = mount(FOUR_EYES(), feed);
  await ui.until('FOUR EYES');
  feed.say('store: store unreachable (connect ECONNREFUSED); 3 events wait here, the run goes on');
  const f = await ui.until('3 events wait here');
  assert.match(f.split('\n').slice(0, 4).join('\n'), /store: store unreachable/, 'in the header');
  assert.deepEqual(written, []);
  feed.setPending(12);
  await ui.until('12 transcript lines not yet in the store');
  ui.app.stdin.write('a');
  await ui.end();
  feed.setDrawn(false);
  feed.say('store: 2 events were not uploaded');
  assert.deepEqual(written, ['store: 2 events were not uploaded']);
});

test('with no store configured the four-eyes gate stops the run, saying why in the view and the record', async () => {
  const { feed, written } = feedLines();
  const ui = mount(FOUR_EYES(), feed);
  attachFourEyes(ui.run, { url: undefined, runId: () => undefined, feed });
  const done = await ui.end();
  assert.equal(done.outcome, 'failed');
  assert.match(done.message, /needs a second person's approval and no team store is configured .*--break-glass/);
  assert.ok(!ui.executed.includes('terminate'));
  assert.deepEqual(written, [], 'the reason is in the run\'s record, not written over the view');
});
