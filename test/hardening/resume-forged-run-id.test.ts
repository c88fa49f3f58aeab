// NOT FIXED (probe2, found 2026-11-24): a hand-edited transcript makes resume run a finished destructive step
// again. The run-state record ($XDG_STATE_HOME/runbook/runs/<run id>.json, transcript/run-state.ts) catches a
// transcript cut back to an older version ("this transcript is behind its run"), but it is found by the run id
// the transcript itself states: cut the lines of the finished step off AND change the run id in the header and
// run-started line, and resume finds no record, rebuilds "stopped before `wipe`" and runs it again (its gate
// asks again, as for a step that never ran; --yes approves it). Observed by hand: the counter file holds two
// lines. What should happen: a transcript whose file (real path, or inode) the state directory already knows
// under another run id, or whose header (host, pid, ts, runbook sha256) matches a known run's under another id,
// is refused naming the run; a hostile edit that also moves the file and rewrites the header is beyond anything
// local (the store's hash chain, store/chain.ts, is what detects that). Every cut point inside the finished
// step is tried. Skipped until that exists; remove the skip to see it fail.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, writeRunbook } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

test('resume of a transcript cut inside a finished destructive step, its run id rewritten: the step does not run again', { timeout: E2E_TEST_LIMIT_MS, skip: 'not fixed: the run-state record is looked up by the run id the transcript states' }, async (t) => {
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
    writeFileSync(count, 'wiped\n');
    const forged = `${runId.slice(0, -4)}${String(cut).padStart(4, '0')}`;
    writeFileSync(file, `${lines.slice(0, cut).join('\n').replaceAll(runId, forged)}\n`);
    const r = await cli(['resume', file, '--plain', '--yes'], { cwd: dir, env });
    assert.equal(readFileSync(count, 'utf8'), 'wiped\n', `cut after line ${cut}: wipe ran again\n${r.stdout}${r.stderr}`);
  }
});
