// "A lost terminal is an interruption": SIGHUP (ssh dropped, tmux closed) and SIGTERM end the run
// `interrupted` (exit 75), with the running step's process tree stopped, and `resume` continues it; only the
// operator's own abort (SIGINT / Ctrl-C) is `aborted`, which resume refuses. Real CLI, real bash, real tmux.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, cli, finished, scratch, transcriptLines, until, writeRunbook } from './helpers.js';
import { execFileSync } from 'node:child_process';
import { BIN, ROOT, descendants } from './helpers.js';
import { TEST_SHELL, TMUX, Tmux } from './tmux.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const RUNBOOK = `name: hangup
title: Interrupted mid-run
inputs:
  dir: { required: true }
  delay: { default: 0, type: number }
steps:
  - id: look
    destructive: false
    safe_because: writes only the test's own marker file
    shell: echo look >> \${{ inputs.dir }}/counter
  - id: slow
    destructive: false
    safe_because: writes only the test's own marker file
    title: A slow step
    shell: |
      echo $$ > \${{ inputs.dir }}/slow.pid
      echo slow-started >> \${{ inputs.dir }}/counter
      sleep $(cat \${{ inputs.dir }}/delay 2>/dev/null || echo \${{ inputs.delay }}) && echo slow-finished >> \${{ inputs.dir }}/counter
  - id: destroy
    destructive: true
    confirm: Write the marker?
    shell: echo destroy >> \${{ inputs.dir }}/counter
  - id: done
    end: resolved
    message: every step ran
`;

function setup(t: { after(fn: () => void): void }) {
  const dir = scratch(t);
  const runbook = writeRunbook(dir, 'hangup', RUNBOOK);
  const transcript = join(dir, 't.jsonl');
  const counter = () => (existsSync(join(dir, 'counter')) ? readFileSync(join(dir, 'counter'), 'utf8').trim().split('\n') : []);
  return { dir, runbook, transcript, counter };
}

/** The slow step, run again on resume, does not sleep: a file, since a resume refuses another input value or
 *  environment than the run's (`-i delay=0` is refused). */
const quick = (s: ReturnType<typeof setup>) => writeFileSync(join(s.dir, 'delay'), '0');

const started = (file: string, stepId: string) => () => transcriptLines(file).some((l) => l.type === 'step-started' && l.stepId === stepId);

/** The slow step has written its pid and counted itself: a signal before the count (slow.pid alone) would leave
 *  one 'slow-started' short on a loaded machine (issue #20). */
const slowRunning = (s: ReturnType<typeof setup>) => () => existsSync(join(s.dir, 'slow.pid')) && s.counter().includes('slow-started');

/** Hang guard for a stopped step's processes to be gone: idle ~2 s (the SIGTERM grace before SIGKILL). */
const STOPPED_MS = 60_000;

describe('a lost terminal or a stop signal is an interruption', { concurrency: true }, () => {
  for (const signal of ['SIGHUP', 'SIGTERM'] as const) {
    test(`${signal} at a running step: interrupted, the step's processes stopped, and resume finishes the run`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const s = setup(t);
      const run = cli(['run', s.runbook, '--plain', '--yes', '--transcript', s.transcript, '-i', `dir=${s.dir}`, '-i', 'delay=60']);
      await until(() => slowRunning(s)() && started(s.transcript, 'slow')(), 30_000, 'the slow step to start');
      const stepPid = Number(readFileSync(join(s.dir, 'slow.pid'), 'utf8'));
      run.child.kill(signal);
      const r = await run;
      assert.equal(r.code, 75, r.stdout + r.stderr);
      const end = finished(transcriptLines(s.transcript));
      assert.equal(end?.outcome, 'interrupted');
      assert.match(end?.message ?? '', signal === 'SIGHUP' ? /hung up/ : /SIGTERM/);
      assert.match(end?.message ?? '', /runbook resume/);
      await until(() => !alive(stepPid), STOPPED_MS, 'the step process to be stopped');
      const report = await cli(['report', s.transcript]);
      assert.equal(report.code, 0, report.stderr);
      assert.match(report.stdout, /This run was interrupted/);
      assert.match(report.stdout, /\*\*interrupted\*\*/);
      const replay = await cli(['replay', s.transcript, '--speed', '0']);
      assert.equal(replay.code, 0, replay.stderr);
      assert.match(replay.stdout, /run finished: INTERRUPTED/);

      quick(s);
      const resumed = await cli(['resume', s.transcript, '--plain', '--yes']);
      assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
      assert.equal(finished(transcriptLines(s.transcript).slice(-1))?.outcome, 'resolved');
      // The interrupted step ran again (it had not finished); the step before it did not.
      assert.deepEqual(s.counter(), ['look', 'slow-started', 'slow-started', 'slow-finished', 'destroy']);
    });
  }

  test('a vouched step in flight is asked about again on resume: not approved, it does not run again; approved, it does', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const interrupted = async () => {
      const s = setup(t);
      const run = cli(['run', s.runbook, '--plain', '--yes', '--transcript', s.transcript, '-i', `dir=${s.dir}`, '-i', 'delay=60']);
      await until(() => slowRunning(s)() && started(s.transcript, 'slow')(), 30_000, 'the slow step to start');
      run.child.kill('SIGTERM');
      assert.equal((await run).code, 75);
      return s;
    };
    // Not approved: the step that may have partly run is not run again (in plain mode the run stops there).
    const a = await interrupted();
    quick(a);
    const refused = await cli(['resume', a.transcript, '--plain']);
    assert.notEqual(refused.code, 0, refused.stdout + refused.stderr);
    assert.match(refused.stdout + refused.stderr, /'slow' was in flight when the run was interrupted and may have partly run; it was not approved, so it did not run again/);
    assert.deepEqual(a.counter(), ['look', 'slow-started'], 'nothing ran again without the operator');
    const gate = transcriptLines(a.transcript).filter((l) => l.type === 'confirmation-requested').pop();
    assert.deepEqual([gate?.stepId, gate?.resumed], ['slow', true]);
    // Approved: it runs again, once, and the run goes on (the step before it does not run again).
    const b = await interrupted();
    quick(b);
    const approved = await cli(['resume', b.transcript, '--plain', '--approve', 'slow', '--approve', 'destroy']);
    assert.equal(approved.code, 0, approved.stdout + approved.stderr);
    assert.deepEqual(b.counter(), ['look', 'slow-started', 'slow-started', 'slow-finished', 'destroy']);
  });

  test('SIGINT is the operator\'s abort: aborted (exit 130), and resume refuses it', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const s = setup(t);
    const run = cli(['run', s.runbook, '--plain', '--yes', '--transcript', s.transcript, '-i', `dir=${s.dir}`, '-i', 'delay=60']);
    await until(started(s.transcript, 'slow'), 30_000, 'the slow step to start');
    run.child.kill('SIGINT');
    const r = await run;
    assert.equal(r.code, 130, r.stdout + r.stderr);
    assert.equal(finished(transcriptLines(s.transcript))?.outcome, 'aborted');
    const resumed = await cli(['resume', s.transcript, '--plain', '--yes']);
    assert.equal(resumed.code, 2, resumed.stdout + resumed.stderr);
    assert.match(resumed.stderr, /already finished \(aborted/);
  });

  // Was `todo` (flaky under load): the first case asserted the step's process dead the moment runbook exited.
  // The engine kills the step's group (SIGTERM, SIGKILL) but waits for it only within grace periods of the
  // wall clock (executors/shell.ts), and the lifeline kills what is left once the engine is gone: on a loaded
  // machine the process can outlive the engine by a moment. The test now waits for that state, as the plain
  // SIGHUP case does (issue #20). Per-test limits are the end-to-end hang guard (limits.ts), not 90 s.
  describe('in a terminal that is closed (tmux killed)', { skip: !TMUX && 'tmux is not installed', concurrency: true }, () => {
    test('at a running step: the transcript ends interrupted and resume finishes the run', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const s = setup(t);
      const term = new Tmux(s.dir, ['run', s.runbook, '--transcript', s.transcript, '-i', `dir=${s.dir}`, '-i', 'delay=60']);
      t.after(() => term.close());
      await until(started(s.transcript, 'slow'), 30_000, 'the slow step to start');
      await until(slowRunning(s), 30_000, 'the step to write its pid and count itself');
      const pid = term.nodePid();
      const stepPid = Number(readFileSync(join(s.dir, 'slow.pid'), 'utf8'));
      term.close();
      await until(() => !alive(pid), STOPPED_MS, 'runbook to exit after its terminal closed');
      assert.equal(finished(transcriptLines(s.transcript))?.outcome, 'interrupted', readFileSync(s.transcript, 'utf8').split('\n').slice(-6).join('\n'));
      await until(() => !alive(stepPid), STOPPED_MS, 'the step process to be stopped with the run');
      quick(s);
      const resumed = await cli(['resume', s.transcript, '--plain', '--yes']);
      assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
      assert.deepEqual(s.counter(), ['look', 'slow-started', 'slow-started', 'slow-finished', 'destroy']);
    });

    test('at a gate: the transcript ends interrupted, resume asks again (not "may have partly run") and runs it once', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const s = setup(t);
      const term = new Tmux(s.dir, ['run', s.runbook, '--transcript', s.transcript, '-i', `dir=${s.dir}`]);
      t.after(() => term.close());
      await until(() => transcriptLines(s.transcript).some((l) => l.type === 'confirmation-requested'), 30_000, 'the gate');
      await term.until('CONFIRM');
      const pid = term.nodePid();
      term.close();
      await until(() => !alive(pid), STOPPED_MS, 'runbook to exit after its terminal closed');
      assert.equal(finished(transcriptLines(s.transcript))?.outcome, 'interrupted');
      assert.deepEqual(s.counter(), ['look', 'slow-started', 'slow-finished'], 'nothing destructive ran');
      const resumed = await cli(['resume', s.transcript, '--plain', '--yes']);
      assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
      const gates = transcriptLines(s.transcript).filter((l) => l.type === 'confirmation-requested');
      assert.deepEqual(gates.map((g) => g.resumed), [false, false], 'the step never started: asked again plainly');
      assert.deepEqual(s.counter(), ['look', 'slow-started', 'slow-finished', 'destroy']);
    });

    test('a vanished terminal without SIGHUP (no controlling tty, setsid): EIO / end of input end the run interrupted', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const s = setup(t);
      const socket = `runbook-vanish-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
      const q = (x: string) => `'${x.replace(/'/g, `'\\''`)}'`;
      // setsid: the process keeps the pane as stdin/stdout (the terminal UI runs) but has no controlling
      // terminal, so closing the pane sends it no SIGHUP: only failing reads and writes tell it.
      const args = ['run', s.runbook, '--transcript', s.transcript, '-i', `dir=${s.dir}`, '-i', 'delay=60'];
      const command = `${TEST_SHELL}cd ${q(ROOT)} && env -u CI NO_COLOR=1 setsid -w ${q(process.execPath)} ${q(BIN)} ${args.map(q).join(' ')}; sleep 600`;
      const tmux = (...a: string[]) => execFileSync(TMUX!, ['-L', socket, ...a], { encoding: 'utf8' });
      tmux('new-session', '-d', '-x', '120', '-y', '45', '-s', 'main', command);
      t.after(() => { try { tmux('kill-server'); } catch { /* gone */ } });
      await until(started(s.transcript, 'slow'), 30_000, 'the slow step to start');
      const shell = Number(tmux('list-panes', '-t', 'main', '-F', '#{pane_pid}').trim());
      const pid = descendants(shell).find((p) => { try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(BIN); } catch { return false; } });
      assert.ok(pid, 'the runbook process');
      tmux('kill-server');
      await until(() => !alive(pid), STOPPED_MS, 'runbook to exit after its terminal vanished');
      const end = finished(transcriptLines(s.transcript));
      assert.equal(end?.outcome, 'interrupted');
      assert.match(end?.message ?? '', /terminal went away/);
      quick(s);
      const resumed = await cli(['resume', s.transcript, '--plain', '--yes']);
      assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    });
  });
});
