// The ink gate shows everything that decides what runs, like the plain one: connection and target, env values
// (as the engine masked them), directory, timeout, and what the one approval covers.
import './ci-off.js';
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { GatePanel } from '../../src/ui/ink/GatePanel.js';
import type { ConfirmationRequested } from '../../src/engine/events.js';
import { plain } from './helpers.js';

afterEach(() => cleanup());

test('the ink gate lists connection, env, cwd, timeout and the attempts one approval covers', () => {
  const gate: ConfirmationRequested = {
    type: 'confirmation-requested', stepId: 'wipe', title: 'Wipe', command: 'rm -rf "$TARGET"/*', question: 'Wipe?', risk: 'normal',
    resumed: false, connection: 'db', target: 'postgres://admin:****@db/app', env: { TARGET: '/srv/cache', API_TOKEN: '****' },
    cwd: '/srv', timeout: '30s', attempts: 3, covers: 'this approval covers up to 3 attempts (retried after any failure, backoff 1s doubling)',
  };
  const app = render(<GatePanel gate={gate} active armed={() => true} onAnswer={() => undefined} />);
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

// When the gate arms is App's (use-gate-arming.ts: from the committed frame, ordered by the event loop; tested in
// app.test.tsx). Here: whatever is typed while it is unarmed is dropped, not kept — a typed confirmation's field
// does not hold type-ahead for a later Enter.
test('keys typed while the gate is unarmed are dropped, and the armed gate takes the answer', async () => {
  const { sleep } = await import('./helpers.js');
  for (const risk of ['normal', 'high'] as const) {
    const gate: ConfirmationRequested = { type: 'confirmation-requested', stepId: 'wipe', title: 'Wipe', command: 'rm -rf /srv/cache', question: 'Wipe?', risk, resumed: false };
    const answers: string[] = [];
    let armed = false;
    const panel = (live: boolean) => <GatePanel gate={gate} active armed={() => armed} keysLive={live} onAnswer={(a, how) => answers.push(`${a}/${how}`)} />;
    const app = render(panel(false));
    assert.match(plain(app.lastFrame()), /the keys work in a moment/);
    await sleep(20);
    app.stdin.write(risk === 'high' ? 'wipe' : 'y');
    if (risk === 'high') app.stdin.write('\r');
    await sleep(20);
    assert.deepEqual(answers, [], `${risk}: type-ahead answered the gate`);
    armed = true;
    app.rerender(panel(true)); // as App does when it arms
    await sleep(20);
    if (risk === 'high') {
      app.stdin.write('\r'); // the field is empty: the unarmed 'wipe' was not kept
      await sleep(20);
      assert.deepEqual(answers, [], 'high: an Enter after arming answered with the type-ahead');
      app.stdin.write('wipe');
      await sleep(20);
      app.stdin.write('\r');
    } else {
      app.stdin.write('y');
    }
    await sleep(20);
    assert.deepEqual(answers, [risk === 'high' ? 'yes/typed' : 'yes/key'], `${risk}: the armed gate takes the answer`);
    app.unmount();
  }
});

// Issue #20: the high-risk field was mounted only when the gate armed, and ink attaches its key listener in an
// effect, which may run after the frame showing the field: keys typed the moment the field showed were lost,
// and the tmux confirmation test waited in vain for its error line. Here the keys come in the same turn as
// the frame that shows the field. (ink-testing-library's rerender runs the effects at once, so this passes on
// the old code too: it pins the behaviour, it does not reproduce the lag.)
test('a high-risk gate takes keys typed the moment its field is shown', async () => {
  const { sleep } = await import('./helpers.js');
  const gate: ConfirmationRequested = { type: 'confirmation-requested', stepId: 'wipe', title: 'Wipe', command: 'rm -rf /srv/cache', question: 'Wipe?', risk: 'high', resumed: false };
  const answers: string[] = [];
  let armed = false;
  const panel = (live: boolean) => <GatePanel gate={gate} active armed={() => armed} keysLive={live} onAnswer={(a, how) => answers.push(`${a}/${how}`)} />;
  const app = render(panel(false));
  await sleep(20);
  armed = true;
  app.rerender(panel(true));
  assert.match(plain(app.lastFrame()), /type wipe and Enter/);
  app.stdin.write('wipe');
  app.stdin.write('\r');
  await sleep(20);
  assert.deepEqual(answers, ['yes/typed']);
  app.unmount();
});
