// What happened is recorded as what happened (issue #36): SIGHUP or SIGTERM while a for_each item runs leaves
// that item in flight — not "finished, aborted" — and resume asks again (saying it may have partly run), runs
// it and the items never started, never the finished ones; a destructive step that shields its critical
// section and exits 0 while the run is told to stop is `ok`, and resume does not run it again. Real CLI, bash.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, finished, scratch, transcriptLines, until, writeRunbook } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const ITEMS = `name: items
title: Items under a stop
inputs:
  dir: { required: true }
steps:
  - id: each
    destructive: true
    for_each: { in: "['a', 'b', 'c']", as: x }
    shell: |
      echo start-\${{ x }} >> \${{ inputs.dir }}/log
      if [ \${{ x }} = b ] && [ ! -e \${{ inputs.dir }}/b-held ]; then touch \${{ inputs.dir }}/b-held; sleep 60; fi
      echo end-\${{ x }} >> \${{ inputs.dir }}/log
  - id: done
    end: resolved
    message: "\${{ steps.each.details.ok }} of \${{ steps.each.details.items }} ok"
`;

const SHIELDED = `name: shielded
title: A critical section that finishes
inputs:
  dir: { required: true }
steps:
  - id: write
    destructive: true
    shell: |
      trap '' TERM HUP
      touch \${{ inputs.dir }}/writing
      sleep 0.5
      echo written >> \${{ inputs.dir }}/log
  - id: after
    destructive: true
    shell: echo after >> \${{ inputs.dir }}/log
  - id: done
    end: resolved
    message: both written
`;

const log = (dir: string) => (existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').trim().split('\n') : []);

describe('a stop records what happened', { concurrency: true }, () => {
  for (const signal of ['SIGHUP', 'SIGTERM'] as const) {
    test(`${signal} mid-item: the item is in flight; resume asks again (may have partly run), runs it and the rest, never a finished one`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const dir = scratch(t);
      const transcript = join(dir, 't.jsonl');
      const run = cli(['run', writeRunbook(dir, 'items', ITEMS), '--plain', '--yes', '--transcript', transcript, '-i', `dir=${dir}`]);
      await until(() => existsSync(join(dir, 'b-held')), 60_000, 'item b to start');
      run.child.kill(signal);
      assert.equal((await run).code, 75);
      const before = transcriptLines(transcript);
      assert.deepEqual(before.filter((l) => l.type === 'item-finished').map((l) => [l.label, (l.result as { status: string }).status]), [['a', 'ok']],
        'only the item that finished is recorded as finished');
      assert.equal(finished(before)?.outcome, 'interrupted');
      const resumed = await cli(['resume', transcript, '--plain', '--yes']);
      assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
      const lines = transcriptLines(transcript);
      const gate = lines.filter((l) => l.type === 'confirmation-requested').pop()!;
      assert.equal(gate.resumed, true, 'asked again, saying it may have partly run');
      assert.deepEqual((gate.items as { label: string }[]).map((i) => i.label), ['b', 'c']);
      assert.equal(gate.itemsDone, 1);
      assert.deepEqual(log(dir), ['start-a', 'end-a', 'start-b', 'start-b', 'end-b', 'start-c', 'end-c']);
      assert.match(String(finished(lines.slice(lines.findIndex((l) => l.type === 'resumed')))?.message), /3 of 3 ok/);
    });

    test(`${signal} while a shielded destructive step finishes: it exited 0, so it is ok; resume goes on after it`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const dir = scratch(t);
      const transcript = join(dir, 't.jsonl');
      const run = cli(['run', writeRunbook(dir, 'shielded', SHIELDED), '--plain', '--approve', 'write', '--transcript', transcript, '-i', `dir=${dir}`]);
      await until(() => existsSync(join(dir, 'writing')), 60_000, 'the critical section to start');
      run.child.kill(signal);
      assert.equal((await run).code, 75);
      const write = transcriptLines(transcript).find((l) => l.type === 'step-finished' && l.stepId === 'write');
      assert.deepEqual([(write?.result as { status: string }).status, (write?.result as { exitCode: number }).exitCode], ['ok', 0]);
      const resumed = await cli(['resume', transcript, '--plain', '--yes']);
      assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
      assert.deepEqual(log(dir), ['written', 'after'], 'the finished step did not run again');
      assert.ok(!transcriptLines(transcript).some((l) => l.type === 'confirmation-requested' && l.stepId === 'write' && l.resumed === true));
    });
  }
});
