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

test('a gate drawn late (a loaded machine) still ignores keys for its arming time after it is drawn', async () => {
  const { sleep } = await import('./helpers.js');
  for (const risk of ['normal', 'high'] as const) {
    const gate: ConfirmationRequested = { type: 'confirmation-requested', stepId: 'wipe', title: 'Wipe', command: 'rm -rf /srv/cache', question: 'Wipe?', risk, resumed: false };
    const answers: string[] = [];
    // armed() is true: the event is old. The panel has only just been drawn: a key now was typed before it was seen.
    const app = render(<GatePanel gate={gate} active armed={() => true} armMs={300} onAnswer={(a, how) => answers.push(`${a}/${how}`)} />);
    await sleep(20);
    app.stdin.write(risk === 'high' ? 'wipe' : 'y');
    if (risk === 'high') app.stdin.write('\r');
    await sleep(20);
    assert.deepEqual(answers, [], `${risk}: type-ahead answered the gate`);
    await sleep(350);
    app.stdin.write(risk === 'high' ? 'wipe' : 'y');
    if (risk === 'high') { await sleep(20); app.stdin.write('\r'); }
    await sleep(20);
    assert.deepEqual(answers, [risk === 'high' ? 'yes/typed' : 'yes/key'], `${risk}: the armed gate takes the answer`);
    app.unmount();
  }
});
