// A dry run cannot act, even through a step that claims to be harmless: a non-destructive (safe_because) shell
// step — or a wait polling one — that removes a file, writes files, kills a process the test started and pkills
// by name runs inside the sandbox in a dry run: the file survives, nothing is written, the process lives. Where no
// sandbox is available (RUNBOOK_NO_SANDBOX, or no bwrap on PATH) the step is shown, not run. The same runbook
// run for real does act, so the dry-run assertions are not vacuous. Shell steps run with errexit, so the hostile
// steps start with `set +e` to try every line. The commands are spelled through variables: safe_because cannot
// vouch for a command the lint sees act (`rm`, `kill`), only for one it cannot read.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, scratch, transcriptLines, until, writeRunbook } from './helpers.js';

const HARM = `name: harm
title: Claims to be harmless
inputs:
  marker: { required: true }
  dir: { required: true }
  pid: { required: true }
  victim: { required: true }
  tmpfile: { required: true }
steps:
  - id: harm
    destructive: false
    safe_because: a hostile author says so
    shell: |
      set +e
      r=rm; t=touch; k=kill; p=pkill
      $r -f \${{ inputs.marker }}
      $t \${{ inputs.tmpfile }}
      echo data > \${{ inputs.dir }}/written
      $t relative
      $k \${{ inputs.pid }}
      $p -x \${{ inputs.victim }}
      echo done
  - id: harm-wait
    destructive: false
    safe_because: a hostile author says so
    wait:
      shell: set +e; r=rm; $r -f \${{ inputs.marker }}-wait; echo gone
      until: result.output == 'gone'
      every: 1s
      for: 30s
  - id: done
    end: resolved
`;

function victim(t: { after(fn: () => void): void }, dir: string, name: string) {
  // A copy of sleep under a name of its own, for pkill -x (by process name: not the runbook process, whose
  // command line carries the name as an input); it is this test's own process.
  const exe = join(dir, name);
  copyFileSync('/bin/sleep', exe);
  const child = spawn(exe, ['600'], { stdio: 'ignore' });
  t.after(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return { pid: child.pid!, alive, exited: () => until(() => !alive() || undefined, 30_000, 'the victim to exit') };
}

function setup(t: { after(fn: () => void): void }) {
  // Outside /tmp (which the sandbox replaces with an empty one), so the sandbox sees the files, read-only.
  const dir = mkdtempSync('/var/tmp/runbook-sandbox-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const marker = join(dir, 'marker');
  writeFileSync(marker, 'keep');
  writeFileSync(`${marker}-wait`, 'keep');
  const tag = `rbv${Math.random().toString(36).slice(2, 10)}`;
  const v = victim(t, dir, tag);
  const tmpfile = `/tmp/runbook-sandbox-${tag}-touched`;
  const args = ['-i', `marker=${marker}`, '-i', `dir=${dir}`, '-i', `pid=${v.pid}`, '-i', `victim=${tag}`, '-i', `tmpfile=${tmpfile}`];
  const untouched = (why: string) => {
    assert.ok(existsSync(marker), `${why}: the marker was removed`);
    assert.ok(existsSync(`${marker}-wait`), `${why}: the wait's marker was removed`);
    assert.ok(!existsSync(join(dir, 'written')), `${why}: a file was written`);
    assert.ok(!existsSync(join(dir, 'relative')), `${why}: a file was written in the working directory`);
    assert.ok(!existsSync(tmpfile), `${why}: a file appeared in the real /tmp`);
    assert.ok(v.alive(), `${why}: the process was killed`);
  };
  return { dir, runbook: writeRunbook(dir, 'harm', HARM), args, untouched, victim: v, marker, tmpfile, transcript: join(dir, 'run.jsonl') };
}

describe('the dry run cannot act through a non-destructive shell step', { concurrency: true }, () => {
  test('it validates: safe_because is accepted by the lint', async (t) => {
    const s = setup(t);
    const r = await cli(['validate', s.runbook]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  test('--dry-run runs it in the sandbox: file kept, nothing written, the process lives', async (t) => {
    const s = setup(t);
    const r = await cli(['run', s.runbook, '--plain', '--dry-run', '--transcript', s.transcript, ...s.args], { cwd: s.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    s.untouched('dry run');
    // The working directory is the real one (read-only), and the hidden /tmp one too (bound back read-only).
    const inTmp = scratch(t, 'runbook-sandbox-cwd-');
    const r2 = await cli(['run', s.runbook, '--plain', '--dry-run', '--no-transcript', ...s.args], { cwd: inTmp });
    assert.equal(r2.code, 0, r2.stdout + r2.stderr);
    assert.match(r2.stdout, /touch: cannot touch 'relative': Read-only file system/);
    assert.ok(!existsSync(join(inTmp, 'relative')));
    s.untouched('dry run in /tmp');
    // It did run — inside the sandbox, where each action failed.
    assert.match(r.stdout, /Read-only file system/);
    assert.match(r.stdout, /start {4}harm \[shell\] \(sandboxed\)/);
    assert.match(r.stdout, /ran in the sandbox \(read-only files, no signals\): harm, harm-wait/);
    const modes = transcriptLines(s.transcript).filter((l) => l.type === 'step-started').map((l) => [l.stepId, l.dryRun]);
    assert.deepEqual(modes, [['harm', 'sandboxed'], ['harm-wait', 'sandboxed']]);
  });

  test('with no sandbox available the steps are shown, not run (RUNBOOK_NO_SANDBOX, and no bwrap on PATH)', async (t) => {
    const s = setup(t);
    const bin = join(s.dir, 'bin');
    mkdirSync(bin);
    symlinkSync('/bin/bash', join(bin, 'bash'));
    for (const env of [{ RUNBOOK_NO_SANDBOX: '1' }, { PATH: bin }]) {
      const file = `${s.transcript}.${Object.keys(env)[0]}`;
      const r = await cli(['run', s.runbook, '--plain', '--dry-run', '--transcript', file, ...s.args], { env });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      s.untouched(JSON.stringify(env));
      assert.match(r.stdout, /skipped  harm \(dry run, no sandbox available here, shown: set \+e/);
      assert.match(r.stdout, /shown, not run \(no sandbox available here\): harm, harm-wait/);
      const shown = transcriptLines(file).filter((l) => l.type === 'step-skipped').map((l) => [l.stepId, l.because]);
      assert.deepEqual(shown, [['harm', 'no-sandbox'], ['harm-wait', 'no-sandbox']]);
    }
  });

  test('run for real, the same step does act (the checks above are not vacuous)', async (t) => {
    const s = setup(t);
    const r = await cli(['run', s.runbook, '--plain', '--no-transcript', ...s.args], { cwd: s.dir });
    t.after(() => rmSync(s.tmpfile, { force: true }));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(!existsSync(s.marker), 'the marker is removed');
    assert.ok(!existsSync(`${s.marker}-wait`), "the wait's marker is removed");
    assert.ok(existsSync(join(s.dir, 'written')));
    assert.ok(existsSync(join(s.dir, 'relative')));
    await s.victim.exited();
  });
});

describe("a destructive command spelled to hide from the lint (r''m -r dir)", { concurrency: true }, () => {
  const book = (marking: string) => `name: hidden\ntitle: Hidden rm\ninputs:\n  dir: { required: true }\nsteps:\n  - id: hide\n${marking}    shell: r''m -r \${{ inputs.dir }}/victim\n  - id: done\n    end: resolved\n`;

  test('unmarked, validate rejects it and neither run nor --dry-run starts', async (t) => {
    const dir = mkdtempSync('/var/tmp/runbook-hidden-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'victim'));
    const runbook = writeRunbook(dir, 'hidden', book(''));
    const v = await cli(['validate', runbook]);
    assert.notEqual(v.code, 0);
    assert.match(v.stdout + v.stderr, /step 'hide' runs a shell command that looks destructive \('rm'\)/);
    for (const flags of [['--dry-run'], []]) {
      const r = await cli(['run', runbook, '--plain', '--no-transcript', ...flags, '-i', `dir=${dir}`]);
      assert.notEqual(r.code, 0, r.stdout);
      assert.ok(existsSync(join(dir, 'victim')), `${flags.join(' ')}: the directory was removed`);
    }
  });

  test('vouched for with safe_because, it is still refused: safe_because cannot vouch for a command that acts', async (t) => {
    const dir = mkdtempSync('/var/tmp/runbook-hidden-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'victim'));
    const runbook = writeRunbook(dir, 'hidden', book('    destructive: false\n    safe_because: trust me\n'));
    const v = await cli(['validate', runbook]);
    assert.notEqual(v.code, 0);
    assert.match(v.stdout + v.stderr, /\('rm'\).*cannot vouch for a command that acts/);
    for (const flags of [['--dry-run'], []]) {
      const r = await cli(['run', runbook, '--plain', '--no-transcript', ...flags, '-i', `dir=${dir}`]);
      assert.notEqual(r.code, 0, r.stdout);
      assert.ok(existsSync(join(dir, 'victim')), `${flags.join(' ')}: the directory was removed`);
    }
  });

  test('spelled so the lint cannot read it and vouched for, the dry run runs it sandboxed and the directory survives', async (t) => {
    const dir = mkdtempSync('/var/tmp/runbook-hidden-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'victim'));
    const runbook = writeRunbook(dir, 'hidden', book('    destructive: false\n    safe_because: trust me\n').replace("r''m -r", 'r=rm; $r -r'));
    const dry = await cli(['run', runbook, '--plain', '--dry-run', '--no-transcript', '-i', `dir=${dir}`]);
    assert.ok(existsSync(join(dir, 'victim')), 'the dry run removed the directory');
    assert.match(dry.stdout, /Read-only file system/);
    const real = await cli(['run', runbook, '--plain', '--no-transcript', '-i', `dir=${dir}`]);
    assert.equal(real.code, 0, real.stdout);
    assert.ok(!existsSync(join(dir, 'victim')), 'run for real it acts: safe_because is the author\'s word');
  });
});
