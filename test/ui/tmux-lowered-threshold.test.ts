// What a gate says is computed from the current values (issue 49), in a real terminal: pool-exhausted against a
// PostgreSQL whose slots the lab's idle sessions hold, in tmux at 100x30. None is older than the default 10 min, so
// the runbook asks whether to lower the idle threshold; the operator types 0, and the gate that ends the idle
// sessions, as tmux draws it, says "over 0 min" in its title and its question (it said the default, 10, before the
// thresholds step kept the value in effect).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { injectFault } from '../../src/lab/index.js';
import { Tmux, TMUX } from '../hardening/tmux.js';
import { scratch } from '../hardening/helpers.js';

const dir = scratch({ after });

test('pool-exhausted in tmux: the idle threshold lowered to 0 at the question, the gate says over 0 min', { skip: !TMUX && 'tmux not installed', timeout: 300_000 }, async (t) => {
  const fault = await injectFault('too-many-connections', 'postgres');
  t.after(() => fault.cleanup());
  const term = new Tmux(dir, ['run', 'pool-exhausted', '--no-transcript', '--input', `url=${fault.server!.adminUrl()}`,
    '--input', `app_url=${fault.url}`, '--input', 'app_processes=0'], { cols: 100, rows: 30 });
  t.after(() => term.close());
  await term.until(/older than how many minutes/, 120_000);
  await new Promise((r) => setTimeout(r, 350)); // a question takes keys after its type-ahead pause
  term.text('0');
  term.keys('Enter');
  // The gate itself, as tmux drew it: its title and its question, not only the step's row above it. Nothing is
  // answered: closing the terminal ends the run with the sessions untouched.
  const gate = await term.until(/CONFIRM +terminate-idle-pg/, 120_000);
  assert.match(gate, /CONFIRM +terminate-idle-pg · Terminate sessions idle for over 0 min/, gate);
  assert.match(gate, /Terminate these \d+ sessions idle for over 0 min\?/, gate);
  assert.doesNotMatch(gate, /over 10 min/, gate);
});
