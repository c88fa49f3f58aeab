// Plain mode's lines for each kind of event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlainFormatter } from '../../src/ui/plain/plain-format.js';
import { paint } from '../../src/ui/plain/paint.js';

const fmt = () => new PlainFormatter(paint(false));

test('failures, retries and timeouts say why', () => {
  const f = fmt();
  assert.deepEqual(f.format({ type: 'step-finished', stepId: 'q', attempt: 1, willRetry: true, result: { status: 'failed', durationMs: 5, classification: 'refused', error: 'connect ECONNREFUSED' } }),
    ['retry    q (5ms, refused): connect ECONNREFUSED; retrying']);
  assert.deepEqual(f.format({ type: 'step-finished', stepId: 'q', attempt: 2, result: { status: 'timeout', durationMs: 30_000 } }), ['TIMEOUT  q (30.0s): timeout']);
  assert.deepEqual(f.format({ type: 'step-finished', stepId: 's', attempt: 1, result: { status: 'failed', durationMs: 3, exitCode: 2 } }), ['FAILED   s (3ms): exit code 2']);
});

test('SQL rows are printed as a table under the ok line', () => {
  const lines = fmt().format({ type: 'step-finished', stepId: 'idle', attempt: 1, result: { status: 'ok', durationMs: 4, columns: ['pid'], rows: [{ pid: 7 }], rowCount: 1 } });
  assert.deepEqual(lines, ['ok       idle (4ms)', '    pid', '    ───', '    7', '    (1 row)']);
});

test('branches, skips, notes, questions', () => {
  const f = fmt();
  assert.deepEqual(f.format({ type: 'branch', from: 'a', to: 'b', via: 'next', expression: 'a.rowCount > 2', value: true }), ['branch   a → b (a.rowCount > 2 = true)']);
  assert.deepEqual(f.format({ type: 'branch', from: 'a', to: '__failed', via: 'failure' }), ['branch   a → run failed (the step failed)']);
  assert.deepEqual(f.format({ type: 'step-skipped', stepId: 'x', reason: 'condition' }), ['skipped  x (its condition is false)']);
  assert.deepEqual(f.format({ type: 'note', text: 'paged DBA', by: 'alice', stepId: 'x' }), ['note     alice at x: paged DBA']);
  assert.deepEqual(f.format({ type: 'question-asked', questionId: 'q', question: { stepId: 'pw', action: { kind: 'prompt', message: 'Password?', secret: true, default: 'hunter2' } } }),
    ['prompt   pw: Password? (secret)'], 'a secret prompt never shows its default');
});

test('the gate shows the whole command, the target and the resumed warning', () => {
  const lines = fmt().format({ type: 'confirmation-requested', stepId: 'kill', title: 'Kill sessions', command: 'select 1;\nselect 2;', target: 'postgres://u:****@h/d', question: 'Kill?', risk: 'high', resumed: true });
  assert.deepEqual(lines, [
    'confirm? kill: Kill sessions [high risk]',
    '  would run: select 1;',
    '             select 2;',
    '  on:        postgres://u:****@h/d',
    '  resumed:   this step was in flight when the run was interrupted; it may have partly run',
  ]);
});
