// The frame's rows (src/ui/frame), pure: every row is one line no wider than the terminal (display width), the
// budget serves the decision first, long fields are counted when clipped, narrow terminals drop columns instead
// of wrapping, and the final record prints the transcript path whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayWidth } from '../../src/common/display-width.js';
import { allocate, need } from '../../src/ui/frame/budget.js';
import { finalRecordRows } from '../../src/ui/frame/final-record.js';
import { gatePart } from '../../src/ui/frame/gate.js';
import { outputRows } from '../../src/ui/frame/output.js';
import { manualPart } from '../../src/ui/frame/question.js';
import { rowWidth, type Row } from '../../src/ui/frame/row.js';
import { stepColumns, stepListRows } from '../../src/ui/frame/steps.js';
import { initialViewModel, reduce, type ViewModel } from '../../src/ui/view-model.js';
import type { ConfirmationRequested, RunEvent } from '../../src/engine/events.js';

const text = (rows: Row[]) => rows.map((r) => r.map((s) => s.text).join(''));
const fitsWidth = (rows: Row[], width: number) => {
  for (const l of text(rows)) assert.ok(displayWidth(l) <= width, `${displayWidth(l)} > ${width}: ${l}`);
};

function play(events: RunEvent[]): ViewModel {
  return events.reduce((vm, e, i) => reduce(vm, e, 1_000 + i * 100), initialViewModel());
}

const STEPS = play([
  { type: 'run-started', runId: 'r', dryRun: false, runbook: { name: 'n', title: '检查连接池 🚒 pool', file: 'f', sha256: 's' }, inputs: {} },
  { type: 'step-started', stepId: 'find-blockers', title: '巨大な出力 🔥🔥 find the sessions that block every other query', kind: 'sql', attempt: 1, destructive: false },
  { type: 'step-finished', stepId: 'find-blockers', result: { status: 'ok', durationMs: 40, rowCount: 3 }, attempt: 1 },
  { type: 'branch', from: 'find-blockers', to: 'wait-for-replica-to-catch-up', via: 'next' },
  { type: 'step-started', stepId: 'wait-for-replica-to-catch-up', title: 'Wait for the replica', kind: 'wait', attempt: 1, destructive: false },
  { type: 'step-started', stepId: 'promote', title: '昇格 🚨 promote the replica now', kind: 'shell', attempt: 1, destructive: true },
]);

test('step rows: never wider than the terminal; under 60 columns no title or kind column; titles use the width at 160', () => {
  for (const width of [40, 59, 60, 80, 100, 160]) {
    const rows = stepListRows(STEPS, 5_000, width, 10);
    assert.equal(rows.length, 3);
    fitsWidth(rows, width);
    const [first] = text(rows);
    if (width < 60) assert.doesNotMatch(first!, /sql|巨大/, `${width}: the title and kind give way`);
    else assert.match(first!, /巨大/, `${width}: the title is there`);
  }
  const wide = text(stepListRows(STEPS, 5_000, 160, 10));
  assert.match(wide[0]!, /find the sessions that block every other query/, 'a long title whole at 160 columns (was cut at 28)');
  assert.ok(stepColumns(STEPS.steps, 160).title > stepColumns(STEPS.steps, 80).title);
});

test('budget: mins first in the given order, then soft, then want; what is left goes nowhere', () => {
  const got = allocate(10, { header: need(1, 3, 3), panel: need(6, 8, 20), steps: need(1, 5, 9) },
    [['header', 'min'], ['panel', 'min'], ['steps', 'min'], ['header', 'want'], ['panel', 'soft'], ['steps', 'want'], ['panel', 'want']]);
  assert.deepEqual(got, { header: 3, panel: 6, steps: 1 });
  assert.deepEqual(allocate(5, { panel: need(8) }, [['panel', 'min']]), { panel: 5 }, 'short of its min: what is left');
});

const GATE: ConfirmationRequested = {
  type: 'confirmation-requested', stepId: 'fix', title: 'Run the long fix', question: 'Run the 30-line fix now?', risk: 'normal', resumed: false,
  command: Array.from({ length: 30 }, (_, i) => `echo step ${i + 1} of the long remediation script`).join('\n'),
  description: 'A long why. '.repeat(20), blastRadius: 'everything the script touches', env: { A: '1', B: '2' }, timeout: '30s',
};

test('gate: at every height from its least, the question and keys are drawn and what is clipped is counted', () => {
  const part = gatePart({ gate: GATE, width: 80, keys: 'live', active: true });
  for (let n = part.need.min; n <= part.need.want; n++) {
    const rows = part.rows(n);
    assert.equal(rows.length, n, `${n} rows`);
    fitsWidth(rows, 80);
    const t = text(rows).join('\n');
    assert.match(t, /Run the 30-line fix now\?/);
    assert.ok(part.keysShown(n));
    // y is live only when nothing of the confirmation is off the panel; else the row counts what is unseen.
    const unseen = part.unseen(n);
    if (unseen === 0) assert.match(t, /y +run +s +skip +a +abort the run/);
    else assert.match(t, new RegExp(`s +skip +a +abort +y: see all first \\(c\\): ${unseen} rows? unseen`));
    assert.equal(part.yesLive(n), unseen === 0, `${n} rows`);
    assert.equal(gatePart({ gate: GATE, width: 80, keys: 'live', active: true, seen: true }).yesLive(n), true, 'seen in the c view: live');
    const hidden = /… (\d+) more lines? \(c: see all\)/.exec(t.split('why')[0]!);
    assert.equal([...t.matchAll(/echo step \d+ of/g)].length + Number(hidden?.[1] ?? 0), 30, `${n} rows: the script's lines shown + counted`);
  }
  const short = part.rows(part.need.min - 1);
  assert.equal(part.keysShown(part.need.min - 1), false);
  assert.doesNotMatch(text(short).join('\n'), /y +run/, 'no keys drawn when they do not fit');
  assert.equal(part.unseen(part.need.want), 0);
  assert.ok(part.unseen(part.need.min) > 0);
  // The count is the rows behind the clips: shown + unseen = all of them.
  const all = part.rows(part.need.want).length;
  for (let n = part.need.min; n < part.need.want; n++) assert.ok(part.unseen(n) >= all - n, `${n}: ${part.unseen(n)} unseen of ${all}`);
});

test('manual: the choices and keys at every height from its least; the instructions counted when clipped', () => {
  const instructions = Array.from({ length: 8 }, (_, i) => `${i + 1}. A long instruction line that will wrap at forty columns, number ${i + 1}.`).join('\n');
  for (const width of [40, 80]) {
    const part = manualPart('check', { kind: 'manual', instructions, choices: ['ok', 'high', 'unknown'] }, width, 'live', 0);
    for (let n = part.need.min; n <= part.need.want; n++) {
      const rows = part.rows(n);
      assert.equal(rows.length, n);
      fitsWidth(rows, width);
      const t = text(rows).join('\n');
      for (const c of ['1. ok', '2. high', '3. unknown', '1-3 or ↑↓ + Enter to answer']) assert.ok(t.includes(c), `${width}x${n}: ${c}`);
      if (!t.includes('number 8.')) assert.match(t, /… \d+ more lines? \(i: read all\)/, `${width}x${n}: clipped, counted`);
    }
  }
});

test('output: the newest lines, labelled exactly', () => {
  const lines = Array.from({ length: 7 }, (_, i) => ({ stepId: 's', stream: 'stdout' as const, text: `line ${i + 1}` }));
  assert.deepEqual(text(outputRows(lines, 0, 6, 80)), ['output (last 6 of 7 lines)', '│ line 2', '│ line 3', '│ line 4', '│ line 5', '│ line 6', '│ line 7']);
  assert.deepEqual(text(outputRows(lines.slice(0, 1), 0, 6, 80)), ['output (1 line)', '│ line 1']);
  assert.deepEqual(text(outputRows(lines, 2, 3, 80))[0], 'output (lines 3–5 of 7, End to follow)');
});

test('final record: every row fits the width; the transcript path is printed whole, cut only where the width ends', () => {
  const path = `/var/lib/runbook/${'incident-2026-11-22-'.repeat(6)}restart.jsonl`;
  const vm = reduce(STEPS, { type: 'run-finished', outcome: 'resolved', message: 'done', durationMs: 1200, steps: { ok: 2, failed: 0, skipped: 0 } }, 9_000);
  for (const width of [40, 80]) {
    const rows = finalRecordRows(vm, width, path);
    fitsWidth(rows, width);
    const t = text(rows);
    assert.ok(t.join('').includes(`transcript ${path}`), t.join('\n'));
    assert.ok(!t.some((l) => /running|awaiting/.test(l)), 'no live rows in the record');
    assert.equal(rows.filter((r) => rowWidth(r) > width).length, 0);
  }
});

test('final record of a dry run: a shown step is counted as shown, and an ending of resolved says nothing was fixed', () => {
  const vm = play([
    { type: 'run-started', runId: 'r', dryRun: true, runbook: { name: 'n', title: 'fix', file: 'f', sha256: 's' }, inputs: {} },
    { type: 'step-started', stepId: 'restart', title: 'Restart', kind: 'shell', attempt: 1, destructive: true },
    { type: 'step-skipped', stepId: 'restart', reason: 'dry-run', detail: 'systemctl restart app' },
    { type: 'step-finished', stepId: 'restart', result: { status: 'ok', durationMs: 0, value: 'dry-run' }, attempt: 1 },
    { type: 'run-finished', outcome: 'resolved', message: 'the app works again', durationMs: 30, steps: { ok: 0, failed: 0, skipped: 0, shown: 1 } },
  ]);
  const t = text(finalRecordRows(vm, 100)).join('\n');
  assert.match(t, /resolved in \S+ \(0 ok, 1 shown, not run, 0 failed, 0 skipped\): the app works again/);
  assert.match(t, /dry run: nothing was fixed: restart only shown; a real run ends resolved here only if it works/);
});
