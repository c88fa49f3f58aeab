// The ink gate shows everything that decides what runs, like the plain one: connection and target, env values
// (as the engine masked them), directory, timeout, and what the one approval covers.
import './ci-off.js';
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { GatePanel } from '../../src/ui/ink/GatePanel.js';
import type { ConfirmationRequested } from '../../src/engine/events.js';
import { plain, sleep, waitFor } from './helpers.js';
import { armAfter, type ArmScheduler } from '../../src/ui/ink/use-gate-arming.js';

/** Arming by hand: the panel takes keys once `arm()` is called. */
function hand(): { scheduler: ArmScheduler; arm(): void } {
  let pending: (() => void) | undefined;
  return { scheduler: (a) => { pending = a; return () => { pending = undefined; }; }, arm: () => pending?.() };
}

afterEach(() => cleanup());

/** Past a yes's settle (GatePanel: a yes waits for a resize already on its way): an answer not given by then is not given. */
const SETTLED_MS = 300;

test('the ink gate lists connection, env, cwd, timeout and the attempts one approval covers', () => {
  const gate: ConfirmationRequested = {
    type: 'confirmation-requested', stepId: 'wipe', title: 'Wipe', command: 'rm -rf "$TARGET"/*', question: 'Wipe?', risk: 'normal',
    resumed: false, connection: 'db', target: 'postgres://admin:****@db/app', env: { TARGET: '/srv/cache', API_TOKEN: '****' },
    cwd: '/srv', timeout: '30s', attempts: 3, covers: 'this approval covers up to 3 attempts (retried after any failure, backoff 1s doubling)',
  };
  const app = render(<GatePanel gate={gate} rows={40} width={100} active arming={armAfter(0)} onAnswer={() => undefined} />);
  const frame = plain(app.lastFrame());
  for (const text of ['rm -rf "$TARGET"/*', 'postgres://admin:****@db/app (connection db)', 'TARGET=/srv/cache', 'API_TOKEN=****', 'in dir', '/srv', '30s', 'covers up to 3 attempts']) {
    assert.ok(frame.includes(text), `${text} is missing from:\n${frame}`);
  }
});

test('the step list says when a dry-run step ran in the sandbox, or was shown for want of one', async () => {
  const { stepStatus } = await import('../../src/ui/step-status.js');
  const base = { id: 's', title: 's', destructive: false, attempt: 1, visits: 1 } as const;
  assert.match(stepStatus({ ...base, state: 'running', startedAt: 0, dryRun: 'sandboxed' }, 10, false).text, /^running in the sandbox/);
  assert.match(stepStatus({ ...base, state: 'ok', durationMs: 5, dryRun: 'sandboxed' }, 10, false).text, /\(sandboxed\)$/);
  assert.equal(stepStatus({ ...base, state: 'skipped', skip: { reason: 'dry-run', because: 'no-sandbox' } }, 10, false).text, 'dry run: shown (no sandbox)');
  assert.equal(stepStatus({ ...base, state: 'skipped', skip: { reason: 'dry-run', because: 'destructive' } }, 10, false).text, 'dry run: not run');
});

// When the gate arms: use-gate-arming.ts (from the committed frame, ordered by the event loop; tested in
// app.test.tsx). Here: whatever is typed while it is unarmed is dropped, not kept — a typed confirmation's field
// does not hold type-ahead for a later Enter — and keys count once the keys line is drawn.
test('keys typed while the gate is unarmed are dropped, and the armed gate takes the answer', async () => {
  for (const risk of ['normal', 'high'] as const) {
    const gate: ConfirmationRequested = { type: 'confirmation-requested', stepId: 'wipe', title: 'Wipe', command: 'rm -rf /srv/cache', question: 'Wipe?', risk, resumed: false };
    const answers: string[] = [];
    const h = hand();
    const app = render(<GatePanel gate={gate} rows={20} width={80} active arming={h.scheduler} onAnswer={(a, how) => answers.push(`${a}/${how}`)} />);
    assert.match(plain(app.lastFrame()), /the keys work in a moment/);
    await sleep(20);
    app.stdin.write(risk === 'high' ? 'wipe' : 'y');
    if (risk === 'high') app.stdin.write('\r');
    await sleep(SETTLED_MS);
    assert.deepEqual(answers, [], `${risk}: type-ahead answered the gate`);
    h.arm();
    await waitFor(() => /y +run|type wipe and Enter/.test(plain(app.lastFrame())), 'the keys');
    if (risk === 'high') {
      app.stdin.write('\r'); // the field is empty: the unarmed 'wipe' was not kept
      await sleep(SETTLED_MS);
      assert.deepEqual(answers, [], 'high: an Enter after arming answered with the type-ahead');
      app.stdin.write('wipe');
      await sleep(20);
      app.stdin.write('\r');
    } else {
      app.stdin.write('y');
    }
    await waitFor(() => answers.length > 0, 'the answer');
    assert.deepEqual(answers, [risk === 'high' ? 'yes/typed' : 'yes/key'], `${risk}: the armed gate takes the answer`);
    app.unmount();
  }
});

// Issue #20: keys typed the moment the field is shown are taken (the listener is on from the start).
test('a high-risk gate takes keys typed the moment its field is shown', async () => {
  const gate: ConfirmationRequested = { type: 'confirmation-requested', stepId: 'wipe', title: 'Wipe', command: 'rm -rf /srv/cache', question: 'Wipe?', risk: 'high', resumed: false };
  const answers: string[] = [];
  const h = hand();
  const app = render(<GatePanel gate={gate} rows={20} width={80} active arming={h.scheduler} onAnswer={(a, how) => answers.push(`${a}/${how}`)} />);
  await sleep(20);
  h.arm();
  await waitFor(() => /type wipe and Enter/.test(plain(app.lastFrame())), 'the field');
  app.stdin.write('wipe');
  app.stdin.write('\r');
  await waitFor(() => answers.length > 0, 'the answer');
  assert.deepEqual(answers, ['yes/typed']);
  app.unmount();
});

// A key whose line is not drawn is never taken: a 30-line script at 80x24 keeps its question and keys (the script
// gives up rows, counted), and given fewer rows than the question and keys need, the panel says so and y does nothing.
test('the panel keeps its question and keys; a long command is counted, and too few rows take no keys', async () => {
  const command = Array.from({ length: 30 }, (_, i) => `echo step ${i + 1} of the long remediation script`).join('\n');
  const gate: ConfirmationRequested = { type: 'confirmation-requested', stepId: 'fix', title: 'Run the long fix', command, question: 'Run the 30-line fix now?', risk: 'normal', resumed: false };
  const answers: string[] = [];
  let seen = false;
  const store = { get: () => '', set: () => undefined, wasSeen: () => seen };
  const panel = (rows: number) => <GatePanel gate={gate} rows={rows} width={80} active arming={armAfter(0)} onAnswer={(a) => answers.push(a)} store={store} />;
  const app = render(panel(12));
  // Lines off the panel: y is dead until they were seen (the c view), and the row says how many.
  let f = await waitFor(() => { const x = plain(app.lastFrame()); return /y: see all first \(c\): \d+ rows unseen/.test(x) && x; }, 'the armed panel');
  app.stdin.write('y');
  await sleep(SETTLED_MS);
  assert.deepEqual(answers, [], 'y answered a gate with unseen lines');
  seen = true;
  app.rerender(panel(12));
  f = await waitFor(() => { const x = plain(app.lastFrame()); return /y +run/.test(x) && x; }, 'y live once seen');
  assert.equal(f.split('\n').length, 12, f);
  assert.match(f, /will run +echo step 1 of/);
  const more = /… (\d+) more lines \(c: see all\)/.exec(f);
  assert.ok(more, f);
  assert.equal([...f.matchAll(/echo step \d+ of/g)].length + Number(more[1]), 30, 'shown + counted = all');
  assert.match(f, /Run the 30-line fix now\?/);
  assert.match(f, /y +run +s +skip +a +abort the run/);
  app.rerender(panel(4));
  f = plain(app.lastFrame());
  assert.match(f, /too short for the confirmation/);
  assert.doesNotMatch(f, /y +run/);
  app.stdin.write('y');
  await sleep(SETTLED_MS);
  assert.deepEqual(answers, [], 'y answered a gate whose keys were not on screen');
  app.rerender(panel(12));
  await waitFor(() => /y +run/.test(plain(app.lastFrame())), 'the keys again');
  app.stdin.write('y');
  await waitFor(() => answers.length > 0, 'the answer');
  assert.deepEqual(answers, ['yes']);
  app.unmount();
});
