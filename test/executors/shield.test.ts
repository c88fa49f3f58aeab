// A proven read in a real run, as root, is shielded from files that act when opened or read (executors/shield.ts;
// probes of stop 66 reached /proc/kmsg in real runs by a relative path, through xargs, by recursion): its /dev is
// minimal and /proc/kmsg reads as /dev/null, however the path is built; everything else it reads is the host's.
// A step the author vouched for (safe_because) runs as before.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { refusedOrWithheld } from '../helpers/refused.js';

const root = process.getuid?.() === 0;
const bwrap = ['/usr/bin/bwrap', '/bin/bwrap'].some((p) => existsSync(p));

describe('the shield of a proven read in a real run', { skip: !root || !bwrap ? 'needs root and bwrap' : false }, () => {
  it('devices and /proc/kmsg are out of reach however the path is built; the host reads as it is; a vouched step is not shielded', async (t) => {
    const dir = scratch(t);
    const file = writeRunbook(dir, 'shield', `name: shield
title: Shield
steps:
  - id: relative
    shell: timeout 5 head -c 300 ../../../../../../../../proc/kmsg
    on: { failed: devices }
  - id: devices
    shell: ls /dev
  - id: host
    shell: head -n 1 /proc/meminfo; cat /etc/hostname; ps -p 1 -o pid=
  - id: vouched
    destructive: false
    safe_because: lists the devices (a test of what is not shielded)
    shell: ls /dev
  - { id: done, end: resolved, message: ok }
`);
    const r = await cli(['run', file, '--plain', '--no-transcript'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // Through xargs a path built on a pipe is no proven read at all since stop 71 (a pipe feeds only programs that
    // keep what they read here): refused before anything runs.
    const piped = writeRunbook(dir, 'piped', 'name: piped\ntitle: Piped\nsteps:\n  - id: piped\n    shell: echo /proc/kmsg | timeout 5 xargs head -c 300 || true\n  - { id: done, end: resolved }\n');
    const pv = await cli(['validate', piped]);
    assert.match(pv.stdout + pv.stderr, /gives data to 'xargs' on its input/);
    const out = r.stdout;
    const section = (id: string, next: string) => out.slice(out.indexOf(`start    ${id}`), out.indexOf(`start    ${next}`));
    // /proc/kmsg is /dev/null on a mount that allows no devices: opening it is refused, nothing is taken.
    for (const [id, next] of [['relative', 'devices']] as const) {
      assert.match(section(id, next), refusedOrWithheld('Permission denied'), `${id}: /proc/kmsg was opened`);
      // Withheld (a file others may not read) says nothing of what it printed: its status says the open failed.
      assert.match(section(id, next), new RegExp(`^FAILED +${id} \\(`, 'm'), `${id}: /proc/kmsg was opened`);
      assert.doesNotMatch(section(id, next), /\| <\d+>|\| \[\s*\d+\.\d+\]/, `${id}: a kernel message was read`);
    }
    const devices = section('devices', 'host');
    assert.match(devices, /\| null\n/);
    assert.doesNotMatch(devices, /watchdog|\| sd[a-z]|\| nvme|\| vd[a-z]|\| tty[0-9]|\| kmsg|\| mem\n|\| port\n/, 'a minimal /dev');
    assert.match(section('host', 'vouched'), /MemTotal/);
    assert.match(section('host', 'vouched'), /\|\s+1\n/, 'the host\'s processes');
    assert.match(section('vouched', 'done'), /\| (kmsg|mem|tty0|full|cpu)\n/, 'a vouched step sees the host\'s /dev');
  });

  it("another process's open files (its pipe here; a terminal is reopened the same way) are out of reach through /proc/PID/fd (a probe of stop 67 took a pipe's messages with pgrep | sed | xargs head)", async (t) => {
    const dir = scratch(t);
    // A root process reading a pipe (cat, fed by its shell's loop): what is written to it is its own.
    const victim = spawn('bash', ['-c', 'while :; do echo victim-message; sleep 0.02; done | cat > /dev/null'], { stdio: 'ignore' });
    t.after(() => { spawnSync('pkill', ['-KILL', '-P', String(victim.pid)]); victim.kill('SIGKILL'); });
    let reader = '';
    for (let i = 0; i < 100 && !reader; i++) {
      reader = spawnSync('pgrep', ['-P', String(victim.pid), '-x', 'cat'], { encoding: 'utf8' }).stdout.trim();
      if (!reader) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(reader, 'the victim reads its pipe');
    const file = writeRunbook(dir, 'fd', `name: fd
title: Fd
steps:
  - id: pipe
    shell: timeout 3 head -c 200 /proc/${reader}/fd/0 || true
  - id: listed
    shell: ps -p ${reader} -o comm=
  - { id: done, end: resolved, message: ok }
`);
    const r = await cli(['run', file, '--plain', '--no-transcript'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /victim-message/, 'the pipe was read');
    // The probe's own form (pgrep | sed | xargs head) is no proven read since stop 71: refused before it runs.
    const built = writeRunbook(dir, 'built', `name: built\ntitle: Built\nsteps:\n  - id: built\n    shell: "pgrep -P ${victim.pid} -x cat | sed 's|.*|/proc/&/fd/0|' | timeout 3 xargs head -c 200 || true"\n  - { id: done, end: resolved }\n`);
    const v = await cli(['validate', built]);
    assert.match(v.stdout + v.stderr, /gives data to 'xargs' on its input/);
    assert.match(r.stdout, refusedOrWithheld('Permission denied'));
    assert.match(r.stdout, /\| cat\n/, 'ps still reads the process');
  });
});
