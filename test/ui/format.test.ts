// Pure text helpers: durations, tables, commands, markdown, layout, step status words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { branchTarget, cleanLine, commandLine, formatClock, formatDuration, formatValue, tableLines } from '../../src/ui/format.js';
import { markdownLines } from '../../src/ui/markdown.js';
import { layoutFor, windowAround } from '../../src/ui/layout.js';
import { stepStatus } from '../../src/ui/step-status.js';
import type { StepView } from '../../src/ui/view-model.js';

test('durations and clocks', () => {
  assert.deepEqual([12, 3200, 125_000, 3_725_000].map(formatDuration), ['12ms', '3.2s', '2m05s', '1h02m']);
  assert.deepEqual([7000, 723_000, 3_723_000].map(formatClock), ['0:07', '12:03', '1:02:03']);
});

test('values, branch targets, output lines, commands', () => {
  assert.equal(formatValue(null), 'NULL');
  assert.equal(formatValue({ a: 1 }), '{"a":1}');
  assert.equal(formatValue('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
  assert.equal(branchTarget('$end'), 'end of runbook');
  assert.equal(branchTarget('__failed'), 'run failed');
  assert.equal(cleanLine('progress 10%\rprogress 90%\t\u001b[32mok\u001b[0m'), 'progress 10%␍progress 90%  ok');
  assert.equal(commandLine('set -e\nrm a\nrm b'), 'set -e (+2 more lines)');
});

test('a SQL table: header, rule, first rows, row count', () => {
  const lines = tableLines(['pid', 'state'], [{ pid: 1, state: 'idle' }, { pid: 22, state: null }, { pid: 3, state: 'x' }], 40, { maxRows: 2, maxCellWidth: 20, maxWidth: 80 });
  assert.deepEqual(lines, ['pid │ state', '────┼──────', '1   │ idle', '22  │ NULL', '(40 rows, first 2 shown)']);
  assert.deepEqual(tableLines([], [], 0, { maxRows: 5, maxCellWidth: 20, maxWidth: 80 }), ['(0 rows)']);
});

test('markdown for manual steps: headings, bullets, code, bold, fences', () => {
  const lines = markdownLines('# Restart\n- run `systemctl restart app`\n**then** wait\n```\nps aux\n```');
  assert.deepEqual(lines, [
    [{ text: 'Restart', style: 'heading' }],
    [{ text: '• ' }, { text: 'run ' }, { text: 'systemctl restart app', style: 'code' }],
    [{ text: 'then', style: 'bold' }, { text: ' wait' }],
    [{ text: '  ps aux', style: 'code' }],
  ]);
});

test('layout keeps the frame within the terminal and the current step in view', () => {
  const tall = layoutFor(50, 10, false);
  const short = layoutFor(24, 30, true);
  assert.ok(tall.outputRows > short.outputRows);
  assert.equal(short.stepRows, 8);
  assert.deepEqual(windowAround(5, 2, 8), { start: 0, end: 5 });
  const w = windowAround(30, 20, 8);
  assert.ok(w.start <= 20 && 20 < w.end && w.end - w.start === 6);
  assert.deepEqual(windowAround(30, 29, 8), { start: 24, end: 30 });
});

test('step status words', () => {
  const base: StepView = { id: 's', title: 's', destructive: false, state: 'pending', attempt: 1, visits: 1 };
  assert.equal(stepStatus(base, 0, true).text, 'not run');
  assert.equal(stepStatus({ ...base, state: 'running', startedAt: 0 }, 3200, false).text, 'running 3.2s');
  assert.equal(stepStatus({ ...base, state: 'running', startedAt: 0 }, 0, false, true).text, 'waiting for you');
  assert.deepEqual([stepStatus({ ...base, state: 'running', startedAt: 0 }, 0, false, true).spinning, stepStatus({ ...base, state: 'running', startedAt: 0 }, 0, false, true).icon], [false, '?'], 'still: the clock is stopped while the operator is asked');
  assert.equal(stepStatus({ ...base, state: 'ok', durationMs: 12 }, 0, false).text, 'ok 12ms');
  assert.equal(stepStatus({ ...base, state: 'failed', durationMs: 5, result: { status: 'failed', durationMs: 5, exitCode: 2 } }, 0, false).text, 'failed 5ms: exit code 2');
  assert.equal(stepStatus({ ...base, state: 'skipped', skip: { reason: 'operator' } }, 0, false).text, 'skipped by you');
  assert.equal(stepStatus({ ...base, state: 'awaiting' }, 0, false).text, 'awaiting confirmation');
});
