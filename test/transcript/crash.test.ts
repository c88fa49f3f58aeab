// kill -9 in the middle of a step, then `runbook resume`: the transcript holds everything up to the
// kill, and the resumed run finishes without running a finished step again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTranscript, eventsOf } from '../../src/transcript/reader.js';
import { buildReport } from '../../src/transcript/report/build.js';
import { cli, fixture, scratch, until } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { killedStepsGone } from '../helpers/killed-run.js';

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);

test('a run killed with SIGKILL mid-step is recorded up to the kill and resumes to the end', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const runbook = join(dir, 'crash.yaml');
  copyFileSync(fixture('crash'), runbook);
  const counter = join(dir, 'counter');
  const transcript = join(dir, 'crash.jsonl');

  // The slow step is held (until a go file the test creates after the kill): with a 30 s sleep, a loaded machine
  // let it finish before the test's 'resume' ran, and the run was no longer "still going" (issue #20). Files, not
  // variables: a resume in another environment than the run's is refused.
  writeFileSync(`${counter}.hold`, '');
  const child = cli(['run', runbook, '--plain', '--yes', '--transcript', transcript, '--input', `counter=${counter}`]);
  await until(() => lines(`${counter}.pid`).length > 0 && readFileSync(transcript, 'utf8').includes('"chunk":"restarting'), 60_000, 'the slow step to start sleeping');
  const meanwhile = await cli(['resume', transcript, '--plain', '--yes']);
  assert.equal(meanwhile.code, 2);
  assert.match(meanwhile.stderr, /this run is still going \(pid \d+ on this host\)/);
  child.kill('SIGKILL');
  const killed = await child;
  assert.equal(killed.signal, 'SIGKILL');
  const sleeper = Number(lines(`${counter}.pid`)[0]);
  t.after(() => { try { process.kill(-sleeper, 'SIGKILL'); } catch { /* already gone */ } });

  // Everything up to the kill is on disk.
  const before = readTranscript(transcript);
  assert.deepEqual(before.problems, []);
  const seen = eventsOf(before).map((e) => `${e.type}${'stepId' in e && e.stepId ? ` ${e.stepId}` : ''}`);
  for (const expected of ['run-started', 'step-finished one', 'step-finished two', 'confirmation-requested slow', 'confirmation-answered slow', 'step-started slow']) {
    assert.ok(seen.includes(expected), `${expected} recorded before the kill (have: ${seen.join(', ')})`);
  }
  assert.ok(!seen.some((s) => s.startsWith('run-finished')));
  assert.deepEqual(lines(counter), ['one', 'two', 'slow']);
  const interrupted = buildReport(before);
  assert.equal(interrupted.outcome, 'interrupted');
  assert.equal(interrupted.timeline.find((r) => r.stepId === 'slow' && r.status === 'interrupted')?.command?.startsWith('echo slow'), true);

  // The runbook changed since: resume refuses, and leaves the transcript alone.
  appendFileSync(runbook, '# edited after the incident started\n');
  const size = statSync(transcript).size;
  writeFileSync(`${counter}.go`, ''); // the slow step, run again, is quick
  const refused = await cli(['resume', transcript, '--plain', '--yes']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /has changed since this run started .* resume with --force/);
  assert.equal(statSync(transcript).size, size);

  // --force continues it; the sleep is quick this time.
  await killedStepsGone(transcript); // resume would refuse while the killed step runs (issue #20)
  const resumed = await cli(['resume', transcript, '--plain', '--yes', '--force']);
  assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
  assert.deepEqual(lines(counter), ['one', 'two', 'slow', 'slow', 'three'], 'finished steps ran once; the step in flight ran again');

  const after = readTranscript(transcript);
  assert.deepEqual([after.problems, after.torn], [[], []]);
  [after.header, ...after.lines].forEach((l, i) => assert.equal(l.seq, i));
  const marker = after.lines.find((l) => l.type === 'resumed');
  assert.ok(marker?.type === 'resumed');
  assert.equal(marker.stepId, 'slow');
  assert.equal(marker.phase, 'enter');
  assert.ok(marker.forced && marker.forced.recordedSha256 !== marker.forced.currentSha256);
  assert.ok(marker.argv.includes('--force'));
  const tail = eventsOf(after).slice(eventsOf(before).length);
  assert.ok(tail[0]?.type === 'run-started' && tail[0].resumedFrom === 'slow');
  const gate = tail.find((e) => e.type === 'confirmation-requested');
  assert.ok(gate?.type === 'confirmation-requested' && gate.stepId === 'slow' && gate.resumed, 'the destructive step asks again, marked resumed');
  assert.ok(!tail.some((e) => e.type === 'step-started' && (e.stepId === 'one' || e.stepId === 'two')));
  const end = tail[tail.length - 1];
  assert.ok(end?.type === 'run-finished' && end.outcome === 'resolved');

  const report = buildReport(after);
  assert.equal(report.outcome, 'resolved');
  assert.deepEqual(report.timeline.map((r) => `${r.stepId}:${r.status}`), ['one:ok', 'two:ok', 'slow:interrupted', 'slow:resumed', 'slow:ok', 'three:ok', 'done:resolved']);
  assert.deepEqual(report.steps, { ok: 4, failed: 0, skipped: 0 });

  // A finished run is not resumed again.
  const again = await cli(['resume', transcript, '--plain', '--yes', '--force']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /this run already finished \(resolved/);
});
