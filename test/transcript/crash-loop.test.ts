// kill -9 in the middle of a for_each, then `runbook resume`: the items that finished are not run again, the
// item in flight runs again behind a gate that lists only what is left, and the step's result covers every item.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTranscript, eventsOf } from '../../src/transcript/reader.js';
import { buildReport } from '../../src/transcript/report/build.js';
import { renderMarkdown } from '../../src/transcript/report/markdown.js';
import { killedStepsGone } from '../helpers/killed-run.js';
import { cli, scratch, until } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);

test('a for_each killed mid-loop resumes with the items left; finished items never run again', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const runbook = join(dir, 'loop.yaml');
  const log = join(dir, 'log');
  writeFileSync(runbook, `
name: crash-loop
title: Crash in the middle of a loop
inputs:
  log: { required: true }
steps:
  - id: each
    title: Touch each
    destructive: true
    for_each: { in: "['a', 'b', 'c']", as: name }
    shell: |
      echo \${{ name }} >> \${{ inputs.log }}
      if [ \${{ name }} = b ] && [ ! -e \${{ inputs.log }}.held ]; then echo $$ > \${{ inputs.log }}.held; sleep 60; fi
  - id: done
    end: resolved
    message: "\${{ steps.each.details.ok }} of \${{ steps.each.details.items }} items ok"
`);
  const transcript = join(dir, 'loop.jsonl');
  const child = cli(['run', runbook, '--plain', '--yes', '--transcript', transcript, '--input', `log=${log}`]);
  await until(() => lines(`${log}.held`).length > 0, 60_000, 'item b to start sleeping');
  child.kill('SIGKILL');
  assert.equal((await child).signal, 'SIGKILL');
  const sleeper = Number(lines(`${log}.held`)[0]);
  t.after(() => { for (const target of [-sleeper, sleeper]) { try { process.kill(target, 'SIGKILL'); } catch { /* gone */ } } });
  assert.deepEqual(lines(log), ['a', 'b']);
  const seen = eventsOf(readTranscript(transcript)).filter((e) => e.type === 'item-finished');
  assert.equal(seen.length, 1, 'item a was recorded as finished before the kill');

  await killedStepsGone(transcript); // resume would refuse while it runs (issue #20)
  const resumed = await cli(['resume', transcript, '--plain', '--yes']);
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.deepEqual(lines(log), ['a', 'b', 'b', 'c'], 'a ran once; b, in flight, ran again; c ran');
  assert.match(resumed.stdout, /for each: +2 items \(1 already done before the run was interrupted; not run again\):\n.*1\. b {2}values b\n/);
  assert.match(resumed.stdout, /finished resolved .*: 3 of 3 items ok/);

  const after = readTranscript(transcript);
  const report = buildReport(after);
  assert.equal(report.outcome, 'resolved');
  const block = report.outputs.find((o) => o.stepId === 'each' && o.items);
  assert.deepEqual(block?.items?.map((i) => `${i.index + 1} ${i.label} ${i.status}`), ['1 a ok', '2 b ok', '3 c ok']);
  assert.match(renderMarkdown(report), /\| 3 \| c \| ok \|/);
});
