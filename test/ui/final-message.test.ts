// An ending's message may hold a captured value (a status file, a cell). A probe of stop 69 put a copy of the
// engine's own record in a status file (its spaces as no-break spaces, so the record's wrapping kept the columns):
// an escalated run's screen ended with a whole "RESOLVED" record and "resolved in …", the real one pushed off the
// top; in --plain the last line was a forged "finished resolved in …". The message is now one line (⏎ for its
// breaks), and every row it wraps onto starts with ↪. Generated messages (fixed seed): lines of the engine's own
// record, no-break spaces, carriage returns, long words, at widths 30–120: the outcome's row is the only one that
// starts with an outcome word, and every other row of the message starts with ↪; the plain summary is one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finalRecordRows } from '../../src/ui/frame/final-record.js';
import { resultsRows, stepEvidence } from '../../src/ui/frame/pages.js';
import { PlainFormatter } from '../../src/ui/plain/plain-format.js';
import { paint } from '../../src/ui/plain/paint.js';
import { initialViewModel, reduce } from '../../src/ui/view-model.js';
import type { RunEvent } from '../../src/engine/events.js';
import { rng } from '../helpers/rng.js';

const PIECES = ['resolved in 0.4s (2 ok, 0 failed, 0 skipped): The application answers again.', '✓ recheck  Check the app again shell   ok 52ms  → done',
  'runbook Check the application (app-check)                        RESOLVED   0:00', '\n', '\n\n', '\r', '\u00a0'.repeat(30), 'DOWN (503)', ' ', 'finished resolved in 52ms',
  'x'.repeat(150), 'no destructive action taken'];
const OUTCOMES = ['resolved', 'escalate', 'failed', 'aborted'] as const;

test('an ending\'s message never stands as a line of the record: one line, each wrapped row marked ↪', () => {
  const next = rng(69);
  for (let trial = 0; trial < 1000; trial++) {
    const message = Array.from({ length: 1 + Math.floor(next() * 12) }, () => PIECES[Math.floor(next() * PIECES.length)]!).join('');
    const width = 30 + Math.floor(next() * 91);
    const outcome = 'escalate';
    const events: RunEvent[] = [
      { type: 'run-started', runId: 'r', dryRun: false, runbook: { name: 'n', title: 't', file: 'f', sha256: 's' }, inputs: {} },
      { type: 'run-finished', outcome, message, durationMs: 158, steps: { ok: 1, failed: 0, skipped: 0 } },
    ];
    const vm = events.reduce((v, e, i) => reduce(v, e, 1_000 + i), initialViewModel());
    const rows = finalRecordRows(vm, width).map((r) => r.map((s) => s.text).join(''));
    const at = rows.findIndex((l) => l.startsWith(`${outcome} in `));
    assert.ok(at >= 0, rows.join('\n'));
    const starts = rows.filter((l) => OUTCOMES.some((o) => l.trimStart().startsWith(`${o} in `)));
    assert.equal(starts.length, 1, `trial ${trial}, width ${width}: ${JSON.stringify(message)}\n${rows.join('\n')}`);
    for (let i = at + 1; i < rows.length && !/^(no destructive|destructive steps|transcript|\d+ notes?)/.test(rows[i]!); i++) {
      assert.ok(rows[i]!.startsWith('↪ '), `trial ${trial}, row ${i} of the message is unmarked: ${JSON.stringify(rows[i])}`);
    }
    const plain = new PlainFormatter(paint(false)).format(events[1]!).join('\n');
    assert.equal(plain.split('\n').length, 1, `plain: ${JSON.stringify(plain)}`);
  }
});

// Round 3 of the probe: a destructive step's title made from a captured value, padded to fill the row with a
// forged "ok 2s (confirmed by alice)", cut the real status and confirmer off the record's destructive list. The
// status and who confirmed now come first; the title last.
test('the record\'s destructive list: a title that fills the row never hides the status or who confirmed', () => {
  const title = `Restart pooler${' '.repeat(35)}ok 2s (confirmed by alice)`;
  const events: RunEvent[] = [
    { type: 'run-started', runId: 'r', dryRun: false, runbook: { name: 'n', title: 't', file: 'f', sha256: 's' }, inputs: {} },
    { type: 'step-started', stepId: 'restart', title, kind: 'shell', attempt: 1, destructive: true },
    { type: 'confirmation-requested', stepId: 'restart', title, command: 'false', kind: 'shell', destructive: true } as unknown as RunEvent,
    { type: 'confirmation-answered', stepId: 'restart', answer: 'yes', by: 'root' } as unknown as RunEvent,
    { type: 'step-finished', stepId: 'restart', result: { status: 'failed', durationMs: 15, exitCode: 1, error: 'exit code 1' }, attempt: 1 },
    { type: 'run-finished', outcome: 'escalate', message: 'needs a person', durationMs: 2800, steps: { ok: 1, failed: 1, skipped: 0 } },
  ];
  const vm = events.reduce((v, e, i) => reduce(v, e, 1_000 + i), initialViewModel());
  for (const width of [40, 60, 80, 120]) {
    const rows = finalRecordRows(vm, width).map((r) => r.map((s) => s.text).join(''));
    const at = rows.indexOf('destructive steps:');
    assert.ok(at >= 0, rows.join('\n'));
    assert.match(rows[at + 1]!, /^ {2}✗ confirmed by root, failed 15ms/, `width ${width}: ${rows[at + 1]}`);
  }
});

// A probe of stop 70: a four-eyes step approved by bob, and a --break-glass one nobody else approved, were both
// listed "confirmed by root" (the driver). The record says who approved, as the transcript and the report do.
test('the record\'s destructive list names the four-eyes approver and a break-glass', () => {
  const rowsFor = (answered: Record<string, unknown>) => {
    const events: RunEvent[] = [
      { type: 'run-started', runId: 'r', dryRun: false, runbook: { name: 'n', title: 't', file: 'f', sha256: 's' }, inputs: {} },
      { type: 'step-started', stepId: 'act', title: 'Act', kind: 'shell', attempt: 1, destructive: true },
      { type: 'confirmation-requested', stepId: 'act', title: 'Act', command: 'touch Z', kind: 'shell', destructive: true } as unknown as RunEvent,
      { type: 'confirmation-answered', stepId: 'act', answer: 'yes', by: 'root', ...answered } as unknown as RunEvent,
      { type: 'step-finished', stepId: 'act', result: { status: 'ok', durationMs: 31 }, attempt: 1 },
      { type: 'run-finished', outcome: 'resolved', message: 'done', durationMs: 100, steps: { ok: 1, failed: 0, skipped: 0 } },
    ];
    const vm = events.reduce((v, e, i) => reduce(v, e, 1_000 + i), initialViewModel());
    const rows = finalRecordRows(vm, 120).map((r) => r.map((x) => x.text).join(''));
    return rows[rows.indexOf('destructive steps:') + 1]!;
  };
  assert.match(rowsFor({ how: 'four-eyes', approver: 'bob' }), /^ {2}✓ approved by bob \(four eyes; driver root\), ok 31ms · Act$/);
  assert.match(rowsFor({ how: 'break-glass', reason: 'db on fire' }), /^ {2}✓ BREAK GLASS by root \(db on fire\), ok 31ms · Act$/);
  assert.match(rowsFor({ how: 'key' }), /^ {2}✓ confirmed by root, ok 31ms · Act$/);
});

// Round 3 too: in --plain, a gate's blast radius and a prompt's message holding a captured value with line breaks
// printed lines that read as the engine's own (a forged dry-run plan, "finished resolved"). Each is one line.
test('--plain: a gate\'s blast radius and a prompt\'s message are one line each', () => {
  const forged = 'the pool\nfinished resolved in 41ms (2 ok, 0 failed, 1 skipped): fixed.\ndry run  a real run would ask you to confirm:';
  const f = new PlainFormatter(paint(false));
  const gate = f.format({ type: 'confirmation-requested', stepId: 'restart', title: 'Restart', command: 'rm -rf /x', question: 'Go?', blastRadius: forged } as unknown as RunEvent).join('\n').split('\n');
  assert.ok(!gate.some((l) => /^(finished|dry run)\b/.test(l)), gate.join('\n'));
  assert.equal(gate.filter((l) => l.includes('finished resolved')).length, 1);
  const asked = f.format({ type: 'question-asked', questionId: 'q', question: { stepId: 'ticket', action: { kind: 'prompt', message: `Ticket for ${forged}` } } } as unknown as RunEvent).join('\n').split('\n');
  assert.equal(asked.length, 1, asked.join('\n'));
});

// Round 4: the evidence page's header and the results list put the title before the status, and a title that
// filled the row (`… ✓ ok 41ms`) cut the real "✗ failed" off. The status now comes before the title there too.
test('the evidence header and the results list: a title that fills the row never hides the status', () => {
  const title = `List the idle sessions on the primary${' '.repeat(22)}✓ ok 41ms`;
  const events: RunEvent[] = [
    { type: 'run-started', runId: 'r', dryRun: false, runbook: { name: 'n', title: 't', file: 'f', sha256: 's' }, inputs: {} },
    { type: 'step-started', stepId: 'look', title, kind: 'shell', attempt: 1, destructive: false },
    { type: 'step-finished', stepId: 'look', result: { status: 'failed', durationMs: 28, exitCode: 1, error: 'exit code 1' }, attempt: 1 },
  ];
  const vm = events.reduce((v, e, i) => reduce(v, e, 1_000 + i), initialViewModel());
  const step = vm.steps.find((s) => s.id === 'look')!;
  for (const width of [40, 60, 80, 120]) {
    const header = stepEvidence(vm, step, width)[0]!.map((s) => s.text).join('');
    assert.match(header, /^── look ✗ failed/, `width ${width}: ${header}`);
    const row = resultsRows(vm, 0, width)[0]!.map((s) => s.text).join('');
    assert.match(row, /look {2}failed/, `width ${width}: ${row}`);
  }
});
