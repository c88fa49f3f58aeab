// Pure text helpers: durations, tables, commands, markdown, layout, step status words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { branchTarget, cleanLine, commandLine, formatClock, formatDuration, formatValue, tableLines } from '../../src/ui/format.js';
import { markdownLines } from '../../src/ui/markdown.js';
import { displayWidth, padWidth, truncateWidth } from '../../src/common/display-width.js';
import { stepWindow } from '../../src/ui/frame/steps.js';
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

test('display width: CJK and emoji take two columns, combining marks and joiners none', () => {
  const cases: [string, number][] = [['abc', 3], ['应用程序用户', 12], ['SELECT 1 — 😀😀😀', 17], ['e\u0301', 1], ['a\u0300\u0301b', 2],
    // A grapheme of several code points counts the wider of one symbol and each code point drawn (tmux draws
    // the family six columns wide): never less than a terminal draws.
    ['👨‍👩‍👧', 6], ['🇫🇷', 2], ['⏱', 1], ['⏱\ufe0f', 2], ['✅', 2], ['한국어', 6], ['ｶﾀｶﾅ', 4], ['ＡＢＣ', 6], ['\u200b', 0]];
  for (const [text, width] of cases) assert.equal(displayWidth(text), width, JSON.stringify(text));
  assert.equal(truncateWidth('漢字漢字', 5), '漢字…', 'cut at a column count, never inside a wide character');
  assert.equal(truncateWidth('e\u0301e\u0301e\u0301', 2), 'e\u0301…', 'a mark stays with its letter');
  assert.equal(padWidth('漢', 4), '漢  ');
});

test('a SQL table with CJK, emoji and combining marks: columns align in display width, rows fit the width', () => {
  const rows = [{ user: '应用程序用户', query: 'SELECT 1 — 😀😀😀' }, { user: 'app', query: 'x' }, { user: 'Jose\u0301', query: '👨‍👩‍👧 family' }];
  const lines = tableLines(['user', 'query'], rows, 3, { maxRows: 3, maxCellWidth: 30, maxWidth: 78 });
  const bar = (l: string) => displayWidth(l.slice(0, l.indexOf('│')));
  const [header, rule, ...body] = lines;
  assert.equal(bar(header!), 13);
  assert.equal(displayWidth(rule!.slice(0, rule!.indexOf('┼'))), 13);
  for (const l of body.slice(0, 3)) assert.equal(bar(l), 13, `aligned: ${l}`);
  // Narrower than the table: every line at most maxWidth columns (a 29-character CJK cell is 58 wide).
  const narrow = tableLines(['q'], [{ q: '漢'.repeat(29) }, { q: 'a' }], 2, { maxRows: 3, maxCellWidth: 30, maxWidth: 20 });
  for (const l of narrow) assert.ok(displayWidth(l) <= 20, `${l} is ${displayWidth(l)} columns`);
  assert.equal(displayWidth(formatValue('漢'.repeat(40), 30)), 29, '14 wide characters and the ellipsis: half a character does not fit');
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

test('the step list window keeps the current step in view, its "…" rows counted in', () => {
  assert.deepEqual(stepWindow(5, 2, 8), { start: 0, end: 5 });
  for (const total of [4, 10, 30]) for (const max of [0, 1, 2, 3, 4, 8]) for (let cur = 0; cur < total; cur++) {
    const { start, end } = stepWindow(total, cur, max);
    const marks = max >= 3 ? Number(start > 0) + Number(end < total) : 0;
    assert.equal(end - start + marks, Math.min(total, max), `${total} steps in ${max} rows`);
    if (max > 0) assert.ok(start <= cur && cur < end, `step ${cur} of ${total} in ${max} rows`);
  }
});

test('step status words', () => {
  const base: StepView = { id: 's', title: 's', destructive: false, state: 'pending', attempt: 1, visits: 1 };
  assert.equal(stepStatus(base, 0, true).text, 'not run');
  assert.equal(stepStatus({ ...base, state: 'running', startedAt: 0 }, 3200, false).text, 'running 3s', 'whole seconds: the clock ticks once a second');
  assert.equal(stepStatus({ ...base, state: 'running', startedAt: 0 }, 0, false, true).text, 'waiting for you');
  assert.deepEqual([stepStatus({ ...base, state: 'running', startedAt: 0 }, 0, false, true).spinning, stepStatus({ ...base, state: 'running', startedAt: 0 }, 0, false, true).icon], [false, '?'], 'still: the clock is stopped while the operator is asked');
  assert.equal(stepStatus({ ...base, state: 'ok', durationMs: 12 }, 0, false).text, 'ok 12ms');
  assert.equal(stepStatus({ ...base, state: 'failed', durationMs: 5, result: { status: 'failed', durationMs: 5, exitCode: 2 } }, 0, false).text, 'failed 5ms: exit code 2');
  assert.equal(stepStatus({ ...base, state: 'skipped', skip: { reason: 'operator' } }, 0, false).text, 'skipped by you');
  // A teammate's four-eyes denial is theirs, with their reason, not the driver's skip (#47).
  const denied = { answer: 'skip', how: 'four-eyes', by: 'alice', approver: 'carol', reason: 'not during the batch' } as const;
  assert.equal(stepStatus({ ...base, state: 'skipped', skip: { reason: 'operator' }, confirmation: denied }, 0, false).text, 'denied by carol: not during the batch');
  assert.equal(stepStatus({ ...base, state: 'awaiting' }, 0, false).text, 'awaiting confirmation');
});
