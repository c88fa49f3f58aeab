// A record before and after every act, or no act (issue #36): a finish line names its output instead of
// repeating it (small whatever the output), a torn finish line still says the step ended, and a transcript
// deleted, moved away or replaced under a run stops it — interrupted, nothing acting after — in this process,
// with real bash and the real writer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunbook } from '../../src/language/runbook.js';
import { readTranscript } from '../../src/transcript/reader.js';
import { findResumePoint } from '../../src/resume/point.js';
import { cli, runWithTranscript, scratch, vanishRunbook } from './helpers.js';

function runbook(dir: string, yaml: string) {
  const { runbook: rb, diagnostics } = parseRunbook(yaml, join(dir, 'rb.yaml'));
  if (!rb) throw new Error(JSON.stringify(diagnostics));
  return rb;
}

const CHATTY = `name: chatty
title: Prints a lot
inputs:
  dir: { required: true }
steps:
  - id: print
    destructive: true
    shell: seq 1 20000; echo done >> \${{ inputs.dir }}/acted
  - id: each
    destructive: true
    for_each: { in: "['a', 'b']", as: x }
    shell: seq 1 5000; echo \${{ x }} >&2
  - id: done
    end: resolved
    message: printed
`;

test('finish lines name their output (size, sha256) instead of repeating it; the reader gives whole results back', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 't.jsonl');
  const end = await runWithTranscript(runbook(dir, CHATTY), { dir }, file);
  assert.equal(end.outcome, 'resolved', end.message);
  const raw = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => ({ text: l, line: JSON.parse(l) as { type: string; stepId?: string; output?: unknown } }));
  const finish = raw.find((r) => r.line.type === 'step-finished' && r.line.stepId === 'print')!;
  assert.ok(finish.text.length < 1024, `the finish line is ${finish.text.length} bytes`);
  assert.ok(finish.line.output, 'it names its output');
  for (const item of raw.filter((r) => r.line.type === 'item-finished')) assert.ok(item.text.length < 1024, `an item's finish is ${item.text.length} bytes`);
  const loop = raw.find((r) => r.line.type === 'step-finished' && r.line.stepId === 'each')!;
  assert.ok(loop.text.length < 2048, `the for_each finish is ${loop.text.length} bytes`);
  const t2 = readTranscript(file);
  const result = (id: string) => t2.lines.filter((l) => l.type === 'step-finished' && l.stepId === id).pop() as { result: { stdout?: string; items?: { stdout?: string; stderr?: string }[] } };
  const expected = Array.from({ length: 20000 }, (_, i) => i + 1).join('\n');
  assert.equal(result('print').result.stdout?.trimEnd(), expected);
  assert.deepEqual(result('each').result.items?.map((i) => i.stderr), ['a\n', 'b\n']);
  assert.equal(result('each').result.items?.[1]?.stdout?.split('\n').length, 5001);
});

test('a torn finish line: the step ended, its status read from what the cut left; resume takes its branch, never runs it again', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 't.jsonl');
  const rb = runbook(dir, CHATTY);
  await runWithTranscript(rb, { dir }, file);
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('{"type":"step-finished"');
  const statusAt = text.indexOf('"status":"ok"', at) + '"status":"ok"'.length;
  for (const [cut, status, note] of [[statusAt + 3, 'ok', /its status could be read/], [statusAt - 8, 'failed', /nothing of its outcome could be read/]] as const) {
    writeFileSync(file, text.slice(0, cut));
    const read = readTranscript(file);
    assert.equal(read.torn.length, 1);
    const finished = read.lines.find((l) => l.type === 'step-finished' && l.stepId === 'print');
    assert.ok(finished && finished.type === 'step-finished', 'the torn finish is read as a finish');
    assert.equal(finished.result.status, status);
    assert.match(finished.result.truncated?.reason ?? '', note);
    const point = findResumePoint(read, rb.doc);
    assert.deepEqual([point.stepId, point.phase], ['print', 'route'], 'its branch is taken; it is not run again');
  }
  truncateSync(file, at + 10); // cut before its step id: nothing says which step ended
  assert.equal(findResumePoint(readTranscript(file), rb.doc).phase, 'enter');
});

for (const [what, act] of [
  ['its directory deleted', 'rm -rf $D'],
  ['the file deleted', 'rm $D/t.jsonl'],
  ['the file replaced', 'mv $D/t.jsonl $D/old.jsonl && cp $D/old.jsonl $D/t.jsonl'],
] as const) {
  test(`the transcript ${what} mid-run: the run stops interrupted, saying why, and the destructive step after never acts`, async (t) => {
    const dir = scratch(t);
    const tdir = join(dir, 'transcripts');
    const rb = runbook(dir, vanishRunbook(tdir, act));
    const end = await runWithTranscript(rb, { dir }, join(tdir, 't.jsonl'));
    assert.equal(end.outcome, 'interrupted', end.message);
    assert.match(end.message, /cannot record the run: .*(gone from|no longer the transcript this run opened|was deleted)/);
    assert.equal(existsSync(join(dir, 'acted')), false, 'a destructive step acted without its record');
  });
}

test('inside a called runbook too: the transcript deleted by one of its steps stops it before its next step (no gate to wait at)', async (t) => {
  const dir = scratch(t);
  const tdir = join(dir, 'transcripts');
  writeFileSync(join(dir, 'child.yaml'), `name: child
title: Deletes the record, then would act
steps:
  - id: vanish
    destructive: true
    shell: rm -rf ${tdir}
  - id: act
    destructive: false
    safe_because: writes only the test's own marker file
    shell: echo acted >> ${dir}/acted
  - id: fin
    end: resolved
`);
  writeFileSync(join(dir, 'parent.yaml'), `name: parent
title: Calls the child
steps:
  - id: call
    runbook: { name: child.yaml }
  - id: after
    destructive: true
    shell: echo after > ${dir}/after
  - id: done
    end: resolved
`);
  const r = await cli(['run', join(dir, 'parent.yaml'), '--plain', '--yes', '--transcript', join(tdir, 't.jsonl')]);
  assert.equal(r.code, 75, r.stdout + r.stderr);
  assert.match(r.stdout, /cannot record the run: .*was deleted \(or its directory was\) during the run; its record is restored at /);
  assert.equal(existsSync(join(dir, 'acted')), false, "the called runbook's next step acted without a record");
  assert.equal(existsSync(join(dir, 'after')), false);
});
