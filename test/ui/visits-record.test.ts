// The record of what was done is every visit's, not a step's last visit's (a probe of stop 73: a loop confirmed its
// destructive step with y at visit 1, skipped it at visit 2, and the record read "↷ skipped" and "no destructive
// action taken"; an abort at a later gate read "■ aborted", failed-then-ok "✓ ok", four-eyes approve-then-deny
// "denied by bob" and "no destructive action taken"). Runs of one destructive step visited 1-5 times, each visit
// one of the ways a visit goes (generated, fixed seed, and the probe's four by name), as events; the record and
// the step list are checked against what the events say each visit did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent } from '../../src/engine/events.js';
import { finalRecordRows } from '../../src/ui/frame/final-record.js';
import { stepListRows } from '../../src/ui/frame/steps.js';
import { initialViewModel, reduce } from '../../src/ui/view-model.js';
import { rng } from '../helpers/rng.js';

type Visit = 'condition' | 'skip' | 'deny' | 'yes-ok' | 'approve-ok' | 'yes-failed' | 'retry-ok' | 'abort' | 'interrupted';
/** Visits after which the run goes on; 'abort' and 'interrupted' end it. */
const GOES_ON: Visit[] = ['condition', 'skip', 'deny', 'yes-ok', 'approve-ok', 'yes-failed', 'retry-ok'];

const started: RunEvent = { type: 'run-started', runId: 'r', runbook: { name: 'n', title: 't', file: 'f', sha256: 's' }, inputs: {}, dryRun: false };
const gate: RunEvent = { type: 'confirmation-requested', stepId: 'act', title: 'Restart', command: 'touch F', question: 'Go?', risk: 'normal', resumed: false };
const answer = (a: 'yes' | 'skip' | 'abort', fourEyes = false): RunEvent => ({
  type: 'confirmation-answered', stepId: 'act', answer: a, by: 'root', waitedMs: 5,
  ...(fourEyes ? { how: 'four-eyes', approver: 'bob', ...(a === 'skip' ? { reason: 'not now' } : {}) } : { how: 'key' }),
});
const run = (attempt = 1): RunEvent => ({ type: 'step-started', stepId: 'act', title: 'Restart', kind: 'shell', attempt, destructive: true, command: 'touch F' });
const end = (status: 'ok' | 'failed', willRetry = false): RunEvent => ({
  type: 'step-finished', stepId: 'act', attempt: 1, result: { status, durationMs: 7, ...(status === 'failed' ? { exitCode: 1, error: 'exit code 1' } : {}) }, ...(willRetry ? { willRetry } : {}),
});
const check: RunEvent[] = [
  { type: 'step-started', stepId: 'check', title: 'check', kind: 'shell', attempt: 1, destructive: false },
  { type: 'step-finished', stepId: 'check', attempt: 1, result: { status: 'ok', durationMs: 3 } },
];

function visitEvents(v: Visit): RunEvent[] {
  switch (v) {
    case 'condition': return [{ type: 'step-skipped', stepId: 'act', reason: 'condition' }];
    case 'skip': return [gate, answer('skip'), { type: 'step-skipped', stepId: 'act', reason: 'operator' }];
    case 'deny': return [gate, answer('skip', true), { type: 'step-skipped', stepId: 'act', reason: 'operator' }];
    case 'yes-ok': return [gate, answer('yes'), run(), end('ok')];
    case 'approve-ok': return [gate, answer('yes', true), run(), end('ok')];
    case 'yes-failed': return [gate, answer('yes'), run(), end('failed')];
    case 'retry-ok': return [gate, answer('yes'), run(), end('failed', true), run(2), end('ok')];
    case 'abort': return [gate, answer('abort')];
    case 'interrupted': return [gate, answer('yes'), run()];
  }
}

/** The record's row for a visit, from what the visit's events say (undefined: the visit left no row). */
function expectedRow(v: Visit, n: number, many: boolean): RegExp | undefined {
  const which = many ? `visit ${n}: ` : '';
  const row: Record<Visit, string | undefined> = {
    condition: undefined, skip: `↷ ${which}skipped by you`, deny: `↷ ${which}denied by bob: not now`,
    'yes-ok': `✓ ${which}confirmed by root, ok 7ms`, 'approve-ok': `✓ ${which}approved by bob \\(four eyes; driver root\\), ok 7ms`,
    'yes-failed': `✗ ${which}confirmed by root, failed 7ms: exit code 1`, 'retry-ok': `✓ ${which}confirmed by root, ok 7ms`,
    abort: `■ ${which}aborted`, interrupted: `■ ${which}confirmed by root, aborted`,
  };
  return row[v] === undefined ? undefined : new RegExp(`^ {2}${row[v]}( [\\d.]+m?s)? · Restart$`);
}
const ran = (v: Visit) => ['yes-ok', 'approve-ok', 'yes-failed', 'retry-ok', 'interrupted'].includes(v);

function record(visits: Visit[]): { rows: string[]; stepRow: string } {
  const last = visits[visits.length - 1]!;
  const stops = last === 'abort' || last === 'interrupted';
  const events: RunEvent[] = [started, ...visits.flatMap((v) => [...check, ...visitEvents(v)]),
    { type: 'run-finished', outcome: stops ? (last === 'abort' ? 'aborted' : 'interrupted') : 'resolved', message: 'm', durationMs: 900, steps: { ok: 1, failed: 0, skipped: 0 } }];
  const vm = events.reduce((acc, e, i) => reduce(acc, e, 1_000 + i * 10), initialViewModel());
  const text = (r: { text: string }[]) => r.map((s) => s.text).join('');
  return { rows: finalRecordRows(vm, 120).map(text), stepRow: stepListRows(vm, 0, 120, 10).map(text).find((r) => / act /.test(r))! };
}

function checkRecord(visits: Visit[]): void {
  const { rows, stepRow } = record(visits);
  const what = `${visits.join(', ')}:\n${rows.join('\n')}`;
  const at = rows.indexOf('destructive steps:');
  const expected = visits.map((v, i) => expectedRow(v, i + 1, visits.length > 1)).filter((r) => r !== undefined);
  const listed = at < 0 ? [] : rows.slice(at + 1).filter((r) => r.startsWith('  '));
  assert.equal(listed.length, expected.length, what);
  expected.forEach((re, i) => assert.match(listed[i]!, re, what));
  assert.equal(rows.includes('no destructive action taken'), !visits.some(ran), what);
  // The step list: the last visit's status, and the earlier visits that ran when the last one did not.
  const earlier = visits.slice(0, -1).flatMap((v, i) => (ran(v) ? [i + 1] : []));
  const mark = ran(visits[visits.length - 1]!) || !earlier.length ? '' : ` (ran at ${earlier.length > 1 ? 'visits' : 'visit'} ${earlier.join(', ')})`;
  if (mark) assert.ok(stepRow.endsWith(mark) || stepRow.includes(`${mark}  →`), `${visits.join(', ')}: ${stepRow}`);
  else assert.doesNotMatch(stepRow, /ran at visit/, `${visits.join(', ')}: ${stepRow}`);
}

test('a loop that runs its destructive step, then skips it (its condition false): the record has the run', () => {
  checkRecord(['yes-ok', 'condition']);
  const { rows, stepRow } = record(['yes-ok', 'condition']);
  assert.match(stepRow, /↷ act .*skipped: condition false \(ran at visit 1\)/);
  assert.ok(!rows.includes('no destructive action taken'), rows.join('\n'));
});

test('runs it, then is aborted at a later gate: the run and the abort, each its own row', () => {
  checkRecord(['yes-ok', 'abort']);
  assert.match(record(['yes-ok', 'abort']).stepRow, /■ act .*aborted \(ran at visit 1\)/);
});

test('fails, then ok: both visits', () => checkRecord(['yes-failed', 'retry-ok', 'yes-ok']));

test('four eyes: approved by bob, then denied by bob: the approved run stays in the record', () => {
  checkRecord(['approve-ok', 'deny']);
  assert.match(record(['approve-ok', 'deny']).stepRow, /denied by bob: not now \(ran at visit 1\)/);
});

test('a retry is one visit: one row, its last attempt\'s result', () => checkRecord(['retry-ok']));

test('generated runs of 1-5 visits (seed 73): one row per visit that ran or was answered, each its own result', () => {
  const next = rng(73);
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
  for (let trial = 0; trial < 400; trial++) {
    const visits = Array.from({ length: Math.floor(next() * 5) }, () => pick(GOES_ON));
    visits.push(pick([...GOES_ON, 'abort', 'interrupted']));
    checkRecord(visits);
  }
});
