// A hand-edited transcript must not make resume run a finished destructive step again. The run-state record
// ($XDG_STATE_HOME/runbook/runs/<run id>.json, transcript/run-state.ts) refuses a transcript cut back to an older
// version ("this transcript is behind its run"), but it was found only by the run id the transcript states: cut
// the lines of the finished step off AND change the run id in the header and run-started line, and resume found
// no record, rebuilt "stopped before `wipe`" and ran it again (its gate asked again, as for a step that never ran;
// --yes approved it). Now a run the state directory does not know, in a file another run last wrote, is refused
// naming that run. Every cut point inside the finished step is tried. (A hostile edit that also moves the file is
// beyond anything local: the store's hash chain, store/chain.ts, is what detects that.) The file's last run is
// found through the by-path index (one read, not one per run ever made), or the records when it is missing.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, writeRunbook } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

test('resume of a transcript cut inside a finished destructive step, its run id rewritten: refused, the step does not run again', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const env = { XDG_STATE_HOME: join(dir, 'state') };
  const count = join(dir, 'count');
  const rb = writeRunbook(dir, 'twice', `name: twice
title: twice
steps:
  - id: wipe
    destructive: true
    shell: 'echo wiped >> ${count}'
  - { id: done, end: resolved }
`);
  const first = await cli(['run', rb, '--plain', '--yes'], { cwd: dir, env });
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const file = join(dir, 'runbook-transcripts', readdirSync(join(dir, 'runbook-transcripts'))[0]!);
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const runId = (JSON.parse(lines[0]!) as { runId: string }).runId;
  const started = lines.findIndex((l) => l.includes('"type":"step-started"'));
  const finished = lines.findIndex((l) => l.includes('"type":"step-finished"'));
  for (let cut = started + 1; cut <= finished + 1; cut++) {
    // Every other cut, as if the state directory were made by a build before the by-path index: it is built from
    // the run records, so the refusal does not depend on which build wrote them.
    if (cut % 2) rmSync(join(env.XDG_STATE_HOME, 'runbook', 'runs', 'by-path'), { recursive: true, force: true });
    writeFileSync(count, 'wiped\n');
    const forged = `${runId.slice(0, -4)}${String(cut).padStart(4, '0')}`;
    writeFileSync(file, `${lines.slice(0, cut).join('\n').replaceAll(runId, forged)}\n`);
    const r = await cli(['resume', file, '--plain', '--yes'], { cwd: dir, env });
    assert.equal(readFileSync(count, 'utf8'), 'wiped\n', `cut after line ${cut}: wipe ran again\n${r.stdout}${r.stderr}`);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr.trim(), new RegExp(`^runbook: refusing to resume: this file was last written by run ${runId} .*it now says it is run ${forged}`));
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
  }
});
