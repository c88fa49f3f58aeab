// A wait step shows its progress while it polls: which poll, what the last one saw, and when it gives up — on
// the step row, in plain mode, in the transcript and on replay (issue #17: "(no output yet)" for minutes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { BIN, CLI_START_MS, ROOT, exitOf, runCli, waitFor } from './helpers.js';
import { initialViewModel, reduce } from '../../src/ui/view-model.js';
import { stepStatus } from '../../src/ui/step-status.js';

// Each poll counts up in a file; the condition holds on the third.
const RUNBOOK = (counter: string) => `name: waits
title: Waits for a count
steps:
  - id: count
    destructive: false
    safe_because: writes only the test's own marker file
    wait:
      shell: n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; echo "count $n"
      until: result.output == 'count 3'
      every: 200ms
      for: 60s
  - id: done
    end: resolved
`;

test('plain mode, the transcript and replay show each poll that was not yet, with what it saw and the deadline', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-wait-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'waits.yaml');
  writeFileSync(file, RUNBOOK(join(dir, 'counter')));
  const transcript = join(dir, 'run.jsonl');
  const r = await runCli(['run', file, '--plain', '--transcript', transcript]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /waiting  count: poll 1 not yet \(output: count 1\); next in 200ms, gives up in (59|60)\.\ds/);
  assert.match(r.stdout, /waiting  count: poll 2 not yet \(output: count 2\)/);
  assert.doesNotMatch(r.stdout, /poll 3 not yet/, 'the third poll met the condition');

  const lines = readFileSync(transcript, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const polls = lines.filter((l) => l.type === 'wait-polled');
  assert.deepEqual(polls.map((p) => [p.poll, p.last, p.condition, p.nextInMs]),
    [[1, 'output: count 1', "result.output == 'count 3'", 200], [2, 'output: count 2', "result.output == 'count 3'", 200]]);
  const started = Date.parse(String(lines.find((l) => l.type === 'step-started')!.ts));
  const deadline = Date.parse(String(polls[0]!.deadlineAt));
  assert.ok(deadline >= started + 59_000 && deadline <= started + 61_000, `deadline ${polls[0]!.deadlineAt} is the step's 'for: 60s'`);

  const replay = await runCli(['replay', transcript, '--speed', '0']);
  assert.match(replay.stdout, /… count poll 2: not yet \(output: count 2\); next in 200ms, gives up at \d\d:\d\d:\d\d/, replay.stdout + replay.stderr);
});

test('the ink step row says waiting, the poll and the time left; the output pane gets a line per poll', () => {
  let vm = initialViewModel();
  vm = reduce(vm, { type: 'step-started', stepId: 'count', title: 'count', kind: 'wait', attempt: 1, destructive: false }, 1_000);
  assert.match(stepStatus(vm.steps[0]!, 2_000, false).text, /^running 1s$/);
  vm = reduce(vm, { type: 'wait-polled', stepId: 'count', poll: 2, condition: 'x', last: '0 rows', nextInMs: 5_000, deadlineAt: new Date(91_000).toISOString() }, 11_000);
  assert.equal(stepStatus(vm.steps[0]!, 11_000, false).text, 'waiting 10s, poll 2, gives up in 1m20s');
  assert.deepEqual(vm.output.map((l) => l.text), ['… poll 2: not yet (0 rows)']);
  vm = reduce(vm, { type: 'step-started', stepId: 'count', title: 'count', kind: 'wait', attempt: 1, destructive: false }, 20_000);
  assert.match(stepStatus(vm.steps[0]!, 20_000, false).text, /^running/, 'a new visit starts without the old poll count');
});

test('an aborted wait: its time runs from its start, not from the last poll; plain, the event and the report count it alike', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-wait-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'waits.yaml');
  // Never met: the run is stopped (SIGINT) while the step sleeps between polls.
  writeFileSync(file, RUNBOOK(join(dir, 'counter')).replace("'count 3'", "'never'").replace('every: 200ms', 'every: 60s').replace('for: 60s', 'for: 600s'));
  const transcript = join(dir, 'run.jsonl');
  const child = spawn(process.execPath, [BIN, 'run', file, '--plain', '--transcript', transcript], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const exit = exitOf(child);
  t.after(() => { child.kill('SIGKILL'); }); // a failed wait must not leave it polling for 10 minutes
  await waitFor(() => out.includes('poll 1 not yet'), 'the first poll', CLI_START_MS);
  const askedAt = Date.now();
  await waitFor(() => Date.now() - askedAt > 300 && true, 'time to pass between the polls');
  child.kill('SIGINT');
  await exit('the CLI to exit on SIGINT');
  const lines = readFileSync(transcript, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  const finished = lines.find((l) => l.type === 'step-finished')!;
  const started = Date.parse(lines.find((l) => l.type === 'step-started')!.ts);
  assert.equal(finished.result.status, 'aborted');
  // At least the 300 ms waited between the poll and the stop (was the last poll's time, or 0).
  assert.ok(finished.result.durationMs >= 300 && finished.result.durationMs <= Date.parse(finished.ts) - started + 5, JSON.stringify(finished));
  assert.equal(finished.result.details?.polls, 1, 'no poll after the stop');
  const runFinished = lines.find((l) => l.type === 'run-finished')!;
  assert.deepEqual(runFinished.steps, { ok: 0, failed: 1, skipped: 0 });
  assert.match(out, /finished aborted in .* \(0 ok, 1 failed, 0 skipped\)/);
  const shown = /aborted +count \((\d+)ms\)/.exec(out) ?? /aborted +count \((\d+\.\d)s\)/.exec(out);
  assert.ok(shown && Number(shown[1]) * (shown[0].includes('ms') ? 1 : 1000) >= 300, `the step's time is not a poll's:\n${out}`);
  const report = await runCli(['report', transcript, '--format', 'json']);
  assert.deepEqual(JSON.parse(report.stdout).steps, { ok: 0, failed: 1, skipped: 0 }, 'the report counts as the run did');
});
