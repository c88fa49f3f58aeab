// The writer records every event a run emits, and the reader gives them back; output is capped per step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTranscript, eventsOf } from '../../src/transcript/reader.js';
import { DEFAULT_OUTPUT_LIMIT } from '../../src/transcript/output-budget.js';
import { EVENT_TYPES } from '../../src/events/schema.js';
import { EVERYTHING_SCRIPT, fixture, loadRunbookFile, runWithTranscript, scratch } from './helpers.js';

test('every event type is written and read back', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'everything.jsonl');
  const finished = await runWithTranscript(loadRunbookFile(fixture('everything')), { dir }, file, EVERYTHING_SCRIPT);
  assert.equal(finished.outcome, 'resolved', finished.message);

  const transcript = readTranscript(file);
  assert.deepEqual(transcript.torn, []);
  assert.deepEqual(transcript.problems, []);
  const types = new Set<string>(eventsOf(transcript).map((e) => e.type));
  // Only a resume writes already-ran (test/hardening/resume-safety.test.ts reads it back); this fixture has no
  // connection and calls no runbook: step-session and connection-addresses are read back (and checked against
  // the schema) in test/hardening/resume-target.test.ts, called-runbook in test/transcript/nested-cuts.test.ts.
  // application-check needs a login at the end: test/engine/application-check.test.ts writes and checks it.
  const elsewhere = new Set(['already-ran', 'step-session', 'connection-addresses', 'called-runbook', 'application-check']);
  for (const type of EVENT_TYPES.filter((e) => !elsewhere.has(e))) assert.ok(types.has(type), `no ${type} event in the transcript`);
  assert.ok(transcript.lines.some((l) => l.type === 'output-dropped'), 'the loud step overflowed the cap');

  const h = transcript.header;
  assert.equal(h.format, 1);
  assert.equal(h.runbook.name, 'everything');
  assert.equal(h.runbook.file, fixture('everything'));
  assert.match(h.runbook.sha256, /^[0-9a-f]{64}$/);
  assert.equal(h.operator, 'tester');
  assert.ok(h.host && h.engineVersion);
  assert.equal(h.pid, process.pid);
  assert.deepEqual(h.inputs, { dir, mode: 'full' });
  assert.deepEqual(h.argv, ['run', fixture('everything')]);

  const all = [h, ...transcript.lines];
  all.forEach((l, i) => assert.equal(l.seq, i, 'seq counts lines from 0'));
  for (let i = 1; i < all.length; i++) assert.ok(all[i]!.ts >= all[i - 1]!.ts, 'times never go backwards');
  for (const l of all) assert.match(l.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

test('events carry what the postmortem needs', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'everything.jsonl');
  await runWithTranscript(loadRunbookFile(fixture('everything')), { dir }, file, EVERYTHING_SCRIPT);
  const events = eventsOf(readTranscript(file));
  const find = <T extends string>(type: T, stepId?: string) => events.filter((e) => e.type === type && (!stepId || (e as { stepId?: string }).stepId === stepId));

  const started = find('step-started', 'look')[0];
  assert.ok(started?.type === 'step-started' && started.command?.includes('echo "mode is '), 'step-started has the rendered command');
  const branch = events.find((e) => e.type === 'branch' && e.from === 'look');
  assert.ok(branch?.type === 'branch');
  assert.equal(branch.expression, "seen.stdout contains 'mode is full'");
  assert.equal(branch.value, true);
  const retried = find('step-finished', 'flaky');
  assert.deepEqual(retried.map((e) => e.type === 'step-finished' && [e.attempt, e.willRetry ?? false, e.result.status]), [[1, true, 'failed'], [2, false, 'ok']]);
  const answers = find('confirmation-answered');
  assert.deepEqual(answers.map((e) => e.type === 'confirmation-answered' && [e.stepId, e.answer, e.by, e.how]), [['restart', 'yes', 'tester', 'key'], ['purge', 'skip', 'tester', 'typed']]);
  for (const a of answers) assert.ok(a.type === 'confirmation-answered' && a.waitedMs >= 0);
  const skips = find('step-skipped');
  assert.deepEqual(skips.map((e) => e.type === 'step-skipped' && [e.stepId, e.reason]), [['optional', 'condition'], ['purge', 'operator']]);
  assert.deepEqual(find('question-answered').map((e) => e.type === 'question-answered' && [e.stepId, e.answer]), [['check', 'fixed'], ['ask', '4711']]);
  const note = find('note')[0];
  assert.ok(note?.type === 'note' && note.stepId === 'restart' && note.by === 'tester');
  const end = find('run-finished')[0];
  assert.ok(end?.type === 'run-finished' && end.outcome === 'resolved' && end.message === 'Fixed; ticket 4711');
});

test('step output is capped per step and the overflow recorded', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'everything.jsonl');
  await runWithTranscript(loadRunbookFile(fixture('everything')), { dir }, file, EVERYTHING_SCRIPT);
  const t2 = readTranscript(file);
  const chunks = eventsOf(t2).filter((e) => e.type === 'step-output' && e.stepId === 'loud');
  const recorded = chunks.reduce((n, e) => n + Buffer.byteLength(e.type === 'step-output' ? e.chunk : ''), 0);
  assert.equal(recorded, DEFAULT_OUTPUT_LIMIT);
  const dropped = t2.lines.find((l) => l.type === 'output-dropped');
  assert.ok(dropped?.type === 'output-dropped');
  assert.deepEqual([dropped.stepId, dropped.recordedBytes, dropped.droppedBytes, dropped.limitBytes], ['loud', DEFAULT_OUTPUT_LIMIT, 300_001 - DEFAULT_OUTPUT_LIMIT, DEFAULT_OUTPUT_LIMIT]);
  const finishedAt = t2.lines.findIndex((l) => l.type === 'step-finished' && l.stepId === 'loud');
  assert.equal(t2.lines[finishedAt - 1], dropped, 'recorded just before the step-finished it belongs to');
  // The step-finished result keeps the executor's own bounded copy (64 KiB head + 64 KiB tail per stream).
  assert.ok(readFileSync(file).length < DEFAULT_OUTPUT_LIMIT + 128 * 1024 + 32 * 1024, 'the transcript stays small');
});

test('a torn last line is skipped and reported, not fatal', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'hello.jsonl');
  await runWithTranscript(loadRunbookFile(fixture('everything')), { dir }, file, EVERYTHING_SCRIPT);
  const whole = readTranscript(file);
  const torn = join(dir, 'torn.jsonl');
  copyFileSync(file, torn);
  appendFileSync(torn, '{"type":"step-output","seq":999,"ts":"2024-05-01T12:00:00.000Z","stepId":"lo');
  const read = readTranscript(torn);
  assert.equal(read.lines.length, whole.lines.length);
  assert.equal(read.torn.length, 1);
  assert.equal(read.torn[0]!.line, whole.lines.length + 2);
  assert.deepEqual(read.problems, []);
  assert.equal(read.endsClean, false);
  assert.equal(read.tornTail, true);
  assert.equal(whole.tornTail, false);
});

test('damage in the middle is reported per line; a file without a header is refused', (t) => {
  const dir = scratch(t);
  const file = join(dir, 't.jsonl');
  const header = { type: 'header', seq: 0, ts: '2024-05-01T12:00:00.000Z', format: 1, runbook: { name: 'x', title: 'X', file: '/x.yaml', sha256: 'a' }, engineVersion: '0', operator: 'o', host: 'h', pid: 1, inputs: {}, argv: [] };
  const note = { type: 'note', seq: 2, ts: '2024-05-01T12:00:01.000Z', text: 'hi', by: 'o' };
  writeFileSync(file, `${JSON.stringify(header)}\nnot json\n{"type":"note","seq":1,"ts":"x"}\n${JSON.stringify(note)}\n`);
  const read = readTranscript(file);
  assert.deepEqual(read.problems, ['line 2: not JSON', 'line 3: note: text should be a string']);
  assert.equal(read.lines.length, 1);
  writeFileSync(file, `${JSON.stringify(note)}\n`);
  assert.throws(() => readTranscript(file), /not a runbook transcript/);
  assert.throws(() => readTranscript(join(dir, 'missing.jsonl')), /cannot read transcript .*no such file/);
});
