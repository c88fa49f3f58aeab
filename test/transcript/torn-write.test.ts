// A full disk in the middle of a record (#51): the writer cuts the file back to its last whole record and writes
// the failed record again, whole, before the next line once room is freed — at every byte a record can be cut
// at, on a real tmpfs filled to the last page. And a transcript deleted under a run (the file, or its whole
// directory) is copied back from the open descriptor, so that the run can be resumed and keeps its record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, constants, existsSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunbook } from '../../src/language/runbook.js';
import { readTranscript } from '../../src/transcript/reader.js';
import { findResumePoint } from '../../src/resume/point.js';
import { TranscriptWriter } from '../../src/transcript/writer.js';
import { tinyDisk } from '../hardening/chaos/trial.js';
import { runWithTranscript, scratch, vanishRunbook } from './helpers.js';

const PAGE = 4096;
const FIXED = new Date('2026-11-25T03:00:00.000Z');
const isRoot = process.getuid?.() === 0;

/** Fills the disk: whole pages, then single bytes, until it refuses. */
function fill(dir: string): void {
  const fd = openSync(join(dir, 'filler'), 'a');
  try {
    for (const chunk of [Buffer.alloc(PAGE), Buffer.alloc(1)]) {
      for (;;) { try { writeSync(fd, chunk); } catch { break; } }
    }
  } finally { closeSync(fd); }
}

/** One line as the writer writes it, with its clock held still. */
const lineOf = (type: string, seq: number, fields: Record<string, unknown>) =>
  `${JSON.stringify({ type, seq, ts: FIXED.toISOString(), ...fields })}\n`;

test('a record cut by a full disk at any byte is cut back, then written whole once room is freed', { skip: !isRoot && 'mounting a tmpfs needs root' }, (t) => {
  const disk = tinyDisk(scratch(t), 64 * PAGE);
  if (!disk) { t.skip('tmpfs cannot be mounted here'); return; }
  try { cutAtEveryByte(disk.path); } finally { disk.release(); } // before scratch's cleanup, which cannot remove a mount
});

function cutAtEveryByte(mount: string): void {
  const finish = { stepId: 'restart', result: { status: 'ok', exitCode: 0, durationMs: 12 }, attempt: 1 };
  const length = Buffer.byteLength(lineOf('step-finished', 1, finish));
  for (let room = 1; room < length; room++) {
    const file = join(mount, 't.jsonl');
    const fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    const writer = new TranscriptWriter(fd, file, 0, () => FIXED, { now: () => undefined, later: (_fd, done) => done(null) });
    // A first record that ends `room` bytes before a page boundary: then only that much of the next one fits.
    const bare = Buffer.byteLength(lineOf('note', 0, { text: '', by: 'pad' }));
    const pad = PAGE - room - bare + (room + bare > PAGE ? PAGE : 0);
    writer.write({ type: 'note', text: 'x'.repeat(pad), by: 'pad' });
    assert.equal(statSync(file).size % PAGE, PAGE - room);
    fill(mount);
    assert.throws(() => writer.write({ type: 'step-finished', ...finish }), { code: 'ENOSPC' }, `room ${room}`);
    assert.equal(statSync(file).size % PAGE, PAGE - room, `room ${room}: the torn bytes are cut back`);
    writer.write({ type: 'run-finished', outcome: 'interrupted', message: 'disk full', durationMs: 1, steps: {} }); // the reserve's room
    writer.close();
    const lines = readFileSync(file, 'utf8').split('\n').slice(0, -1).map((l) => JSON.parse(l) as { type: string; seq: number });
    assert.deepEqual(lines.map((l) => [l.type, l.seq]), [['note', 0], ['step-finished', 1], ['run-finished', 2]], `room ${room}`);
    for (const name of ['t.jsonl', 'filler']) rmSync(join(mount, name), { force: true });
  }
}

test('a torn fragment in the middle (a failed write of an older build) is skipped: the transcript resumes', async (t) => {
  const dir = scratch(t);
  const rb = parse(dir, `name: two
title: Two steps
steps:
  - id: one
    shell: echo one
  - id: two
    shell: echo two
  - id: done
    end: resolved
`);
  const file = join(dir, 't.jsonl');
  await runWithTranscript(rb, {}, file);
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('{"type":"step-started","seq"', text.indexOf('"stepId":"one"'));
  for (const fragment of ['{"\n', '{"type":"step-fin\n', '\n']) {
    writeFileSync(file, text.slice(0, at) + fragment + text.slice(at));
    const read = readTranscript(file);
    assert.deepEqual(read.problems, [], JSON.stringify(fragment));
    assert.equal(read.lines.filter((l) => l.type === 'step-finished').length, 2);
  }
});

function parse(dir: string, yaml: string) {
  const { runbook, diagnostics } = parseRunbook(yaml, join(dir, 'rb.yaml'));
  if (!runbook) throw new Error(JSON.stringify(diagnostics));
  return runbook;
}

for (const [what, act] of [['its directory deleted', 'rm -rf $D'], ['the file deleted', 'rm $D/t.jsonl']] as const) {
  test(`the transcript ${what} under the run: restored from the open file, with the finish of the step that deleted it; it resumes past that step`, async (t) => {
    const dir = scratch(t);
    const tdir = join(dir, 'transcripts');
    const rb = parse(dir, vanishRunbook(tdir, act));
    const file = join(tdir, 't.jsonl');
    const end = await runWithTranscript(rb, { dir }, file);
    assert.equal(end.outcome, 'interrupted', end.message);
    assert.match(end.message, new RegExp(`its record is restored at ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.equal(existsSync(join(dir, 'acted')), false, 'nothing acted after the record went');
    assert.equal(statSync(tdir).mode & 0o777, 0o700);
    const read = readTranscript(file);
    assert.deepEqual(read.problems, []);
    assert.ok(read.lines.some((l) => l.type === 'step-finished' && l.stepId === 'vanish'),
      `the finish of the step that deleted it is kept; the record: ${read.lines.map((l) => { const id = (l as { stepId?: unknown }).stepId; return `${l.type}${id ? `:${String(id)}` : ''}`; }).join(' ')}; the end: ${end.message}`);
    const point = findResumePoint(read, rb.doc);
    assert.deepEqual([point.stepId, point.phase], ['vanish', 'route'], 'resume takes its branch; it does not run it again');
  });
}

test('deleted before the step\'s process is recorded (a loaded machine): that line stops the run, and the step\'s finish and the run\'s end still reach the restored file', (t) => {
  const dir = scratch(t);
  const file = join(dir, 't.jsonl');
  const writer = new TranscriptWriter(openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600), file, 0, () => FIXED, { now: () => undefined, later: (_fd, done) => done(null) });
  writer.write({ type: 'step-started', stepId: 'vanish' });
  rmSync(file); // the step's process ran to its end before the engine wrote that it had started it
  assert.throws(() => writer.write({ type: 'step-process', stepId: 'vanish', pid: 4711 }), /its record is restored at/);
  writer.write({ type: 'step-finished', stepId: 'vanish', result: { status: 'ok', exitCode: 0, durationMs: 3 }, attempt: 1 });
  writer.write({ type: 'run-finished', outcome: 'interrupted', message: 'the record was deleted', durationMs: 5, steps: {} });
  writer.close();
  assert.deepEqual(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { type: string }).type), ['step-started', 'step-process', 'step-finished', 'run-finished']);
});
