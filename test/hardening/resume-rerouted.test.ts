// A resumed run that reaches again a vouched step which ran before the interruption asks first (a probe of stop 67:
// the runbook reordered between kill -9 and `resume --accept-changed`, the finished vouched write ran a second
// time with no gate, just after the screen said "already ran, not run again"). The gate says why; without an
// approval it does not run; approved, it runs once more.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { killedStepsGone } from '../helpers/killed-run.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { cli, scratch, transcriptLines, until, writeRunbook } from './helpers.js';

const NOTE = (marker: string) => `  - id: note
    destructive: false
    safe_because: appends to the test's own marker
    shell: echo note >> ${marker}
`;
const SLOW = (marker: string, seconds: number) => `  - id: slow
    destructive: true
    shell: echo slow >> ${marker}; sleep ${seconds}
`;
const runbook = (body: string) => `name: rb\ntitle: Rerouted\nsteps:\n${body}  - { id: done, end: resolved, message: ok }\n`;
const marks = (marker: string) => (existsSync(marker) ? readFileSync(marker, 'utf8').trim().split('\n') : []);

test('a vouched step that ran before the interruption asks before a resumed run runs it again', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const marker = join(dir, 'marker');
  const file = writeRunbook(dir, 'rb', runbook(NOTE(marker) + SLOW(marker, 60)));
  const transcript = join(dir, 't.jsonl');
  const run = cli(['run', file, '--plain', '--yes', '--transcript', transcript], { cwd: dir });
  await until(() => existsSync(transcript) && transcriptLines(transcript).some((l) => l.type === 'step-process' && l.stepId === 'slow'), 30_000, 'slow to start');
  run.child.kill('SIGKILL');
  await run;
  await killedStepsGone(transcript);
  assert.deepEqual(marks(marker), ['note', 'slow']);
  // The runbook changed: slow first, then note again.
  writeFileSync(file, runbook(SLOW(marker, 0) + NOTE(marker)));

  const refused = await cli(['resume', transcript, '--plain', '--approve', 'slow', '--accept-changed', file], { cwd: dir });
  assert.notEqual(refused.code, 0, refused.stdout + refused.stderr);
  assert.match(refused.stdout, /resumed: +this step ran before the run was interrupted, and the resumed run reaches it again/);
  assert.match(refused.stdout, /STOPPED +'note' ran before the run was interrupted/);
  assert.deepEqual(marks(marker), ['note', 'slow', 'slow'], 'note did not run again unapproved');
  const gate = transcriptLines(transcript).filter((l) => l.type === 'confirmation-requested' && l.stepId === 'note').pop();
  assert.equal(gate?.ranBefore, true);
});
