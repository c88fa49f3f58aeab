// Resume knows every file and every copy of its run (issue #29): kill -9 inside a called runbook, edit the
// callee, resume — refused, naming the file and the calling step, until --accept-changed (recorded); copy a
// transcript and resume both — the second is refused (while the first drives: by the run's lock; after: as
// behind its run); resume an older copy, or an older version of the file, after the run ended — refused, naming
// where the run went on. Real CLI, real PostgreSQL and MariaDB: each destructive statement's row is counted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { killedStepsGone } from '../helpers/killed-run.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { cli, scratch, transcriptLines, until, writeRunbook } from './helpers.js';

const PARENT = `name: parent
title: Writes, then calls the child
inputs:
  dir: { required: true }
  url: { required: true, secret: true, type: url }
  trial: { required: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: first
    destructive: true
    sql:
      query:
        postgres: INSERT INTO copies_effects (trial, what) VALUES ($1, 'first')
        mysql: INSERT INTO copies_effects (trial, what) VALUES (?, 'first')
      params: ["\${{ inputs.trial }}"]
  - id: call
    runbook: { name: child.yaml, inputs: { dir: "\${{ inputs.dir }}", url: "\${{ inputs.url }}", trial: "\${{ inputs.trial }}" } }
  - id: done
    end: resolved
    message: written
`;

const CHILD = (what: string) => `name: child
title: Waits for a go, then writes
inputs:
  dir: { required: true }
  url: { required: true, secret: true, type: url }
  trial: { required: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: hold
    destructive: false
    safe_because: waits for the test's own file
    shell: while [ ! -e \${{ inputs.dir }}/go ]; do sleep 0.1; done
  - id: write
    destructive: true
    sql:
      query:
        postgres: INSERT INTO copies_effects (trial, what) VALUES ($1, '${what}')
        mysql: INSERT INTO copies_effects (trial, what) VALUES (?, '${what}')
      params: ["\${{ inputs.trial }}"]
  - id: fin
    end: resolved
    message: child written
`;

const servers: Partial<Record<'postgres' | 'mariadb', LabServer>> = {};
before(async () => {
  const [pg, maria] = await Promise.all([startPostgres(), startMariadb()]);
  servers.postgres = pg;
  servers.mariadb = maria;
  await adminQuery(pg, `CREATE TABLE copies_effects (trial text, what text); GRANT ALL ON copies_effects TO ${pg.appUser}`);
  await adminQuery(maria, `CREATE TABLE ${maria.database}.copies_effects (trial varchar(64), what varchar(64))`);
});
after(async () => { await Promise.all(Object.values(servers).map((s) => s.stop())); });

async function rows(s: LabServer, trial: string): Promise<string[]> {
  const table = s.engine === 'postgres' ? 'copies_effects' : `${s.database}.copies_effects`;
  return (await adminQuery(s, `SELECT what FROM ${table} WHERE trial = '${trial}' ORDER BY what`)).map((r) => String(r.what));
}

/** A run killed -9 while the child waits at `hold` (after `first` wrote); the state directory is the test's. */
async function killedInsideChild(t: { after(fn: () => void): void }, s: LabServer, trial: string) {
  const dir = scratch(t);
  const env = { XDG_STATE_HOME: join(dir, 'state') };
  const parent = writeRunbook(dir, 'parent', PARENT);
  writeRunbook(dir, 'child', CHILD('child'));
  const transcript = join(dir, 't.jsonl');
  const args = (...more: string[]) => [...more, '--plain', '--yes', '-i', `url=${s.url()}`];
  const run = cli(args('run', parent, '--transcript', transcript, '-i', `dir=${dir}`, '-i', `trial=${trial}`), { env });
  await until(() => transcriptLines(transcript).some((l) => l.type === 'step-started' && l.stepId === 'call/hold'), 60_000, 'the child to wait at hold');
  run.child.kill('SIGKILL');
  await run;
  await killedStepsGone(transcript);
  const resume = (file: string, ...more: string[]) => cli(args('resume', file, ...more), { env });
  /** A resume without --yes (--retarget refuses it): `more` says what it approves. */
  const unapproved = (file: string, ...more: string[]) => cli(['resume', file, ...more, '--plain', '-i', `url=${s.url()}`], { env });
  return { dir, transcript, resume, unapproved, go: () => writeFileSync(join(dir, 'go'), '') };
}

describe('resume knows every file and copy of its run', { concurrency: true }, () => {
  test('a callee the run has not reached yet, edited (or deleted) after kill -9: refused naming it and the step that would call it', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    const env = { XDG_STATE_HOME: join(dir, 'state') };
    const parent = writeRunbook(dir, 'later', `name: later
title: Calls the child later
inputs:
  dir: { required: true }
steps:
  - id: hold
    destructive: false
    safe_because: waits for the test's own file
    shell: while [ ! -e \${{ inputs.dir }}/go ]; do sleep 0.1; done
  - id: deep
    runbook: { name: middle.yaml }
  - id: done
    end: resolved
    message: called
`);
    writeRunbook(dir, 'middle', 'name: middle\ntitle: Middle\nsteps:\n  - id: inner\n    runbook: { name: leaf.yaml }\n  - id: fin\n    end: resolved\n');
    const leaf = writeRunbook(dir, 'leaf', 'name: leaf\ntitle: Leaf\nsteps:\n  - id: say\n    destructive: true\n    shell: echo leaf\n  - id: fin\n    end: resolved\n');
    const transcript = join(dir, 't.jsonl');
    const run = cli(['run', parent, '--plain', '--yes', '--transcript', transcript, '-i', `dir=${dir}`], { env });
    await until(() => transcriptLines(transcript).some((l) => l.type === 'step-started' && l.stepId === 'hold'), 60_000, 'the run to wait at hold');
    run.child.kill('SIGKILL');
    await run;
    await killedStepsGone(transcript);
    writeFileSync(join(dir, 'go'), '');
    writeFileSync(leaf, readFileSync(leaf, 'utf8').replace('echo leaf', 'echo edited'));
    const refused = await cli(['resume', transcript, '--plain', '--yes'], { env });
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, new RegExp(`the runbook ${leaf} called by step 'deep/inner' has changed since this run started .*step 'deep/inner' would run it as it is now.*--accept-changed ${leaf}`));
    const resumed = await cli(['resume', transcript, '--plain', '--yes', '--accept-changed', leaf], { env });
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.match(resumed.stdout, /edited/);
  });

  for (const engine of ['postgres', 'mariadb'] as const) {
    test(`${engine}: kill -9 inside a called runbook, edit the callee: refused naming it and the calling step; --accept-changed continues and is recorded`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const s = servers[engine]!;
      const trial = `edit-${engine}`;
      const k = await killedInsideChild(t, s, trial);
      writeRunbook(k.dir, 'child', CHILD('edited'));
      k.go();
      const refused = await k.resume(k.transcript);
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      const child = join(k.dir, 'child.yaml');
      assert.match(refused.stderr, new RegExp(`the runbook ${child} called by step 'call' has changed since this run started .*step 'call' would run it as it is now.*--accept-changed ${child}`));
      assert.deepEqual(await rows(s, trial), ['first'], 'nothing ran on the refusal');
      const accepted = await k.resume(k.transcript, '--accept-changed', child);
      assert.equal(accepted.code, 0, accepted.stdout + accepted.stderr);
      assert.match(accepted.stderr, /--accept-changed: continuing with .*child\.yaml as it is now/);
      assert.deepEqual(await rows(s, trial), ['edited', 'first'], 'each statement once; the edited one as accepted');
      const marker = transcriptLines(k.transcript).filter((l) => l.type === 'resumed').pop()!;
      assert.equal((marker.accepted as { file: string }[])[0]!.file, child);
    });

    test(`${engine}: kill -9 inside a called runbook, edit the callee: --retarget continues with it as it is now, asking again at its gate, and records it`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const s = servers[engine]!;
      const trial = `retarget-${engine}`;
      const k = await killedInsideChild(t, s, trial);
      writeRunbook(k.dir, 'child', CHILD('edited'));
      k.go();
      const child = join(k.dir, 'child.yaml');
      const refused = await k.resume(k.transcript);
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /or --retarget, which asks again at every destructive step/);
      const retargeted = await k.unapproved(k.transcript, '--retarget', '--approve', 'call/hold', '--approve', 'call/write');
      assert.equal(retargeted.code, 0, retargeted.stdout + retargeted.stderr);
      assert.match(retargeted.stderr, /--retarget: continuing inside .*child\.yaml \(called by step 'call'\), changed since the run started/);
      assert.match(retargeted.stdout, /confirm\? .*write/, 'the destructive step asked again');
      assert.deepEqual(await rows(s, trial), ['edited', 'first'], 'each statement once; the edited one as approved now');
      const marker = transcriptLines(k.transcript).filter((l) => l.type === 'resumed').pop()!;
      assert.equal(marker.retarget, true);
    });

    test(`${engine}: a copy of the transcript and the original, both resumed: the second is refused while the first drives, and after it`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const s = servers[engine]!;
      const trial = `copy-${engine}`;
      const k = await killedInsideChild(t, s, trial);
      const copy = join(k.dir, 'copy.jsonl');
      copyFileSync(k.transcript, copy);
      const first = k.resume(copy);   // waits at hold until go
      await until(() => readFileSync(copy, 'utf8').includes('"type":"resumed"'), 60_000, 'the copy to be resumed');
      const beside = await k.resume(k.transcript);
      assert.equal(beside.code, 2, beside.stdout + beside.stderr);
      assert.match(beside.stderr, new RegExp(`this run \\(.*\\) is being driven right now from ${copy} \\(pid \\d+`));
      k.go();
      assert.equal((await first).code, 0);
      const later = await k.resume(k.transcript);
      assert.equal(later.code, 2, later.stdout + later.stderr);
      assert.match(later.stderr, new RegExp(`this transcript is behind its run .*went further in ${copy} .*ended resolved.*Resume that one: runbook resume ${copy}`));
      assert.deepEqual(await rows(s, trial), ['child', 'first'], 'every statement once');
    });

    test(`${engine}: an older copy, or an older version of the file, resumed after the run ended: refused naming where it went on`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const s = servers[engine]!;
      const trial = `older-${engine}`;
      const k = await killedInsideChild(t, s, trial);
      const old = join(k.dir, 'old.jsonl');
      copyFileSync(k.transcript, old);
      k.go();
      const done = await k.resume(k.transcript);
      assert.equal(done.code, 0, done.stdout + done.stderr);
      const fromOld = await k.resume(old);
      assert.equal(fromOld.code, 2, fromOld.stdout + fromOld.stderr);
      assert.match(fromOld.stderr, new RegExp(`behind its run .*went further in ${k.transcript} .*ended resolved`));
      copyFileSync(old, k.transcript); // the file itself put back to its older version
      const restored = await k.resume(k.transcript);
      assert.equal(restored.code, 2, restored.stdout + restored.stderr);
      assert.match(restored.stderr, /went further in this file, in a later version than the one here .*ended resolved.*Restore the newer file/);
      assert.deepEqual(await rows(s, trial), ['child', 'first'], 'every statement once');
    });
  }
});
