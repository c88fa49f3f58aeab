// "The record is never lost": a step's finish is written even when its result is too big or cannot be
// serialised, as a truncated record that says what was cut, and resume treats it as finished.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { finishedRecord, MAX_FINISHED_BYTES } from '../../src/transcript/finished-record.js';
import { readTranscript } from '../../src/transcript/reader.js';
import { findResumePoint } from '../../src/resume/point.js';
import { createExecutors } from '../../src/executors/index.js';
import type { ExecutorSet, StepResult } from '../../src/executors/types.js';
import type { StepFinished } from '../../src/engine/events.js';
import { ROOT, fixture, loadRunbookFile, runWithTranscript, scratch } from './helpers.js';

const crash = loadRunbookFile(fixture('crash'));
const validate = new Ajv({ strict: true }).compile(JSON.parse(readFileSync(join(ROOT, 'docs', 'transcript.schema.json'), 'utf8')) as object);
const finishedOf = (result: StepResult): StepFinished => ({ type: 'step-finished', stepId: 'two', attempt: 1, result });

test('a result that fits is written as it is', () => {
  const event = finishedOf({ status: 'ok', durationMs: 3, rows: [{ a: 1 }], rowCount: 1, columns: ['a'] });
  assert.equal(finishedRecord(event), event);
});

test('a result over the line limit keeps status, counts and the error, and names what it cut', () => {
  const rows = Array.from({ length: 50 }, (_, i) => ({ i, pad: 'x'.repeat(100_000) }));
  const event = finishedOf({ status: 'ok', durationMs: 9, rows, rowCount: 5000, rowsOmitted: 4950, bytesOmitted: 123, columns: ['i', 'pad'], stdout: 'y'.repeat(10_000), exitCode: 0 });
  const out = finishedRecord(event, 1_000_000);
  assert.equal(out.result.status, 'ok');
  assert.equal(out.result.rowCount, 5000);
  assert.equal(out.result.rowsOmitted, 5000, 'the rows it had kept are counted as omitted too');
  assert.equal(out.result.rows, undefined);
  assert.deepEqual(out.result.truncated?.fields, ['rows']);
  assert.deepEqual([out.result.stdout?.length, out.result.columns], [10_000, ['i', 'pad']], 'short text and the column names are kept');
  assert.match(out.result.truncated?.reason ?? '', /over the 1000000-byte limit/);
  assert.ok(Buffer.byteLength(JSON.stringify(out)) < 20_000);
  assert.ok(validate({ ...out, seq: 3, ts: '2024-01-01T00:00:00.000Z' }), JSON.stringify(validate.errors));
});

test('a result that cannot be serialised (a BigInt, a cycle) still gets its record', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  for (const details of [{ big: 10n }, cyclic]) {
    const out = finishedRecord(finishedOf({ status: 'failed', durationMs: 1, error: 'boom', classification: 'other', details }));
    assert.deepEqual([out.result.status, out.result.error, out.result.classification], ['failed', 'boom', 'other']);
    assert.deepEqual(out.result.truncated?.fields, ['details']);
    assert.match(out.result.truncated?.reason ?? '', /could not be serialised/);
    assert.doesNotThrow(() => JSON.stringify(out));
  }
  assert.ok(MAX_FINISHED_BYTES >= 1024 * 1024, 'the limit leaves room for the bounded rows and output');
});

test('in a real run, an unserialisable result is recorded truncated, the run goes on, and resume treats the step as finished', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'run.jsonl');
  process.env.SLEEP = '0';   // the crash fixture's slow step, made quick
  const real = createExecutors();
  // Step "two" comes back with a value JSON cannot hold; everything else runs for real.
  const executors: ExecutorSet = {
    execute: async (action, ctx) => {
      const r = await real.execute(action, ctx);
      return ctx.stepId === 'two' ? { ...r, details: { huge: 2n ** 70n } } : r;
    },
    close: () => real.close(),
  };
  const finished = await runWithTranscript(crash, { counter: join(dir, 'counter') }, file, {}, { run: { executors } });
  assert.equal(finished.outcome, 'resolved');
  const t2 = readTranscript(file);
  const two = t2.lines.find((l) => l.type === 'step-finished' && l.stepId === 'two') as StepFinished | undefined;
  assert.ok(two, 'step-finished of two is in the transcript');
  assert.equal(two.result.status, 'ok');
  assert.deepEqual(two.result.truncated?.fields, ['details']);
  // Cut the transcript right after that record: resume must only take two's branch, never run it again.
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const i = lines.findIndex((l) => l.includes('"step-finished"') && l.includes('"stepId":"two"'));
  const { writeFileSync } = await import('node:fs');
  const cut = join(dir, 'cut.jsonl');
  writeFileSync(cut, `${lines.slice(0, i + 1).join('\n')}\n`);
  const p = findResumePoint(readTranscript(cut), crash.doc);
  assert.deepEqual([p.stepId, p.phase], ['two', 'route']);
});
