// When each line reaches the disk: an answer before the step it allows, a step's start and end in the background
// (one fsync at a time on the thread pool, at most one per interval), output with the next sync; a background
// sync that fails stops the writer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, fsync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunbook } from '../../src/language/runbook.js';
import { TranscriptWriter, type Syncer } from '../../src/transcript/writer.js';
import { runWithTranscript, scratch, until } from './helpers.js';

/** Syncs for real, and notes which line was the last one written when each sync was asked for. */
function recordingSyncer(log: string[]): Syncer {
  // Through the descriptor: a new transcript is written under a hidden name until its header is in.
  const lastType = (fd: number) => JSON.parse(readFileSync(`/proc/self/fd/${fd}`, 'utf8').trimEnd().split('\n').at(-1)!).type as string;
  return {
    now: (fd) => { log.push(`now:${lastType(fd)}`); fsyncSync(fd); },
    later: (fd, done) => { log.push(`later:${lastType(fd)}`); fsync(fd, done); },
  };
}

test('answers are synced before write() returns; step boundaries in the background; output rides along', async (t) => {
  const file = join(scratch(t), 't.jsonl');
  const log: string[] = [];
  const fd = openSync(file, 'a');
  const writer = new TranscriptWriter(fd, file, 0, () => new Date(), recordingSyncer(log));
  writer.write({ type: 'header' });
  writer.write({ type: 'step-started', stepId: 'a' });
  writer.write({ type: 'step-output', stepId: 'a', chunk: 'x' });
  writer.write({ type: 'step-finished', stepId: 'a' });   // a sync is in flight: this one is coalesced
  writer.write({ type: 'branch', from: 'a', to: 'b' });
  writer.write({ type: 'confirmation-requested', stepId: 'b' });
  writer.write({ type: 'confirmation-answered', stepId: 'b' });
  assert.deepEqual(log, ['now:header', 'later:step-started', 'now:confirmation-requested', 'now:confirmation-answered']);
  await until(() => log.length > 4, 30_000, 'the coalesced background sync');
  assert.deepEqual(log.slice(4), ['later:confirmation-answered'], 'the coalesced sync runs once the first is done');
  writer.write({ type: 'run-finished' });
  writer.close();
  assert.deepEqual(log.slice(5), ['now:run-finished', 'now:run-finished']);
  assert.equal(readFileSync(file, 'utf8').trimEnd().split('\n').length, 8, 'every line is in the file');
});

test('close() syncs what a pending background sync would have, and cancels it', async (t) => {
  // Both ways a background sync can be pending, with nothing left to timing (issue #20: the old test
  // assumed the second write came within SYNC_INTERVAL_MS of the first sync, which a loaded machine broke).
  for (const pending of ['in flight', 'waiting for its timer'] as const) {
    const file = join(scratch(t), 't.jsonl');
    const log: string[] = [];
    const real = recordingSyncer(log);
    let release: (() => void) | undefined;
    let finished = false;
    let time = 1_000_000;
    const writer = new TranscriptWriter(openSync(file, 'a'), file, 0, () => new Date(), {
      now: real.now,
      // 'in flight': the first fsync is held until the writer is closed; otherwise it finishes at once.
      later: (fd, done) => {
        real.later(fd, () => { if (pending === 'in flight') release = () => done(null); else { done(null); finished = true; } });
      },
      clock: () => time, // stands still until the writer is closed: the second sync is always within the interval
    });
    writer.write({ type: 'step-started', stepId: 'a' });
    // The first sync is asked for at once; wait until the real fsync has answered.
    await until(() => release !== undefined || finished, 30_000, 'the first background sync');
    writer.write({ type: 'step-finished', stepId: 'a' }); // pending: behind the held sync, or on the interval timer
    writer.close();
    time += 60_000; // an interval timer left running would now sync
    release?.();
    // A timer set now fires after the writer's interval timer (20 ms) would have: had close() not cancelled
    // it (or had the held sync's end started another), that sync would be in the log by then.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(log, ['later:step-started', 'now:step-finished'], pending);
  }
});

test('a background sync that fails makes the next write throw, naming the error', async (t) => {
  const file = join(scratch(t), 't.jsonl');
  const fd = openSync(file, 'a');
  t.after(() => { try { closeSync(fd); } catch { /* closed by the writer */ } });
  const eio = Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
  const writer = new TranscriptWriter(fd, file, 0, () => new Date(), {
    now: () => undefined,
    later: (_fd, done) => setImmediate(() => done(eio)),
  });
  writer.write({ type: 'step-started', stepId: 'a' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.throws(() => writer.write({ type: 'step-finished', stepId: 'a' }), /EIO/);
  assert.equal(readFileSync(file, 'utf8').trimEnd().split('\n').length, 1, 'nothing more is written after the failure');
  writer.close();
});

test('a target that cannot sync (/dev/null) is not a failure', async () => {
  const fd = openSync('/dev/null', 'a');
  const writer = new TranscriptWriter(fd, '/dev/null');
  writer.write({ type: 'step-started', stepId: 'a' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  writer.write({ type: 'step-finished', stepId: 'a' });
  writer.close();
});

test('group commit: each item of a destructive loop is on the disk before the next acts; the items of a read share syncs', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 't.jsonl');
  const log: string[] = [];
  const { runbook, diagnostics } = parseRunbook(`name: loops
title: A read's loop, then an act's
steps:
  - id: read
    for_each: { in: "split('a,b,c,d,e', ',')", as: x }
    shell: echo \${{ x }}
  - id: act
    destructive: true
    for_each: { in: "split('a,b,c', ',')", as: x }
    shell: echo \${{ x }} >> ${dir}/acted
  - id: done
    end: resolved
`, join(dir, 'loops.yaml'));
  assert.ok(runbook, JSON.stringify(diagnostics));
  const end = await runWithTranscript(runbook, {}, file, {}, { attach: { sync: recordingSyncer(log) } });
  assert.equal(end.outcome, 'resolved', end.message);
  const items = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; stepId?: string }).filter((l) => l.type === 'item-finished');
  assert.deepEqual(items.map((l) => l.stepId), ['read', 'read', 'read', 'read', 'read', 'act', 'act', 'act']);
  assert.equal(log.filter((l) => l === 'now:item-finished').length, 3, `one sync before returning per acting item: ${log.join(' ')}`);
});
