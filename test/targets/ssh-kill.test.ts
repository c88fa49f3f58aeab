// A remote step whose child traps (here: ignores) SIGTERM, on a real sshd on loopback (issue #30). The wrapper
// there ends the step's whole process group, TERM then KILL, whatever the group's leader does: the leader dying
// of the TERM used to end the clean-up (the wrapper killed its watcher), and the child survived Ctrl-C, the step
// timeout and kill -9 of the engine. And a resume does not run the step beside a survivor: the copy it starts
// waits there for the earlier one's group to be gone (a lock held until then).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, finished, scratch, transcriptLines, until, writeRunbook } from '../hardening/helpers.js';
import { eventually, withStepTimeout } from '../helpers/poll.js';
import { killedStepsGone } from '../helpers/killed-run.js';
import { SSHD, startSshd, type Sshd } from './sshd.js';

let sshd: Sshd;
before(async () => { sshd = await startSshd(); });
after(async () => { await sshd?.stop(); });

/** The pids whose whole command line is `sleep <marker>`: the trapping child, on the "remote" (this machine). */
const survivors = (marker: string) => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
  try { return readFileSync(`/proc/${p}/cmdline`, 'latin1') === `sleep\0${marker}\0`; } catch { return false; }
});

/** The pids of any process whose command line names the marker: the step's ssh client here, its wrapper there
 *  (both carry the script's text) and the trapping child. */
const anyOf = (marker: string) => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
  try { return readFileSync(`/proc/${p}/cmdline`, 'latin1').includes(`sleep ${marker}`) || readFileSync(`/proc/${p}/cmdline`, 'latin1') === `sleep\0${marker}\0`; } catch { return false; }
});

/** Hang guard: the group goes within the grace period (2 s) idle. */
const GONE_MS = 60_000;

/** The step: records how many survivors of an earlier copy run as it starts, then (unless told to stop) leaves
 *  a child that ignores TERM, and waits for it. */
function runbook(dir: string, marker: string, timeout = ''): string {
  return writeRunbook(dir, 'remote', `name: remote
title: A step whose child ignores SIGTERM
inputs:
  config: { required: true }
targets:
  db_host: { ssh: { destination: runbook-sshd, config: "\${{ inputs.config }}" } }
steps:
  - id: remote
    target: db_host
    destructive: false
    safe_because: writes only the test's own marker file
    shell: |
      echo "start $(pgrep -xfc 'sleep ${marker}' || true)" >> ${join(dir, 'out')}
      [ ! -e ${join(dir, 'stop')} ] || exit 0
      (trap '' TERM; exec sleep ${marker}) &
      wait
${timeout}  - id: done
    end: resolved
  - id: late
    end: escalate
    message: timed out
`);
}

describe('a remote child that ignores SIGTERM', { skip: !existsSync(SSHD) && 'openssh-server is not installed', concurrency: true }, () => {
  for (const how of ['Ctrl-C (SIGINT)', 'the step timeout', 'kill -9 of runbook'] as const) {
    it(`${how}: the remote process group is ended, the child too`, async (t) => {
      const dir = scratch(t);
      const marker = String(20000 + Math.floor(Math.random() * 9000));
      const start = (limitS?: number) => cli(['run', runbook(dir, marker, limitS ? `    timeout: ${limitS}s\n    on: { timeout: late }\n` : ''), '--plain', '--no-transcript', '-i', `config=${sshd.config}`]);
      let r: Awaited<ReturnType<typeof start>>;
      if (how === 'the step timeout') {
        // The SSH connection and the step's start come out of the limit: a starved machine gets a longer one.
        ({ run: r } = await withStepTimeout([15, 90], start, () => survivors(marker).length === 1, 'the remote child'));
      } else {
        const run = start();
        let ended = false;
        void run.then(() => { ended = true; });
        await until(() => ended || survivors(marker).length === 1, 60_000, 'the remote child');
        if (ended) { const early = await run; assert.fail(`the run ended before the child ran: ${early.stdout}${early.stderr}`); }
        run.child.kill(how === 'Ctrl-C (SIGINT)' ? 'SIGINT' : 'SIGKILL');
        r = await run;
      }
      if (how === 'Ctrl-C (SIGINT)') assert.equal(r.code, 130, r.stdout + r.stderr);
      if (how === 'the step timeout') assert.match(r.stdout, /timed out/);
      assert.ok(await eventually(() => survivors(marker).length === 0, GONE_MS), `the child that ignores TERM was killed: ${survivors(marker).join(', ')}`);
    });
  }

  it('a resume right after kill -9 does not start the step beside the survivor', async (t) => {
    const dir = scratch(t);
    const marker = String(30000 + Math.floor(Math.random() * 9000));
    const transcript = join(dir, 't.jsonl');
    const run = cli(['run', runbook(dir, marker), '--plain', '--transcript', transcript, '-i', `config=${sshd.config}`]);
    let ended = false;
    void run.then(() => { ended = true; });
    await until(() => ended || survivors(marker).length === 1, 60_000, 'the remote child');
    if (ended) { const early = await run; assert.fail(`the run ended before the child ran: ${early.stdout}${early.stderr}`); }
    run.child.kill('SIGKILL');
    await run;
    await killedStepsGone(transcript); // the local side only: the remote group is the wrapper's to end
    writeFileSync(join(dir, 'stop'), '');
    const r = await cli(['resume', transcript, '--plain', '--approve', 'remote']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(finished(transcriptLines(transcript))!.outcome, 'resolved');
    assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'start 0\nstart 0\n', 'the resumed copy started once no survivor ran');
    assert.deepEqual(survivors(marker), []);
  });

  // The engine's death reaches the step there through the channel only (the ssh client has no supervisor
  // here): a copy that was still waiting for the lock when its engine died must not start once the lock frees.
  it('a copy whose engine was killed while it waited there for the lock starts nothing', async (t) => {
    const dir = scratch(t);
    const marker = String(50000 + Math.floor(Math.random() * 9000));
    // Its first command a builtin: a copy that starts at all gets as far as that line.
    const file = runbook(dir, marker);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/echo "start \$\(pgrep[^\n]*/, `echo start >> ${join(dir, 'out')}`));
    const first = cli(['run', file, '--plain', '--no-transcript', '-i', `config=${sshd.config}`]);
    await until(() => survivors(marker).length === 1, 60_000, 'the remote child');
    const second = cli(['run', file, '--plain', '--no-transcript', '-i', `config=${sshd.config}`]);
    await until(() => second.stdout().includes('an earlier copy of this step still runs here; waiting for it to end') || undefined, 60_000, 'the second copy to wait');
    second.child.kill('SIGKILL');
    await second;
    first.child.kill('SIGKILL');
    await first;
    assert.ok(await eventually(() => anyOf(marker).length === 0, GONE_MS), `nothing of either copy is left: ${anyOf(marker).join(', ')}`);
    assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'start\n', 'the copy whose engine had died never started');
  });

  it('a second copy of the step waits there until the first copy\'s group is gone, saying so', async (t) => {
    const dir = scratch(t);
    const marker = String(40000 + Math.floor(Math.random() * 9000));
    const file = runbook(dir, marker);
    const first = cli(['run', file, '--plain', '--no-transcript', '-i', `config=${sshd.config}`]);
    await until(() => survivors(marker).length === 1, 60_000, 'the remote child');
    writeFileSync(join(dir, 'stop'), '');
    const second = cli(['run', file, '--plain', '--no-transcript', '-i', `config=${sshd.config}`]);
    await until(() => second.stdout().includes('an earlier copy of this step still runs here; waiting for it to end') || undefined, 60_000, 'the second copy to wait');
    assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'start 0\n', 'the second copy has not started');
    first.child.kill('SIGKILL');
    await first;
    const r = await second;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'start 0\nstart 0\n', 'it started once the first copy\'s group was gone');
  });
});
